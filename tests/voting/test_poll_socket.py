"""Polls over the real WebSocket stack: votes and receipts, error codes, results
visibility per role, and coalesced live results."""

from __future__ import annotations

import asyncio

import pytest

from cocrea.realtime.models import StreamEvent
from sessions import consumers, live
from tests.sessions.conftest import participant_cookie
from tests.sessions.test_consumer import Ws, db, error_of, fresh_channel_layer, run, wait_subscribed

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
__all__ = ["fresh_channel_layer"]  # an autouse fixture, used by being imported

OPTIONS = [{"key": "a", "label": "Parque"}, {"key": "b", "label": "Biblioteca"}]


@pytest.fixture(autouse=True)
def no_trailing_flush_left():
    """A trailing flush scheduled on a finished test's event loop never runs."""
    yield
    consumers._poll_flushes.clear()


@pytest.fixture
def cookie_of():
    return participant_cookie


@pytest.fixture
def alice_cookie(alice) -> str:
    from django.test import Client as HttpClient

    client = HttpClient()
    client.force_login(alice)
    return f"sessionid={client.cookies['sessionid'].value}"


def poll_room(session, facilitator, method="approval", settings=None, visibility="live"):
    activity = live.activity_add(
        session=session,
        kind="poll",
        title="Prioridad",
        poll_spec={
            "method": method,
            "options": OPTIONS,
            "settings": settings if settings is not None else {"max_choices": 1},
            "results_visibility": visibility,
        },
    )
    for op_id, type, data in [
        ("s1", "session.start", {}),
        ("s2", "activity.goto", {"activity_id": activity.pk}),
    ]:
        live.session_command(
            session_id=session.pk, actor=facilitator, type=type, data=data, op_id=op_id
        )
    session.refresh_from_db()
    return activity


def test_vote_receipt_goes_only_to_the_voter(
    live_session, facilitator, ana, beto, cookie_of, alice_cookie
):
    activity = poll_room(live_session, facilitator)

    async def scenario():
        a = await Ws(live_session.code, cookie_of(ana)).open()
        b = await Ws(live_session.code, cookie_of(beto)).open()
        f = await Ws(live_session.code, alice_cookie).open()
        snapshot = (await a.hello())["polls"][0]
        assert (snapshot["status"], snapshot["voted"], snapshot["method"]) == (
            "draft",
            False,
            "approval",
        )
        assert [o["label"] for o in snapshot["options"]] == ["Parque", "Biblioteca"]
        await b.hello()
        await f.hello()
        await wait_subscribed(live_session.stream, 3)
        early = await a.command("poll.vote", "v0", activity_id=activity.pk, ballot=["a"])
        assert error_of(early) == ("not_open", "ballot", "v0")
        ack = await f.command("poll.open", "o1", activity_id=activity.pk)
        assert ack["result"]["status"] == "open"
        for ws in (a, b, f):
            frame = await ws.recv()
            assert (frame["event"], frame["data"]["status"]) == ("poll.status", "open")
        ack = await a.command("poll.vote", "v1", activity_id=activity.pk, ballot=["a"])
        receipt = ack["result"]["receipt"]
        assert ack["type"] == "ack" and ack["duplicate"] is False and receipt
        again = await a.command("poll.vote", "v1", activity_id=activity.pk, ballot=["a"])
        assert again["duplicate"] is True and again["result"]["receipt"] == receipt
        second = await a.command("poll.vote", "v2", activity_id=activity.pk, ballot=["b"])
        assert error_of(second) == ("already_voted", "ballot", "v2")
        for ws, code in [
            (b, "too_many_choices"),
        ]:
            bad = await ws.command("poll.vote", "x1", activity_id=activity.pk, ballot=["a", "b"])
            assert error_of(bad) == (code, "ballot", "x1")
        bad = await f.command("poll.vote", "x2", activity_id=activity.pk, ballot=["a"])
        assert error_of(bad)[0] == "forbidden"
        # The counts arrive (at most twice a second); nobody ever sees the receipt.
        for ws in (a, b, f):
            frame = await ws.recv()
            assert frame["event"] == "poll.results"
            assert frame["data"]["counts"]["options"]["a"]["approvals"] == 1
            assert receipt not in str(frame)
        events = await db(lambda: list(StreamEvent.objects.values_list("payload", flat=True)))()
        assert receipt not in str(events)
        snapshot = await Ws(live_session.code, cookie_of(ana)).open()
        polls = (await snapshot.hello())["polls"]
        assert polls[0]["voted"] is True and polls[0]["counts"]["ballots"] == 1
        for ws in (a, b, f, snapshot):
            await ws.close()

    run(scenario())


@pytest.mark.parametrize(
    ("method", "settings", "ballot", "code"),
    [
        ("irv", {}, ["a", "a"], "duplicate_rank"),
        ("budget", {"budget": 10}, ["a", "b"], "over_budget"),
        ("approval", {"max_choices": 1}, ["a", "b"], "too_many_choices"),
    ],
)
def test_invalid_ballots_get_the_method_code(
    live_session, facilitator, ana, cookie_of, method, settings, ballot, code
):
    if method == "budget":
        OPTIONS_COST = [{**o, "cost": 8} for o in OPTIONS]
        activity = live.activity_add(
            session=live_session,
            kind="poll",
            title="Presupuesto",
            poll_spec={"method": "budget", "options": OPTIONS_COST, "settings": settings},
        )
        for op_id, type in [("s1", "session.start")]:
            live.session_command(
                session_id=live_session.pk, actor=facilitator, type=type, data={}, op_id=op_id
            )
    else:
        activity = poll_room(live_session, facilitator, method, settings)
    live.session_command(
        session_id=live_session.pk,
        actor=facilitator,
        type="poll.open",
        data={"activity_id": activity.pk},
        op_id="o1",
    )

    async def scenario():
        a = await Ws(live_session.code, cookie_of(ana)).open()
        await a.hello()
        bad = await a.command("poll.vote", "v1", activity_id=activity.pk, ballot=ballot)
        assert error_of(bad) == (code, "ballot", "v1")
        await a.close()

    run(scenario())


def test_results_hidden_from_participants_until_published(
    live_session, facilitator, ana, cookie_of, alice_cookie
):
    activity = poll_room(live_session, facilitator, visibility="on_publish")

    async def scenario():
        a = await Ws(live_session.code, cookie_of(ana)).open()
        f = await Ws(live_session.code, alice_cookie).open()
        await a.hello()
        await f.hello()
        await wait_subscribed(live_session.stream, 2)
        await f.command("poll.open", "o1", activity_id=activity.pk)
        await a.recv()
        await f.recv()
        await a.command("poll.vote", "v1", activity_id=activity.pk, ballot=["b"])
        seen, full = await a.recv(), await f.recv()
        assert seen["event"] == full["event"] == "poll.results"
        assert seen["data"]["counts"] is None and seen["data"]["ballots"] == 1
        assert full["data"]["counts"]["options"]["b"]["approvals"] == 1
        await f.command("poll.close", "c1", activity_id=activity.pk)
        seen, full = await a.recv(), await f.recv()
        assert seen["data"]["status"] == "closed" and seen["data"]["result"] is None
        assert full["data"]["result"]["winner"] == "b"
        assert (await Ws(live_session.code, cookie_of(ana)).open()) and True
        await f.command("poll.publish", "p1", activity_id=activity.pk)
        seen = await a.recv()
        assert seen["data"]["status"] == "published"
        assert seen["data"]["result"]["winner"] == "b" and seen["data"]["result"]["explanation"]
        assert seen["data"]["counts"]["options"]["b"]["approvals"] == 1
        for ws in (a, f):
            await ws.close()

    run(scenario())


def test_results_are_coalesced_but_end_right(live_session, facilitator, alice_cookie):
    activity = poll_room(live_session, facilitator, visibility="live")
    voters = [
        live.participant_join(session=live_session, display_name=f"P{i}", consent=True)
        for i in range(20)
    ]
    live.session_command(
        session_id=live_session.pk,
        actor=facilitator,
        type="poll.open",
        data={"activity_id": activity.pk},
        op_id="o1",
    )

    cookies = [participant_cookie(voter) for voter in voters]

    async def scenario():
        f = await Ws(live_session.code, alice_cookie).open()
        await f.hello()
        sockets = [await Ws(live_session.code, cookie).open() for cookie in cookies]
        for ws in sockets:
            await ws.hello()
        await wait_subscribed(live_session.stream, 21)
        loop = asyncio.get_running_loop()
        start = loop.time()
        # Over the voters' own sockets: the socket that sends a vote asks for the
        # trailing update of counts left pending.
        for i, ws in enumerate(sockets):
            await ws.send(
                {
                    "type": "poll.vote",
                    "op_id": f"v{i}",
                    "activity_id": activity.pk,
                    "ballot": ["a" if i % 4 else "b"],
                }
            )
        for ws in sockets:
            while (await ws.recv())["type"] != "ack":
                pass
        assert loop.time() - start < 1.0
        await asyncio.sleep(1.0)
        await f.send({"type": "ping"})
        results = []
        while True:
            frame = await f.recv()
            if frame["type"] == "pong":
                break
            if frame.get("event") == "poll.results":
                results.append(frame["data"])
        assert 1 <= len(results) <= 3
        final = results[-1]["counts"]
        assert final["ballots"] == 20
        assert final["options"]["a"]["approvals"] == 15
        assert final["options"]["b"]["approvals"] == 5
        for ws in (f, *sockets):
            await ws.close()

    run(scenario())
