"""Changing one's vote in a live session (``poll.vote`` with ``receipt``), over the real
WebSocket stack: only with one's own live receipt, only in polls that allow it and only
while they are open; the tally counts the new ballot and the bulletin links the two."""

from __future__ import annotations

import asyncio

import pytest

from cocrea.realtime.models import ProcessedOp, StreamEvent
from sessions import consumers, live
from tests.sessions.conftest import participant_cookie
from tests.sessions.test_consumer import Ws, db, error_of, fresh_channel_layer, run, wait_subscribed
from tests.voting.test_poll_socket import poll_room
from voting import public, selectors
from voting.models import Ballot, Poll

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
__all__ = ["fresh_channel_layer"]  # an autouse fixture, used by being imported


@pytest.fixture(autouse=True)
def no_trailing_flush_left():
    """A trailing flush scheduled on a finished test's event loop never runs."""
    yield
    consumers._poll_flushes.clear()


@pytest.fixture
def alice_cookie(alice) -> str:
    from django.test import Client as HttpClient

    client = HttpClient()
    client.force_login(alice)
    return f"sessionid={client.cookies['sessionid'].value}"


def opened_poll(session, facilitator, *, allow_change: bool = True):
    activity = poll_room(session, facilitator, settings={"max_choices": 1})
    Poll.objects.filter(activity=activity).update(allow_change=allow_change)
    live.session_command(
        session_id=session.pk,
        actor=facilitator,
        type="poll.open",
        data={"activity_id": activity.pk},
        op_id="o1",
    )
    return activity, Poll.objects.get(activity=activity)


async def answer(ws: Ws, op_id: str) -> dict:
    """The ack or error for ``op_id``, skipping the events that arrive meanwhile."""
    while True:
        frame = await ws.recv()
        if frame["type"] in ("ack", "error") and frame.get("op_id") == op_id:
            return frame


async def vote(ws: Ws, op_id: str, activity_id: int, ballot, receipt=None) -> dict:
    data = {"activity_id": activity_id, "ballot": ballot}
    if receipt is not None:
        data["receipt"] = receipt
    await ws.send({"type": "poll.vote", "op_id": op_id, **data})
    return await answer(ws, op_id)


async def latest_results(ws: Ws) -> dict:
    """The last ``poll.results`` counts ``ws`` gets once the coalescing interval is over
    (the trailing flush included)."""
    await asyncio.sleep(live.RESULTS_INTERVAL.total_seconds() + 0.3)
    await ws.send({"type": "ping"})
    counts = None
    while (frame := await ws.recv())["type"] != "pong":
        if frame.get("event") in ("poll.results", "poll.status"):
            counts = frame["data"]["counts"]
    assert counts is not None
    return counts


def test_change_with_the_right_receipt_replaces_the_ballot(
    live_session, facilitator, ana, beto, alice_cookie
):
    activity, poll = opened_poll(live_session, facilitator)

    async def scenario():
        a = await Ws(live_session.code, participant_cookie(ana)).open()
        b = await Ws(live_session.code, participant_cookie(beto)).open()
        f = await Ws(live_session.code, alice_cookie).open()
        snapshot = (await a.hello())["polls"][0]
        assert snapshot["allow_change"] is True
        await b.hello()
        await f.hello()
        await wait_subscribed(live_session.stream, 3)
        first = (await vote(a, "v1", activity.pk, ["a"]))["result"]["receipt"]
        await vote(b, "v2", activity.pk, ["b"])

        ack = await vote(a, "c1", activity.pk, ["b"], receipt=first)
        assert ack["type"] == "ack" and ack["duplicate"] is False, ack
        result = ack["result"]
        assert result["changed"] is True and result["poll_id"] == poll.pk
        assert result["receipt"] and result["receipt"] != first
        assert isinstance(result["seq"], int)
        # A retry of the change is answered as the change was, and changes nothing.
        again = await vote(a, "c1", activity.pk, ["b"], receipt=first)
        assert again["duplicate"] is True and again["result"]["receipt"] == result["receipt"]
        assert again["result"]["changed"] is True

        # Everyone's counts follow (coalesced like votes): a's old ballot no longer counts.
        counts = await latest_results(f)
        assert counts["ballots"] == 2
        assert (counts["options"]["a"]["approvals"], counts["options"]["b"]["approvals"]) == (
            0,
            2,
        )
        events = await db(lambda: list(StreamEvent.objects.values_list("payload", flat=True)))()
        assert first not in str(events) and result["receipt"] not in str(events)

        await f.send({"type": "poll.close", "op_id": "x1", "activity_id": activity.pk})
        closed = await answer(f, "x1")
        assert closed["result"]["status"] == "closed"
        frame = await f.recv()
        while frame.get("event") != "poll.status":
            frame = await f.recv()
        assert frame["data"]["result"]["winner"] == "b"
        for ws in (a, b, f):
            await ws.close()
        seen.update(first=first, new=result["receipt"])

    seen: dict[str, str] = {}
    run(scenario())
    first, new = seen["first"], seen["new"]
    assert not selectors.receipt_counted(poll, first)
    assert selectors.receipt_counted(poll, new)
    entries = selectors.bulletin(poll)
    assert len(entries) == 3
    assert entries[0]["superseded"] is True and entries[0]["content"] == ["a"]
    assert entries[2]["replaces"] == entries[0]["receipt_hash"]
    assert entries[2]["content"] == ["b"] and entries[2]["superseded"] is False
    assert public.bulletin_document(poll)["chain_valid"] is True


def test_wrong_receipt_is_refused_and_nothing_is_stored(live_session, facilitator, ana, beto):
    activity, poll = opened_poll(live_session, facilitator)

    async def scenario():
        a = await Ws(live_session.code, participant_cookie(ana)).open()
        b = await Ws(live_session.code, participant_cookie(beto)).open()
        await a.hello()
        await b.hello()
        mine = (await vote(a, "v1", activity.pk, ["a"]))["result"]["receipt"]
        wrong = await vote(a, "c1", activity.pk, ["b"], receipt="NO-ES-MI-COMPROBANTE")
        assert error_of(wrong) == ("bad_receipt", "receipt", "c1")
        # Another participant's receipt does not let someone who has not voted change.
        other = await vote(b, "c2", activity.pk, ["b"], receipt=mine)
        assert error_of(other) == ("not_voted", "receipt", "c2")
        # A ballot the method refuses is named on the ballot, as for votes.
        bad = await vote(a, "c3", activity.pk, ["a", "b"], receipt=mine)
        assert error_of(bad) == ("too_many_choices", "ballot", "c3")
        empty = await vote(a, "c4", activity.pk, ["b"], receipt="")
        assert error_of(empty)[1:] == ("receipt", "c4")
        for ws in (a, b):
            await ws.close()
        seen["mine"] = mine

    seen: dict[str, str] = {}
    run(scenario())
    mine = seen["mine"]
    assert Ballot.objects.filter(poll=poll).count() == 1
    assert selectors.receipt_counted(poll, mine)
    poll.refresh_from_db()
    assert poll.live_counts["options"]["a"]["approvals"] == 1
    assert poll.live_counts["options"]["b"]["approvals"] == 0
    refused = ["c1", "c2", "c3", "c4"]
    assert not ProcessedOp.objects.filter(op_id__in=refused).exists()


def test_change_on_a_poll_without_allow_change(live_session, facilitator, ana):
    activity, poll = opened_poll(live_session, facilitator, allow_change=False)

    async def scenario():
        a = await Ws(live_session.code, participant_cookie(ana)).open()
        assert (await a.hello())["polls"][0]["allow_change"] is False
        mine = (await vote(a, "v1", activity.pk, ["a"]))["result"]["receipt"]
        refused = await vote(a, "c1", activity.pk, ["b"], receipt=mine)
        assert error_of(refused) == ("change_not_allowed", "receipt", "c1")
        await a.close()
        seen["mine"] = mine

    seen: dict[str, str] = {}
    run(scenario())
    mine = seen["mine"]
    assert Ballot.objects.filter(poll=poll).count() == 1
    assert selectors.receipt_counted(poll, mine)


def test_change_after_close_is_refused(live_session, facilitator, ana):
    activity, poll = opened_poll(live_session, facilitator)

    async def scenario():
        a = await Ws(live_session.code, participant_cookie(ana)).open()
        await a.hello()
        mine = (await vote(a, "v1", activity.pk, ["a"]))["result"]["receipt"]
        await db(live.session_command)(
            session_id=live_session.pk,
            actor=facilitator,
            type="poll.close",
            data={"activity_id": activity.pk},
            op_id="x1",
        )
        refused = await vote(a, "c1", activity.pk, ["b"], receipt=mine)
        assert error_of(refused) == ("closed", "ballot", "c1")
        await a.close()
        seen["mine"] = mine

    seen: dict[str, str] = {}
    run(scenario())
    mine = seen["mine"]
    assert Ballot.objects.filter(poll=poll).count() == 1
    assert selectors.receipt_counted(poll, mine)
