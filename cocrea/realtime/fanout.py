"""Per-process fan-out of stream events to the sockets of this process.

Instead of every socket joining the stream's channel-layer group (one queued message
and one consumer dispatch per socket per event), each server process keeps one
channel per stream in the group and hands each event to its local sockets directly.
The channel layer still carries events between processes (Redis); the database
still repairs anything lost (sockets fill gaps by ``seq``)."""

from __future__ import annotations

import asyncio
import logging
import weakref
from typing import Any, Protocol

from cocrea.realtime.services import group_name

logger = logging.getLogger(__name__)

# Re-join the group well within any layer's group expiry (the in-memory layer's
# default is a day), so a very long session keeps receiving.
REJOIN_SECONDS = 3600.0


# Events of a stream reach this process's sockets at most once per interval, together:
# a busy canvas (100 ops and 20 drag updates a second) would otherwise cost every
# socket 120 WebSocket messages a second, and per-message overhead is what limits how
# many people one process can serve. The first event after a quiet interval goes out
# at once; later ones wait at most this long.
FLUSH_INTERVAL = 0.05
# A crowd costs per message more than any event: above this many local sockets, a
# stream's flushes are twice as far apart.
LARGE_ROOM = 200
FLUSH_INTERVAL_LARGE = 0.1


class Member(Protocol):
    async def push_many(self, items: list[tuple[str, dict[str, Any]]]) -> None:
        """``items``: ``("event", frame)`` and ``("ephemeral", data)``, in arrival order.
        Must not wait on anything slow: the fan-out awaits each member in turn."""


class StreamFanout:
    def __init__(self, layer: Any) -> None:
        self.layer = layer
        self.members: dict[str, set[Member]] = {}
        self.channels: dict[str, str] = {}
        self.readers: dict[str, asyncio.Task] = {}
        self.lock = asyncio.Lock()
        self.queued: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        self.flushes: dict[str, asyncio.TimerHandle] = {}
        self.last_flush: dict[str, float] = {}

    async def subscribe(self, stream: str, member: Member) -> None:
        """Returns once events of ``stream`` committed from now on reach ``member``."""
        async with self.lock:
            self.members.setdefault(stream, set()).add(member)
            if stream in self.channels:
                return
            channel = await self.layer.new_channel("fanout.")
            await self.layer.group_add(group_name(stream), channel)
            self.channels[stream] = channel
            self.readers[stream] = asyncio.ensure_future(self._read(stream, channel))

    async def unsubscribe(self, stream: str, member: Member) -> None:
        async with self.lock:
            members = self.members.get(stream)
            if members is None:
                return
            members.discard(member)
            if members:
                return
            del self.members[stream]
            handle = self.flushes.pop(stream, None)
            if handle is not None:
                handle.cancel()
            self.queued.pop(stream, None)
            self.last_flush.pop(stream, None)
            channel = self.channels.pop(stream)
            self.readers.pop(stream).cancel()
            await self.layer.group_discard(group_name(stream), channel)

    async def _read(self, stream: str, channel: str) -> None:
        while True:
            try:
                message = await asyncio.wait_for(self.layer.receive(channel), REJOIN_SECONDS)
            except TimeoutError:
                await self.layer.group_add(group_name(stream), channel)
                continue
            except asyncio.CancelledError:
                raise
            except Exception:  # a layer hiccup (Redis restart): keep listening
                logger.exception("fan-out of %s: receive failed", stream)
                await asyncio.sleep(1)
                continue
            frame = message.get("frame")
            if frame is not None:
                self._queue(stream, ("event", frame))
                continue
            # One dict for every local socket: they share its encoding (see consumers).
            ephemeral = message.get("ephemeral")
            if ephemeral is not None:
                self._queue(stream, ("ephemeral", ephemeral))

    def _queue(self, stream: str, item: tuple[str, dict[str, Any]]) -> None:
        self.queued.setdefault(stream, []).append(item)
        if stream in self.flushes:
            return
        loop = asyncio.get_running_loop()
        large = len(self.members.get(stream, ())) > LARGE_ROOM
        interval = FLUSH_INTERVAL_LARGE if large else FLUSH_INTERVAL
        wait = self.last_flush.get(stream, 0.0) + interval - loop.time()
        self.flushes[stream] = loop.call_later(max(0.0, wait), self._flush, stream)

    def _flush(self, stream: str) -> None:
        self.flushes.pop(stream, None)
        items = self.queued.pop(stream, [])
        self.last_flush[stream] = asyncio.get_running_loop().time()
        if items:
            # One task hands the items to every socket in turn (a task per socket per
            # flush was a measurable share of a busy process).
            asyncio.ensure_future(self._hand_out(stream, items))

    async def _hand_out(self, stream: str, items: list[tuple[str, dict[str, Any]]]) -> None:
        for member in list(self.members.get(stream, ())):
            try:
                await member.push_many(items)
            except Exception:  # one broken socket must not starve the others
                logger.exception("fan-out of %s: a member failed", stream)


_fanouts: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, StreamFanout] = (
    weakref.WeakKeyDictionary()
)


def fanout_for(layer: Any) -> StreamFanout:
    """The fan-out of the running event loop (one per server process) for ``layer``."""
    loop = asyncio.get_running_loop()
    fanout = _fanouts.get(loop)
    if fanout is None or fanout.layer is not layer:
        fanout = StreamFanout(layer)
        _fanouts[loop] = fanout
    return fanout
