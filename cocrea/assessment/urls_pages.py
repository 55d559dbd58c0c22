"""Routes of the staged model's pages (see views_pages.py): an entity's self-assessments
under ``entidades/<slug>/autodiagnostico/`` (its team only) and the public ``etapas/``."""

from django.urls import URLPattern, path

from cocrea.assessment import views_pages as views

PREFIX = "entidades/<slug:slug>/autodiagnostico/"

urlpatterns: list[URLPattern] = [
    path(PREFIX, views.assessment_list, name="list"),
    path(f"{PREFIX}empezar/", views.assessment_start, name="start"),
    path(f"{PREFIX}progreso/", views.assessment_progress, name="progress"),
    path(f"{PREFIX}visibilidad/", views.visibility_set, name="visibility"),
    path(f"{PREFIX}<int:pk>/", views.assessment_detail, name="detail"),
    path(f"{PREFIX}<int:pk>/informe.pdf", views.assessment_report, name="report"),
    path("etapas/", views.public_stages, name="public_stages"),
]
