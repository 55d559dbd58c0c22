"""Public pages of a poll: results, bulletin, receipt check and exports.

Anyone may read them, signed in or not. Draft and unknown polls are 404. The views only
check visibility and wrap what :mod:`voting.public` builds in a response.

- Results (page and exports) follow :func:`voting.selectors.results_visible`.
- The bulletin (and the ballots inside exports) only exist once the poll is closed or
  published: before that it is a 404, so the list of ballots cannot be watched growing
  while people vote. (The results page says when it will be available.)
- Receipt checks are rate-limited per client address (:data:`RECEIPT_CHECKS` a minute).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from cocrea import ratelimit
from voting import public, selectors
from voting.models import Poll, PollStatus, ResultsVisibility

RECEIPT_CHECKS = 30
RECEIPT_WINDOW = 60


def _poll(poll_id: int) -> Poll:
    poll = public.public_poll(poll_id)
    if poll is None:
        raise Http404
    return poll


def _context(poll: Poll) -> dict[str, object]:
    return {
        "poll": poll,
        "method_name": public.method_name(poll.method),
        "ballots_public": public.ballots_public(poll),
        "visible": selectors.results_visible(poll),
        "shown_on_close": poll.results_visibility
        in (ResultsVisibility.AFTER_CLOSE, ResultsVisibility.LIVE),
        "status_label": PollStatus(poll.status).label,
    }


@never_cache
@require_GET
def results(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = _poll(poll_id)
    context = _context(poll)
    if context["visible"]:
        context["results"] = public.results(poll)
    return render(request, "voting/results.html", context)


@never_cache
@require_GET
def bulletin(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = _poll(poll_id)
    if not public.ballots_public(poll):
        raise Http404
    response = JsonResponse(
        public.bulletin_document(poll), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = f'attachment; filename="votacion-{poll.pk}-boletin.json"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def receipt_check(request: HttpRequest, poll_id: int) -> HttpResponse:
    poll = _poll(poll_id)
    context = _context(poll)
    context.update(code="", status=None, error=None)
    if request.method == "POST":
        key = f"receipt:{ratelimit.client_address(request.META)}"
        if not ratelimit.hit(key, limit=RECEIPT_CHECKS, window=RECEIPT_WINDOW):
            return render(request, "voting/receipt_limited.html", context, status=429)
        code = request.POST.get("code", "").strip()[:200]
        context["code"] = code
        if not code:
            context["error"] = "empty"
            return render(request, "voting/receipt.html", context, status=400)
        context["status"] = public.receipt_status(poll, code)
    return render(request, "voting/receipt.html", context)


def _json(poll: Poll) -> str:
    return json.dumps(public.export_json(poll), ensure_ascii=False, indent=2)


@dataclass(frozen=True)
class Format:
    content_type: str
    render: Callable[[Poll], str | bytes]


FORMATS: dict[str, Format] = {
    "csv": Format("text/csv; charset=utf-8", public.export_csv),
    "xlsx": Format(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", public.export_xlsx
    ),
    "json": Format("application/json", _json),
}


@never_cache
@require_GET
def export(request: HttpRequest, poll_id: int, fmt: str) -> HttpResponse:
    found = FORMATS.get(fmt)
    if found is None:
        raise Http404
    poll = _poll(poll_id)
    if not selectors.results_visible(poll):
        raise Http404
    body = found.render(poll)
    response = HttpResponse(
        body.encode("utf-8") if isinstance(body, str) else body, content_type=found.content_type
    )
    response["Content-Disposition"] = f'attachment; filename="votacion-{poll.pk}-resultados.{fmt}"'
    return response
