"""Pages of privacy: the data-processing notice with its current version, and "Mis
datos" where a participant (by the participant cookies of this browser, as
``/mis-aportes/`` does) or a signed-in citizen downloads their data as JSON or asks for
its deletion after a confirmation step."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from cocrea.accounts.models import User
from cocrea.policy.selectors.responses import COOKIE_PREFIX, REMEMBER_COOKIE, visitor_keys
from cocrea.privacy import services
from sessions.notice import NOTICE_POINTS, NOTICE_PURPOSES, NOTICE_VERSION


def _user(request: HttpRequest) -> User | None:
    return (
        request.user if isinstance(request.user, User) and request.user.is_authenticated else None
    )


def _keys(request: HttpRequest) -> set[str]:
    return visitor_keys(request.COOKIES, request.user).all


@require_GET
def notice(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "privacy/notice.html",
        {
            "notice_version": NOTICE_VERSION,
            "purposes": [label for _code, label in NOTICE_PURPOSES],
            "notice_points": NOTICE_POINTS,
            "retention_days": services.retention_days(),
        },
    )


@never_cache
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    keys = _keys(request)
    user = _user(request)
    data = services.personal_data(keys=keys, user=user) if keys or user else None
    return render(request, "privacy/my_data.html", {"data": data, "has_data": bool(keys or user)})


@never_cache
@require_GET
def my_data_download(request: HttpRequest) -> HttpResponse:
    keys = _keys(request)
    user = _user(request)
    if not keys and user is None:
        return HttpResponseRedirect(reverse("privacy:my_data"))
    data = services.personal_data(keys=keys, user=user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="mis-datos-cocrea-{stamp}.json"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def my_data_delete(request: HttpRequest) -> HttpResponse:
    keys = _keys(request)
    user = _user(request)
    context = {
        "has_data": bool(keys or user),
        "closes_account": user is not None and services.closes_account(user),
        "error": "",
    }
    if request.method == "GET" or not context["has_data"]:
        return render(request, "privacy/delete.html", context)
    if request.POST.get("confirm") != "on":
        context["error"] = _("Marque la casilla para confirmar que quiere suprimir sus datos.")
        return render(request, "privacy/delete.html", context, status=400)
    result = services.personal_data_erase(keys=keys, user=user)
    if result.account_closed:
        logout(request)
    response = HttpResponseRedirect(reverse("privacy:deleted"))
    # The participant tokens changed, so these cookies are dead anyway: clear them so the
    # browser keeps nothing that points at the person.
    for name in request.COOKIES:
        if name.startswith(COOKIE_PREFIX) or name == REMEMBER_COOKIE:
            response.delete_cookie(name, samesite="Lax")
    messages.success(
        request,
        _("Sus datos personales fueron suprimidos (%(n)d participaciones anonimizadas).")
        % {"n": result.participants},
    )
    return response


@require_GET
def deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/deleted.html", {})
