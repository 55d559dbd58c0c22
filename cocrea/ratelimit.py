"""A fixed-window counter in the cache (Redis when REDIS_URL is set, so all server
processes share it), and a per-process count of open WebSockets per address.

Without REDIS_URL the cache is each process's own memory: right for the embedded
default (one Daphne process); several processes without Redis would each count alone.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.core.cache import cache

log = logging.getLogger(__name__)
T = TypeVar("T")


def _fail_open(count: Callable[[], T], fallback: T) -> T:
    """Run a counter operation; if the counter store (Redis) is down, allow.

    A rate limit is a guard, not a gate: while Redis restarts, refusing every sign-in
    and every reconnecting participant would turn a short outage into a lock-out of the
    live session. The outage is logged; the limits apply again as soon as Redis is back."""
    try:
        return count()
    except Exception:  # the cache backend's connection errors have no common base
        log.warning("rate-limit counters unavailable; allowing", exc_info=True)
        return fallback


# Unknown join codes per client address per minute, over HTTP and WebSocket alike:
# enough for typing mistakes, far too few to guess a 6-character code.
CODE_ATTEMPTS = 20
CODE_WINDOW = 60

# Failed sign-ins in 15 minutes. Per account: far too few to guess a password, enough
# for a person who mistypes. Per address: higher, because an office or a venue shares
# one address; it stops one client from trying many accounts.
LOGIN_FAILURES_PER_ACCOUNT = 10
LOGIN_FAILURES_PER_ADDRESS = 30
LOGIN_WINDOW = 15 * 60


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count one attempt for ``key``; False once more than ``limit`` in ``window`` s."""
    return _fail_open(lambda: _hit(key, limit=limit, window=window), True)


def _hit(key: str, *, limit: int, window: int) -> bool:
    cache_key = f"rl:{key}"
    if cache.add(cache_key, 1, timeout=window):
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window)
        return True
    return count <= limit


def exceeded(key: str, *, limit: int) -> bool:
    """Whether ``key`` is over ``limit`` without counting an attempt."""
    return _fail_open(lambda: (cache.get(f"rl:{key}") or 0) > limit, False)


def clear(key: str) -> None:
    """Forget the attempts counted for ``key``."""
    _fail_open(lambda: cache.delete(f"rl:{key}"), None)


def client_address(meta: Mapping[str, Any]) -> str:
    """The client's address as Daphne reports it (behind a proxy, Daphne must run with
    --proxy-headers, as the Dockerfile does, or every client is the proxy)."""
    return str(meta.get("REMOTE_ADDR") or "unknown")


def scope_address(scope: Mapping[str, Any]) -> str:
    """``client_address`` for an ASGI scope (WebSockets)."""
    return str((scope.get("client") or ["unknown"])[0])


class OpenConnections:
    """Open sockets per client address in this process.

    Held in memory, not in the cache: the count must go down when a socket closes, and
    a process that dies takes its sockets with it. Weak references drop a connection
    whose consumer crashed before its disconnect handler ran."""

    def __init__(self) -> None:
        self._by_address: dict[str, weakref.WeakSet[Any]] = {}

    def open(self, address: str, connection: Any, *, limit: int) -> bool:
        """Count ``connection`` unless ``address`` already has ``limit`` (0: no limit)."""
        members = self._by_address.setdefault(address, weakref.WeakSet())
        if limit and len(members) >= limit:
            return False
        members.add(connection)
        return True

    def close(self, address: str, connection: Any) -> None:
        members = self._by_address.get(address)
        if members is None:
            return
        members.discard(connection)
        if not members:
            del self._by_address[address]

    def count(self, address: str) -> int:
        members = self._by_address.get(address)
        return len(members) if members is not None else 0
