"""A crowd of canvas clients in one OS process, for tests/perf/test_bench_canvas.py.
Run as ``python tests/perf/canvas_clients.py``. It needs only the standard library
and the pure op model (canvases.ops), not Django.

The clients speak WebSocket through :class:`Wire`, a minimal RFC 6455 client on an
asyncio protocol, not through the ``websockets`` library: 500 clients receiving ~120
frames a second each is 60,000 frames a second, and every microsecond per frame on
the client side is taken from the server on a 2-core machine. Measured on the
benchmark machine (200 sockets in one process, one frame per read): ``websockets``
~43 µs of CPU per frame received, :class:`Wire` ~33 µs, of which ~20 µs is the
kernel's (epoll and recv on this VM) and is paid by any client.

Each client is a participant socket on one canvas: ``passive`` clients only receive,
``editor`` clients also send ``canvas.op`` commands (a mix of create, move, edit,
recolour and dot, each with its own op_id) at a fixed rate, and ``dragger`` clients
send ``canvas.drag`` frames at a fixed rate. Every client keeps its own board: the
snapshot's canvas (the server's view for it), to which it applies each
``canvas.effect`` in ``seq`` order with ``canvases.ops.apply_event``; at the end it
reports the board's ``state_hash`` so the parent can compare it with the server's
view for that client. Against the baseline relay (``"mode": "relay"``) the events
carry the raw op and no board is kept; everything else (what is sent, when, and the
timing) is the same.

Protocol with the parent, one JSON object per line:

- stdin, first line, the config: ``{"mode": "cocrea" | "relay", "url", "origin",
  "clients": [{"cookie": [name, value], "role": "passive" | "editor" | "dragger"}],
  "concurrency", "start_at", "activity_id", "width", "height", "seed_notes",
  "op_rate", "drag_hz", "tag"}``. Clients connect at ``start_at``, at most
  ``concurrency`` handshakes in flight; each sends ``hello`` and waits for its
  snapshot.
- stdout ``{"kind": "ready", ...}`` when every client has its snapshot or failed.
  A ``batch`` frame (several frames in one message) is unpacked in order.
- stdin ``{"cmd": "go", "start_at", "duration"}``: editors and draggers send from
  ``start_at`` for ``duration`` seconds; drag frames received from then on are
  counted per client.
- stdin ``{"cmd": "drain", "timeout"}``: wait until every op sent has its ack or
  error, then stdout ``{"kind": "drained", "pending", "max_acked_seq"}``.
- stdin ``{"cmd": "finish", "final_seq", "timeout"}``: wait until every client has
  applied ``final_seq``, then stdout ``{"kind": "done", ...}`` (per-seq receipt
  counts and times, every op's send/ack times, drag counts, each client's board hash)
  and exit without closing handshakes.

Times are ``time.time()`` (CLOCK_REALTIME), one clock for every process on the
machine, so a send in one process and a receipt in another compare directly."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import math
import os
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from canvases.ops import CanvasState, apply_event, from_data, state_hash  # noqa: E402

HELLO = json.dumps({"type": "hello", "last_seq": None}).encode()
WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
COLOURS = ("yellow", "pink", "green", "blue", "orange", "purple", "white")
# The editors' mix of ops (weights); deletes are left out so no op meets a tombstone.
OP_MIX = (("create", 20), ("move", 30), ("edit", 20), ("recolour", 15), ("dot", 15))
PARSED_MAX = 50_000


def raise_nofile_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def emit(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def mask(payload: bytes, key: bytes) -> bytes:
    n = len(payload)
    stream = (key * (n // 4 + 1))[:n]
    return (int.from_bytes(payload, "little") ^ int.from_bytes(stream, "little")).to_bytes(
        n, "little"
    )


class Wire(asyncio.Protocol):
    """A minimal WebSocket client connection (RFC 6455): the opening handshake, masked
    frames out, unmasked frames in (fragments joined), pings answered, no extensions.
    Each complete message goes to ``on_message(payload, receipt_time)``."""

    def __init__(self, request: bytes, key: str, on_message: Any, on_lost: Any) -> None:
        self.request = request
        self.accept = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest())
        self.on_message = on_message
        self.on_lost = on_lost
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.open = False
        self.opened: asyncio.Future = asyncio.get_running_loop().create_future()
        self.fragments: list[bytes] = []
        self.close_code: int | None = None

    @classmethod
    async def connect(
        cls, url: str, headers: dict[str, str], on_message: Any, on_lost: Any
    ) -> Wire:
        parts = urlsplit(url)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [
            f"GET {parts.path} HTTP/1.1",
            f"Host: {parts.netloc}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
            *(f"{name}: {value}" for name, value in headers.items()),
        ]
        request = ("\r\n".join(lines) + "\r\n\r\n").encode()
        loop = asyncio.get_running_loop()
        _, wire = await loop.create_connection(
            lambda: cls(request, key, on_message, on_lost), parts.hostname, parts.port
        )
        await wire.opened
        return wire

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(self.request)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.opened.done():
            self.opened.set_exception(ConnectionError(f"closed during the handshake: {exc}"))
        self.on_lost(self.close_code)

    def send(self, payload: bytes, opcode: int = 1) -> None:
        assert self.transport is not None
        n = len(payload)
        if n < 126:
            header = bytes((0x80 | opcode, 0x80 | n))
        elif n < 65536:
            header = bytes((0x80 | opcode, 0x80 | 126)) + n.to_bytes(2, "big")
        else:
            header = bytes((0x80 | opcode, 0x80 | 127)) + n.to_bytes(8, "big")
        key = os.urandom(4)
        self.transport.write(header + key + mask(payload, key))

    def data_received(self, data: bytes) -> None:
        now = time.time()
        buf = self.buffer
        buf += data
        if not self.open and not self._handshake():
            return
        pos, size = 0, len(buf)
        while size - pos >= 2:
            first, length = buf[pos], buf[pos + 1]
            start = pos + 2
            if length == 126:
                if size - pos < 4:
                    break
                length, start = int.from_bytes(buf[pos + 2 : pos + 4], "big"), pos + 4
            elif length == 127:
                if size - pos < 10:
                    break
                length, start = int.from_bytes(buf[pos + 2 : pos + 10], "big"), pos + 10
            end = start + length
            if end > size:
                break
            payload = bytes(buf[start:end])
            pos = end
            opcode, final = first & 0x0F, first & 0x80
            if opcode in (1, 2) and final:
                self.on_message(payload, now)
            elif opcode in (0, 1, 2):
                self.fragments.append(payload)
                if final:
                    self.on_message(b"".join(self.fragments), now)
                    self.fragments = []
            elif opcode == 9:  # ping
                self.send(payload, 10)
            elif opcode == 8:  # close: answer and hang up
                self.close_code = int.from_bytes(payload[:2], "big") if payload else 1005
                self.send(payload[:2], 8)
                assert self.transport is not None
                self.transport.close()
                return
        if pos:
            del buf[:pos]

    def _handshake(self) -> bool:
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return False
        head = bytes(self.buffer[:end]).decode("latin-1")
        del self.buffer[: end + 4]
        status, *fields = head.split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in (f.partition(":") for f in fields)}
        if status.split(" ")[1:2] != ["101"] or headers.get("sec-websocket-accept") != (
            self.accept.decode()
        ):
            self.opened.set_exception(ConnectionError(f"handshake refused: {status}"))
            assert self.transport is not None
            self.transport.close()
            return False
        self.open = True
        self.opened.set_result(headers.get("sec-websocket-extensions", ""))
        return True


async def join_socket(
    client: Any, url: str, origin: str, semaphore: asyncio.Semaphore
) -> tuple[dict[str, Any], bytes] | None:
    """Connect ``client`` (a crowd member with ``cookie``, ``crowd``, ``on_message`` and
    ``on_lost``), say hello and wait for the snapshot; returns (snapshot, its bytes), or
    None with ``client.error`` set. Sets ``wire``, ``extensions``, ``latency`` and the
    crowd's first start / last snapshot times."""
    name, value = client.cookie
    client.first = asyncio.get_running_loop().create_future()
    async with semaphore:
        started = time.time()
        client.crowd.first_start = min(client.crowd.first_start, started)
        try:
            client.wire = await asyncio.wait_for(
                Wire.connect(
                    url,
                    {"Cookie": f"{name}={value}", "Origin": origin},
                    client.on_message,
                    client.on_lost,
                ),
                60,
            )
            client.extensions = client.wire.opened.result()
            client.wire.send(HELLO)
            payload, done = await asyncio.wait_for(client.first, 60)
        except Exception as exc:  # noqa: BLE001 - reported to the parent
            client.error = f"{type(exc).__name__}: {exc}"
            return None
    frame = json.loads(payload)
    if frame.get("type") != "snapshot":
        client.error = f"first frame was {frame.get('type')!r}, not a snapshot"
        return None
    client.latency = done - started
    client.crowd.last_snapshot = max(client.crowd.last_snapshot, done)
    return frame, payload


class Client:
    def __init__(self, crowd: Crowd, index: int, cookie: tuple[str, str], role: str) -> None:
        self.crowd = crowd
        self.index = index
        self.cookie = cookie
        self.role = role
        self.wire: Wire | None = None
        self.first: asyncio.Future | None = None
        self.error: str | None = None
        self.latency: float | None = None
        self.snapshot_bytes = 0
        self.extensions = ""
        self.key = ""
        self.board: CanvasState | None = None
        self.last_seq = 0
        self.gaps = 0
        self.apply_errors = 0
        self.drags = 0
        self.messages = 0  # WebSocket messages after the snapshot (a batch is one)
        self.closed: str | None = None
        # op_id -> [kind, sent, seq, acked, error code]
        self.ops: dict[str, list[Any]] = {}
        self.own_notes: list[str] = []
        self.drags_sent = 0

    async def join(self, url: str, origin: str, semaphore: asyncio.Semaphore) -> None:
        joined = await join_socket(self, url, origin, semaphore)
        if joined is None:
            return
        frame, payload = joined
        self.snapshot_bytes = len(payload)
        self.last_seq = frame["seq"]
        self.key = frame.get("you", {}).get("key", "")
        if self.crowd.mode == "cocrea":
            canvas = self.crowd.canvas_of(frame.get("canvases", []))
            if canvas is None:
                self.error = "the snapshot has no such canvas"
                return
            self.board = self.crowd.board_from(canvas)

    def on_lost(self, code: int | None) -> None:
        self.closed = str(code) if code is not None else "lost"
        if self.first is not None and not self.first.done():
            self.first.set_exception(ConnectionError(f"closed before the snapshot ({code})"))

    def on_message(self, payload: bytes, now: float) -> None:
        if self.first is not None and not self.first.done():
            self.first.set_result((payload, now))
            return
        self.messages += 1
        frame = self.crowd.parse(payload)
        if frame.get("type") == "batch":  # several frames in one message, in order
            for inner in frame["frames"]:
                self.on_frame(inner, now)
        else:
            self.on_frame(frame, now)

    def on_frame(self, frame: dict[str, Any], now: float) -> None:
        crowd = self.crowd
        kind = frame.get("type")
        if kind == "event":
            self.on_event(frame, now)
        elif kind == "drag":
            if crowd.going:
                self.drags += 1
        elif kind == "ack":
            entry = self.ops.get(frame.get("op_id"))
            if entry is not None:
                entry[2], entry[3] = frame["result"]["seq"], now
                crowd.settled += 1
        elif kind == "error":
            entry = self.ops.get(frame.get("op_id"))
            if entry is not None:
                entry[4], entry[3] = frame.get("code", "?"), now
                crowd.settled += 1
            else:
                crowd.other_errors.append(frame.get("code", "?"))

    def on_event(self, frame: dict[str, Any], now: float) -> None:
        seq = frame["seq"]
        if seq <= self.last_seq:
            return  # covered by the snapshot
        if seq != self.last_seq + 1:
            self.gaps += 1
        self.last_seq = seq
        self.crowd.on_event(seq, now)
        if self.board is None:
            return
        event, data = frame.get("event"), frame.get("data") or {}
        if data.get("activity_id") != self.crowd.activity_id:
            return
        try:
            if event == "canvas.effect":
                apply_event(self.board, data["effect"])
            elif event == "canvas.reset":
                self.board = self.crowd.board_from(data["canvas"])
        except (KeyError, ValueError):
            self.apply_errors += 1

    # --- sending -----------------------------------------------------------------------

    def send(self, frame: dict[str, Any]) -> bool:
        if self.wire is None or self.closed:
            return False
        self.wire.send(json.dumps(frame, separators=(",", ":")).encode())
        return True

    async def edit(self, start: float, duration: float) -> None:
        crowd = self.crowd
        rng = random.Random(f"{crowd.tag}-{self.index}")
        rate = crowd.config["op_rate"]
        first = start + rng.random() / rate  # editors are spread over the period
        n = 0
        while (at := first + n / rate) < start + duration:
            await asyncio.sleep(max(0.0, at - time.time()))
            op = self.next_op(rng, n)
            op_id = f"{crowd.tag}-{self.index}-{n}"
            frame = {
                "type": "canvas.op",
                "op_id": op_id,
                "activity_id": crowd.activity_id,
                "op": op,
            }
            self.ops[op_id] = [op["op"], time.time(), None, None, None]
            if not self.send(frame):
                del self.ops[op_id]
                return
            crowd.sent += 1
            n += 1

    def next_op(self, rng: random.Random, n: int) -> dict[str, Any]:
        crowd = self.crowd
        kind = rng.choices([k for k, _ in OP_MIX], [w for _, w in OP_MIX])[0]
        if kind == "edit" and not self.own_notes:
            kind = "create"
        x = round(rng.uniform(1, crowd.width - 1), 1)
        y = round(rng.uniform(1, crowd.height - 1), 1)
        if kind == "create":
            note = f"{crowd.tag}-{self.index}-{n}"
            self.own_notes.append(note)
            return {
                "op": "create",
                "id": note,
                "text": f"Idea {n} de la persona {self.index}: falta transporte a la vereda",
                "colour": rng.choice(COLOURS),
                "x": x,
                "y": y,
            }
        if kind == "edit":
            note = rng.choice(self.own_notes)
            return {"op": "edit", "note": note, "text": f"Idea revisada ({n}) en {note}"}
        note = rng.choice(self.own_notes + crowd.seed_notes)
        if kind == "move":
            return {"op": "move", "note": note, "x": x, "y": y}
        if kind == "recolour":
            return {"op": "recolour", "note": note, "colour": rng.choice(COLOURS)}
        return {"op": "dot", "note": note}

    async def drag(self, start: float, duration: float) -> None:
        crowd = self.crowd
        hz = crowd.config["drag_hz"]
        seeds = crowd.seed_notes
        note = seeds[self.index % len(seeds)]
        cx, cy = crowd.width / 2, crowd.height / 2
        radius = min(crowd.width, crowd.height) / 3
        first = start + random.Random(self.index).random() / hz
        n = 0
        while (at := first + n / hz) < start + duration:
            await asyncio.sleep(max(0.0, at - time.time()))
            angle = (n / hz + self.index) % (2 * math.pi)
            frame = {
                "type": "canvas.drag",
                "activity_id": crowd.activity_id,
                "note": note,
                "x": round(cx + radius * math.cos(angle), 1),
                "y": round(cy + radius * math.sin(angle), 1),
            }
            if not self.send(frame):
                return
            self.drags_sent += 1
            n += 1


class Crowd:
    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.mode = config["mode"]
        self.tag = config["tag"]
        self.activity_id = config["activity_id"]
        self.width = float(config["width"])
        self.height = float(config["height"])
        self.seed_notes: list[str] = list(config["seed_notes"])
        self.members = [
            Client(self, entry["index"], tuple(entry["cookie"]), entry["role"])
            for entry in config["clients"]
        ]
        self.first_start = float("inf")
        self.last_snapshot = 0.0
        self.going = False
        self.went = 0.0
        self.duration = 0.0
        self.counts: dict[int, int] = {}
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.sent = 0
        self.settled = 0
        self.other_errors: list[str] = []
        self.senders: list[asyncio.Task] = []
        self.parsed: dict[bytes, dict[str, Any]] = {}

    def parse(self, payload: bytes) -> dict[str, Any]:
        """Most frames reach every client of the process as the same bytes: parse them
        once (the parsed frames are only read, never changed)."""
        frame = self.parsed.get(payload)
        if frame is None:
            if len(self.parsed) >= PARSED_MAX:
                self.parsed.clear()
            frame = self.parsed[payload] = json.loads(payload)
        return frame

    def canvas_of(self, canvases: list[dict[str, Any]]) -> dict[str, Any] | None:
        return next((c for c in canvases if c["activity_id"] == self.activity_id), None)

    def board_from(self, canvas: dict[str, Any]) -> CanvasState:
        base = CanvasState(width=float(canvas["width"]), height=float(canvas["height"]))
        return from_data(canvas["board"], base)

    def on_event(self, seq: int, now: float) -> None:
        count = self.counts.get(seq)
        if count is None:
            self.counts[seq] = 1
            self.first[seq] = self.last[seq] = now
        else:
            self.counts[seq] = count + 1
            if now > self.last[seq]:
                self.last[seq] = now

    def joined(self) -> list[Client]:
        return [m for m in self.members if m.error is None]

    async def join_all(self) -> None:
        semaphore = asyncio.Semaphore(self.config["concurrency"])
        await asyncio.sleep(max(0.0, self.config["start_at"] - time.time()))
        await asyncio.gather(
            *(
                member.join(self.config["url"], self.config["origin"], semaphore)
                for member in self.members
            )
        )
        joined = self.joined()
        emit(
            {
                "kind": "ready",
                "connected": len(joined),
                "failed": len(self.members) - len(joined),
                "errors": sorted({m.error for m in self.members if m.error})[:5],
                "latencies_ms": [round(m.latency * 1000, 2) for m in joined],
                "first_start": self.first_start,
                "last_snapshot": self.last_snapshot,
                "extensions": sorted({m.extensions for m in joined}),
                "snapshot_seqs": sorted({m.last_seq for m in joined}),
                "snapshot_bytes": max((m.snapshot_bytes for m in joined), default=0),
            }
        )

    def go(self, start: float, duration: float) -> None:
        self.going = True
        self.went = start
        self.duration = duration
        for member in self.joined():
            if member.role == "editor":
                self.senders.append(asyncio.create_task(member.edit(start, duration)))
            elif member.role == "dragger":
                self.senders.append(asyncio.create_task(member.drag(start, duration)))

    async def drain(self, timeout: float) -> None:
        await asyncio.gather(*self.senders, return_exceptions=True)
        deadline = time.monotonic() + timeout
        while self.settled < self.sent and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        acked = [
            entry[2] for m in self.joined() for entry in m.ops.values() if entry[2] is not None
        ]
        emit(
            {
                "kind": "drained",
                "sent": self.sent,
                "pending": self.sent - self.settled,
                "max_acked_seq": max(acked, default=0),
            }
        )

    async def finish(self, final_seq: int | None, timeout: float) -> None:
        joined = self.joined()
        deadline = time.monotonic() + timeout
        while final_seq is not None and time.monotonic() < deadline:
            if all(m.closed or m.last_seq >= final_seq for m in joined):
                break
            await asyncio.sleep(0.05)
        self.going = False
        span = max(self.duration, 1e-9)
        since_go = max(time.time() - self.went, 1e-9)
        hashes = []
        if self.mode == "cocrea":
            hashes = [
                [m.key, state_hash(m.board) if m.board is not None else "", m.last_seq]
                for m in joined
            ]
        emit(
            {
                "kind": "done",
                "seqs": {
                    str(seq): [count, self.first[seq], self.last[seq]]
                    for seq, count in sorted(self.counts.items())
                },
                "ops": [[op_id, *entry] for m in joined for op_id, entry in m.ops.items()],
                # Drag frames received from "go" on, over the time drags were sent.
                "drag_rates": [round(m.drags / span, 2) for m in joined],
                "drags_sent": sum(m.drags_sent for m in joined),
                "drags_received": sum(m.drags for m in joined),
                # Messages a second per client from "go" until every event arrived.
                "messages_per_s": [round(m.messages / since_go, 1) for m in joined],
                "hashes": hashes,
                "gaps": sum(m.gaps for m in joined),
                "clients_with_gaps": sum(1 for m in joined if m.gaps),
                "apply_errors": sum(m.apply_errors for m in joined),
                "closed_early": sorted(m.closed for m in joined if m.closed),
                "last_seqs": sorted({m.last_seq for m in joined}),
                "other_errors": sorted(set(self.other_errors)),
            }
        )
        for task in self.senders:
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
        if command["cmd"] == "go":
            crowd.go(command["start_at"], command["duration"])
        elif command["cmd"] == "drain":
            await crowd.drain(command.get("timeout", 30))
        elif command["cmd"] == "finish":
            await crowd.finish(command.get("final_seq"), command.get("timeout", 30))
            return
    await crowd.finish(None, 0)  # the parent went away


if __name__ == "__main__":
    asyncio.run(main())
