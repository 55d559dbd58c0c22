"""Public pages of a poll: results, bulletin, receipt check and exports.

Anyone may read them, signed in or not. Draft and unknown polls are 404. The views only
check visibility and wrap what :mod:`voting.public` builds in a response.

- Results (page and exports) follow :func:`voting.selectors.results_visible`.
- The bulletin (and the ballots inside exports) only exist once the poll is closed or
  published: before that it is a 404, so the list of ballots cannot be watched growing
  while people vote. (The results page says when it will be available.)
- Receipt checks are rate-limited per client address (:data:`RECEIPT_CHECKS` a minute).

Voting outside a live session (polls with ``eligibility`` ``entity`` or ``codes``) has
its own page, :func:`ballot_page`, and a JSON endpoint, :func:`ballot_submit`; the
entity's team prints codes from :func:`codes_manage`. Session polls are voted in the
live session only.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cocrea import ratelimit
from voting import public, selectors, services
from voting.live import poll_description
from voting.models import Eligibility, Poll, PollStatus, ResultsVisibility

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


# --- voting outside a live session -------------------------------------------------------

# Wrong voting codes per client address per minute (typing mistakes are fine; guessing a
# 60-bit code is hopeless anyway, this keeps the logs and the database quiet).
CODE_ATTEMPTS = ratelimit.CODE_ATTEMPTS
CODE_WINDOW = ratelimit.CODE_WINDOW

# Errors that are about the moment, not about the ballot: 409 Conflict.
CONFLICTS = {"not_open", "closed", "already_voted"}


def _any_poll(poll_id: int) -> Poll:
    """Drafts included: a printed sheet may be scanned before the vote opens, and the
    team manages drafts."""
    poll = Poll.objects.select_related("entity").filter(pk=poll_id).first()
    if poll is None:
        raise Http404
    return poll


def _code_key(request: HttpRequest) -> str:
    return f"voting-code:{ratelimit.client_address(request.META)}"


def _code_limited(request: HttpRequest) -> bool:
    # Only wrong codes are counted; once CODE_ATTEMPTS of them are, further tries wait.
    return ratelimit.exceeded(_code_key(request), limit=CODE_ATTEMPTS - 1)


def _code_failed(request: HttpRequest) -> None:
    ratelimit.hit(_code_key(request), limit=CODE_ATTEMPTS, window=CODE_WINDOW)


def _ballot_context(poll: Poll, **extra: Any) -> dict[str, Any]:
    context = _context(poll)
    context.update(
        page_name=_("Votar"),
        state="",
        code="",
        error=None,
        login_url="",
        poll_data=None,
    )
    context.update(extra)
    return context


def _ballot_state(request: HttpRequest, poll: Poll) -> tuple[str, int]:
    """What the page shows before any code is typed, and with which HTTP status."""
    if poll.eligibility == Eligibility.SESSION:
        return "session", 200
    if poll.status == PollStatus.DRAFT:
        return "not_open", 200
    if poll.status != PollStatus.OPEN:
        return "closed", 200
    if poll.eligibility == Eligibility.CODES:
        return "code_form", 200
    if not selectors.is_entity_citizen(request.user, poll.entity):
        return "forbidden", 403
    if selectors.voter_has_voted(poll, services.user_voter_key(request.user)):
        return "voted", 200
    return "ballot", 200


def _poll_data(poll: Poll, *, voted: bool) -> dict[str, Any]:
    return {**poll_description(poll), "voted": voted}


@never_cache
@require_http_methods(["GET", "POST"])
def ballot_page(request: HttpRequest, poll_id: int) -> HttpResponse:
    """Vote in a poll outside a live session.

    Entity polls need a signed-in citizen of the entity. Code polls ask for the code
    first (GET: the form; POST: check it, then show the ballot); the ballot itself is
    drawn by ``ballot-page.js`` and sent to :func:`ballot_submit`."""
    poll = _any_poll(poll_id)
    if (
        poll.eligibility == Eligibility.ENTITY
        and poll.status == PollStatus.OPEN
        and not request.user.is_authenticated
    ):
        return redirect_to_login(request.get_full_path())
    state, status = _ballot_state(request, poll)
    context = _ballot_context(
        poll,
        state=state,
        can_manage=poll.eligibility == Eligibility.CODES
        and selectors.can_manage_poll(request.user, poll),
    )
    if state == "ballot":
        context["poll_data"] = _poll_data(poll, voted=False)
    if state == "code_form" and request.method == "POST":
        if _code_limited(request):
            context.update(state="code_form", error="rate_limited")
            return render(request, "voting/ballot_page.html", context, status=429)
        raw = request.POST.get("code", "")[:100]
        context["code"] = raw
        try:
            found = services.code_lookup(poll, raw)
        except ValidationError:
            _code_failed(request)
            context["error"] = "invalid_code"
            return render(request, "voting/ballot_page.html", context, status=400)
        if selectors.voter_has_voted(poll, services.code_voter_key(found)):
            context["error"] = "already_voted"
            return render(request, "voting/ballot_page.html", context, status=409)
        context.update(state="ballot", poll_data=_poll_data(poll, voted=False))
    return render(request, "voting/ballot_page.html", context, status=status)


def _error(code: str, message: str, status: int, field: str | None = None) -> JsonResponse:
    return JsonResponse(
        {"error": {"code": code, "field": field, "message": message}}, status=status
    )


def _validation_error(exc: ValidationError) -> JsonResponse:
    if hasattr(exc, "error_dict"):  # {field: [errors]}
        field, errors = next(iter(exc.error_dict.items()))
        first = errors[0]
        return _error(first.code or "invalid", first.messages[0], 400, field)
    first = exc.error_list[0]
    params = first.params or {}
    code = first.code or "invalid"
    status = 409 if code in CONFLICTS else 400
    field = params.get("field") if isinstance(params, dict) else None
    return _error(code, first.messages[0], status, field)


# ballot_change's refusals that are about the receipt (or the right to change), not
# about the ballot: answered with ``"field": "receipt"`` so the page marks that field.
RECEIPT_ERRORS = {"change_not_allowed", "bad_receipt", "not_voted"}


def _submit(
    request: HttpRequest, poll: Poll, body: dict[str, Any], op_id: str | None, receipt: str | None
) -> str:
    """Cast (or, with ``receipt``, change) the ballot in ``body``; returns the receipt."""
    raw_code = body.get("code")
    code = raw_code if isinstance(raw_code, str) else ""
    if receipt is not None and poll.eligibility == Eligibility.CODES:
        return services.ballot_change_with_code(
            poll=poll, code=code, receipt_code=receipt, content=body["ballot"], op_id=op_id
        )
    if receipt is not None:
        return services.ballot_change_as_citizen(
            poll=poll, user=request.user, receipt_code=receipt, content=body["ballot"], op_id=op_id
        )
    if poll.eligibility == Eligibility.CODES:
        return services.ballot_cast_with_code(
            poll=poll, code=code, content=body["ballot"], op_id=op_id
        )
    return services.ballot_cast_as_citizen(
        poll=poll, user=request.user, content=body["ballot"], op_id=op_id
    )


@never_cache
@require_POST
def ballot_submit(request: HttpRequest, poll_id: int) -> JsonResponse:
    """``POST {"ballot", "op_id", "code"?, "receipt"?}`` (JSON, CSRF header) →
    ``{"receipt"}`` (plus ``"changed": true`` with ``receipt``) or ``{"error": {"code",
    "field", "message"}}`` with 400, 403, 409 or 429.

    With ``receipt`` (the voter's current receipt code) the ballot *replaces* the voter's
    vote, in polls with ``allow_change``; the answer is the new receipt."""
    poll = _any_poll(poll_id)
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict) or "ballot" not in body:
        return _error(
            "invalid_request", _("Falta el voto («ballot») en la solicitud."), 400, "ballot"
        )
    op_id = body.get("op_id")
    if op_id is not None and (not isinstance(op_id, str) or not 0 < len(op_id) <= 64):
        return _error(
            "invalid_request", _("«op_id» debe ser un texto de 1 a 64 caracteres."), 400, "op_id"
        )
    receipt = body.get("receipt")
    if receipt is not None:
        receipt = receipt.strip() if isinstance(receipt, str) else ""
        if not 0 < len(receipt) <= 200:
            return _error(
                "invalid_request",
                _("Escriba su código de comprobante (hasta 200 caracteres)."),
                400,
                "receipt",
            )
    if poll.eligibility == Eligibility.SESSION:
        return _error("forbidden", _("Esta votación se vota dentro de su sesión en vivo."), 403)
    if poll.eligibility == Eligibility.ENTITY and not request.user.is_authenticated:
        return _error("login_required", _("Ingrese con su cuenta para votar."), 403, None)
    if poll.eligibility == Eligibility.CODES and _code_limited(request):
        return _error(
            "rate_limited",
            _("Demasiados códigos equivocados; espere un minuto e intente de nuevo."),
            429,
            "code",
        )
    try:
        new_receipt = _submit(request, poll, body, op_id, receipt)
    except PermissionDenied as exc:
        return _error("forbidden", str(exc), 403)
    except ValidationError as exc:
        code = getattr(exc, "code", None)
        if code == "invalid_code":
            _code_failed(request)
        if code in RECEIPT_ERRORS:
            return _error(code, exc.messages[0], 400, "receipt")
        return _validation_error(exc)
    if receipt is not None:
        return JsonResponse({"receipt": new_receipt, "changed": True})
    return JsonResponse({"receipt": new_receipt})


# --- voting codes: the team's page and the printable sheet -------------------------------


def codes_sheet_pdf(poll: Poll, issued: services.IssuedCodes, ballot_url: str) -> bytes:
    """The printable sheet of a batch: instructions and one cut-out card per code, each
    with a QR code opening the ballot page with the code in the URL fragment (the part
    after ``#`` never reaches the server, so codes do not end up in access logs)."""
    from weasyprint import HTML  # heavy import (pango): only when a sheet is printed

    # A fixed mask skips segno's search over the eight masks (6× faster; 2000 cards must
    # print within a request), and 1 pixel per module keeps the PNG tiny: the sheet scales
    # it up without smoothing (image-rendering: pixelated), so the print stays sharp.
    cards = [
        {
            "code": code,
            "qr": segno.make_qr(f"{ballot_url}#codigo={code}", error="m", mask=0).png_data_uri(
                scale=1, border=2
            ),
        }
        for code in issued.codes
    ]
    html = render_to_string(
        "voting/codes_sheet.html",
        {
            "poll": poll,
            "batch": issued.batch,
            "cards": cards,
            "ballot_url": ballot_url,
            "printed": timezone.localtime(),
        },
    )
    return HTML(string=html).write_pdf()


def ballot_url(request: HttpRequest, poll: Poll) -> str:
    return request.build_absolute_uri(reverse("voting:ballot", args=[poll.pk]))


def _pdf_response(poll: Poll, issued: services.IssuedCodes, pdf: bytes) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="votacion-{poll.pk}-codigos-lote-{issued.batch}.pdf"'
    )
    return response


def _manager_poll(request: HttpRequest, poll_id: int) -> Poll:
    poll = _any_poll(poll_id)
    if not selectors.can_manage_poll(request.user, poll):
        raise PermissionDenied
    return poll


def _manage_context(poll: Poll, **extra: Any) -> dict[str, Any]:
    context = _context(poll)
    context.update(
        page_name=_("Códigos de votación"),
        batches=selectors.code_batches(poll),
        max_codes=services.MAX_CODES,
        can_issue=poll.eligibility == Eligibility.CODES
        and poll.status in (PollStatus.DRAFT, PollStatus.OPEN),
        count_value="",
        count_error="",
    )
    context.update(extra)
    return context


@never_cache
@require_GET
def codes_manage(request: HttpRequest, poll_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    poll = _manager_poll(request, poll_id)
    context = _manage_context(poll, ballot_url=ballot_url(request, poll))
    return render(request, "voting/codes_manage.html", context)


@never_cache
@require_POST
def codes_sheet(request: HttpRequest, poll_id: int) -> HttpResponse:
    """Generate a batch and answer with its PDF: the only time its codes exist."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("voting:codes", args=[poll_id]))
    poll = _manager_poll(request, poll_id)
    raw = request.POST.get("count", "").strip()
    count = int(raw) if raw.isdigit() else -1
    try:
        issued = services.codes_issue(poll=poll, count=count, actor=request.user)
    except ValidationError as exc:
        message = (
            exc.message_dict.get("count", exc.messages)[0]
            if hasattr(exc, "error_dict")
            else exc.messages[0]
        )
        context = _manage_context(
            poll, ballot_url=ballot_url(request, poll), count_value=raw[:10], count_error=message
        )
        return render(request, "voting/codes_manage.html", context, status=400)
    return _pdf_response(poll, issued, codes_sheet_pdf(poll, issued, ballot_url(request, poll)))


@never_cache
@require_POST
def codes_void(request: HttpRequest, poll_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("voting:codes", args=[poll_id]))
    poll = _manager_poll(request, poll_id)
    raw = request.POST.get("batch", "").strip()
    try:
        voided = services.codes_void(
            poll=poll, batch=int(raw) if raw.isdigit() else -1, actor=request.user
        )
    except ValidationError:
        context = _manage_context(poll, ballot_url=ballot_url(request, poll))
        messages.error(request, _("No existe ese lote de códigos."))
        return render(request, "voting/codes_manage.html", context, status=400)
    messages.success(
        request,
        _("Lote %(batch)s anulado: %(count)d códigos dejaron de servir.")
        % {"batch": raw, "count": voided},
    )
    return redirect("voting:codes", poll_id=poll.pk)
