"""Downloads of the policy documents: the lineamiento draft, action plans and session
reports as DOCX, PDF, XLSX, CSV and a Frictionless data package (ZIP of CSV files, or
one JSON document with the rows inline).

The views only check access and wrap what :mod:`cocrea.policy.exports` builds in a
response. Published versions are public. Working copies (``…/borrador/exportar.*``)
and session reports are for the entity's team (:func:`can_view_policy`); anyone else
gets a 404, never a 403, so the URL does not confirm that an unpublished draft exists.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cocrea.policy.exports import data, datapackage, docx, pdf, tabular
from cocrea.policy.models import ActionPlan, Draft, DraftVersion, PlanVersion
from cocrea.policy.rules import can_view_policy
from cocrea.policy.views.lookups import visible_process
from sessions.codes import normalize_code
from sessions.live_selectors import session_by_code
from sessions.models import Process


@dataclass(frozen=True)
class Format:
    content_type: str
    render: Callable[..., str | bytes]


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


def _draft_zip(doc: data.DraftDocument) -> bytes:
    return datapackage.package_zip(
        tabular.draft_tables(doc),
        name=f"{doc.process_slug}-lineamientos",
        title=f"{doc.document_title}: {doc.title}",
        description=f"{doc.entity} · {doc.process} · {doc.version_text}",
    )


def _plan_zip(doc: data.PlanDocument, responses: list[data.ResponseRow]) -> bytes:
    return datapackage.package_zip(
        tabular.plan_tables(doc, responses),
        name=f"{doc.process_slug}-plan",
        title=f"{doc.document_title}: {doc.title}",
        description=f"{doc.entity} · {doc.process} · {doc.version_text}",
    )


def _draft_json(doc: data.DraftDocument) -> str:
    package = datapackage.package_json(
        tabular.draft_tables(doc),
        name=f"{doc.process_slug}-lineamientos",
        title=f"{doc.document_title}: {doc.title}",
        description=f"{doc.entity} · {doc.process} · {doc.version_text}",
    )
    return json.dumps(package, ensure_ascii=False, indent=2)


def _plan_json(doc: data.PlanDocument, responses: list[data.ResponseRow]) -> str:
    package = datapackage.package_json(
        tabular.plan_tables(doc, responses),
        name=f"{doc.process_slug}-plan",
        title=f"{doc.document_title}: {doc.title}",
        description=f"{doc.entity} · {doc.process} · {doc.version_text}",
    )
    return json.dumps(package, ensure_ascii=False, indent=2)


DRAFT_FORMATS: dict[str, Format] = {
    "docx": Format(DOCX, docx.draft_docx),
    "pdf": Format("application/pdf", pdf.draft_pdf),
    "xlsx": Format(XLSX, tabular.draft_xlsx),
    "csv": Format(CSV, tabular.draft_csv),
    "zip": Format("application/zip", _draft_zip),
    "json": Format("application/json", _draft_json),
}

PLAN_FORMATS: dict[str, Format] = {
    "docx": Format(DOCX, lambda doc, responses: docx.plan_docx(doc)),
    "pdf": Format("application/pdf", lambda doc, responses: pdf.plan_pdf(doc)),
    "xlsx": Format(XLSX, tabular.plan_xlsx),
    "csv": Format(CSV, lambda doc, responses: tabular.plan_csv(doc)),
    "zip": Format("application/zip", _plan_zip),
    "json": Format("application/json", _plan_json),
}

SESSION_FORMATS: dict[str, Format] = {
    "docx": Format(DOCX, docx.session_docx),
    "pdf": Format("application/pdf", pdf.session_pdf),
    "xlsx": Format(XLSX, tabular.session_xlsx),
}


def _download(body: str | bytes, fmt: Format, filename: str, *, private: bool) -> HttpResponse:
    response = HttpResponse(
        body.encode("utf-8") if isinstance(body, str) else body, content_type=fmt.content_type
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    if private:
        # Team documents must not linger in shared caches or the browser's.
        patch_cache_control(response, private=True, no_store=True, max_age=0)
    return response


def _format(formats: dict[str, Format], fmt: str) -> Format:
    found = formats.get(fmt)
    if found is None:
        raise Http404
    return found


_process = visible_process


def _team_only(request: HttpRequest, process: Process) -> None:
    if not can_view_policy(request.user, process):
        raise Http404


def _filename(*parts: Any) -> str:
    return "-".join(slugify(str(p)) for p in parts if str(p)) or "documento"


# --- the draft ---------------------------------------------------------------------------


def _published_draft(process: Process, number: int | None) -> tuple[Draft, DraftVersion]:
    draft = Draft.objects.filter(process=process).first()
    versions = DraftVersion.objects.filter(draft=draft) if draft else DraftVersion.objects.none()
    version = (
        versions.order_by("-number").first()
        if number is None
        else versions.filter(number=number).first()
    )
    if draft is None or version is None:
        raise Http404
    return draft, version


@require_GET
def draft_export(
    request: HttpRequest, slug: str, fmt: str, number: int | None = None
) -> HttpResponse:
    """A published version of the draft (the latest without ``number``): public."""
    found = _format(DRAFT_FORMATS, fmt)
    process = _process(request, slug)
    draft, version = _published_draft(process, number)
    doc = data.draft_document(draft, version)
    name = _filename(_("lineamientos"), process.slug, f"v{version.number}")
    return _download(found.render(doc), found, f"{name}.{fmt}", private=False)


@require_GET
def draft_working_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The working copy of the draft (a valid, empty document before any item): team."""
    found = _format(DRAFT_FORMATS, fmt)
    process = _process(request, slug)
    _team_only(request, process)
    draft = Draft.objects.filter(process=process).first()
    doc = data.draft_document(draft) if draft else data.empty_draft_document(process)
    name = _filename(_("lineamientos"), process.slug, _("borrador"))
    return _download(found.render(doc), found, f"{name}.{fmt}", private=True)


# --- action plans ------------------------------------------------------------------------


def _plan(process: Process, plan_id: int) -> ActionPlan:
    plan = ActionPlan.objects.filter(process=process, pk=plan_id).first()
    if plan is None:
        raise Http404
    return plan


@require_GET
def plan_export(
    request: HttpRequest, slug: str, plan_id: int, fmt: str, number: int | None = None
) -> HttpResponse:
    """A published version of a plan (the latest without ``number``): public. Its
    reasoned responses appear as counts per status; the one-by-one table of responses
    is left to the team's working copy."""
    found = _format(PLAN_FORMATS, fmt)
    process = _process(request, slug)
    plan = _plan(process, plan_id)
    versions = PlanVersion.objects.filter(plan=plan)
    version = (
        versions.order_by("-number").first()
        if number is None
        else versions.filter(number=number).first()
    )
    if version is None:
        raise Http404
    doc = data.plan_document(plan, version)
    name = _filename(_("plan"), process.slug, plan.pk, f"v{version.number}")
    return _download(found.render(doc, []), found, f"{name}.{fmt}", private=False)


@require_GET
def plan_working_export(request: HttpRequest, slug: str, plan_id: int, fmt: str) -> HttpResponse:
    """The working copy of a plan, with the response to each contribution: team."""
    found = _format(PLAN_FORMATS, fmt)
    process = _process(request, slug)
    _team_only(request, process)
    plan = _plan(process, plan_id)
    doc = data.plan_document(plan)
    name = _filename(_("plan"), process.slug, plan.pk, _("borrador"))
    body = found.render(doc, data.response_rows(process))
    return _download(body, found, f"{name}.{fmt}", private=True)


# --- session reports -----------------------------------------------------------------------


@require_GET
def session_report(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """The report of a live session: team only."""
    found = _format(SESSION_FORMATS, fmt)
    session = session_by_code(normalize_code(code) or "")
    if session is None:
        raise Http404
    _team_only(request, session.stage.process)
    report = data.session_report(session)
    name = _filename(_("informe"), session.code)
    return _download(found.render(report), found, f"{name}.{fmt}", private=True)
