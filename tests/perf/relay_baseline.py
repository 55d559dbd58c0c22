"""The baseline for the canvas benchmarks: the least a server can do for a canvas.

One asyncio process with the ``websockets`` library and nothing else: no database,
no validation, no state, no per-recipient views. It speaks just enough of the live
protocol for tests/perf/canvas_clients.py to run unchanged against it:

- the first frame of a socket (``hello``) is answered with ``{"type": "snapshot",
  "seq": <head>}``;
- every other text frame, except drags and pings, gets the next ``seq``, is acked to
  its sender (``{"type": "ack", "op_id", "result": {"seq"}}``) and broadcast to every
  connected socket as ``{"type": "event", "seq", "event": "relay", "data": <frame>}``
  (the frame's text embedded as it came, not re-encoded) with
  ``websockets.broadcast``: one encoding, written to every socket without waiting;
- ``canvas.drag`` frames are coalesced like cocrea's (the last position of each
  note wins) and broadcast at most 20 times a second as ``{"type": "drag",
  "activity_id", "moves": [...]}``.

Run as ``python tests/perf/relay_baseline.py PORT``; it prints ``LISTENING <port>``
once it accepts connections and stops on SIGTERM."""

from __future__ import annotations

import asyncio
import json
import resource
import signal
import sys
from typing import Any

from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.exceptions import ConnectionClosed

DRAG_INTERVAL = 0.05  # at most 20 drag frames a second, as cocrea


class Relay:
    def __init__(self) -> None:
        self.seq = 0
        self.clients: set[ServerConnection] = set()
        self.drags: dict[str, tuple[Any, Any]] = {}
        self.drag_activity: Any = None
        self.drag_task: asyncio.Task | None = None

    async def handler(self, ws: ServerConnection) -> None:
        try:
            await ws.recv()  # hello
            await ws.send(json.dumps({"type": "snapshot", "seq": self.seq}))
        except ConnectionClosed:
            return
        self.clients.add(ws)
        try:
            async for text in ws:
                if isinstance(text, bytes):
                    continue
                self.receive(ws, text)
        except ConnectionClosed:
            pass
        finally:
            self.clients.discard(ws)

    def receive(self, ws: ServerConnection, text: str) -> None:
        frame = json.loads(text)
        kind = frame.get("type")
        if kind == "canvas.drag":
            self.drags[frame["note"]] = (frame["x"], frame["y"])
            self.drag_activity = frame.get("activity_id")
            if self.drag_task is None or self.drag_task.done():
                self.drag_task = asyncio.ensure_future(self.flush_drags())
            return
        if kind == "ping":
            broadcast([ws], '{"type":"pong"}')
            return
        self.seq += 1
        # Synchronous from here on: no other frame can take a seq in between, so
        # every socket gets the events in seq order, and the sender its ack first.
        if isinstance(frame.get("op_id"), str):
            ack = {"type": "ack", "op_id": frame["op_id"], "result": {"seq": self.seq}}
            broadcast([ws], json.dumps(ack))
        broadcast(
            self.clients,
            f'{{"type":"event","seq":{self.seq},"event":"relay","data":{text}}}',
        )

    async def flush_drags(self) -> None:
        await asyncio.sleep(DRAG_INTERVAL)
        moves, self.drags = self.drags, {}
        frame = {
            "type": "drag",
            "activity_id": self.drag_activity,
            "moves": [{"note": note, "x": x, "y": y} for note, (x, y) in sorted(moves.items())],
        }
        broadcast(self.clients, json.dumps(frame, separators=(",", ":")))


async def main(port: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    relay = Relay()
    stop = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set_result, None)
    # No permessage-deflate: Daphne does not negotiate it either (the clients report
    # the extensions they got).
    async with serve(
        relay.handler, "127.0.0.1", port, max_size=2**16, backlog=1024, compression=None
    ):
        print(f"LISTENING {port}", flush=True)
        await stop


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
