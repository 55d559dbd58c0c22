"""Downloads of a canvas for the team running the session: CSV, XLSX, JSON, SVG.

The views only check access and wrap what :mod:`canvases.exports` builds in a
response. Exports name note authors unless the canvas is anonymous."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from canvases import exports
from canvases.models import Canvas
from cocrea.accounts.rules import can_facilitate, is_entity_staff
from sessions.codes import normalize_code
from sessions.live_selectors import session_by_code
from sessions.models import ActivityKind


def _json(canvas: Canvas, *, include_authors: bool) -> str:
    data = exports.export_json(canvas, include_authors=include_authors)
    return json.dumps(data, ensure_ascii=False, indent=2)


@dataclass(frozen=True)
class Format:
    content_type: str
    render: Callable[..., str | bytes]


FORMATS: dict[str, Format] = {
    "csv": Format("text/csv; charset=utf-8", exports.export_csv),
    "xlsx": Format(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", exports.export_xlsx
    ),
    "json": Format("application/json", _json),
    "svg": Format("image/svg+xml", exports.export_svg),
}


def _canvas_for(request: HttpRequest, code: str, activity_id: int) -> Canvas:
    """The canvas of that activity in that session, if the user may export it.

    Anyone else gets a 404 (not a 403), so the page does not confirm that a session
    or activity exists to people outside the entity."""
    session = session_by_code(normalize_code(code) or "")
    if session is None:
        raise Http404
    entity = session.entity
    if not (can_facilitate(request.user, entity) or is_entity_staff(request.user, entity)):
        raise Http404
    canvas = (
        Canvas.objects.select_related("activity__session", "methodology")
        .filter(activity_id=activity_id, activity__session=session)
        .filter(activity__kind=ActivityKind.CANVAS)
        .first()
    )
    if canvas is None:
        raise Http404
    return canvas


@login_required
@never_cache
@require_GET
def export(request: HttpRequest, code: str, activity_id: int, fmt: str) -> HttpResponse:
    found = FORMATS.get(fmt)
    if found is None:
        raise Http404
    canvas = _canvas_for(request, code, activity_id)
    body = found.render(canvas, include_authors=not canvas.anonymous)
    response = HttpResponse(
        body.encode("utf-8") if isinstance(body, str) else body,
        content_type=found.content_type,
    )
    filename = f"lienzo-{canvas.activity.session.code}-{canvas.activity_id}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    if fmt == "svg":
        # Opened directly in a browser, an SVG is a document that could run script;
        # ours has none, and this makes sure no injected markup could either.
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
