"""Pages of the reasoned response: the team's page to answer each contribution, the
public summary of a process's responses, and "my contributions" for participants
without an account. Views translate: read the request, call a selector or service,
render."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cocrea.policy.models import ResponseStatus
from cocrea.policy.rules import can_edit_policy
from cocrea.policy.selectors import responses as selectors
from cocrea.policy.services.responses import response_set, response_set_many
from cocrea.policy.views.lookups import visible_process
from sessions.models import Process

FIELDS = ("status", "item", "commitment", "merged_into", "reason")


@dataclass
class FailedForm:
    """A refused form, shown again with what was typed and the errors by field."""

    ref: str
    values: dict[str, Any]
    errors: dict[str, str]

    @property
    def anchor(self) -> str:
        return "c-" + self.ref.replace(":", "-")


_visible_process = visible_process


def _managed_process(request: HttpRequest, slug: str) -> Process:
    process = _visible_process(request, slug)
    if not can_edit_policy(request.user, process):
        # Answering is the officials' work; to others the page does not exist.
        raise Http404(_("No existe esa página."))
    return process


def _posted(request: HttpRequest) -> dict[str, Any]:
    return {name: request.POST.get(name, "") for name in FIELDS}


def _failed(ref: str, values: dict[str, Any], exc: ValidationError) -> FailedForm:
    errors: dict[str, str] = {}
    for name, texts in exc.message_dict.items():
        key = name if name in (*FIELDS, "ref", "refs") else "other"
        errors[key] = " ".join(filter(None, (errors.get(key), *texts)))
    # The templates compare the selects' options with these names.
    shown = {**values, "item_id": values["item"], "commitment_id": values["commitment"]}
    return FailedForm(ref=ref, values=shown, errors=errors)


def _manage_page(
    request: HttpRequest,
    process: Process,
    *,
    failed: FailedForm | None = None,
    bulk_failed: FailedForm | None = None,
    status: int = 200,
) -> HttpResponse:
    data = selectors.responses_of_process(process, include_withdrawn=True)
    items, commitments = selectors.response_targets(process)
    return render(
        request,
        "policy/response_manage.html",
        {
            "process": process,
            "data": data,
            "items": items,
            "commitments": commitments,
            "refs": [(c.ref, c.text) for c in data.contributions if c.current],
            "statuses": ResponseStatus.choices,
            "failed": failed,
            "bulk_failed": bulk_failed,
            "selected": set(request.POST.getlist("refs")) if bulk_failed else set(),
            # The team may see what unpublished items and commitments are called.
            "team": True,
        },
        status=status,
    )


@require_GET
def responses_public(request: HttpRequest, slug: str) -> HttpResponse:
    process = _visible_process(request, slug)
    return render(
        request,
        "policy/responses.html",
        {
            "process": process,
            "data": selectors.responses_of_process(process),
            "can_manage": can_edit_policy(request.user, process),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def responses_manage(request: HttpRequest, slug: str) -> HttpResponse:
    process = _managed_process(request, slug)
    if request.method == "GET":
        return _manage_page(request, process)
    ref = request.POST.get("ref", "")
    values = _posted(request)
    try:
        response = response_set(
            process,
            ref,
            values["status"],
            item=values["item"] or None,
            commitment=values["commitment"] or None,
            merged_into=values["merged_into"],
            reason=values["reason"],
            actor=request.user,
        )
    except ValidationError as exc:
        return _manage_page(request, process, failed=_failed(ref, values, exc), status=400)
    messages.success(
        request,
        _("Respuesta guardada: %(status)s.") % {"status": response.get_status_display()},
    )
    anchor = "c-" + response.ref.replace(":", "-")
    return HttpResponseRedirect(f"{reverse('policy:responses_manage', args=[slug])}#{anchor}")


@never_cache
@require_POST
def responses_bulk(request: HttpRequest, slug: str) -> HttpResponse:
    process = _managed_process(request, slug)
    values = _posted(request)
    try:
        saved = response_set_many(
            process,
            request.POST.getlist("refs"),
            values["status"],
            item=values["item"] or None,
            commitment=values["commitment"] or None,
            merged_into=values["merged_into"],
            reason=values["reason"],
            actor=request.user,
        )
    except ValidationError as exc:
        return _manage_page(request, process, bulk_failed=_failed("", values, exc), status=400)
    messages.success(
        request,
        _("Respuesta guardada para %(count)d aportes.") % {"count": len(saved)},
    )
    return HttpResponseRedirect(reverse("policy:responses_manage", args=[slug]))


@never_cache
@require_GET
def my_contributions(request: HttpRequest) -> HttpResponse:
    who = selectors.visitor_keys(request.COOKIES, request.user)
    response = render(
        request,
        "policy/my_contributions.html",
        {
            "groups": selectors.own_contributions(who.all),
            "recognised": bool(who.all),
            "can_remember": bool(who.not_remembered),
            "remembered": bool(who.remembered),
        },
    )
    # Personal: what the page shows depends on the cookies sent.
    response["Vary"] = "Cookie"
    return response


@never_cache
@require_POST
def my_contributions_remember(request: HttpRequest) -> HttpResponse:
    """Remember in this browser, at the visitor's explicit request, the participants its
    valid participant cookies prove (added to those already remembered)."""
    who = selectors.visitor_keys(request.COOKIES)
    response = HttpResponseRedirect(reverse("policy:my_contributions"))
    if not who.from_cookies:
        messages.error(
            request,
            _("No hay una participación reciente en este navegador para recordar."),
        )
        return response
    response.set_cookie(
        selectors.REMEMBER_COOKIE,
        selectors.remember_value(who.from_cookies | who.remembered),
        max_age=selectors.REMEMBER_MAX_AGE,
        httponly=True,
        secure=request.is_secure(),
        samesite="Lax",
    )
    messages.success(request, _("Listo: este navegador recordará sus aportes."))
    return response


@never_cache
@require_POST
def my_contributions_forget(request: HttpRequest) -> HttpResponse:
    response = HttpResponseRedirect(reverse("policy:my_contributions"))
    response.delete_cookie(selectors.REMEMBER_COOKIE, samesite="Lax")
    messages.success(request, _("Este navegador ya no recuerda sus aportes."))
    return response
