"""A Daphne process SIGKILLed in the middle of a live session (two processes, one
SQLite file, Redis): its clients reconnect to the other process with ``last_seq`` and
the op_ids they never saw acknowledged. They get exactly the events they missed, in
order; an op that was committed before the kill is answered as a duplicate with its
result; one that never got through is applied now; nothing is lost or doubled."""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import time

import pytest

from tests.faults.cluster import (
    Client,
    PrivateRedis,
    cluster,
    fresh_view,
    inspect,
    note_op,
    upvote_op,
    vote_op,
)
from tests.faults.cluster import prepare as prepare_session

pytestmark = pytest.mark.redis

PEOPLE = 6


def test_clients_of_a_killed_process_catch_up_on_the_other(tmp_path):
    redis = PrivateRedis(tmp_path)
    redis.start()
    try:
        with cluster(tmp_path, 2, REDIS_URL=redis.url) as cl:
            try:
                asyncio.run(asyncio.wait_for(scenario(cl, tmp_path / "db.sqlite3"), 120))
            except BaseException:
                print(cl.logs())
                raise
    finally:
        redis.stop()


def committed(database, actor_op: tuple[str, str]) -> bool:
    with sqlite3.connect(database, timeout=5) as db:
        row = db.execute(
            "SELECT 1 FROM realtime_processedop WHERE actor = ? AND op_id = ?", actor_op
        ).fetchone()
    return row is not None


async def scenario(cl, database) -> None:
    prepared = prepare_session(cl, "killed", PEOPLE)
    a, b = cl.servers
    # Four people on A (the one that dies), two on B.
    clients = [
        Client(f"p{n}", cookie, prepared.code, a if n < 4 else b)
        for n, cookie in enumerate(prepared.participants)
    ]
    await asyncio.gather(*(c.connect() for c in clients))
    await asyncio.gather(*(c.sync() for c in clients))

    async def run(client: Client, ops: list[tuple[str, dict]]) -> None:
        for op_id, frame in ops:
            await client.op(op_id, frame)

    await asyncio.gather(
        *(run(c, [note_op(c, prepared.canvas, n) for n in (0, 1)]) for c in clients)
    )
    await asyncio.gather(*(c.sync() for c in clients))

    # On A: p0's note and p1's vote reach the database but their acks are lost with
    # the process; p2 and p3 send an op at the moment A dies (committed or not).
    victims = clients[:4]
    p0_key, p1_key = (f"p:{key}" for key in participant_ids(cl, prepared, 2))
    lost = {
        "p0": note_op(clients[0], prepared.canvas, 2),
        "p1": vote_op(clients[1], prepared.poll, "a"),
    }
    racing = {
        "p2": upvote_op(clients[2], prepared.questions[0]),
        "p3": note_op(clients[3], prepared.canvas, 2),
    }
    for c in victims[:2]:
        op_id, frame = lost[c.name]
        await c.ws.send(json.dumps({**frame, "op_id": op_id}))  # nobody waits for its ack
    deadline = time.monotonic() + 10
    while not (
        committed(database, (p0_key, lost["p0"][0]))
        and committed(database, (p1_key, lost["p1"][0]))
    ):
        assert time.monotonic() < deadline, "the ops never committed on A"
        await asyncio.sleep(0.02)
    for c in victims[2:]:
        op_id, frame = racing[c.name]
        await c.ws.send(json.dumps({**frame, "op_id": op_id}))
    a.process.send_signal(signal.SIGKILL)
    a.process.wait(10)
    # Whatever A sent and the clients had not read yet is gone with it: a real client
    # loses what was in flight. Drop the sockets (their acks are not waited for).
    heads_before = {c.name: c.last_seq for c in victims}

    # B's clients keep working while A is gone.
    await asyncio.gather(*(run(c, [note_op(c, prepared.canvas, 3)]) for c in clients[4:]))

    # A's clients reconnect to B with last_seq and resend their unacknowledged ops.
    await asyncio.gather(*(c.connect(b) for c in victims))
    answers = {}
    for c in victims:
        op_id, frame = {**lost, **racing}[c.name]
        answers[c.name] = await c.op(op_id, frame)
    assert answers["p0"]["duplicate"] is True and answers["p1"]["duplicate"] is True
    assert answers["p1"]["result"]["receipt"], answers["p1"]  # the voter can still check
    for c in victims:
        seq = answers[c.name]["result"]["seq"]
        assert seq > heads_before[c.name] or answers[c.name]["duplicate"]

    # Everyone goes on, on B.
    await asyncio.gather(
        *(
            run(c, [note_op(c, prepared.canvas, 4), upvote_op(c, prepared.questions[1])])
            for c in clients
        )
    )
    head = max(ack["result"]["seq"] for c in clients for ack in c.acks.values())
    await asyncio.gather(*(c.catch_up(head) for c in clients))

    written = inspect(cl, prepared)
    assert written["seqs"] == list(range(1, head + 1))
    notes = sorted(
        [
            *(f"{c.name}-n{n}" for c in clients for n in (0, 1, 4)),
            "p0-n2",
            "p3-n2",
            "p4-n3",
            "p5-n3",
        ]
    )
    assert written["notes"] == notes
    assert written["ballots"] == written["participations"] == 1
    assert written["upvotes"] == PEOPLE + 1  # everyone on question 2, p2 on question 1
    for c in clients:
        assert sorted(c.events) == list(range(1, head + 1)), c.name
        # The note each victim's resent op made (or found) is in its own stream.
        snapshot, replay = await fresh_view(b, prepared.code, c.cookie)
        assert snapshot["seq"] == head
        assert replay == [c.events[seq] for seq in range(1, head + 1)], c.name
        [canvas] = [x for x in snapshot["canvases"] if x["activity_id"] == prepared.canvas]
        assert sorted(n["id"] for n in canvas["board"]["notes"]) == notes
        await c.drop()
    # A resend after all this is still a duplicate with the same result.
    for c in victims:
        op_id, frame = {**lost, **racing}[c.name]
        again = await c.op(op_id, frame)
        assert again["duplicate"] is True
        assert again["result"] == answers[c.name]["result"]
        await c.drop()


def participant_ids(cl, prepared, count: int) -> list[int]:
    script = (
        "import json\nfrom sessions.models import Participant\n"
        f"print(json.dumps({{'ids': list(Participant.objects.filter("
        f"session_id={prepared.session_id}).order_by('pk').values_list('pk', flat=True))}}))"
    )
    return cl.shell(script)["ids"][:count]
