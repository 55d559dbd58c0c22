"""Ephemeral updates (positions while dragging) coalesced per stream and channel.

Many clients may each send 30 updates a second; what everyone needs is the latest
value of each item, a few times a second. Each server process keeps the newest value
per item and broadcasts at most once per ``interval`` per (stream, channel), through
the channel layer, so the other processes' sockets get them too. Nothing here is
persisted or ordered by ``seq``: a lost update is superseded by the next one, and the
drop is a real, persisted op."""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from typing import Any

from cocrea.realtime.services import group_name

logger = logging.getLogger(__name__)

DEFAULT_INTERVAL = 0.05  # at most 20 broadcasts a second per (stream, channel)


class Coalescer:
    def __init__(self, layer: Any, interval: float = DEFAULT_INTERVAL) -> None:
        self.layer = layer
        self.interval = interval
        self.pending: dict[tuple[str, Any], dict[str, Any]] = {}
        self.meta: dict[tuple[str, Any], dict[str, Any]] = {}
        self.last_sent: dict[tuple[str, Any], float] = {}
        self.tasks: dict[tuple[str, Any], asyncio.Task] = {}
        self.broadcasts = 0  # for tests and benchmarks

    def add(self, stream: str, channel: Any, item: str, value: Any, meta: dict[str, Any]) -> None:
        """Record ``value`` as the newest for ``item``; a broadcast follows within
        ``interval`` (the newest value of every item changed since the last one)."""
        key = (stream, channel)
        self.pending.setdefault(key, {})[item] = value
        self.meta[key] = meta
        task = self.tasks.get(key)
        if task is None or task.done():
            self.tasks[key] = asyncio.ensure_future(self._flush_later(key))

    async def _flush_later(self, key: tuple[str, Any]) -> None:
        wait = self.last_sent.get(key, 0.0) + self.interval - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        items = self.pending.pop(key, {})
        meta = self.meta.pop(key, {})
        self.last_sent[key] = time.monotonic()
        self.tasks.pop(key, None)
        if not items:
            return
        stream, channel = key
        self.broadcasts += 1
        try:
            await self.layer.group_send(
                group_name(stream),
                {"type": "stream.ephemeral", "ephemeral": {**meta, "items": items}},
            )
        except Exception:  # superseded by the next update anyway
            logger.warning("ephemeral broadcast on %s failed", stream, exc_info=True)


_coalescers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Coalescer] = (
    weakref.WeakKeyDictionary()
)


def coalescer_for(layer: Any) -> Coalescer:
    """The coalescer of the running event loop (one per server process)."""
    loop = asyncio.get_running_loop()
    coalescer = _coalescers.get(loop)
    if coalescer is None or coalescer.layer is not layer:
        coalescer = Coalescer(layer)
        _coalescers[loop] = coalescer
    return coalescer
