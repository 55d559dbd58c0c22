"""A crowd of live-session participants in one OS process, for the benchmarks in
test_bench_sessions.py. Run as ``python tests/perf/ws_clients.py``; it needs only
the standard library and ``websockets``, not Django.

Protocol with the parent, one JSON object per line:

- stdin, first line: ``{"url", "origin", "cookies": [[name, value], ...],
  "concurrency", "start_at"}``. Clients start connecting at ``start_at``
  (``time.time()``), at most ``concurrency`` handshakes in flight at once; each
  sends ``hello`` and waits for the ``snapshot``.
- stdout ``{"kind": "ready", ...}`` once every client has its snapshot or failed:
  ``connected``, ``failed``, ``errors`` (a sample), ``latencies_ms`` (connect start to
  snapshot), ``first_start``, ``last_snapshot``, ``extensions``.
- stdout ``{"kind": "seq", "seq", "t_last"}`` when every connected client of this
  process has received event ``seq``; ``t_last`` is the latest receipt time.
- stdin ``{"cmd": "stop", "final_seq", "timeout"}``: wait until every client has
  ``final_seq`` (or the timeout), then stdout ``{"kind": "done", ...}`` with every
  receipt time per seq, sequence gaps and early closes; then exit (sockets dropped).

Times are ``time.time()`` (CLOCK_REALTIME): comparable across processes of one
machine."""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

HELLO = json.dumps({"type": "hello", "last_seq": None})


def raise_nofile_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def emit(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload, separators=(",", ":")) + "\n")
    sys.stdout.flush()


class Participant:
    def __init__(self, crowd: Crowd, cookie: tuple[str, str]) -> None:
        self.crowd = crowd
        self.cookie = cookie
        self.ws: ClientConnection | None = None
        self.error: str | None = None
        self.latency: float | None = None
        self.snapshot_seq: int | None = None
        self.last_seq: int | None = None
        self.gaps = 0
        self.received: list[tuple[int, float]] = []
        self.closed: str | None = None
        self.extensions = ""

    async def join(self, url: str, origin: str, semaphore: asyncio.Semaphore) -> None:
        name, value = self.cookie
        async with semaphore:
            started = time.time()
            self.crowd.first_start = min(self.crowd.first_start, started)
            try:
                self.ws = await connect(
                    url,
                    additional_headers={"Cookie": f"{name}={value}", "Origin": origin},
                    open_timeout=60,
                    ping_interval=None,  # Daphne pings; the client only answers
                    close_timeout=5,
                    max_queue=None,
                )
                self.extensions = self.ws.response.headers.get("Sec-WebSocket-Extensions", "")
                await self.ws.send(HELLO)
                frame = json.loads(await asyncio.wait_for(self.ws.recv(), 60))
            except Exception as exc:  # noqa: BLE001 - reported to the parent
                self.error = f"{type(exc).__name__}: {exc}"
                return
            if frame.get("type") != "snapshot":
                self.error = f"first frame was {frame.get('type')!r}, not a snapshot"
                return
            done = time.time()
        self.latency = done - started
        self.crowd.last_snapshot = max(self.crowd.last_snapshot, done)
        self.snapshot_seq = self.last_seq = frame["seq"]

    async def listen(self) -> None:
        assert self.ws is not None
        try:
            async for message in self.ws:
                now = time.time()
                frame = json.loads(message)
                # A busy stream sends several frames as one batch.
                frames = frame["frames"] if frame.get("type") == "batch" else [frame]
                for frame in frames:
                    if frame.get("type") != "event":
                        continue
                    seq = frame["seq"]
                    if self.last_seq is not None and seq != self.last_seq + 1:
                        self.gaps += 1
                    self.last_seq = seq
                    self.received.append((seq, now))
                    self.crowd.on_event(seq, now)
        except ConnectionClosed as exc:
            self.closed = f"{exc.rcvd.code if exc.rcvd else 'no close frame'}"
        else:
            self.closed = str(self.ws.close_code)
        if not self.crowd.stopping:
            self.crowd.on_close()


class Crowd:
    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.members = [Participant(self, (name, value)) for name, value in config["cookies"]]
        self.first_start = float("inf")
        self.last_snapshot = 0.0
        self.connected = 0
        self.open = 0  # connected clients whose socket is still open
        self.ready = False
        self.counts: dict[int, int] = {}
        self.t_last: dict[int, float] = {}
        self.reported: set[int] = set()
        self.listeners: list[asyncio.Task] = []
        self.stopping = False

    def on_event(self, seq: int, now: float) -> None:
        self.counts[seq] = self.counts.get(seq, 0) + 1
        self.t_last[seq] = max(self.t_last.get(seq, 0.0), now)
        if self.ready and self.counts[seq] >= self.open and seq not in self.reported:
            self.reported.add(seq)
            emit({"kind": "seq", "seq": seq, "t_last": self.t_last[seq]})

    def on_close(self) -> None:
        """A client's socket closed: later events are complete without it."""
        self.open -= 1

    async def join_all(self) -> None:
        semaphore = asyncio.Semaphore(self.config["concurrency"])
        await asyncio.sleep(max(0.0, self.config["start_at"] - time.time()))

        async def join_and_listen(member: Participant) -> None:
            await member.join(self.config["url"], self.config["origin"], semaphore)
            if member.error is None:
                self.listeners.append(asyncio.create_task(member.listen()))

        await asyncio.gather(*(join_and_listen(member) for member in self.members))
        joined = [m for m in self.members if m.error is None]
        self.connected = len(joined)
        self.open += self.connected
        self.ready = True
        emit(
            {
                "kind": "ready",
                "connected": self.connected,
                "failed": len(self.members) - self.connected,
                "errors": sorted({m.error for m in self.members if m.error})[:5],
                "latencies_ms": [round(m.latency * 1000, 2) for m in joined],
                "first_start": self.first_start,
                "last_snapshot": self.last_snapshot,
                "snapshot_seqs": sorted({m.snapshot_seq for m in joined}),
                "extensions": sorted({m.extensions for m in joined}),
            }
        )

    async def finish(self, final_seq: int | None, timeout: float) -> None:
        joined = [m for m in self.members if m.error is None]
        deadline = time.monotonic() + timeout
        while final_seq is not None and time.monotonic() < deadline:
            if all(m.closed or (m.last_seq or 0) >= final_seq for m in joined):
                break
            await asyncio.sleep(0.05)
        times: dict[int, list[float]] = {}
        for member in joined:
            for seq, at in member.received:
                times.setdefault(seq, []).append(at)
        emit(
            {
                "kind": "done",
                "times": {str(seq): values for seq, values in sorted(times.items())},
                "gaps": sum(m.gaps for m in joined),
                "clients_with_gaps": sum(1 for m in joined if m.gaps),
                "closed_early": sorted(m.closed for m in joined if m.closed),
                "last_seqs": sorted({m.last_seq for m in joined}),
            }
        )
        # No closing handshakes: exiting drops the sockets, and Daphne's clean-up of
        # a thousand disconnects is not what is measured.
        self.stopping = True
        for task in self.listeners:
            task.cancel()


async def main() -> None:
    raise_nofile_limit()
    loop = asyncio.get_running_loop()
    stdin = asyncio.StreamReader(limit=2**26)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
    crowd = Crowd(json.loads(await stdin.readline()))
    await crowd.join_all()
    while line := await stdin.readline():
        command = json.loads(line)
        if command["cmd"] == "stop":
            await crowd.finish(command.get("final_seq"), command.get("timeout", 10))
            return
    await crowd.finish(None, 0)  # the parent went away


if __name__ == "__main__":
    asyncio.run(main())
