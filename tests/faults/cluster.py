"""Real processes for the fault tests: a private redis-server the test can kill and
restart on the same port, Daphne processes on one SQLite file, a prepared session,
and a WebSocket client that behaves as the protocol asks of real clients (it keeps
``last_seq``, resends an unacknowledged op under the same ``op_id`` after a
reconnect, and pings to repair gaps) while recording everything it was sent."""

from __future__ import annotations

import asyncio
import json
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException

from tests.conftest import ROOT, DaphneServer, free_port, server_env, start_daphne
from tests.frames import unpack

TIMEOUT = 10.0

# Run by `manage.py shell -c` in the servers' environment; the answer is the last line.
PREPARE = """
import json
from django.contrib.sessions.backends.db import SessionStore
from cocrea.accounts.models import Entity, EntityKind, Role, User
from cocrea.accounts.services import membership_grant
from cocrea.toolkit.models import Level, Pillar
from sessions import live
from sessions.cookies import cookie_name, sign_participant
from sessions.services import StageInput, process_create

suffix, people = "SUFFIX", PEOPLE
entity = Entity.objects.create(
    name="Alcaldía " + suffix, slug="alcaldia-" + suffix, kind=EntityKind.ALCALDIA,
    department="76", municipality="Buenaventura", divipola_code="76109",
)
user = User.objects.create_user(
    email=f"f-{suffix}@example.org", password="correct-horse-battery-staple", full_name="F"
)
membership_grant(user=user, entity=entity, role=Role.FACILITATOR)
process = process_create(
    entity=entity, title="Proceso " + suffix,
    primary_pillar=Pillar.objects.get(code="participacion"),
    stages=[StageInput(name="Taller", level=Level.objects.get(code="colaborar"))],
    created_by=user,
)
session = live.session_create(
    stage=process.stages.get(), title="Taller", created_by=user, moderate_questions=False
)
qa = live.activity_add(session=session, kind="qa", title="Preguntas")
canvas = live.activity_add(
    session=session, kind="canvas", title="Lluvia de ideas", canvas_settings={"note_limit": 50}
)
poll = live.activity_add(
    session=session, kind="poll", title="Prioridad",
    poll_spec={
        "method": "approval",
        "options": [{"key": "a", "label": "Parque"}, {"key": "b", "label": "Biblioteca"}],
        "settings": {"min_choices": 1, "max_choices": 1},
    },
)
facilitator = live.Actor(role="facilitator", key=f"u:{user.pk}", user_id=user.pk)
def run(op_id, type, **data):
    return live.session_command(
        session_id=session.pk, actor=facilitator, type=type, data=data, op_id=op_id
    )[0]
run("prepare-start", "session.start")
run("prepare-qa", "activity.goto", activity_id=qa.pk)
questions = [
    run(f"prepare-ask-{n}", "qa.ask", text=f"¿Pregunta {n}?")["question_id"] for n in (1, 2)
]
run("prepare-canvas", "activity.goto", activity_id=canvas.pk)
run("prepare-poll", "poll.open", activity_id=poll.pk)
joined = [
    live.participant_join(session=session, display_name=f"P{n}", consent=True)
    for n in range(people)
]
store = SessionStore()
store["_auth_user_id"] = str(user.pk)
store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
store["_auth_user_hash"] = user.get_session_auth_hash()
store.save()
print(json.dumps({
    "session_id": session.pk,
    "code": session.code,
    "canvas": canvas.pk,
    "poll": poll.pk,
    "questions": questions,
    "participants": [f"{cookie_name(session.code)}={sign_participant(p)}" for p in joined],
    "facilitator": f"sessionid={store.session_key}",
}))
"""

# Read back from the database after the run: what was really written.
INSPECT = """
import json
from canvases.models import CanvasNote
from cocrea.realtime.models import ProcessedOp, StreamEvent
from sessions.models import Participant, QuestionVote
from voting.models import Ballot, Participation, Poll

session_id, canvas_id, poll_id = SESSION, CANVAS, POLL
stream = f"session:{session_id}"
poll = Poll.objects.get(activity_id=poll_id)
print(json.dumps({
    "seqs": list(
        StreamEvent.objects.filter(stream=stream).order_by("seq").values_list("seq", flat=True)
    ),
    "ops": sorted(ProcessedOp.objects.filter(stream=stream).values_list("actor", "op_id")),
    "notes": sorted(
        CanvasNote.objects.filter(canvas__activity_id=canvas_id).values_list("key", flat=True)
    ),
    "ballots": Ballot.objects.filter(poll=poll).count(),
    "participations": Participation.objects.filter(poll=poll).count(),
    "upvotes": QuestionVote.objects.filter(question__activity__session_id=session_id).count(),
    "connections": {
        p.display_name: p.connections for p in Participant.objects.filter(session_id=session_id)
    },
}))
"""


# --- a private Redis --------------------------------------------------------------------


class PrivateRedis:
    """A redis-server of this test alone, on a fixed port, so it can be killed and
    started again at the same address (no persistence: a restart forgets everything,
    as a crashed cache would)."""

    def __init__(self, folder: Path) -> None:
        if shutil.which("redis-server") is None:
            pytest.skip("redis-server is not installed (scripts/ensure-services.sh)")
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        log = (self.folder / f"redis-{self.starts}.log").open("wb")
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited: {self.process.returncode}")
            if self.ping():
                return
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not answer on {self.port}")

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        """SIGKILL: no goodbye to the clients, as a crash or an OOM kill."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
        self.process = None

    def stop(self) -> None:
        self.kill()


# --- servers ----------------------------------------------------------------------------


@dataclass
class Cluster:
    servers: list[DaphneServer]
    env: dict[str, str]
    folder: Path

    def logs(self) -> str:
        return "\n".join(
            f"--- {server.log.name}\n{server.log.read_text(errors='replace')[-4000:]}"
            for server in self.servers
        )

    def shell(self, script: str) -> dict[str, Any]:
        done = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", script],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])


@contextmanager
def cluster(folder: Path, count: int, **env_extra: str) -> Iterator[Cluster]:
    env = server_env(folder / "db.sqlite3", **env_extra)
    # Only the schema: WebSockets need no collected static files.
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=180,
    )
    servers: list[DaphneServer] = []
    try:
        for n in range(count):
            servers.append(start_daphne(env, folder / f"daphne-{n}.log"))
        yield Cluster(servers, env, folder)
    finally:
        for server in servers:
            server.stop()


@dataclass
class Prepared:
    session_id: int
    code: str
    canvas: int
    poll: int
    questions: list[int]
    participants: list[str]
    facilitator: str


def prepare(cl: Cluster, suffix: str, people: int) -> Prepared:
    script = PREPARE.replace("SUFFIX", suffix).replace("PEOPLE", str(people))
    return Prepared(**cl.shell(script))


def inspect(cl: Cluster, prepared: Prepared) -> dict[str, Any]:
    script = (
        INSPECT.replace("SESSION", str(prepared.session_id))
        .replace("CANVAS", str(prepared.canvas))
        .replace("POLL", str(prepared.poll))
    )
    return cl.shell(script)


# --- a protocol-abiding client ------------------------------------------------------------


class Disconnected(Exception):
    pass


@dataclass
class Client:
    name: str
    cookie: str
    code: str
    server: DaphneServer
    ws: ClientConnection | None = None
    last_seq: int = 0
    events: dict[int, dict[str, Any]] = field(default_factory=dict)
    acks: dict[str, dict[str, Any]] = field(default_factory=dict)
    resent: dict[str, dict[str, Any]] = field(default_factory=dict)  # op_id -> its 2nd ack
    connects: int = 0
    refused: int = 0  # connection attempts that failed
    resyncs: int = 0
    reader: asyncio.Task | None = None
    waiting: dict[str, asyncio.Future] = field(default_factory=dict)
    pongs: asyncio.Queue = field(default_factory=asyncio.Queue)
    pushed: int = 0  # events that came without a ping (through the fan-out)
    pinging: bool = False

    async def connect(self, server: DaphneServer | None = None, *, patience: float = 30) -> None:
        """(Re)connect with ``hello {last_seq}``, retrying with back-off as the shipped
        client does until ``patience`` seconds are spent."""
        if server is not None:
            self.server = server
        await self.drop()
        deadline = time.monotonic() + patience
        delay = 0.1
        while True:
            try:
                ws = await connect(
                    f"ws://127.0.0.1:{self.server.port}/ws/sessions/{self.code}/",
                    additional_headers={
                        "Cookie": self.cookie,
                        "Origin": f"http://127.0.0.1:{self.server.port}",
                    },
                    open_timeout=TIMEOUT,
                )
                await ws.send(json.dumps({"type": "hello", "last_seq": self.last_seq}))
                self.ws = ws
                self.connects += 1
                self.reader = asyncio.ensure_future(self._read(ws))
                return
            except (OSError, WebSocketException, TimeoutError, InvalidStatus):
                self.refused += 1
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(delay)
                delay = min(1.0, delay * 2)

    async def drop(self) -> None:
        ws, self.ws = self.ws, None
        if ws is not None:
            await ws.close()
        if self.reader is not None:
            await asyncio.gather(self.reader, return_exceptions=True)
            self.reader = None

    async def _read(self, ws: ClientConnection) -> None:
        try:
            async for message in ws:
                for frame in unpack(message):
                    self._handle(frame)
        except ConnectionClosed:
            pass
        finally:
            for future in self.waiting.values():
                if not future.done():
                    future.set_exception(Disconnected(self.name))

    def _handle(self, frame: dict[str, Any]) -> None:
        kind = frame["type"]
        if kind == "event":
            seq = frame["seq"]
            # The protocol's promise: every event once, in order, without gaps.
            assert seq == self.last_seq + 1, (self.name, "got", seq, "after", self.last_seq)
            self.events[seq] = frame
            self.last_seq = seq
            if not self.pinging:
                self.pushed += 1
        elif kind in ("ack", "error"):
            future = self.waiting.pop(frame.get("op_id") or "", None)
            if future is not None and not future.done():
                future.set_result(frame)
        elif kind == "pong":
            self.pongs.put_nowait(frame)
        elif kind == "resync":
            self.resyncs += 1
        elif kind == "snapshot":
            self.last_seq = frame["seq"]

    async def op(self, op_id: str, frame: dict[str, Any], *, patience: float = 60) -> dict:
        """Send a command until it is acknowledged; an op sent again after a lost
        connection keeps its op_id (the server answers it as a duplicate if the
        first one was applied)."""
        deadline = time.monotonic() + patience
        attempts = 0
        while True:
            if self.ws is None:
                await self.connect()
            attempts += 1
            future = asyncio.get_running_loop().create_future()
            self.waiting[op_id] = future
            try:
                await self.ws.send(json.dumps({**frame, "op_id": op_id}))
                answer = await asyncio.wait_for(asyncio.shield(future), TIMEOUT)
            except (Disconnected, ConnectionClosed, TimeoutError):
                self.waiting.pop(op_id, None)
                if time.monotonic() > deadline:
                    raise
                await self.drop()
                await asyncio.sleep(0.2)  # a closed socket: back off, then reconnect
                continue
            assert answer["type"] == "ack", (self.name, op_id, answer)
            if attempts > 1:
                self.resent[op_id] = answer
            self.acks.setdefault(op_id, answer)
            return answer

    async def _ping_round(self) -> bool:
        """One heartbeat: True once its pong came (the server fills any gap before
        answering); False if the socket closed first (it is dropped, to reconnect)."""
        if self.ws is None:
            await self.connect()
        assert self.ws is not None and self.reader is not None
        while not self.pongs.empty():
            self.pongs.get_nowait()
        self.pinging = True
        pong = asyncio.ensure_future(self.pongs.get())
        try:
            await self.ws.send(json.dumps({"type": "ping"}))
            done, _ = await asyncio.wait(
                {pong, self.reader}, timeout=TIMEOUT, return_when=asyncio.FIRST_COMPLETED
            )
        except ConnectionClosed:
            done = set()
        finally:
            self.pinging = False
        if pong in done:
            return True
        pong.cancel()
        await self.drop()
        await asyncio.sleep(0.2)
        return False

    async def sync(self, *, patience: float = 30) -> None:
        """After this, the client has every event committed before the call."""
        deadline = time.monotonic() + patience
        while not await self._ping_round():
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name} could not sync")

    async def catch_up(self, head: int, *, patience: float = 30) -> None:
        """Ping (the heartbeat) until every event up to ``head`` arrived."""
        deadline = time.monotonic() + patience
        while self.last_seq < head:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name} stuck at {self.last_seq} < {head}")
            await self._ping_round()

    async def wait_for_seq(self, seq: int, timeout: float) -> bool:
        """Whether event ``seq`` arrives within ``timeout`` without asking for it."""
        deadline = time.monotonic() + timeout
        while self.last_seq < seq and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        return self.last_seq >= seq


async def fresh_view(server: DaphneServer, code: str, cookie: str) -> tuple[dict, list[dict]]:
    """What a brand-new connection of the same person is told: the snapshot, and the
    whole stream replayed from the start (``hello {last_seq: 0}``)."""
    headers = {"Cookie": cookie, "Origin": f"http://127.0.0.1:{server.port}"}
    url = f"ws://127.0.0.1:{server.port}/ws/sessions/{code}/"
    async with connect(url, additional_headers=headers, open_timeout=TIMEOUT) as ws:
        await ws.send(json.dumps({"type": "hello", "last_seq": None}))
        snapshot = None
        while snapshot is None:
            for frame in unpack(await asyncio.wait_for(ws.recv(), TIMEOUT)):
                if frame["type"] == "snapshot":
                    snapshot = frame
    replay: list[dict] = []
    async with connect(url, additional_headers=headers, open_timeout=TIMEOUT) as ws:
        await ws.send(json.dumps({"type": "hello", "last_seq": 0}))
        while not replay or replay[-1]["seq"] < snapshot["seq"]:
            for frame in unpack(await asyncio.wait_for(ws.recv(), TIMEOUT)):
                if frame["type"] == "event":
                    replay.append(frame)
    return snapshot, replay


def note_op(client: Client, canvas: int, n: int) -> tuple[str, dict[str, Any]]:
    note = f"{client.name}-n{n}"
    op = {
        "op": "create",
        "id": note,
        "text": f"{client.name} {n}",
        "x": 40 + 7 * (n % 100),
        "y": 60,
    }
    return f"{client.name}-note-{n}", {"type": "canvas.op", "activity_id": canvas, "op": op}


def vote_op(client: Client, poll: int, choice: str) -> tuple[str, dict[str, Any]]:
    return f"{client.name}-vote", {"type": "poll.vote", "activity_id": poll, "ballot": [choice]}


def upvote_op(client: Client, question: int) -> tuple[str, dict[str, Any]]:
    return f"{client.name}-up-{question}", {"type": "qa.upvote", "question_id": question}
