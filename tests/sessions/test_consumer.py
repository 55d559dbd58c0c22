"""The live-session WebSocket through the full ASGI stack (origin check, cookies,
auth), frame by frame against docs/realtime-protocol.md.

The consumer reads the database from other threads, so these tests use a
transactional database; each test drives its clients in one ``asyncio.run``."""

from __future__ import annotations

import asyncio
import json
from collections import deque
from contextlib import contextmanager
from unittest import mock

import pytest
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.core import signing
from django.core.cache import cache
from django.db import connections
from django.test import Client as HttpClient

from cocrea import ratelimit
from cocrea.asgi import application
from cocrea.realtime import services as realtime_services
from cocrea.realtime.fanout import fanout_for
from cocrea.realtime.models import ProcessedOp, StreamEvent
from cocrea.realtime.selectors import stream_head
from cocrea.realtime.services import stream_prune
from sessions import consumers, cookies, live
from sessions.models import LiveSession, Participant, Question, SessionStatus
from tests.frames import unpack

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ORIGIN = b"http://localhost"
TIMEOUT = 5


# --- a small client ------------------------------------------------------------------


class Closed(AssertionError):
    def __init__(self, code: int | None, reason: str | None) -> None:
        super().__init__(f"socket closed with {code} {reason!r}")
        self.code = code
        self.reason = reason


class Ws:
    """One WebSocket to ``/ws/sessions/<code>/``. Presence frames come at their own
    pace, so ``recv`` sets them aside (in ``presence``) unless asked for them."""

    def __init__(
        self,
        code: str,
        cookie: str | None = None,
        origin: bytes | None = ORIGIN,
        client: str = "192.0.2.10",
    ):
        headers = [(b"host", b"localhost")]
        if origin is not None:
            headers.append((b"origin", origin))
        if cookie:
            headers.append((b"cookie", cookie.encode()))
        self.comm = WebsocketCommunicator(application, f"/ws/sessions/{code}/", headers=headers)
        self.comm.scope["client"] = (client, 50000)
        self.presence: list[dict] = []
        self.pending: deque[dict] = deque()  # frames of a batch not yet read
        _sockets.append(self)

    async def open(self) -> Ws:
        connected, _ = await self.comm.connect(timeout=TIMEOUT)
        assert connected, "the handshake was refused"
        return self

    async def send(self, frame: dict | str) -> None:
        text = frame if isinstance(frame, str) else json.dumps(frame)
        await self.comm.send_to(text_data=text)

    async def _output(self, timeout: float) -> dict:
        return await self.comm.receive_output(timeout)

    async def recv(self, *, presence: bool = False, timeout: float = TIMEOUT) -> dict:
        while True:
            if not self.pending:
                output = await self._output(timeout)
                if output["type"] == "websocket.close":
                    raise Closed(output.get("code"), output.get("reason"))
                assert output["type"] == "websocket.send", output
                self.pending.extend(unpack(output["text"]))
            frame = self.pending.popleft()
            if frame.get("type") == "presence" and not presence:
                self.presence.append(frame)
                continue
            return frame

    async def recv_many(self, count: int) -> list[dict]:
        return [await self.recv() for _ in range(count)]

    async def closed(self, timeout: float = TIMEOUT) -> tuple[int | None, str | None]:
        """The close code and reason; fails on any other frame first."""
        try:
            frame = await self.recv(timeout=timeout)
        except Closed as closed:
            return closed.code, closed.reason
        raise AssertionError(f"expected a close, got {frame}")

    async def nothing(self, wait: float = 0.3) -> None:
        """No frame (other than presence) arrives within ``wait`` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while True:
            while self.pending:
                frame = self.pending.popleft()
                if frame.get("type") != "presence":
                    raise AssertionError(f"unexpected frame {frame}")
                self.presence.append(frame)
            if loop.time() >= deadline:
                return
            if await self.comm.receive_nothing(timeout=deadline - loop.time()):
                return
            output = await self._output(TIMEOUT)
            if output["type"] != "websocket.send":
                raise AssertionError(f"unexpected output {output}")
            self.pending.extend(unpack(output["text"]))

    async def hello(self, last_seq: int | None = None) -> dict:
        await self.send({"type": "hello", "last_seq": last_seq})
        return await self.recv()

    async def command(self, type: str, op_id: str, **data) -> dict:
        await self.send({"type": type, "op_id": op_id, **data})
        return await self.recv()

    async def close(self) -> None:
        await self.comm.disconnect()


_sockets: list[Ws] = []


def db(function):
    return database_sync_to_async(function)


def run(coroutine) -> None:
    """Run a scenario; then disconnect every socket still open, so no consumer is
    left half-way through a database call when the test's database is flushed."""

    async def main() -> None:
        try:
            await asyncio.wait_for(coroutine, timeout=30)
        finally:
            for ws in _sockets:
                future = ws.comm._future
                if future is not None and not future.done():
                    try:
                        await ws.comm.disconnect(timeout=3)
                    except Exception:  # the scenario's own failure matters more
                        pass
            _sockets.clear()
            # The consumers' database thread outlives the test: drop its connection, or
            # PostgreSQL refuses to drop the test database at the end of the run.
            await database_sync_to_async(connections.close_all)()

    asyncio.run(main())


async def wait_subscribed(stream: str, count: int = 1) -> None:
    """Until ``count`` connections listen to the stream through this process's fan-out,
    and the fan-out to the stream's group (connect() returns on accept, before the
    consumer subscribes)."""
    layer = channel_layers["default"]
    group = realtime_services.group_name(stream)
    fanout = fanout_for(layer)
    for _ in range(300):
        if len(fanout.members.get(stream, ())) >= count and layer.groups.get(group):
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"no subscriber on {group}")


@contextmanager
def broadcasts_lost():
    """The channel layer drops every event (it is at-most-once)."""
    with mock.patch.object(realtime_services, "broadcast", lambda stream, frame: None):
        yield


def event(seq: int, name: str, data: dict) -> dict:
    return {"type": "event", "seq": seq, "event": name, "data": data}


def error_of(frame: dict) -> tuple:
    assert frame["type"] == "error", frame
    assert isinstance(frame["message"], str)
    assert frame["message"]
    return frame["code"], frame.get("field"), frame.get("op_id")


# --- fixtures ------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    """Each test runs its own event loop: give it its own in-memory channel layer,
    and a clean cache (the per-address budget of unknown codes lives there)."""
    channel_layers.backends.clear()
    consumers._presence_tasks.clear()
    consumers._poll_flushes.clear()
    cache.clear()
    yield
    channel_layers.backends.clear()
    consumers._presence_tasks.clear()
    consumers._poll_flushes.clear()
    cache.clear()


@pytest.fixture
def room(live_session, agenda, facilitator):
    """The session live on its Q&A activity: head 4 (agenda ×2, start, goto)."""
    for op_id, type, data in [
        ("s1", "session.start", {}),
        ("s2", "activity.goto", {"activity_id": agenda[1].pk}),
    ]:
        live.session_command(
            session_id=live_session.pk, actor=facilitator, type=type, data=data, op_id=op_id
        )
    live_session.refresh_from_db()
    assert stream_head(live_session.stream) == 4
    return live_session


@pytest.fixture
def alice_cookie(alice) -> str:
    client = HttpClient()
    client.force_login(alice)
    return f"sessionid={client.cookies['sessionid'].value}"


@pytest.fixture
def command(facilitator):
    """``command(session, type, **data)`` as the facilitator, in the calling thread."""
    counter = iter(range(1, 10_000))

    def send(session, type, **data):
        result, _ = live.session_command(
            session_id=session.pk,
            actor=facilitator,
            type=type,
            data=data,
            op_id=f"svc{next(counter)}",
        )
        return result

    return send


# --- starting: hello, snapshot, replay -----------------------------------------------


def test_hello_is_required_first(room, ana, cookie_of):
    async def scenario():
        ws = await Ws(room.code, cookie_of(ana)).open()
        await ws.send({"type": "ping"})
        assert error_of(await ws.recv()) == ("hello_required", None, None)
        await ws.send({"type": "input.lock", "op_id": "x1"})
        assert error_of(await ws.recv()) == ("hello_required", None, "x1")
        snapshot = await ws.hello()
        assert (snapshot["type"], snapshot["seq"]) == ("snapshot", 4)
        await ws.send({"type": "hello"})
        assert error_of(await ws.recv()) == ("invalid", "type", None)
        await ws.close()

    run(scenario())


@pytest.mark.parametrize(("last_seq", "field"), [(-1, "last_seq"), ("x", "last_seq")])
def test_hello_is_validated(room, ana, cookie_of, last_seq, field):
    async def scenario():
        ws = await Ws(room.code, cookie_of(ana)).open()
        await ws.send({"type": "hello", "last_seq": last_seq})
        assert error_of(await ws.recv()) == ("invalid", field, None)
        assert (await ws.hello())["type"] == "snapshot"
        await ws.close()

    run(scenario())


def test_participant_snapshot(room, agenda, ana, cookie_of):
    slide, qa = agenda

    async def scenario():
        ws = await Ws(room.code.lower(), cookie_of(ana)).open()
        snapshot = await ws.hello()
        assert snapshot["type"] == "snapshot"
        assert snapshot["seq"] == 4
        assert snapshot["you"] == {
            "role": "participant",
            "key": f"p:{ana.pk}",
            "participant_id": ana.pk,
            "name": "Ana",
        }
        assert snapshot["session"]["code"] == room.code
        assert snapshot["session"]["status"] == "live"
        assert snapshot["session"]["level"]["code"] == "colaborar"
        assert snapshot["session"]["current_activity_id"] == qa.pk
        assert snapshot["session"]["input_locked"] is False
        assert snapshot["session"]["results_hidden"] is True
        assert snapshot["session"]["timer"] == {"ends_at": None, "remaining": None}
        assert [(a["id"], a["kind"]) for a in snapshot["agenda"]] == [
            (slide.pk, "slide"),
            (qa.pk, "qa"),
        ]
        assert snapshot["questions"] == []
        assert snapshot["presence"] == {"count": 1}
        assert set(snapshot) == {
            "type",
            "seq",
            "server_time",
            "you",
            "session",
            "agenda",
            "questions",
            "canvases",
            "polls",
            "presence",
        }
        await ws.close()

    run(scenario())
    ana.refresh_from_db()
    assert ana.connections == 0
    assert ana.last_seen is not None


def test_facilitator_snapshot(room, ana, alice, alice_cookie):
    async def scenario():
        await db(live.participant_connected)(participant_id=ana.pk)
        ws = await Ws(room.code, alice_cookie).open()
        snapshot = await ws.hello()
        assert snapshot["you"] == {"role": "facilitator", "key": f"u:{alice.pk}"}
        assert snapshot["presence"] == {
            "count": 1,
            "participants": [{"id": ana.pk, "name": "Ana"}],
        }
        await ws.close()

    run(scenario())


def test_facilitator_command_is_acked_after_commit_and_reaches_everyone_in_order(
    room, agenda, ana, beto, alice_cookie, cookie_of
):
    slide, qa = agenda

    async def scenario():
        f = await Ws(room.code, alice_cookie).open()
        p = await Ws(room.code, cookie_of(ana)).open()
        q = await Ws(room.code, cookie_of(beto)).open()
        for ws in (f, p, q):
            assert (await ws.hello())["seq"] == 4
        ack = await f.command("input.lock", "op-1")
        assert ack == {"type": "ack", "op_id": "op-1", "result": {"seq": 5}, "duplicate": False}
        # The ack comes after the commit: the change and its event are in the database.
        assert await db(lambda: LiveSession.objects.get(pk=room.pk).input_locked)() is True
        assert await db(stream_head)(room.stream) == 5
        assert await f.recv() == event(5, "session.input", {"locked": True})
        assert (await f.command("timer.start", "op-2", seconds=60))["result"] == {"seq": 6}
        ends_at = await db(lambda: LiveSession.objects.get(pk=room.pk).timer_ends_at)()
        # No server_time in events: they are replayed later (the clock comes from the
        # snapshot and pong).
        timer = event(6, "session.timer", {"ends_at": ends_at.isoformat(), "remaining": None})
        assert await f.recv() == timer
        assert (await f.command("activity.goto", "op-3", activity_id=slide.pk))["result"] == {
            "seq": 7
        }
        assert await f.recv() == event(7, "session.activity", {"activity_id": slide.pk})
        for ws in (p, q):
            assert await ws.recv_many(3) == [
                event(5, "session.input", {"locked": True}),
                timer,
                event(7, "session.activity", {"activity_id": slide.pk}),
            ]
            await ws.nothing()
        await f.nothing()
        for ws in (f, p, q):
            await ws.close()

    run(scenario())


def test_replay_after_reconnect(room, agenda, ana, cookie_of, command):
    slide, qa = agenda

    async def scenario():
        p = await Ws(room.code, cookie_of(ana)).open()
        assert (await p.hello())["seq"] == 4
        await p.close()
        await db(command)(room, "activity.goto", activity_id=slide.pk)
        await db(command)(room, "results.reveal")
        p = await Ws(room.code, cookie_of(ana)).open()
        await p.send({"type": "hello", "last_seq": 4})
        assert await p.recv_many(2) == [
            event(5, "session.activity", {"activity_id": slide.pk}),
            event(6, "session.results", {"hidden": False, "upvotes": {}}),
        ]
        await p.nothing()
        # And live from there, exactly once.
        await db(command)(room, "results.hide")
        assert await p.recv() == event(7, "session.results", {"hidden": True})
        await p.nothing()
        await p.close()

    run(scenario())


def test_replay_from_the_head_sends_nothing(room, ana, cookie_of):
    async def scenario():
        p = await Ws(room.code, cookie_of(ana)).open()
        await p.send({"type": "hello", "last_seq": 4})
        await p.nothing()
        await p.send({"type": "ping"})
        assert (await p.recv())["type"] == "pong"
        await p.close()

    run(scenario())


def test_resync_when_the_stream_was_pruned(room, ana, cookie_of, command):
    async def scenario():
        await db(command)(room, "input.lock")
        await db(command)(room, "input.unlock")
        assert await db(stream_prune)(stream=room.stream, keep_last=1) == 5
        p = await Ws(room.code, cookie_of(ana)).open()
        await p.send({"type": "hello", "last_seq": 2})
        assert await p.recv() == {"type": "resync", "reason": "pruned", "seq": 6}
        snapshot = await p.recv()
        assert (snapshot["type"], snapshot["seq"]) == ("snapshot", 6)
        assert snapshot["session"]["input_locked"] is False
        await p.nothing()
        await p.close()
        # Just behind the cut is still a plain replay.
        p = await Ws(room.code, cookie_of(ana)).open()
        await p.send({"type": "hello", "last_seq": 5})
        assert await p.recv() == event(6, "session.input", {"locked": False})
        await p.nothing()
        await p.close()

    run(scenario())


def test_resync_when_the_client_is_ahead(room, ana, cookie_of):
    async def scenario():
        p = await Ws(room.code, cookie_of(ana)).open()
        await p.send({"type": "hello", "last_seq": 99})
        assert await p.recv() == {"type": "resync", "reason": "ahead", "seq": 4}
        snapshot = await p.recv()
        assert (snapshot["type"], snapshot["seq"]) == ("snapshot", 4)
        await p.nothing()
        await p.close()

    run(scenario())


@pytest.mark.parametrize("last_seq", [None, 4])
def test_events_before_hello_are_delivered_exactly_once(room, ana, cookie_of, command, last_seq):
    async def scenario():
        p = await Ws(room.code, cookie_of(ana)).open()
        await wait_subscribed(room.stream)  # no hello yet
        await db(command)(room, "input.lock")
        await p.nothing(0.2)
        first = await p.hello(last_seq)
        if last_seq is None:
            assert (first["type"], first["seq"]) == ("snapshot", 5)
            assert first["session"]["input_locked"] is True
        else:
            assert first == event(5, "session.input", {"locked": True})
        await p.nothing()
        await p.close()

    run(scenario())


# --- delivery repairs: the database is the source of truth --------------------------


def test_a_lost_broadcast_is_repaired_on_ping(room, ana, cookie_of, command):
    async def scenario():
        p = await Ws(room.code, cookie_of(ana)).open()
        await p.hello()
        with broadcasts_lost():
            await db(command)(room, "input.lock")
        await p.nothing(0.2)
        await p.send({"type": "ping"})
        assert await p.recv() == event(5, "session.input", {"locked": True})
        pong = await p.recv()
        assert pong["type"] == "pong"
        assert set(pong) == {"type", "server_time"}
        await p.close()

    run(scenario())


def test_a_gap_is_filled_before_the_next_event(room, ana, cookie_of, command):
    async def scenario():
        p = await Ws(room.code, cookie_of(ana)).open()
        await p.hello()
        with broadcasts_lost():
            await db(command)(room, "input.lock")
            await db(command)(room, "results.reveal")
        await db(command)(room, "input.unlock")
        assert await p.recv_many(3) == [
            event(5, "session.input", {"locked": True}),
            event(6, "session.results", {"hidden": False, "upvotes": {}}),
            event(7, "session.input", {"locked": False}),
        ]
        await p.nothing()
        await p.close()

    run(scenario())


def test_a_gap_that_was_pruned_resyncs_without_resending_covered_events(
    room, ana, cookie_of, command
):
    """The snapshot after a resync already covers the event that revealed the gap:
    sending that event again would apply it twice ("every event exactly once")."""

    async def scenario():
        p = await Ws(room.code, cookie_of(ana)).open()
        await p.hello()
        with broadcasts_lost():
            await db(command)(room, "input.lock")
            await db(command)(room, "results.reveal")
            await db(command)(room, "input.unlock")
        await db(stream_prune)(stream=room.stream, keep_last=1)
        # The last broadcast finally arrives (e.g. a slow Redis), after the pruning.
        await db(realtime_services.broadcast)(
            room.stream, {"seq": 7, "event": "session.input", "data": {"locked": False}}
        )
        assert await p.recv() == {"type": "resync", "reason": "pruned", "seq": 7}
        snapshot = await p.recv()
        assert (snapshot["type"], snapshot["seq"]) == ("snapshot", 7)
        await p.nothing()
        await p.close()

    run(scenario())


# --- commands ------------------------------------------------------------------------


def test_a_retried_op_id_is_acked_as_duplicate_and_applied_once(room, ana, alice_cookie, cookie_of):
    async def scenario():
        f = await Ws(room.code, alice_cookie).open()
        p = await Ws(room.code, cookie_of(ana)).open()
        await f.hello()
        await p.hello()
        first = await f.command("input.lock", "c1f-retry")
        assert first == {
            "type": "ack",
            "op_id": "c1f-retry",
            "result": {"seq": 5},
            "duplicate": False,
        }
        assert await f.recv() == event(5, "session.input", {"locked": True})
        await f.close()
        # A retry after a dropped connection, on a new socket.
        f = await Ws(room.code, alice_cookie).open()
        await f.send({"type": "hello", "last_seq": 5})
        again = await f.command("input.lock", "c1f-retry")
        assert again == {
            "type": "ack",
            "op_id": "c1f-retry",
            "result": {"seq": 5},
            "duplicate": True,
        }
        await f.nothing()
        assert await p.recv() == event(5, "session.input", {"locked": True})
        await p.nothing()
        await f.close()
        await p.close()

    run(scenario())
    assert StreamEvent.objects.filter(stream=room.stream, type="session.input").count() == 1


def test_participant_sending_a_facilitator_command_is_forbidden(room, ana, alice_cookie, cookie_of):
    async def scenario():
        f = await Ws(room.code, alice_cookie).open()
        p = await Ws(room.code, cookie_of(ana)).open()
        await f.hello()
        await p.hello()
        with mock.patch.object(consumers.logger, "warning") as warning:
            reply = await p.command("session.end", "p-1")
        assert error_of(reply) == ("forbidden", None, "p-1")
        assert warning.call_count == 1
        await f.nothing()
        await p.nothing()
        # The connection is still usable.
        await p.send({"type": "ping"})
        assert (await p.recv())["type"] == "pong"
        await f.close()
        await p.close()

    run(scenario())
    assert stream_head(room.stream) == 4
    assert LiveSession.objects.get(pk=room.pk).status == SessionStatus.LIVE


def test_participant_cannot_start_a_scheduled_session(live_session, agenda, ana, cookie_of):
    async def scenario():
        p = await Ws(live_session.code, cookie_of(ana)).open()
        snapshot = await p.hello()
        assert (snapshot["seq"], snapshot["session"]["status"]) == (2, "scheduled")
        assert error_of(await p.command("session.start", "go")) == ("forbidden", None, "go")
        await p.nothing()
        await p.close()

    run(scenario())
    assert stream_head(live_session.stream) == 2
    assert LiveSession.objects.get(pk=live_session.pk).status == SessionStatus.SCHEDULED
    assert not ProcessedOp.objects.exists()


def test_bad_frames_get_errors_and_the_connection_stays_open(room, alice_cookie):
    cases = [
        ("{not json", ("invalid_json", None, None)),
        ("[1, 2]", ("invalid_frame", "type", None)),
        ('"hello"', ("invalid_frame", "type", None)),
        ('{"op_id": "a"}', ("invalid_frame", "type", None)),
        ('{"type": 5}', ("invalid_frame", "type", None)),
        ('{"type": "nope", "op_id": "u1"}', ("unknown_type", "type", "u1")),
        ('{"type": "input.lock"}', ("invalid", "op_id", None)),
        ('{"type": "input.lock", "op_id": ""}', ("invalid", "op_id", None)),
        ('{"type": "input.lock", "op_id": 7}', ("invalid", "op_id", None)),
        ('{"type": "input.lock", "op_id": "' + "a" * 65 + '"}', ("invalid", "op_id", mock.ANY)),
        ('{"type": "timer.start", "op_id": "t1", "seconds": "x"}', ("invalid", "seconds", "t1")),
        ('{"type": "timer.start", "op_id": "t2"}', ("invalid", "seconds", "t2")),
        ('{"type": "timer.start", "op_id": "t3", "seconds": 0}', ("invalid", "seconds", "t3")),
        ('{"type": "timer.start", "op_id": "t4", "seconds": 7201}', ("invalid", "seconds", "t4")),
        (
            '{"type": "activity.goto", "op_id": "g1", "activity_id": null}',
            ("invalid", "activity_id", "g1"),
        ),
        ('{"type": "qa.ask", "op_id": "q1", "text": ""}', ("invalid", "text", "q1")),
        ('{"type": "qa.ask", "op_id": "q3", "text": "   "}', ("invalid", "text", "q3")),
        (
            '{"type": "qa.ask", "op_id": "q2", "text": "' + "x" * 501 + '"}',
            ("invalid", "text", "q2"),
        ),
        (
            '{"type": "qa.moderate", "op_id": "m1", "question_id": 1, "status": "pending"}',
            ("invalid", "status", "m1"),
        ),
        (
            '{"type": "activity.goto", "op_id": "g2", "activity_id": 999999}',
            ("not_found", "activity_id", "g2"),
        ),
        ('{"type": "session.start", "op_id": "s9"}', ("conflict", None, "s9")),
    ]

    async def scenario():
        f = await Ws(room.code, alice_cookie).open()
        await f.hello()
        for text, expected in cases:
            await f.send(text)
            assert error_of(await f.recv()) == expected, text
        await f.send({"type": "ping"})
        assert (await f.recv())["type"] == "pong"
        await f.nothing()
        await f.close()

    run(scenario())
    assert stream_head(room.stream) == 4


def test_a_frame_over_64_kib_closes_with_1009(room, ana, cookie_of):
    async def scenario():
        p = await Ws(room.code, cookie_of(ana)).open()
        await p.hello()
        # Exactly 64 KiB is still read (and is not JSON).
        await p.send("x" * 64 * 1024)
        assert error_of(await p.recv()) == ("invalid_json", None, None)
        # Multi-byte characters count in bytes.
        await p.send("ñ" * (32 * 1024 + 1))
        code, _reason = await p.closed()
        assert code == 1009

    run(scenario())


def test_a_binary_frame_closes_with_1003(room, ana, cookie_of):
    async def scenario():
        p = await Ws(room.code, cookie_of(ana)).open()
        await p.hello()
        await p.comm.send_to(bytes_data=b'{"type": "ping"}')
        code, _reason = await p.closed()
        assert code == 1003

    run(scenario())


def test_rate_limit(room, ana, cookie_of):
    async def scenario():
        p = await Ws(room.code, cookie_of(ana)).open()
        for _ in range(100):
            await p.send("x")
        codes = []
        while True:
            try:
                frame = await p.recv()
            except Closed as closed:
                assert closed.code == 4429
                break
            codes.append(error_of(frame)[0])
        assert codes.count("rate_limited") == consumers.RATE_STRIKES - 1 == 19
        assert codes.count("invalid_json") >= consumers.RATE_BURST
        assert codes[: int(consumers.RATE_BURST)] == ["invalid_json"] * 40
        assert set(codes) == {"invalid_json", "rate_limited"}

    run(scenario())


def test_a_burst_below_the_limit_is_fine(room, ana, cookie_of):
    async def scenario():
        p = await Ws(room.code, cookie_of(ana)).open()
        await p.hello()
        for _ in range(39):
            await p.send({"type": "ping"})
        frames = [await p.recv() for _ in range(39)]
        assert [f["type"] for f in frames] == ["pong"] * 39
        await p.close()

    run(scenario())


# --- who may connect -----------------------------------------------------------------


@pytest.mark.parametrize(
    "origin", [b"http://evil.example", b"https://localhost.evil.example", b"null", None]
)
def test_a_foreign_or_missing_origin_is_refused(room, ana, cookie_of, origin):
    async def scenario():
        ws = Ws(room.code, cookie_of(ana), origin=origin)
        connected, _ = await ws.comm.connect(timeout=TIMEOUT)
        assert connected is False

    run(scenario())
    ana.refresh_from_db()
    assert ana.connections == 0


def forged_cookies(room, ana, other_participant):
    name = cookies.cookie_name(room.code)
    good = cookies.sign_participant(ana)
    # label: (Cookie header, the CookieError reason in the close frame)
    return {
        "no cookie": (None, "missing"),
        "empty": (f"{name}=", "missing"),
        "another code's cookie": (f"{cookies.cookie_name('ZZZZZZ')}={good}", "missing"),
        "garbage": (f"{name}=not-a-signed-value", "forged"),
        "tampered": (f"{name}={good[:-2]}xx", "forged"),
        "other salt": (
            f"{name}=" + signing.dumps({"p": ana.pk, "s": room.pk, "t": ana.token}, salt="x"),
            "forged",
        ),
        "not a dict": (f"{name}=" + signing.dumps([ana.pk], salt=cookies.SALT), "forged"),
        "other session": (f"{name}={cookies.sign_participant(other_participant)}", "forged"),
        "wrong token": (
            f"{name}="
            + signing.dumps({"p": ana.pk, "s": room.pk, "t": "x" * 43}, salt=cookies.SALT),
            "unknown",
        ),
    }


def test_forged_or_missing_cookies_close_with_4401(room, ana, make_stage):
    other = live.session_create(stage=make_stage(), title="Otra")
    zoe = live.participant_join(session=other, display_name="Zoe", consent=True)
    cases = forged_cookies(room, ana, zoe)

    async def scenario():
        for label, (cookie, why) in cases.items():
            ws = await Ws(room.code, cookie).open()
            assert await ws.closed() == (4401, f"participant cookie {why}"), label

    run(scenario())
    ana.refresh_from_db()
    assert ana.connections == 0


def test_an_outside_facilitator_is_just_an_anonymous_visitor(room, oscar):
    client = HttpClient()
    client.force_login(oscar)

    async def scenario():
        ws = await Ws(room.code, f"sessionid={client.cookies['sessionid'].value}").open()
        assert (await ws.closed())[0] == 4401

    run(scenario())


def test_an_expired_cookie_closes_with_4401(room, ana, cookie_of, monkeypatch):
    monkeypatch.setattr(cookies, "MAX_AGE", -1)

    async def scenario():
        ws = await Ws(room.code, cookie_of(ana)).open()
        assert await ws.closed() == (4401, "participant cookie expired")

    run(scenario())


@pytest.mark.parametrize("code", ["ZZZZZZ", "BAD!!!", "K7M2Q0", "abc"])
def test_an_unknown_code_closes_with_4404(room, code):
    if room.code == code:
        pytest.skip("the random code happened to be this one")

    async def scenario():
        ws = await Ws(code).open()
        assert await ws.closed() == (4404, "session not found")

    run(scenario())


def test_guessing_codes_is_rate_limited_per_address(room, ana, cookie_of):
    """Unknown codes share the HTTP join budget (cocrea.ratelimit.CODE_ATTEMPTS a
    minute per address); past it, guessing gets 4429."""
    attempts = ratelimit.CODE_ATTEMPTS
    if room.code in ("ZZZZZZ", "YYYYYY"):
        pytest.skip("the random code happened to be a guess")

    async def scenario():
        for _ in range(attempts + 1):
            ws = await Ws("ZZZZZZ", client="198.51.100.7").open()
            assert (await ws.closed())[0] == 4404
        ws = await Ws("YYYYYY", client="198.51.100.7").open()
        assert (await ws.closed())[0] == 4429
        # Another address is not affected.
        ws = await Ws(room.code, cookie_of(ana), client="198.51.100.8").open()
        assert (await ws.hello())["type"] == "snapshot"
        await ws.close()

    run(scenario())


def test_over_the_code_limit_people_of_the_session_still_get_in(
    room, ana, alice, cookie_of, alice_cookie
):
    """A venue's shared Wi-Fi is one address: once someone there used up the budget of
    unknown codes, those with this code's participant cookie or signed in still get
    through; anyone else gets 4429, even with a cookie for another code."""
    address = "198.51.100.7"
    if room.code in ("ZZZZZZ", "YYYYYY"):
        pytest.skip("the random code happened to be a guess")
    other_code_cookie = f"{cookies.cookie_name('ZZZZZZ')}={cookies.sign_participant(ana)}"

    async def scenario():
        for _ in range(ratelimit.CODE_ATTEMPTS + 1):
            ws = await Ws("ZZZZZZ", client=address).open()
            assert (await ws.closed())[0] == 4404
        for cookie in (None, other_code_cookie):
            ws = await Ws(room.code, cookie, client=address).open()
            assert await ws.closed() == (4429, "too many unknown codes from this address")
        p = await Ws(room.code, cookie_of(ana), client=address).open()
        snapshot = await p.hello()
        assert (snapshot["type"], snapshot["you"]) == (
            "snapshot",
            {"role": "participant", "key": f"p:{ana.pk}", "participant_id": ana.pk, "name": "Ana"},
        )
        f = await Ws(room.code, alice_cookie, client=address).open()
        snapshot = await f.hello()
        assert (snapshot["type"], snapshot["you"]) == (
            "snapshot",
            {"role": "facilitator", "key": f"u:{alice.pk}"},
        )
        # The cookie opens its own session only: guessing with it is still refused.
        ws = await Ws("YYYYYY", cookie_of(ana), client=address).open()
        assert (await ws.closed())[0] == 4429
        for ws in (p, f):
            await ws.close()

    run(scenario())


def test_an_ended_session_closes_with_4410(room, ana, cookie_of, command, alice_cookie):
    command(room, "session.end")

    async def scenario():
        for cookie in (cookie_of(ana), alice_cookie):
            ws = await Ws(room.code, cookie).open()
            assert (await ws.closed())[0] == 4410

    run(scenario())


def test_a_reused_code_does_not_admit_the_old_sessions_cookie(
    room, ana, cookie_of, command, make_stage, monkeypatch
):
    old_cookie = cookie_of(ana)
    command(room, "session.end")
    monkeypatch.setattr(live, "new_code", lambda: room.code)
    new = live.session_create(stage=make_stage(), title="Tarde")
    assert new.code == room.code
    newcomer = live.participant_join(session=new, display_name="Nora", consent=True)

    async def scenario():
        ws = await Ws(room.code, old_cookie).open()
        assert (await ws.closed())[0] == 4401
        ws = await Ws(room.code, cookie_of(newcomer)).open()
        snapshot = await ws.hello()
        assert snapshot["session"]["title"] == "Tarde"
        assert snapshot["seq"] == 0
        await ws.close()

    run(scenario())


# --- leaving: removal and the end -----------------------------------------------------


def test_a_removed_participant_gets_bye_and_4403(room, ana, beto, alice_cookie, cookie_of):
    async def scenario():
        f = await Ws(room.code, alice_cookie).open()
        p = await Ws(room.code, cookie_of(ana)).open()
        q = await Ws(room.code, cookie_of(beto)).open()
        for ws in (f, p, q):
            await ws.hello()
        ack = await f.command("participant.remove", "rm1", participant_id=ana.pk)
        assert ack["result"] == {"seq": 5}
        assert await f.recv() == event(5, "participant.removed", {"participant_id": ana.pk})
        assert await p.recv() == event(5, "participant.removed", {"participant_id": ana.pk})
        assert await p.recv() == {"type": "bye", "reason": "removed"}
        assert (await p.closed())[0] == 4403
        assert await q.recv() == {"type": "event", "seq": 5, "event": "hidden", "data": {}}
        await q.nothing()
        await p.close()
        again = await Ws(room.code, cookie_of(ana)).open()
        assert (await again.closed())[0] == 4403
        for ws in (f, q):
            await ws.close()

    run(scenario())


def test_ending_the_session_says_bye_to_everyone(room, ana, alice_cookie, cookie_of):
    async def scenario():
        f = await Ws(room.code, alice_cookie).open()
        p = await Ws(room.code, cookie_of(ana)).open()
        await f.hello()
        await p.hello()
        assert (await f.command("session.end", "end1"))["result"] == {"seq": 5}
        ended = event(
            5, "session.status", {"status": "ended", "timer": {"ends_at": None, "remaining": None}}
        )
        for ws in (f, p):
            assert await ws.recv() == ended
            assert await ws.recv() == {"type": "bye", "reason": "ended"}
            assert (await ws.closed())[0] == 4410

    run(scenario())


# --- visibility ----------------------------------------------------------------------


def test_a_pending_question_is_hidden_from_other_participants(
    room, agenda, ana, beto, alice_cookie, cookie_of
):
    qa = agenda[1]

    async def scenario():
        f = await Ws(room.code, alice_cookie).open()
        p = await Ws(room.code, cookie_of(ana)).open()
        q = await Ws(room.code, cookie_of(beto)).open()
        for ws in (f, p, q):
            await ws.hello()

        ack = await p.command("qa.ask", "ask1", text="¿Quién paga la obra?")
        question_id = await db(lambda: Question.objects.get().pk)()
        assert ack == {
            "type": "ack",
            "op_id": "ask1",
            "result": {"seq": 5, "question_id": question_id},
            "duplicate": False,
        }
        public = {
            "id": question_id,
            "activity_id": qa.pk,
            "text": "¿Quién paga la obra?",
            "status": "pending",
            "upvotes": 0,
        }
        assert await p.recv() == event(5, "qa.asked", {"question": {**public, "mine": True}})
        assert await q.recv() == {"type": "event", "seq": 5, "event": "hidden", "data": {}}
        assert await f.recv() == event(
            5, "qa.asked", {"question": {**public, "participant_id": ana.pk}}
        )

        # Beto cannot see it in a snapshot either; Ana and the facilitator can.
        q2 = await Ws(room.code, cookie_of(beto)).open()
        assert (await q2.hello())["questions"] == []
        await q2.close()
        p2 = await Ws(room.code, cookie_of(ana)).open()
        # Results are hidden (the default): no count for participants, even their own.
        assert (await p2.hello())["questions"] == [
            {**public, "upvotes": None, "mine": True, "upvoted": False}
        ]
        await p2.close()

        await f.command("qa.moderate", "mod1", question_id=question_id, status="approved")
        approved = {**public, "status": "approved"}
        assert await f.recv() == event(
            6,
            "qa.moderated",
            {"question": {**approved, "participant_id": ana.pk}, "results_hidden": True},
        )
        # Results are hidden: participants never receive the count, not even 0.
        hidden_count = {**approved, "upvotes": None}
        assert await p.recv() == event(
            6, "qa.moderated", {"question": {**hidden_count, "mine": True}}
        )
        assert await q.recv() == event(
            6, "qa.moderated", {"question": {**hidden_count, "mine": False}}
        )

        ack = await q.command("qa.upvote", "up1", question_id=question_id)
        assert ack["result"] == {"seq": 7, "upvotes": None}, "the voter's ack hides it too"
        assert await f.recv() == event(
            7, "qa.upvoted", {"question_id": question_id, "upvotes": 1, "results_hidden": True}
        )
        for ws in (p, q):
            assert await ws.recv() == event(
                7,
                "qa.upvoted",
                {"question_id": question_id, "upvotes": None, "results_hidden": True},
            )
        again = await q.command("qa.upvote", "up2", question_id=question_id)
        assert error_of(again) == ("conflict", "question_id", "up2")
        for ws in (f, p, q):
            await ws.nothing()
            await ws.close()

    run(scenario())


def test_a_rejected_question_is_seen_by_its_asker_only(room, ana, beto, alice_cookie, cookie_of):
    async def scenario():
        f = await Ws(room.code, alice_cookie).open()
        p = await Ws(room.code, cookie_of(ana)).open()
        q = await Ws(room.code, cookie_of(beto)).open()
        for ws in (f, p, q):
            await ws.hello()
        question_id = (await p.command("qa.ask", "a1", text="¿Spam?"))["result"]["question_id"]
        assert (await f.recv())["event"] == "qa.asked"
        ack = await f.command("qa.moderate", "m1", question_id=question_id, status="rejected")
        assert ack["result"] == {"seq": 6, "status": "rejected"}
        assert (await f.recv())["data"]["question"]["status"] == "rejected"
        mine = await p.recv_many(2)
        assert [(e["seq"], e["event"]) for e in mine] == [(5, "qa.asked"), (6, "qa.moderated")]
        assert mine[1]["data"]["question"]["status"] == "rejected"
        # Others never see the text; the rejection reaches them only as "remove id".
        assert await q.recv_many(2) == [
            {"type": "event", "seq": 5, "event": "hidden", "data": {}},
            {
                "type": "event",
                "seq": 6,
                "event": "qa.moderated",
                "data": {
                    "question": {
                        "id": question_id,
                        "activity_id": mine[0]["data"]["question"]["activity_id"],
                        "status": "rejected",
                        "mine": False,
                    }
                },
            },
        ]
        for ws in (f, p, q):
            await ws.close()

    run(scenario())


def test_a_facilitator_snapshot_shows_their_own_upvotes(room, alice_cookie, command):
    question_id = command(room, "qa.ask", text="¿Apoyamos?")["question_id"]
    other_id = command(room, "qa.ask", text="¿Otra?")["question_id"]
    command(room, "qa.upvote", question_id=question_id)

    async def scenario():
        f = await Ws(room.code, alice_cookie).open()
        snapshot = await f.hello()
        assert [(q["id"], q["upvoted"]) for q in snapshot["questions"]] == [
            (question_id, True),
            (other_id, False),
        ]
        reply = await f.command("qa.upvote", "again", question_id=question_id)
        assert error_of(reply) == ("conflict", "question_id", "again")
        await f.close()

    run(scenario())


def test_upvote_counts_reach_participants_only_once_results_are_revealed(
    room, ana, beto, alice_cookie, cookie_of, command
):
    question_id = command(room, "qa.ask", text="¿Apoyamos el parque?")["question_id"]  # seq 5

    def upvoted(seq: int, upvotes: int | None, **hidden) -> dict:
        return event(seq, "qa.upvoted", {"question_id": question_id, "upvotes": upvotes, **hidden})

    async def snapshot_upvotes(cookie: str) -> list:
        ws = await Ws(room.code, cookie).open()
        snapshot = await ws.hello()
        await ws.close()
        return [(q["id"], q["upvotes"]) for q in snapshot["questions"]]

    async def scenario():
        f = await Ws(room.code, alice_cookie).open()
        p = await Ws(room.code, cookie_of(ana)).open()
        q = await Ws(room.code, cookie_of(beto)).open()
        for ws in (f, p, q):
            assert (await ws.hello())["seq"] == 5

        # Hidden (the default): the facilitator gets the count, participants null.
        await q.command("qa.upvote", "up1", question_id=question_id)
        assert await f.recv() == upvoted(6, 1, results_hidden=True)
        for ws in (p, q):
            assert await ws.recv() == upvoted(6, None, results_hidden=True)
        assert await snapshot_upvotes(cookie_of(ana)) == [(question_id, None)]
        assert await snapshot_upvotes(alice_cookie) == [(question_id, 1)]

        # The reveal brings the counts participants did not get.
        assert (await f.command("results.reveal", "rev1"))["result"] == {"seq": 7}
        revealed = event(7, "session.results", {"hidden": False, "upvotes": {str(question_id): 1}})
        for ws in (f, p, q):
            assert await ws.recv() == revealed

        # Revealed: everyone gets the same count.
        await p.command("qa.upvote", "up2", question_id=question_id)
        for ws in (f, p, q):
            assert await ws.recv() == upvoted(8, 2, results_hidden=False)
        assert await snapshot_upvotes(cookie_of(beto)) == [(question_id, 2)]

        # Hidden again: counts stop reaching participants; the hide carries none.
        await f.command("results.hide", "hide1")
        for ws in (f, p, q):
            assert await ws.recv() == event(9, "session.results", {"hidden": True})
        await f.command("qa.upvote", "up3", question_id=question_id)
        assert await f.recv() == upvoted(10, 3, results_hidden=True)
        for ws in (p, q):
            assert await ws.recv() == upvoted(10, None, results_hidden=True)
        assert await snapshot_upvotes(cookie_of(ana)) == [(question_id, None)]
        assert await snapshot_upvotes(alice_cookie) == [(question_id, 3)]
        for ws in (f, p, q):
            await ws.nothing()
            await ws.close()

    run(scenario())


def test_a_replayed_upvote_is_shown_as_it_was_at_vote_time(
    room, ana, beto, alice_cookie, cookie_of, command, as_participant
):
    """Visibility follows whether results were hidden when the vote counted, also when
    the event is replayed after the reveal."""
    question_id = command(room, "qa.ask", text="¿Más luz?")["question_id"]  # seq 5
    command(room, "qa.upvote", question_id=question_id)  # seq 6, hidden
    command(room, "results.reveal")  # seq 7
    ana_votes = live.session_command(
        session_id=room.pk,
        actor=as_participant(ana),
        type="qa.upvote",
        data={"question_id": question_id},
        op_id="ana-up",
    )
    assert ana_votes == ({"seq": 8, "upvotes": 2}, False)

    async def scenario():
        p = await Ws(room.code, cookie_of(beto)).open()
        await p.send({"type": "hello", "last_seq": 5})
        assert await p.recv_many(3) == [
            event(
                6,
                "qa.upvoted",
                {"question_id": question_id, "upvotes": None, "results_hidden": True},
            ),
            event(7, "session.results", {"hidden": False, "upvotes": {str(question_id): 1}}),
            event(
                8,
                "qa.upvoted",
                {"question_id": question_id, "upvotes": 2, "results_hidden": False},
            ),
        ]
        f = await Ws(room.code, alice_cookie).open()
        await f.send({"type": "hello", "last_seq": 5})
        assert await f.recv() == event(
            6, "qa.upvoted", {"question_id": question_id, "upvotes": 1, "results_hidden": True}
        )
        assert [frame["seq"] for frame in await f.recv_many(2)] == [7, 8]
        for ws in (p, f):
            await ws.nothing()
            await ws.close()

    run(scenario())


def test_locked_input_refuses_questions(room, ana, alice_cookie, cookie_of):
    async def scenario():
        f = await Ws(room.code, alice_cookie).open()
        p = await Ws(room.code, cookie_of(ana)).open()
        await f.hello()
        await p.hello()
        await f.command("input.lock", "l1")
        assert await p.recv() == event(5, "session.input", {"locked": True})
        assert error_of(await p.command("qa.ask", "a1", text="¿Puedo?")) == ("locked", None, "a1")
        await p.nothing()
        await f.close()
        await p.close()

    run(scenario())


# --- language ------------------------------------------------------------------------


def test_frames_follow_the_language_cookie(room, ana, beto, alice_cookie, cookie_of):
    """Level name and promise in the snapshot and error messages follow the
    ``django_language`` cookie of the handshake; Spanish by default."""
    english = room.level.translations["en"]
    assert english["name"] == "Collaborate"
    assert english["promise"].startswith("We will look to you for advice")
    spanish = {"code": "colaborar", "name": "Colaborar", "promise": room.level.promise}
    assert spanish["promise"].startswith("Acudiremos a ustedes")

    async def scenario():
        p = await Ws(room.code, f"{cookie_of(ana)}; django_language=en").open()
        await p.send({"type": "ping"})
        assert (await p.recv())["message"] == "The first message must be “hello”."
        snapshot = await p.hello()
        assert snapshot["session"]["level"] == {
            "code": "colaborar",
            "name": "Collaborate",
            "promise": english["promise"],
        }
        await p.send("{not json")
        reply = await p.recv()
        assert error_of(reply) == ("invalid_json", None, None)
        assert reply["message"] == "The message is not valid JSON."
        # Messages of refused commands too.
        reply = await p.command("qa.upvote", "u1", question_id=999_999)
        assert error_of(reply) == ("not_found", "question_id", "u1")
        assert reply["message"] == "That question does not exist."

        for cookie in (cookie_of(beto), f"{cookie_of(beto)}; django_language=fr"):
            q = await Ws(room.code, cookie).open()
            assert (await q.hello())["session"]["level"] == spanish
            await q.send("{not json")
            assert (await q.recv())["message"] == "El mensaje no es JSON válido."
            await q.close()

        f = await Ws(room.code, f"{alice_cookie}; django_language=en").open()
        assert (await f.hello())["session"]["level"]["name"] == "Collaborate"
        for ws in (p, f):
            await ws.close()

    run(scenario())


# --- presence ------------------------------------------------------------------------


def test_presence_count_for_participants_names_for_facilitators(
    room, ana, beto, alice_cookie, cookie_of
):
    async def scenario():
        f = await Ws(room.code, alice_cookie).open()
        await f.hello()
        p = await Ws(room.code, cookie_of(ana)).open()
        await p.hello()
        assert await f.recv(presence=True) == {
            "type": "presence",
            "count": 1,
            "participants": [{"id": ana.pk, "name": "Ana"}],
        }
        assert await p.recv(presence=True) == {"type": "presence", "count": 1}
        q = await Ws(room.code, cookie_of(beto)).open()
        await q.hello()
        both = [{"id": ana.pk, "name": "Ana"}, {"id": beto.pk, "name": "Beto"}]
        assert await f.recv(presence=True) == {"type": "presence", "count": 2, "participants": both}
        assert await p.recv(presence=True) == {"type": "presence", "count": 2}
        assert await q.recv(presence=True) == {"type": "presence", "count": 2}
        await p.close()
        assert await f.recv(presence=True) == {
            "type": "presence",
            "count": 1,
            "participants": [{"id": beto.pk, "name": "Beto"}],
        }
        assert await q.recv(presence=True) == {"type": "presence", "count": 1}
        await f.nothing(0.7)
        await f.close()
        await q.close()

    run(scenario())
    assert list(Participant.objects.order_by("pk").values_list("connections", flat=True)) == [0, 0]
