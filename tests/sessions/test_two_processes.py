"""Two real Daphne processes sharing one database and Redis: an event committed on
one reaches sockets on the other, a reconnect to either replays what was missed,
and an op_id retried on the other process is not applied twice."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from websockets.asyncio.client import ClientConnection, connect

from tests.conftest import ROOT, DaphneServer, server_env, start_daphne
from tests.frames import unpack

pytestmark = pytest.mark.redis

TIMEOUT = 10

PREPARE = """
import json
from django.contrib.sessions.backends.db import SessionStore
from cocrea.accounts.models import Entity, EntityKind, Role, User
from cocrea.accounts.services import membership_grant
from cocrea.toolkit.models import Level, Pillar
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
one = live.activity_add(session=session, kind="slide", title="Uno")
two = live.activity_add(session=session, kind="qa", title="Dos")
live.session_command(
    session_id=session.pk, actor=live.Actor(role="facilitator", key=f"u:{user.pk}"),
    type="session.start", data={}, op_id="prepare-start",
)
people = [live.participant_join(session=session, display_name=n, consent=True) for n in "PQ"]
store = SessionStore()
store["_auth_user_id"] = str(user.pk)
store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
store["_auth_user_hash"] = user.get_session_auth_hash()
store.save()
print(json.dumps({
    "code": session.code,
    "activities": [one.pk, two.pk],
    "participants": [
        f"{cookie_name(session.code)}={sign_participant(p)}" for p in people
    ],
    "facilitator": f"sessionid={store.session_key}",
}))
"""


@dataclass
class Cluster:
    a: DaphneServer
    b: DaphneServer
    env: dict[str, str]


@dataclass
class Prepared:
    code: str
    activities: list[int]
    participants: list[str]
    facilitator: str


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, redis_url) -> Iterator[Cluster]:
    folder = tmp_path_factory.mktemp("two-daphnes")
    env = server_env(folder / "db.sqlite3", REDIS_URL=redis_url)
    # Only the schema: tests/conftest.py's migrate() also runs collectstatic (~9 s),
    # which WebSockets do not need.
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=180,
    )
    servers: list[DaphneServer] = []
    try:
        servers.append(start_daphne(env, folder / "a.log"))
        servers.append(start_daphne(env, folder / "b.log"))
        yield Cluster(servers[0], servers[1], env)
    finally:
        for server in servers:
            server.stop()


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


def logs(cluster: Cluster) -> str:
    return "\n".join(
        f"--- {server.log.name}\n{server.log.read_text(errors='replace')[-3000:]}"
        for server in (cluster.a, cluster.b)
    )


class Socket:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.pending: deque[dict] = deque()  # frames of a batch not yet read

    async def send(self, frame: dict) -> None:
        await self.ws.send(json.dumps(frame))

    async def _next(self, timeout: float) -> dict:
        if not self.pending:
            self.pending.extend(unpack(await asyncio.wait_for(self.ws.recv(), timeout)))
        return self.pending.popleft()

    async def recv(self) -> dict:
        """The next frame that is not presence."""
        while True:
            frame = await self._next(TIMEOUT)
            if frame["type"] != "presence":
                return frame

    async def nothing(self, wait: float = 0.5) -> None:
        try:
            while True:
                frame = await self._next(wait)
                assert frame["type"] == "presence", f"unexpected frame {frame}"
        except TimeoutError:
            return


def open_socket(server: DaphneServer, code: str, cookie: str):
    return connect(
        f"ws://127.0.0.1:{server.port}/ws/sessions/{code}/",
        additional_headers={"Cookie": cookie, "Origin": f"http://127.0.0.1:{server.port}"},
        open_timeout=TIMEOUT,
    )


def event(seq: int, name: str, data: dict) -> dict:
    return {"type": "event", "seq": seq, "event": name, "data": data}


def test_events_cross_processes_and_replay_on_the_other(cluster):
    prepared = prepare(cluster, "cross")
    one, two = prepared.activities
    code = prepared.code

    async def scenario():
        async with open_socket(cluster.b, code, prepared.participants[0]) as raw_p:
            p = Socket(raw_p)
            await p.send({"type": "hello", "last_seq": None})
            snapshot = await p.recv()
            assert (snapshot["type"], snapshot["seq"]) == ("snapshot", 3)
            async with open_socket(cluster.a, code, prepared.facilitator) as raw_f:
                f = Socket(raw_f)
                await f.send({"type": "hello"})
                assert (await f.recv())["you"]["role"] == "facilitator"
                await asyncio.sleep(0.3)  # let B's Redis subscription settle
                await f.send({"type": "activity.goto", "op_id": "goto-1", "activity_id": two})
                assert await f.recv() == {
                    "type": "ack",
                    "op_id": "goto-1",
                    "result": {"seq": 4},
                    "duplicate": False,
                }
                assert await f.recv() == event(4, "session.activity", {"activity_id": two})
                assert await p.recv() == event(4, "session.activity", {"activity_id": two})
                await raw_p.close()

                await f.send({"type": "input.lock", "op_id": "lock-1"})
                assert (await f.recv())["result"] == {"seq": 5}
                await f.send({"type": "activity.goto", "op_id": "goto-2", "activity_id": one})
                frames = [await f.recv() for _ in range(3)]
                assert {
                    "type": "ack",
                    "op_id": "goto-2",
                    "result": {"seq": 6},
                    "duplicate": False,
                } in frames

                async with open_socket(cluster.a, code, prepared.participants[0]) as raw_p2:
                    p2 = Socket(raw_p2)
                    await p2.send({"type": "hello", "last_seq": 4})
                    assert await p2.recv() == event(5, "session.input", {"locked": True})
                    assert await p2.recv() == event(6, "session.activity", {"activity_id": one})
                    await p2.nothing()

    try:
        asyncio.run(asyncio.wait_for(scenario(), 60))
    except BaseException:
        print(logs(cluster))
        raise


def test_an_op_id_retried_on_the_other_process_is_a_duplicate(cluster):
    prepared = prepare(cluster, "retry")
    code = prepared.code

    async def scenario():
        async with open_socket(cluster.b, code, prepared.participants[1]) as raw_q:
            q = Socket(raw_q)
            await q.send({"type": "hello", "last_seq": 3})
            await q.nothing(0.3)
            async with open_socket(cluster.a, code, prepared.facilitator) as raw_f:
                f = Socket(raw_f)
                await f.send({"type": "hello", "last_seq": 3})
                await f.send({"type": "timer.start", "op_id": "retry-me", "seconds": 120})
                assert await f.recv() == {
                    "type": "ack",
                    "op_id": "retry-me",
                    "result": {"seq": 4},
                    "duplicate": False,
                }
                timer = await f.recv()
                assert (timer["seq"], timer["event"]) == (4, "session.timer")
            # The connection dropped before the client saw the ack: retry on B.
            async with open_socket(cluster.b, code, prepared.facilitator) as raw_f2:
                f2 = Socket(raw_f2)
                await f2.send({"type": "hello", "last_seq": 4})
                await f2.send({"type": "timer.start", "op_id": "retry-me", "seconds": 120})
                assert await f2.recv() == {
                    "type": "ack",
                    "op_id": "retry-me",
                    "result": {"seq": 4},
                    "duplicate": True,
                }
                await f2.nothing()
            assert await q.recv() == timer
            await q.nothing()
            # The stream did not move: a fresh snapshot is still at 4.
            await q.send({"type": "ping"})
            assert (await q.recv())["type"] == "pong"

        async with open_socket(cluster.a, code, prepared.participants[1]) as raw_q2:
            q2 = Socket(raw_q2)
            await q2.send({"type": "hello"})
            assert (await q2.recv())["seq"] == 4

    try:
        asyncio.run(asyncio.wait_for(scenario(), 60))
    except BaseException:
        print(logs(cluster))
        raise
