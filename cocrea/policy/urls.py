from django.urls import include, path

app_name = "policy"

urlpatterns = [
    path("", include("cocrea.policy.urls_drafts")),
    path("", include("cocrea.policy.urls_plans")),
    path("", include("cocrea.policy.urls_responses")),
    path("", include("cocrea.policy.urls_exports")),
]
