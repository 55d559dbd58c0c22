"""A crowd of voters in one OS process, for tests/perf/test_bench_votes.py.
Run as ``python tests/perf/vote_clients.py``; it speaks WebSocket through the minimal
client of canvas_clients.py (:class:`Wire`), so the clients cost the server's 2 cores
as little as possible.

Protocol with the parent, one JSON object per line:

- stdin, first line, the config: ``{"url", "origin", "cookies": [[name, value]],
  "concurrency", "start_at", "activity_id", "tag"}``. Clients connect at
  ``start_at``, at most ``concurrency`` handshakes in flight; each sends ``hello`` and
  waits for its snapshot.
- stdout ``{"kind": "ready", ...}`` (as ws_clients.py: connected, failed, errors,
  latencies_ms, first_start, last_snapshot, extensions) when every client has its
  snapshot or failed.
- stdin ``{"cmd": "go", "send_at": [t, ...]}``: client ``n`` sends its ``poll.vote``
  (ballot ``"a"``, its own op_id) at ``send_at[n]`` (``time.time()``).
- stdin ``{"cmd": "drain", "timeout"}``: wait until every vote has its ack or error
  (or the timeout), then stdout ``{"kind": "done", "votes": [[sent, acked, error]],
  "closed_early", "other_errors"}`` and exit without closing handshakes."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.perf.canvas_clients import (  # noqa: E402
    Wire,
    emit,
    join_socket,
    raise_nofile_limit,
)


class Voter:
    def __init__(self, crowd: Crowd, index: int, cookie: tuple[str, str]) -> None:
        self.crowd = crowd
        self.index = index
        self.cookie = cookie
        self.op_id = f"vote-{crowd.tag}-{index}"
        self.wire: Wire | None = None
        self.first: asyncio.Future | None = None
        self.error: str | None = None
        self.latency: float | None = None
        self.extensions = ""
        self.closed: str | None = None
        self.sent: float | None = None
        self.acked: float | None = None
        self.vote_error: str | None = None

    async def join(self, url: str, origin: str, semaphore: asyncio.Semaphore) -> None:
        await join_socket(self, url, origin, semaphore)

    def on_lost(self, code: int | None) -> None:
        self.closed = str(code) if code is not None else "lost"
        if self.first is not None and not self.first.done():
            self.first.set_exception(ConnectionError(f"closed before the snapshot ({code})"))

    def on_message(self, payload: bytes, now: float) -> None:
        if self.first is not None and not self.first.done():
            self.first.set_result((payload, now))
            return
        if b'"op_id"' not in payload:  # events only: poll.results, presence
            return
        frame = json.loads(payload)
        frames = frame["frames"] if frame.get("type") == "batch" else [frame]
        for inner in frames:
            if inner.get("op_id") != self.op_id or self.acked is not None:
                if inner.get("type") == "error":
                    self.crowd.other_errors.append(str(inner.get("code", "?")))
                continue
            if inner.get("type") == "ack":
                self.acked = now
                self.crowd.settle()
            elif inner.get("type") == "error":
                self.acked = now
                self.vote_error = str(inner.get("code", "?"))
                self.crowd.settle()

    async def vote(self, at: float) -> None:
        await asyncio.sleep(max(0.0, at - time.time()))
        if self.wire is None or self.closed:
            self.vote_error = f"closed before voting ({self.closed})"
            self.crowd.settle()
            return
        frame = {
            "type": "poll.vote",
            "op_id": self.op_id,
            "activity_id": self.crowd.activity_id,
            "ballot": "a",
        }
        self.sent = time.time()
        self.wire.send(json.dumps(frame, separators=(",", ":")).encode())


class Crowd:
    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.tag = config["tag"]
        self.activity_id = config["activity_id"]
        self.voters = [Voter(self, n, tuple(c)) for n, c in enumerate(config["cookies"])]
        self.first_start = float("inf")
        self.last_snapshot = 0.0
        self.other_errors: list[str] = []
        self.settled = 0
        self.all_settled = asyncio.Event()

    def settle(self) -> None:
        self.settled += 1
        if self.settled >= len(self.voters):
            self.all_settled.set()

    async def connect(self) -> None:
        config = self.config
        await asyncio.sleep(max(0.0, config["start_at"] - time.time()))
        semaphore = asyncio.Semaphore(config["concurrency"])
        await asyncio.gather(
            *(v.join(config["url"], config["origin"], semaphore) for v in self.voters)
        )
        ok = [v for v in self.voters if v.error is None]
        emit(
            {
                "kind": "ready",
                "connected": len(ok),
                "failed": len(self.voters) - len(ok),
                "errors": sorted({v.error for v in self.voters if v.error})[:5],
                "latencies_ms": [round(v.latency * 1000, 2) for v in ok if v.latency],
                "first_start": self.first_start,
                "last_snapshot": self.last_snapshot,
                "extensions": sorted({v.extensions for v in ok if v.extensions}),
            }
        )

    def done(self) -> dict[str, Any]:
        return {
            "kind": "done",
            "votes": [[v.sent, v.acked, v.vote_error] for v in self.voters],
            "closed_early": [v.index for v in self.voters if v.closed],
            "other_errors": sorted(set(self.other_errors)),
        }


async def main() -> None:
    raise_nofile_limit()
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=2**26)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    crowd = Crowd(json.loads(await reader.readline()))
    await crowd.connect()
    votes: list[asyncio.Task] = []
    while line := await reader.readline():
        command = json.loads(line)
        if command["cmd"] == "go":
            votes = [
                asyncio.create_task(voter.vote(at))
                for voter, at in zip(crowd.voters, command["send_at"], strict=True)
            ]
        elif command["cmd"] == "drain":
            await asyncio.gather(*votes)
            try:
                await asyncio.wait_for(crowd.all_settled.wait(), command["timeout"])
            except TimeoutError:
                pass
            emit(crowd.done())
            sys.stdout.flush()
            os._exit(0)


if __name__ == "__main__":
    asyncio.run(main())
