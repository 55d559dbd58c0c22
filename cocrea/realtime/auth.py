"""Who is on a WebSocket, from its cookies, read inside the connection's one trip to
the database (see ``sessions.consumers._admit``).

Channels' ``AuthMiddlewareStack`` would do the same in a separate trip per socket, and
its session wrapper inspects every outgoing message to save the session — on a socket
that sends tens of thousands of frames and never changes the session. Only
``CookieMiddleware`` stays in front of the consumer."""

from __future__ import annotations

from importlib import import_module
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.auth.models import AnonymousUser


def user_from_cookies(cookies: dict[str, str]) -> Any:
    """The signed-in user of the Django session cookie, or ``AnonymousUser``. The same
    checks as a page request (session hash included). Call from the database thread."""
    key = cookies.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return AnonymousUser()
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
    return get_user(SimpleNamespace(session=store))  # type: ignore[arg-type]
