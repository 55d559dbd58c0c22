"""The embedded channel layer: Channels' in-memory layer, made to scale to a room.

``InMemoryChannelLayer`` sweeps every channel and group for expired entries on each
``receive()``. With N connected consumers a broadcast wakes N receivers, so one event
costs O(N²) — a quarter of the server's time at 500 participants in `make bench`.
Sweeping at most once a second keeps expiry (a backstop for dead channels, not
something correctness depends on) and makes a broadcast O(N)."""

from __future__ import annotations

import time

from channels.layers import InMemoryChannelLayer

SWEEP_INTERVAL = 1.0


class EmbeddedChannelLayer(InMemoryChannelLayer):
    _last_sweep = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._last_sweep < SWEEP_INTERVAL:
            return
        self._last_sweep = now
        super()._clean_expired()
