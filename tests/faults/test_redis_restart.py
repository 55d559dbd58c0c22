"""Redis killed and restarted in the middle of a live session, with two real Daphne
processes sharing it and one SQLite file: the servers keep serving, commands keep
committing while cross-process fan-out is down, clients repair gaps and reconnect,
and once Redis is back fan-out works again. In the end every acknowledged op and vote
is in the database and in every client's state, exactly once."""

from __future__ import annotations

import asyncio

import pytest

from tests.faults.cluster import (
    Client,
    PrivateRedis,
    cluster,
    fresh_view,
    inspect,
    note_op,
    prepare,
    upvote_op,
    vote_op,
)

pytestmark = pytest.mark.redis

PEOPLE = 6


def test_clients_converge_across_a_redis_restart(tmp_path):
    redis = PrivateRedis(tmp_path)
    redis.start()
    try:
        # A third process serves one lone participant, who leaves while Redis is down.
        with cluster(tmp_path, 3, REDIS_URL=redis.url) as cl:
            try:
                asyncio.run(asyncio.wait_for(scenario(cl, redis), 120))
            except BaseException:
                print(cl.logs())
                raise
    finally:
        redis.stop()


async def scenario(cl, redis: PrivateRedis) -> None:
    prepared = prepare(cl, "redis", PEOPLE + 1)
    a, b, c3 = cl.servers
    lone = Client("lone", prepared.participants[PEOPLE], prepared.code, c3)
    await lone.connect()
    await lone.sync()
    clients = [
        Client(f"p{n}", cookie, prepared.code, (a, b)[n % 2])
        for n, cookie in enumerate(prepared.participants[:PEOPLE])
    ]
    await asyncio.gather(*(c.connect() for c in clients))
    await asyncio.gather(*(c.sync() for c in clients))

    async def run(client: Client, ops: list[tuple[str, dict]]) -> None:
        for op_id, frame in ops:
            await client.op(op_id, frame)

    # 1. Redis up: ops on both processes reach everybody through the fan-out.
    await asyncio.gather(
        *(run(c, [note_op(c, prepared.canvas, n) for n in (0, 1)]) for c in clients)
    )
    head = max(ack["result"]["seq"] for c in clients for ack in c.acks.values())
    arrived = await asyncio.gather(*(c.wait_for_seq(head, 5) for c in clients))
    assert all(arrived), [(c.name, c.last_seq) for c in clients]

    # 2. Redis killed: commands still commit (the database is the source of truth),
    # events cannot cross processes and clients repair by heartbeat. One client loses
    # its socket meanwhile and reconnects (to the other process) with last_seq while
    # Redis is still down; Redis comes back on the same address, empty, mid-run.
    redis.kill()
    # The last socket of its process leaves: leaving the channel-layer groups fails
    # (Redis is gone), which must not stop the server from counting the leave.
    await lone.drop()

    async def restart_later() -> None:
        await asyncio.sleep(2)
        redis.start()

    async def dropped_and_back(c: Client) -> None:
        await c.drop()
        await c.connect((a, b)[clients.index(c) % 2 - 1])

    restart = asyncio.ensure_future(restart_later())
    down = [
        lambda c, n: note_op(c, prepared.canvas, 2),
        lambda c, n: vote_op(c, prepared.poll, "ab"[n % 2]),
        lambda c, n: upvote_op(c, prepared.questions[0]),
        lambda c, n: note_op(c, prepared.canvas, 3),
    ]

    async def while_down(n: int, c: Client) -> None:
        for step, make in enumerate(down):
            await c.op(*make(c, n))
            if n == 0 and step == 1:
                await dropped_and_back(c)
            await c.sync()  # the heartbeat: fills what the fan-out could not bring
            await asyncio.sleep(0.3)

    await asyncio.gather(*(while_down(n, c) for n, c in enumerate(clients)))
    await restart
    for server in cl.servers:
        assert server.process.poll() is None, "a server died with Redis"

    # 3. Redis back: more ops; then fan-out across processes works again without any
    # heartbeat: a new event reaches every socket unasked (and its arrival makes each
    # socket fill what it missed meanwhile, from the database).
    await asyncio.gather(
        *(
            run(
                c,
                [
                    note_op(c, prepared.canvas, 4),
                    upvote_op(c, prepared.questions[1]),
                    note_op(c, prepared.canvas, 5),
                ],
            )
            for c in clients
        )
    )
    recovered = False
    for probe in range(15):
        ack = await clients[probe % PEOPLE].op(
            *note_op(clients[probe % PEOPLE], prepared.canvas, 100 + probe)
        )
        arrived = await asyncio.gather(*(c.wait_for_seq(ack["result"]["seq"], 1) for c in clients))
        if all(arrived):
            recovered = True
            break
    assert recovered, [(c.name, c.last_seq, ack["result"]["seq"]) for c in clients]
    head = ack["result"]["seq"]

    # 4. Every op_id sent again (as a client that never saw its ack would): all are
    # duplicates answered with the first result; nothing is written twice.
    for c in clients:
        for op_id, frame in [
            *(note_op(c, prepared.canvas, n) for n in range(6)),
            vote_op(c, prepared.poll, "a"),
            upvote_op(c, prepared.questions[0]),
            upvote_op(c, prepared.questions[1]),
        ]:
            first = c.acks[op_id]
            again = await c.op(op_id, frame)
            assert again["duplicate"] is True, (c.name, op_id, again)
            assert again["result"] == first["result"], (c.name, op_id)
    await check(cl, prepared, clients, head)
    # Every socket is closed now, including the one dropped while Redis was down: the
    # servers counted each disconnect (presence must not show ghosts).
    for _ in range(20):
        connections = inspect(cl, prepared)["connections"]
        if not any(connections.values()):
            break
        await asyncio.sleep(0.5)
    assert not any(connections.values()), connections


async def check(cl, prepared, clients: list[Client], head: int) -> None:
    """The database, every client and a fresh snapshot agree; nothing twice."""
    written = inspect(cl, prepared)
    assert written["seqs"] == list(range(1, head + 1))
    probes = [
        f"{c.name}-n{n}" for c in clients for n in range(100, 115) if f"{c.name}-note-{n}" in c.acks
    ]
    notes = sorted([*(f"{c.name}-n{n}" for c in clients for n in range(6)), *probes])
    assert written["notes"] == notes
    assert written["ballots"] == written["participations"] == PEOPLE
    assert written["upvotes"] == 2 * PEOPLE
    acked = {(c.name, op_id) for c in clients for op_id in c.acks}
    assert len(acked) == 9 * PEOPLE + len(probes)
    for c in clients:
        await c.catch_up(head)
        assert sorted(c.events) == list(range(1, head + 1))
        for op_id, ack in c.acks.items():
            seq = ack["result"]["seq"]
            assert seq in c.events, (c.name, op_id, seq)
        snapshot, replay = await fresh_view(c.server, prepared.code, c.cookie)
        assert snapshot["seq"] == head
        assert [f["seq"] for f in replay] == list(range(1, head + 1))
        assert replay == [c.events[seq] for seq in range(1, head + 1)], c.name
        [canvas] = [x for x in snapshot["canvases"] if x["activity_id"] == prepared.canvas]
        assert sorted(n["id"] for n in canvas["board"]["notes"]) == notes
        await c.drop()
