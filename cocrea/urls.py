from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView

from cocrea.accounts.views import LoginView
from cocrea.api_docs import SwaggerUIView
from cocrea.health import healthz
from cocrea.toolkit.api import router as toolkit_router
from sessions.api import router as sessions_router
from voting.api import router as voting_router

api_v1 = [
    path("toolkit/", include(toolkit_router.urls)),
    path("", include(sessions_router.urls)),
    path("", include(voting_router.urls)),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # The admin's own login form would bypass the limits on failed sign-ins: send it
    # to ours (staff come back to ?next=/admin/… once signed in).
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="login", query_string=True),
        name="admin-login",
    ),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("cuenta/ingresar/", LoginView.as_view(), name="login"),
    path("cuenta/salir/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SwaggerUIView.as_view(url_name="schema"), name="api-docs"),
    path("", include("canvases.urls")),
    path("", include("voting.urls")),
    path("", include("cocrea.policy.urls")),
    path("", include("cocrea.assessment.urls")),
    path("", include("cocrea.privacy.urls")),
    path("", include("cocrea.audit.urls")),
    path("", include("frontend.live_urls")),
    path("", include("frontend.urls")),
]

handler400 = "frontend.views.bad_request"
handler404 = "frontend.views.page_not_found"
handler500 = "frontend.views.server_error"
