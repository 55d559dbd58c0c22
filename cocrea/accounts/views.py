"""Signing in, with failed attempts limited per account and per client address."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from cocrea import ratelimit


def _account_key(username: str) -> str:
    # Emails are compared case-insensitively at sign-in; count them the same way, so
    # "Alice@…" and "alice@…" share one budget.
    return f"login-account:{username.strip().lower()[:254]}"


def _address_key(request: HttpRequest) -> str:
    return f"login-address:{ratelimit.client_address(request.META)}"


class LoginView(auth_views.LoginView):
    """Django's login, refusing with 429 once an account or an address has failed too
    often in ``ratelimit.LOGIN_WINDOW`` seconds.

    Over the limit the password is not even checked: answering "correct" would let the
    guessing go on. A success clears the account's count only; clearing the address's
    too would let someone reset it by signing in to their own account between guesses.
    """

    template_name = "frontend/login.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        account = _account_key(request.POST.get("username", ""))
        address = _address_key(request)
        # exceeded() is "more than limit": the limit-th failure already blocks the next.
        if ratelimit.exceeded(
            account, limit=ratelimit.LOGIN_FAILURES_PER_ACCOUNT - 1
        ) or ratelimit.exceeded(address, limit=ratelimit.LOGIN_FAILURES_PER_ADDRESS - 1):
            return self._too_many(request)
        response = super().post(request, *args, **kwargs)
        if request.user.is_authenticated:
            ratelimit.clear(account)
        else:
            ratelimit.hit(account, limit=0, window=ratelimit.LOGIN_WINDOW)
            ratelimit.hit(address, limit=0, window=ratelimit.LOGIN_WINDOW)
        return response

    def _too_many(self, request: HttpRequest) -> HttpResponse:
        form = AuthenticationForm(request, initial={"username": request.POST.get("username")})
        form.cleaned_data = {}  # add_error() expects it; an unbound form has none
        form.add_error(
            None,
            _(
                "Demasiados intentos fallidos de ingreso. Por seguridad, espere 15 minutos "
                "e inténtelo de nuevo."
            ),
        )
        response = self.render_to_response(self.get_context_data(form=form), status=429)
        response["Retry-After"] = str(ratelimit.LOGIN_WINDOW)
        return response
