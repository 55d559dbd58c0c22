"""The lookups every policy page starts from."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from sessions.models import Process
from sessions.rules import can_view_process
from sessions.selectors import process_by_slug


def visible_process(request: HttpRequest, slug: str) -> Process:
    """The process by its slug, or 404. A draft process is its team's alone: to anyone
    else it — and every document under it — does not exist."""
    try:
        process = process_by_slug(slug)
    except Process.DoesNotExist as exc:
        raise Http404(_("No existe ese proceso.")) from exc
    if not can_view_process(request.user, process):
        raise Http404(_("No existe ese proceso."))
    return process
