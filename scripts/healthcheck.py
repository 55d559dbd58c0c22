"""Container health check: GET /healthz on the local Daphne; exit 0 when it answers 2xx.

Used by the Dockerfile's HEALTHCHECK. Django rejects a Host it does not know, so
the request names the first entry of ALLOWED_HOSTS (``localhost`` for ``*``).
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def health_host() -> str:
    """The Host header to send: the first allowed host, without a leading wildcard dot."""
    first = os.environ.get("ALLOWED_HOSTS", "").split(",")[0].strip().lstrip(".")
    return "localhost" if first in ("", "*") else first


def main() -> int:
    port = os.environ.get("PORT", "8000")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz",
        headers={"Host": health_host(), "X-Forwarded-Proto": "https"},
    )
    try:
        with urllib.request.urlopen(request, timeout=4) as response:
            ok = 200 <= response.status < 300
    except (urllib.error.URLError, OSError) as exc:
        print(f"healthcheck: {exc}", file=sys.stderr)
        return 1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
