"""Routes of the policy documents' downloads (see views/exports.py).

``exportar.<fmt>`` is the latest published version (public), ``v<n>/exportar.<fmt>`` a
given published version (public) and ``borrador/exportar.<fmt>`` the working copy (the
entity's team). Formats: docx, pdf, xlsx, csv, zip and json (Frictionless data package);
session reports: pdf, docx, xlsx."""

from django.urls import URLPattern, path

from cocrea.policy.views import exports

urlpatterns: list[URLPattern] = [
    path(
        "procesos/<slug:slug>/lineamientos/exportar.<slug:fmt>",
        exports.draft_export,
        name="draft_export",
    ),
    path(
        "procesos/<slug:slug>/lineamientos/v<int:number>/exportar.<slug:fmt>",
        exports.draft_export,
        name="draft_version_export",
    ),
    path(
        "procesos/<slug:slug>/lineamientos/borrador/exportar.<slug:fmt>",
        exports.draft_working_export,
        name="draft_working_export",
    ),
    path(
        "procesos/<slug:slug>/planes/<int:plan_id>/exportar.<slug:fmt>",
        exports.plan_export,
        name="plan_export",
    ),
    path(
        "procesos/<slug:slug>/planes/<int:plan_id>/v<int:number>/exportar.<slug:fmt>",
        exports.plan_export,
        name="plan_version_export",
    ),
    path(
        "procesos/<slug:slug>/planes/<int:plan_id>/borrador/exportar.<slug:fmt>",
        exports.plan_working_export,
        name="plan_working_export",
    ),
    path("sesiones/<str:code>/informe.<slug:fmt>", exports.session_report, name="session_report"),
]
