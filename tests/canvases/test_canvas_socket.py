"""Canvases over the real WebSocket stack: ops and their errors, what each role sees
(anonymous, private mode, hidden dots), settings, and coalesced drags."""

from __future__ import annotations

import asyncio

import pytest
from django.test import Client as HttpClient

from cocrea.toolkit.models import Methodology
from sessions import consumers, live
from tests.frames import unpack
from tests.sessions.test_consumer import Ws, error_of, fresh_channel_layer, run, wait_subscribed

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
__all__ = ["fresh_channel_layer"]  # an autouse fixture, used by being imported


@pytest.fixture
def board(live_session, facilitator):
    """The live session on a problem-tree canvas: (session, canvas activity)."""
    activity = live.activity_add(
        session=live_session,
        kind="canvas",
        title="Árbol",
        methodology=Methodology.objects.get(slug="arbol-de-problemas"),
    )
    for op_id, type, data in [
        ("s1", "session.start", {}),
        ("s2", "activity.goto", {"activity_id": activity.pk}),
    ]:
        live.session_command(
            session_id=live_session.pk, actor=facilitator, type=type, data=data, op_id=op_id
        )
    live_session.refresh_from_db()
    consumers._drag_meta.clear()
    return live_session, activity


@pytest.fixture
def alice_cookie(alice) -> str:
    client = HttpClient()
    client.force_login(alice)
    return f"sessionid={client.cookies['sessionid'].value}"


def zone_point(activity, index: int = 0) -> tuple[float, float]:
    zone = activity.canvas.zones[index]
    return zone["x"] + 20, zone["y"] + 20


def create(note_id: str, x: float, y: float, text: str = "Idea") -> dict:
    return {"op": "create", "id": note_id, "text": text, "x": x, "y": y}


def test_ops_reach_everyone_in_seq_order(board, ana, beto, alice, cookie_of, alice_cookie):
    session, activity = board
    x, y = zone_point(activity)
    keys = {z.key for z in Methodology.objects.get(slug="arbol-de-problemas").zones.all()}

    async def scenario():
        a = await Ws(session.code, cookie_of(ana)).open()
        b = await Ws(session.code, cookie_of(beto)).open()
        f = await Ws(session.code, alice_cookie).open()
        snapshots = [await ws.hello() for ws in (a, b, f)]
        await wait_subscribed(session.stream, 3)
        canvas = snapshots[0]["canvases"][0]
        assert canvas["activity_id"] == activity.pk
        assert canvas["board"]["notes"] == []
        assert {z["key"] for z in canvas["zones"]} == keys
        assert "authors" not in canvas and "authors" in snapshots[2]["canvases"][0]
        ack = await a.command("canvas.op", "op1", activity_id=activity.pk, op=create("n1", x, y))
        assert ack["type"] == "ack" and ack["duplicate"] is False
        seq = ack["result"]["seq"]
        for ws in (a, b, f):
            frame = await ws.recv()
            assert (frame["seq"], frame["event"]) == (seq, "canvas.effect")
            assert frame["data"]["effect"]["note"]["text"] == "Idea"
            # Only facilitators are told who wrote it.
            names = frame["data"].get("names")
            assert names == ({f"p:{ana.pk}": "Ana"} if ws is f else None)
        # A retry of the same op_id is answered, not applied again.
        again = await a.command("canvas.op", "op1", activity_id=activity.pk, op=create("n1", x, y))
        assert again == {**ack, "duplicate": True}
        await b.nothing()
        # Errors name the code and field; nothing is broadcast.
        bad = await a.command(
            "canvas.op", "op2", activity_id=activity.pk, op=create("n2", x, y, "x" * 1001)
        )
        assert error_of(bad) == ("text_too_long", "text", "op2")
        bad = await a.command("canvas.op", "op3", activity_id=activity.pk, op=create("n3", -1, y))
        assert error_of(bad) == ("out_of_board", "x", "op3")
        bad = await b.command(
            "canvas.op", "op4", activity_id=activity.pk, op={"op": "delete", "note": "n1"}
        )
        assert error_of(bad) == ("forbidden", None, "op4")
        bad = await a.command(
            "canvas.op", "op5", activity_id=999999, op={"op": "dot", "note": "n1"}
        )
        assert error_of(bad) == ("not_found", "activity_id", "op5")
        await b.nothing()
        for ws in (a, b, f):
            await ws.close()

    run(scenario())


def test_hidden_dots_anonymous_and_private(board, ana, beto, alice, cookie_of, alice_cookie):
    session, activity = board
    x, y = zone_point(activity)

    async def scenario():
        a = await Ws(session.code, cookie_of(ana)).open()
        b = await Ws(session.code, cookie_of(beto)).open()
        f = await Ws(session.code, alice_cookie).open()
        for ws in (a, b, f):
            await ws.hello()
        await wait_subscribed(session.stream, 3)
        ack = await f.command("canvas.settings", "set1", activity_id=activity.pk, anonymous=True)
        for ws in (a, b, f):
            reset = await ws.recv()
            assert reset["seq"] == ack["result"]["seq"]
            assert reset["event"] == "canvas.reset"
            assert reset["data"]["canvas"]["settings"]["anonymous"] is True
        await a.command("canvas.op", "a1", activity_id=activity.pk, op=create("n1", x, y))
        seen_by_b = (await b.recv())["data"]["effect"]["note"]
        seen_by_a = (await a.recv())["data"]["effect"]["note"]
        seen_by_f = (await f.recv())["data"]["effect"]["note"]
        assert (seen_by_a["author"], seen_by_b["author"]) == (f"p:{ana.pk}", "")
        assert seen_by_f["author"] == f"p:{ana.pk}"
        # Dots: until revealed, only the voter and the facilitators see them.
        await b.command("canvas.op", "b1", activity_id=activity.pk, op={"op": "dot", "note": "n1"})
        assert (await b.recv())["data"]["effect"]["voter"] == f"p:{beto.pk}"
        assert (await a.recv())["event"] == "hidden"
        assert (await f.recv())["data"]["effect"]["voter"] == f"p:{beto.pk}"
        await f.command("canvas.settings", "set2", activity_id=activity.pk, dots_revealed=True)
        reset = await a.recv()
        assert reset["data"]["canvas"]["board"]["dots"] == {"": {"n1": 1}}
        await b.recv(), await f.recv()
        # Private mode: Beto's new note reaches Beto and the facilitators only.
        await f.command("canvas.settings", "set3", activity_id=activity.pk, private_mode=True)
        reset = await b.recv()
        assert reset["data"]["canvas"]["board"]["notes"] == []
        await a.recv(), await f.recv()
        await b.command("canvas.op", "b2", activity_id=activity.pk, op=create("n2", x, y))
        assert (await b.recv())["event"] == "canvas.effect"
        assert (await a.recv())["event"] == "hidden"
        assert (await f.recv())["event"] == "canvas.effect"
        for ws in (a, b, f):
            await ws.close()

    run(scenario())


def test_drags_are_coalesced_and_not_persisted(board, ana, beto, alice, cookie_of, alice_cookie):
    session, activity = board
    x, y = zone_point(activity)

    async def scenario():
        a = await Ws(session.code, cookie_of(ana)).open()
        b = await Ws(session.code, cookie_of(beto)).open()
        for ws in (a, b):
            await ws.hello()
        await wait_subscribed(session.stream, 2)
        for i in range(30):
            await a.send(
                {
                    "type": "canvas.drag",
                    "activity_id": activity.pk,
                    "note": "n1",
                    "x": x + i,
                    "y": y,
                }
            )
        await asyncio.sleep(0.6)
        frames = []
        # (receive_nothing, not a timed-out recv: a timeout cancels the application.)
        while not await b.comm.receive_nothing(timeout=0.05):
            for frame in unpack((await b.comm.receive_output(1))["text"]):
                if frame["type"] != "presence":
                    frames.append(frame)
        assert frames and all(f["type"] == "drag" for f in frames)
        assert len(frames) < 30  # coalesced
        assert frames[-1]["moves"] == [{"note": "n1", "x": x + 29, "y": y}]
        await a.send(
            {"type": "canvas.drag", "activity_id": activity.pk, "note": "n1", "x": -5, "y": y}
        )
        frame = await a.recv(timeout=2)
        while frame["type"] == "drag":  # the sender's own drags come back too
            frame = await a.recv(timeout=2)
        assert error_of(frame) == ("out_of_board", "x", None)
        snapshot = await Ws(session.code, cookie_of(beto)).open()
        assert (await snapshot.hello())["canvases"][0]["board"]["notes"] == []
        for ws in (a, b, snapshot):
            await ws.close()

    run(scenario())


def test_huge_numbers_are_refused_and_the_socket_stays_open(board, ana, cookie_of):
    """JSON carries integers of any size (a 400-digit one fits in a frame) and numbers
    like 1e999 that parse as infinite: each is an error naming the field, in ops and
    in drags, and the connection goes on."""
    session, activity = board
    x, y = zone_point(activity)
    huge = "1" + "0" * 400

    async def scenario():
        a = await Ws(session.code, cookie_of(ana)).open()
        await a.hello()
        await wait_subscribed(session.stream, 1)
        for op_id, op, field in [
            ("h1", f'{{"op": "create", "id": "n1", "text": "t", "x": {huge}, "y": {y}}}', "x"),
            ("h2", f'{{"op": "create", "id": "n1", "text": "t", "x": {x}, "y": -{huge}}}', "y"),
            ("h3", f'{{"op": "create", "id": "n1", "text": "t", "x": 1e999, "y": {y}}}', "x"),
            (
                "h4",
                f'{{"op": "create", "id": "n1", "text": "t", "x": {x}, "y": {y}, "width": {huge}}}',
                "width",
            ),
        ]:
            await a.send(
                f'{{"type": "canvas.op", "op_id": "{op_id}", "activity_id": {activity.pk}, '
                f'"op": {op}}}'
            )
            assert error_of(await a.recv()) == ("not_finite", field, op_id)
        for number in (huge, "1e999", "NaN", "-Infinity"):
            await a.send(
                f'{{"type": "canvas.drag", "activity_id": {activity.pk}, "note": "n1", '
                f'"x": {number}, "y": {y}}}'
            )
            assert error_of(await a.recv(timeout=2)) == ("not_finite", "x", None)
        # Ids too big for the database are refused before any query.
        for frame, field in [
            (
                f'{{"type": "canvas.op", "op_id": "h5", "activity_id": {huge}, "op": {{}}}}',
                "activity_id",
            ),
            (f'{{"type": "canvas.settings", "op_id": "h6", "activity_id": {huge}}}', "activity_id"),
            (f'{{"type": "activity.goto", "op_id": "h7", "activity_id": {huge}}}', "activity_id"),
            (f'{{"type": "qa.upvote", "op_id": "h8", "question_id": {huge}}}', "question_id"),
        ]:
            await a.send(frame)
            assert error_of(await a.recv())[:2] == ("invalid", field)
        for number in (huge, f"-{huge}"):
            await a.send(
                f'{{"type": "canvas.drag", "activity_id": {number}, "note": "n1", "x": 1, "y": 1}}'
            )
            assert error_of(await a.recv(timeout=2)) == ("invalid", "activity_id", None)
        ack = await a.command("canvas.op", "ok", activity_id=activity.pk, op=create("n1", x, y))
        assert ack["type"] == "ack"
        await a.close()

    run(scenario())
