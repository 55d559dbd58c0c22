from django.urls import path

from frontend import live_views

app_name = "live"

urlpatterns = [
    path("s/", live_views.enter_code, name="enter"),
    path("s/<str:code>/", live_views.join, name="join"),
    path("s/<str:code>/qr.svg", live_views.qr_svg, name="qr"),
    path("s/<str:code>/proyector/", live_views.projector, name="projector"),
    path("facilitar/<str:code>/", live_views.console, name="console"),
    path("facilitar/<str:code>/actividades/", live_views.activity_create, name="activity_create"),
    path("procesos/<slug:slug>/sesiones/nueva/", live_views.session_create, name="session_create"),
]
