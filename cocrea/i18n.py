"""Language selection: Spanish first.

Django's LocaleMiddleware falls back to the browser's Accept-Language, which would
greet most phones and every headless browser in English. cocrea is Spanish first:
only an explicit choice (the language switcher's cookie) changes the language.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


def language_from_cookies(cookies: dict[str, str]) -> str:
    """The language chosen with the switcher, else Spanish. Also used by the
    WebSocket consumer, which has cookies but no request."""
    chosen = cookies.get(settings.LANGUAGE_COOKIE_NAME, "")
    supported = {code for code, _name in settings.LANGUAGES}
    return chosen if chosen in supported else settings.LANGUAGE_CODE


def language_from_request(request: HttpRequest) -> str:
    return language_from_cookies(request.COOKIES)


class SpanishFirstLocaleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
