from django.urls import include, path

app_name = "assessment"

urlpatterns = [
    path("", include("cocrea.assessment.urls_pages")),
    path("", include("cocrea.assessment.urls_recommendations")),
]
