from django.urls import URLPattern, path

from cocrea.assessment import views_recommendations as views

# Routes of the staged model's "recommendations" (see views_recommendations.py).
urlpatterns: list[URLPattern] = [
    path(
        "entidades/<slug:slug>/autodiagnostico/iniciar-proceso/",
        views.start_process,
        name="start_process",
    ),
]
