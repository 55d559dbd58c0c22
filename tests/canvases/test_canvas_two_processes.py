"""One canvas on two real Daphne processes sharing a database and Redis.

Six participants, three on each process, write to the canvas at once (creates, moves,
recolours, edits, dots, links, clusters, a delete), each op with its ``op_id``. One of
them loses an ack, drops its connection, queues ops while offline, reconnects to the
*other* process with ``last_seq`` and resends its pending op_ids. Each client builds its
board the way a browser does — the snapshot's board plus every ``canvas.effect`` frame
applied with ``canvases.ops`` — and in the end every board equals what a fresh
snapshot shows that person. A drag sent on one process reaches a socket on the other."""

from __future__ import annotations

import asyncio
import json
import random
import subprocess
import sys
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection

from canvases import ops
from tests.conftest import ROOT, DaphneServer
from tests.frames import unpack
from tests.sessions.test_two_processes import Cluster, cluster, logs, open_socket

pytestmark = pytest.mark.redis
__all__ = ["cluster"]  # a module-scoped fixture, used by being imported

TIMEOUT = 15
OPS_PER_CLIENT = 20

PREPARE = """
import json
from django.contrib.sessions.backends.db import SessionStore
from cocrea.accounts.models import Entity, EntityKind, Role, User
from cocrea.accounts.services import membership_grant
from cocrea.toolkit.models import Level, Methodology, Pillar
from sessions import live
from sessions.cookies import cookie_name, sign_participant
from sessions.services import StageInput, process_create

suffix = "SUFFIX"
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
session = live.session_create(stage=process.stages.get(), title="Taller", created_by=user)
canvas = live.activity_add(
    session=session, kind="canvas", title="Árbol",
    methodology=Methodology.objects.get(slug="arbol-de-problemas"),
    canvas_settings={"dots_per_voter": 50},
)
facilitator = live.Actor(role="facilitator", key=f"u:{user.pk}")
for op_id, type, data in [
    ("prepare-start", "session.start", {}),
    ("prepare-goto", "activity.goto", {"activity_id": canvas.pk}),
]:
    live.session_command(
        session_id=session.pk, actor=facilitator, type=type, data=data, op_id=op_id
    )
people = [
    live.participant_join(session=session, display_name=f"P{n}", consent=True)
    for n in range(6)
]
store = SessionStore()
store["_auth_user_id"] = str(user.pk)
store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
store["_auth_user_hash"] = user.get_session_auth_hash()
store.save()
print(json.dumps({
    "code": session.code,
    "activity": canvas.pk,
    "participants": [
        f"{cookie_name(session.code)}={sign_participant(p)}" for p in people
    ],
    "facilitator": f"sessionid={store.session_key}",
}))
"""


@dataclass
class Prepared:
    code: str
    activity: int
    participants: list[str]
    facilitator: str


def prepare(cluster: Cluster, suffix: str) -> Prepared:
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PREPARE.replace("SUFFIX", suffix)],
        env=cluster.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return Prepared(**json.loads(done.stdout.strip().splitlines()[-1]))


def base_of(canvas: dict[str, Any]) -> ops.CanvasState:
    return ops.CanvasState(
        width=float(canvas["width"]),
        height=float(canvas["height"]),
        zones={
            z["key"]: ops.Zone(z["key"], z["x"], z["y"], z["width"], z["height"])
            for z in canvas["zones"]
        },
    )


@dataclass
class CanvasClient:
    """A browser's canvas model over one socket at a time."""

    name: str
    code: str
    cookie: str
    activity: int
    ws: ClientConnection | None = None
    canvas: dict[str, Any] = field(default_factory=dict)
    key: str = ""
    last_seq: int = 0
    drags: list[dict[str, Any]] = field(default_factory=list)
    results: dict[str, dict[str, Any]] = field(default_factory=dict)  # op_id -> ack/error
    pending: deque[dict[str, Any]] = field(default_factory=deque)  # rest of a batch

    @property
    def board(self) -> dict[str, Any]:
        return self.canvas["board"]

    async def connect(self, server: DaphneServer, last_seq: int | None = None) -> None:
        self.ws = await open_socket(server, self.code, self.cookie)
        self.pending.clear()  # unread frames of the old socket: the replay brings them
        await self.send({"type": "hello", "last_seq": last_seq})
        if last_seq is None:
            snapshot = await self.frame()
            assert snapshot["type"] == "snapshot", snapshot
            self.load(snapshot)

    def load(self, snapshot: dict[str, Any]) -> None:
        [self.canvas] = [c for c in snapshot["canvases"] if c["activity_id"] == self.activity]
        self.key = snapshot["you"]["key"]
        self.last_seq = snapshot["seq"]

    async def send(self, frame: dict[str, Any]) -> None:
        assert self.ws is not None
        await self.ws.send(json.dumps(frame))

    async def frame(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The next frame (presence aside), applied to the model."""
        assert self.ws is not None
        while True:
            if not self.pending:
                self.pending.extend(unpack(await asyncio.wait_for(self.ws.recv(), timeout)))
            frame = self.pending.popleft()
            kind = frame["type"]
            if kind == "presence":
                continue
            if kind == "event":
                self.apply(frame)
            elif kind == "drag":
                self.drags.append(frame)
            elif kind == "snapshot" and self.canvas:  # after a resync
                self.load(frame)
            return frame

    def apply(self, frame: dict[str, Any]) -> None:
        assert frame["seq"] == self.last_seq + 1, (self.name, frame["seq"], self.last_seq)
        self.last_seq = frame["seq"]
        data = frame["data"]
        if not frame["event"].startswith("canvas.") or data["activity_id"] != self.activity:
            return
        if frame["event"] == "canvas.effect":
            state = ops.from_data(self.board, base_of(self.canvas))
            ops.apply_event(state, data["effect"])
            board = ops.as_data(state)
            self.canvas["board"] = {k: board[k] for k in ("notes", "clusters", "links", "dots")}
        elif frame["event"] == "canvas.reset":
            self.canvas = data["canvas"]
        elif frame["event"] == "canvas.settings":
            self.canvas["settings"] = data["settings"]

    async def op(self, op_id: str, op: dict[str, Any]) -> dict[str, Any]:
        """Send an op and read until its ack or error (applying events meanwhile)."""
        await self.send(
            {"type": "canvas.op", "op_id": op_id, "activity_id": self.activity, "op": op}
        )
        while True:
            frame = await self.frame()
            if frame["type"] in ("ack", "error") and frame.get("op_id") == op_id:
                return frame

    async def catch_up(self, head: int) -> None:
        while self.last_seq < head:
            try:
                await self.frame(timeout=1)
            except TimeoutError:
                await self.send({"type": "ping"})  # a heartbeat repairs a lost broadcast

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None


def next_op(client: CanvasClient, rng: random.Random, step: int) -> dict[str, Any]:
    """A plausible op from what the client sees: mostly on its own notes, some on
    others' (which may be gone by the time the op arrives)."""
    notes = [n for n in client.board["notes"] if not n["deleted"]]
    mine = [n["id"] for n in notes if n["author"] == client.key]
    anyone = [n["id"] for n in notes] or mine
    x, y = rng.randint(20, 1180), rng.randint(20, 780)
    if step < 4 or not mine:
        return {
            "op": "create",
            "id": f"{client.name}-{step}",
            "text": f"{client.name} {step}",
            "x": x,
            "y": y,
        }
    kind = rng.choice(["move", "move", "recolour", "dot", "dot", "edit", "link", "cluster"])
    if step == 15:
        return {"op": "delete", "note": mine[0]}
    target = rng.choice(anyone)
    if kind == "move":
        return {"op": "move", "note": target, "x": x, "y": y}
    if kind == "recolour":
        return {"op": "recolour", "note": target, "colour": rng.choice(sorted(ops.COLOURS))}
    if kind == "dot":
        return {"op": "dot", "note": target}
    if kind == "edit":
        return {"op": "edit", "note": rng.choice(mine), "text": f"{client.name} edit {step}"}
    if kind == "link":
        return {
            "op": "link",
            "id": f"l-{client.name}-{step}",
            "from": rng.choice(mine),
            "to": target,
        }
    return {
        "op": "cluster",
        "cluster": f"k-{client.name}",
        "name": client.name,
        "notes": [rng.choice(mine)],
    }


def test_a_canvas_on_two_processes_converges(cluster):
    prepared = prepare(cluster, "canvas")
    servers = [cluster.a, cluster.a, cluster.a, cluster.b, cluster.b, cluster.b]
    clients = [
        CanvasClient(f"c{i}", prepared.code, cookie, prepared.activity)
        for i, cookie in enumerate(prepared.participants)
    ]
    dotted: dict[str, dict[str, int]] = {}  # voter -> note -> dots acknowledged
    created: set[str] = set()  # ids of the notes whose create was acknowledged

    def record(client: CanvasClient, op_id: str, op: dict[str, Any], reply: dict) -> None:
        if op_id in client.results:  # a retry: the first answer counts
            return
        client.results[op_id] = reply
        if reply["type"] == "ack" and op["op"] == "dot":
            votes = dotted.setdefault(client.key, {})
            votes[op["note"]] = votes.get(op["note"], 0) + 1
        if reply["type"] == "ack" and op["op"] == "create":
            created.add(op["id"])

    async def writer(index: int) -> None:
        client, rng = clients[index], random.Random(index)
        await client.connect(servers[index])
        step = 0
        while step < OPS_PER_CLIENT:
            op_id, op = f"{client.name}-op-{step}", next_op(client, rng, step)
            if index == 0 and step == 10:
                # The ack is lost with the connection; two more ops wait offline.
                mine = [n for n in client.board["notes"] if n["author"] == client.key]
                op = {"op": "dot", "note": mine[0]["id"]}
                lost = await client.op(op_id, op)
                assert lost["type"] == "ack", lost
                await client.close()
                offline = [
                    (op_id, op),
                    (f"{client.name}-op-11", next_op(client, rng, 11)),
                    (f"{client.name}-op-12", next_op(client, rng, 12)),
                ]
                # Back on the other process, from where it was; pending ops resent.
                await client.connect(cluster.b, last_seq=client.last_seq)
                for pending_id, pending in offline:
                    reply = await client.op(pending_id, pending)
                    record(client, pending_id, pending, reply)
                    if pending_id == op_id:
                        assert reply == {**lost, "duplicate": True}, reply
                    else:
                        assert reply.get("duplicate") is not True, reply
                step = 13
                continue
            record(client, op_id, op, await client.op(op_id, op))
            step += 1

    async def scenario() -> None:
        await asyncio.gather(*(writer(i) for i in range(len(clients))))
        acks = sum(r["type"] == "ack" for c in clients for r in c.results.values())
        assert acks >= len(clients) * 8, "most ops apply"

        # The writers are done: the head stays where a fresh snapshot puts it.
        facilitator = CanvasClient("f", prepared.code, prepared.facilitator, prepared.activity)
        await facilitator.connect(cluster.a)
        head = facilitator.last_seq

        # A drag on process A reaches a socket on process B (and is never in the stream).
        dragger, watcher = clients[1], clients[4]
        await watcher.catch_up(head)
        note = next(
            n["id"]
            for n in dragger.board["notes"]
            if n["author"] == dragger.key and not n["deleted"]
        )
        for i in range(10):
            await dragger.send(
                {
                    "type": "canvas.drag",
                    "activity_id": prepared.activity,
                    "note": note,
                    "x": 300 + i,
                    "y": 400,
                }
            )
        final = {"note": note, "x": 309, "y": 400}
        while not any(final in d["moves"] for d in watcher.drags):
            await watcher.frame()
        assert all(d["activity_id"] == prepared.activity for d in watcher.drags)
        assert watcher.last_seq == head

        # Everyone catches up with the head; each board is what a fresh snapshot
        # (on the other process) shows that person.
        for client, server in zip(clients, servers, strict=True):
            await client.catch_up(head)
            other = cluster.b if server is cluster.a else cluster.a
            fresh = CanvasClient("fresh", prepared.code, client.cookie, prepared.activity)
            await fresh.connect(other)
            assert fresh.last_seq == head
            assert client.board == fresh.board, client.name
            await fresh.close()
            await client.close()

        # The facilitator's board: every acknowledged dot counted once (a deleted
        # note's dots went back to their voters), and the stream replayed from the
        # start builds the same board.
        board = facilitator.board
        deleted = {n["id"] for n in board["notes"] if n["deleted"]}
        expected = {
            voter: {n: k for n, k in votes.items() if n not in deleted}
            for voter, votes in dotted.items()
        }
        assert board["dots"] == {voter: votes for voter, votes in expected.items() if votes}
        assert {n["id"] for n in board["notes"]} == created
        replay = CanvasClient("r", prepared.code, prepared.facilitator, prepared.activity)
        replay.canvas = {**facilitator.canvas, "board": {}}
        await replay.connect(cluster.b, last_seq=0)
        await replay.catch_up(head)
        assert replay.board == board
        await replay.close()
        await facilitator.close()

    try:
        asyncio.run(asyncio.wait_for(scenario(), 100))
    except BaseException:
        print(logs(cluster))
        raise
