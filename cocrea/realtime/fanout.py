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


class Member(Protocol):
    def push(self, frame: dict[str, Any]) -> None: ...

    def push_ephemeral(self, ephemeral: dict[str, Any]) -> None: ...


class StreamFanout:
    def __init__(self, layer: Any) -> None:
        self.layer = layer
        self.members: dict[str, set[Member]] = {}
        self.channels: dict[str, str] = {}
        self.readers: dict[str, asyncio.Task] = {}
        self.lock = asyncio.Lock()

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
                for member in list(self.members.get(stream, ())):
                    member.push(frame)
                continue
            # One dict for every local socket: they share its encoding (see consumers).
            ephemeral = message.get("ephemeral")
            if ephemeral is not None:
                for member in list(self.members.get(stream, ())):
                    member.push_ephemeral(ephemeral)


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
