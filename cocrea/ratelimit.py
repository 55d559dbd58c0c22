"""A fixed-window counter in the cache (Redis when REDIS_URL is set, so all server
processes share it)."""

from __future__ import annotations

from django.core.cache import cache

# Unknown join codes per client address per minute, over HTTP and WebSocket alike:
# enough for typing mistakes, far too few to guess a 6-character code.
CODE_ATTEMPTS = 20
CODE_WINDOW = 60


def hit(key: str, *, limit: int, window: int) -> bool:
    """Count one attempt for ``key``; False once more than ``limit`` in ``window`` s."""
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
    return (cache.get(f"rl:{key}") or 0) > limit


def client_address(meta: dict) -> str:
    return str(meta.get("REMOTE_ADDR") or "unknown")
