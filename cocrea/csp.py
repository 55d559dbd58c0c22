"""The Content-Security-Policy middleware: django-csp plus this host's WebSocket URL.

CSP Level 3 lets ``connect-src 'self'`` cover ``ws:``/``wss:`` on the same host, and
current Chromium and Firefox do so; older Safari did not, and citizens join from
old phones. Naming the socket's own origin (the request's validated host) keeps
live pages working there without allowing every ``wss:`` host."""

from __future__ import annotations

import base64
import hashlib
import re

from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponseBase


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(
        self,
        request: HttpRequest,
        response: HttpResponseBase,
        report_only: bool = False,
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        try:
            host = request.get_host()
        except Exception:  # DisallowedHost: the 400 page needs no socket anyway
            return parts
        socket_origin = f"{'wss' if request.is_secure() else 'ws'}://{host}"
        update = dict(parts.update or {})
        update["connect-src"] = [*update.get("connect-src", []), socket_origin]
        parts.update = update
        return parts


_STYLE_BLOCK = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL)


def style_hashes(html: str) -> list[str]:
    """CSP hash sources for the inline <style> blocks of ``html``."""
    return [
        "'sha256-{}'".format(
            base64.b64encode(hashlib.sha256(block.encode("utf-8")).digest()).decode("ascii")
        )
        for block in _STYLE_BLOCK.findall(html)
    ]
