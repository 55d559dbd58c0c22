"""Hypothesis fuzzing of every WebSocket message type through the full ASGI stack.

The types are derived, not listed: every command of ``sessions.live``'s registry
(with its input serializer from ``sessions.protocol``) plus the consumer's own
frames (``hello``, ``ping``, ``canvas.drag``), so a new command is fuzzed as soon as
it is registered. For each type, as a participant and as the facilitator, frames are
generated: valid-shaped with random values (real ids of the session mixed in), wrong
types, missing and extra fields, huge strings, deep nesting, unicode, nulls,
numbers out of range, NaN/Infinity, broken op_ids, and raw texts a JSON encoder would
never write. After each frame the client sends a marker (an unknown type with a
fresh op_id, refused at once); everything before the marker's error is the server's
answer to the frame, and it must be:

- for a command: exactly one ``ack`` carrying the frame's op_id, or one ``error`` with
  a code and a message (with the op_id when the frame had a usable one);
- for a drag: nothing, or one ``error``; for ``ping``: a ``pong``;
- never an exception in the consumer, never a close, except the documented ones
  (1009 for a frame over 64 KiB; ``bye`` then 4403/4410 after a removal or the end).

One event loop runs in a thread for the whole test, with one socket per role reused
across examples (reconnected after a documented close), so ~25 frames per type and
role take about 30 s on 2 cores. Derandomized: the same frames every run."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

import pytest
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.core.cache import cache
from django.db import connections
from django.test import Client as HttpClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework import serializers

from canvases.ops import OP_NAMES
from cocrea.accounts.models import User
from cocrea.asgi import application
from cocrea.toolkit.models import Level, Pillar
from sessions import consumers, live
from sessions.cookies import cookie_name, sign_participant
from sessions.models import LiveSession, Participant, Question, QuestionStatus, SessionStatus
from sessions.protocol import COMMAND_SERIALIZERS, MAX_FRAME_BYTES
from sessions.services import StageInput, process_create
from tests.frames import unpack
from voting.methods import METHODS

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

EXAMPLES = 25  # per type and role
TIMEOUT = 10
# The consumer's own frames, besides the commands of the registry.
CONSUMER_FRAMES = ("hello", "ping", "canvas.drag")
DOCUMENTED_CLOSES = {1009, consumers.CLOSE_REMOVED, consumers.CLOSE_ENDED}


def message_types() -> list[str]:
    return sorted(set(live.command_names()) | set(COMMAND_SERIALIZERS) | set(CONSUMER_FRAMES))


def test_every_registered_command_has_an_input_serializer() -> None:
    """A command the registry knows but the protocol cannot parse would be refused as
    ``unknown_type`` forever; one the protocol parses but nobody handles likewise."""
    assert set(live.command_names()) == set(COMMAND_SERIALIZERS)


# --- the session under attack ---------------------------------------------------------


@dataclass
class Room:
    session: LiveSession
    participant: Participant
    facilitator: User
    ids: list[int]  # every real id of the session: activities, question, participant
    cookies: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def room(entity, alice) -> Room:
    process = process_create(
        entity=entity,
        title="Proceso de prueba",
        primary_pillar=Pillar.objects.get(code="participacion"),
        stages=[StageInput(name="Taller", level=Level.objects.get(code="colaborar"))],
        created_by=alice,
    )
    session = live.session_create(stage=process.stages.get(), title="Taller", created_by=alice)
    activities = [
        live.activity_add(session=session, kind="slide", title="Hola", body="**hola**"),
        live.activity_add(session=session, kind="qa", title="Preguntas"),
        live.activity_add(session=session, kind="canvas", title="Lienzo"),
        live.activity_add(
            session=session,
            kind="poll",
            title="Prioridades",
            poll_spec={"method": "single", "options": [{"key": "a"}, {"key": "b"}]},
            created_by=alice,
        ),
    ]
    ana = live.participant_join(session=session, display_name="Ana", consent=True)
    facilitator = live.Actor(role="facilitator", key=f"u:{alice.pk}", user_id=alice.pk)
    for op_id, kind, data in [
        ("s1", "session.start", {}),
        ("s2", "activity.goto", {"activity_id": activities[1].pk}),
        ("s3", "poll.open", {"activity_id": activities[3].pk}),
    ]:
        live.session_command(
            session_id=session.pk, actor=facilitator, type=kind, data=data, op_id=op_id
        )
    question = Question.objects.create(
        activity=activities[1], participant=ana, text="¿Cuándo?", status=QuestionStatus.APPROVED
    )
    http = HttpClient()
    http.force_login(alice)
    return Room(
        session=session,
        participant=ana,
        facilitator=alice,
        ids=[a.pk for a in activities] + [question.pk, ana.pk],
        cookies={
            "facilitator": f"sessionid={http.cookies['sessionid'].value}",
            "participant": f"{cookie_name(session.code)}={sign_participant(ana)}",
        },
    )


def restore(room: Room) -> None:
    """Undo what a fuzzed command may have done that would stop the next frames from
    reaching the handlers (an ended session, a removed participant, locked input)."""
    LiveSession.objects.filter(pk=room.session.pk).update(
        status=SessionStatus.LIVE, input_locked=False
    )
    Participant.objects.filter(pk=room.participant.pk).update(removed_at=None)


# --- frames ---------------------------------------------------------------------------


def nested(depth: int) -> Any:
    value: Any = "fondo"
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


UNICODE = st.sampled_from(
    [
        "",
        " ",
        "\u0000",
        "\u202e‮gnp.exe",
        "👩🏽‍💻" * 20,
        "é" * 3,
        "\ud800",  # a lone surrogate: json.dumps writes it escaped
        "<script>window.__xss=1</script>",
        "' OR 1=1 --",
        "\n" * 50,
        "ﷺ" * 100,
    ]
)
HUGE = st.builds(lambda char, n: char * n, st.sampled_from("aé👍<"), st.integers(1_000, 20_000))
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 1, 2**31, 2**63 - 1, 2**63, 2**64, 10**30]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    UNICODE,
)
JSONISH = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
GARBAGE = st.one_of(
    JSONISH,
    HUGE,
    st.integers(min_value=1, max_value=200).map(nested),
)


def valid_value(field_obj: serializers.Field, ids: list[int]) -> st.SearchStrategy[Any]:
    """A value of the right shape for one serializer field (random, often real ids)."""
    if isinstance(field_obj, serializers.ChoiceField):
        return st.sampled_from(list(field_obj.choices))
    if isinstance(field_obj, serializers.BooleanField):
        return st.booleans()
    if isinstance(field_obj, serializers.IntegerField):
        low = field_obj.min_value if field_obj.min_value is not None else -(2**31)
        high = field_obj.max_value if field_obj.max_value is not None else 2**31
        return st.one_of(st.sampled_from(ids), st.integers(min_value=low, max_value=high))
    if isinstance(field_obj, serializers.CharField):
        return st.one_of(st.text(max_size=80), UNICODE)
    if isinstance(field_obj, serializers.ListField):
        return st.lists(st.text(max_size=10), max_size=5)
    if isinstance(field_obj, serializers.DictField):  # canvas.op's op
        return st.fixed_dictionaries(
            {"op": st.sampled_from(sorted(OP_NAMES))},
            optional={
                "note": st.text(max_size=12) | st.integers(),
                "text": st.text(max_size=40) | UNICODE,
                "x": st.floats() | st.integers(),
                "y": st.floats() | st.integers(),
                "width": st.floats() | st.integers(),
                "height": st.floats() | st.integers(),
                "colour": st.text(max_size=10),
                "notes": st.lists(st.text(max_size=8), max_size=4),
                "name": st.text(max_size=20),
                "from": st.text(max_size=8),
                "to": st.text(max_size=8),
                "zone": st.text(max_size=8) | st.none(),
            },
        )
    if isinstance(field_obj, serializers.JSONField):  # a ballot: any method's shape
        return st.one_of(
            st.fixed_dictionaries({"choice": st.sampled_from(["a", "b", "z"])}),
            st.fixed_dictionaries({"choices": st.lists(st.sampled_from(["a", "b"]))}),
            st.fixed_dictionaries({"ranking": st.lists(st.sampled_from(["a", "b", "c"]))}),
            st.dictionaries(st.sampled_from(["a", "b"]), st.integers(-5, 500)),
            st.sampled_from(sorted(METHODS)),
            JSONISH,
        )
    return JSONISH


def field_specs(kind: str) -> dict[str, serializers.Field]:
    if kind == "hello":
        return {"last_seq": serializers.IntegerField(min_value=0)}
    if kind == "canvas.drag":
        return {
            "activity_id": serializers.IntegerField(min_value=1),
            "note": serializers.CharField(),
            "x": serializers.FloatField(),
            "y": serializers.FloatField(),
        }
    if kind == "ping":
        return {}
    return dict(COMMAND_SERIALIZERS[kind]().fields)


VALID_OP_ID = "<valid>"  # replaced by a fresh op_id when sent


@dataclass(frozen=True)
class Sent:
    text: str
    op_id: str | None  # the op_id the server must echo, if any
    # What the server's parser gets from ``text``: the frame, a list, or None for
    # invalid JSON. ``deep``: so nested that whether the parser's stack suffices
    # depends on the thread (Hypothesis raises the recursion limit in its own).
    parsed: Any = None
    deep: bool = False


def frame_strategy(kind: str, ids: list[int]) -> st.SearchStrategy[Sent]:
    fields = field_specs(kind)
    values = {
        name: st.one_of(valid_value(obj, ids), valid_value(obj, ids), GARBAGE)
        for name, obj in fields.items()
    }
    shaped = st.fixed_dictionaries({}, optional=values)
    extra = st.dictionaries(st.text(max_size=10), JSONISH, max_size=3)
    op_id = st.one_of(
        st.just(VALID_OP_ID),
        st.just(VALID_OP_ID),
        st.just(VALID_OP_ID),
        st.none(),
        st.text(max_size=70),
        st.integers(),
        st.just("x" * 65),
    )
    type_value = st.one_of(st.just(kind), st.just(kind), st.just(kind), st.just(kind), JSONISH)

    @st.composite
    def build(draw: Callable[[st.SearchStrategy[Any]], Any]) -> dict[str, Any]:
        frame = {**draw(extra), **draw(shaped)}
        frame["type"] = draw(type_value)
        drawn = draw(op_id)
        if drawn is not None:
            frame["op_id"] = drawn
        return frame

    def encode(frame: dict[str, Any], form: int) -> str:
        text = json.dumps(frame, allow_nan=True)
        if form == 1:  # deeper than any encoder would nest: 20,000 levels in 40 KB
            return text[:-1] + ', "deep": ' + "[" * 20_000 + "]" * 20_000 + "}"
        if form == 2:  # a number too long for int() (Python caps digits at 4,300)
            return text[:-1] + ', "activity_id": ' + "9" * 5_000 + "}"
        if form == 3:  # just over the limit: documented close 1009
            return text[:-1] + ', "pad": "' + "a" * MAX_FRAME_BYTES + '"}'
        if form == 4:  # not JSON at all, or JSON that is not an object
            return text[: len(text) // 2]
        if form == 5:
            return json.dumps([frame])
        return text

    def sent(frame: dict[str, Any], form: int) -> Sent:
        parsed = {0: frame, 1: frame, 5: [frame]}.get(form)
        op_id = VALID_OP_ID if frame.get("op_id") == VALID_OP_ID else None
        return Sent(encode(frame, form), op_id, parsed, deep=form == 1)

    forms = st.sampled_from([0] * 14 + [1, 2, 3, 4, 5])
    return st.builds(sent, build(), forms)


# --- the client -------------------------------------------------------------------------


class LoopThread:
    """One event loop in a thread, so Hypothesis (synchronous) can drive sockets that
    stay open across examples."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(TIMEOUT * 3)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


class Closed(Exception):
    def __init__(self, code: int | None) -> None:
        super().__init__(f"closed with {code}")
        self.code = code


class Socket:
    def __init__(self, code: str, cookie: str) -> None:
        self.code, self.cookie = code, cookie
        self.comm: WebsocketCommunicator | None = None
        self.pending: list[dict[str, Any]] = []
        self.markers = 0

    async def open(self, *, hello: bool = True) -> None:
        headers = [(b"host", b"localhost"), (b"origin", b"http://localhost")]
        headers.append((b"cookie", self.cookie.encode()))
        self.comm = WebsocketCommunicator(
            application, f"/ws/sessions/{self.code}/", headers=headers
        )
        self.comm.scope["client"] = ("192.0.2.77", 50000)
        connected, _ = await self.comm.connect(timeout=TIMEOUT)
        assert connected
        self.pending = []
        if hello:
            await self.comm.send_to(text_data='{"type":"hello"}')
            assert (await self.recv())["type"] == "snapshot"

    async def recv(self) -> dict[str, Any]:
        assert self.comm is not None
        while not self.pending:
            output = await self.comm.receive_output(TIMEOUT)  # re-raises a consumer crash
            if output["type"] == "websocket.close":
                raise Closed(output.get("code"))
            self.pending.extend(unpack(output["text"]))
        return self.pending.pop(0)

    async def exchange(self, text: str) -> tuple[list[dict[str, Any]], int | None]:
        """Send ``text`` then a marker; the frames before the marker's answer, and the
        close code if the server closed instead. The marker is a frame of an unknown
        type with a fresh op_id: refused before any database work, with that op_id
        echoed (a ping would not do: a fuzzed ping's pong would look the same)."""
        assert self.comm is not None
        self.markers += 1
        marker = f"marker{self.markers}"
        await self.comm.send_to(text_data=text)
        await self.comm.send_to(text_data=json.dumps({"type": "~marker", "op_id": marker}))
        answer: list[dict[str, Any]] = []
        try:
            while True:
                frame = await self.recv()
                if frame["type"] == "error" and frame.get("op_id") == marker:
                    return answer, None
                answer.append(frame)
        except Closed as closed:
            return answer, closed.code

    async def close(self) -> None:
        if self.comm is not None:
            try:
                await self.comm.disconnect(timeout=3)
            except Exception:  # already closed by the server: nothing to undo
                pass
            self.comm = None


REPLIES = {"ack", "error", "snapshot", "resync", "bye", "pong"}
PASSIVE = {"event", "presence", "drag"}  # what others' actions bring meanwhile


def check_answer(sent: Sent, kind: str, answer: list[dict[str, Any]], closed: int | None) -> None:
    op_id = sent.op_id
    replies = [f for f in answer if f["type"] not in PASSIVE]
    for frame in answer:
        assert frame["type"] in REPLIES | PASSIVE, frame
        if frame["type"] == "error":
            assert isinstance(frame["code"], str) and frame["code"], frame
            assert isinstance(frame["message"], str) and frame["message"], frame
    if closed is not None:
        assert closed in DOCUMENTED_CLOSES, (closed, sent.text[:300], answer)
        if closed == 1009:
            assert len(sent.text.encode()) > MAX_FRAME_BYTES, sent.text[:300]
        else:  # a removal or the end is announced before the close
            assert any(f["type"] == "bye" for f in answer), (closed, answer)
        return
    if kind == "hello":
        # A fresh socket: either the start (snapshot, or events/resync) or an error.
        return
    frame = sent.parsed
    if sent.deep and [r.get("code") for r in answer if r["type"] == "error"] == ["invalid_json"]:
        return  # the parser's stack gave out: refused as malformed, with an error frame
    is_command = (
        isinstance(frame, dict)
        and isinstance(frame.get("type"), str)
        and frame["type"] not in ("ping", "hello", "canvas.drag")
    )
    if isinstance(frame, dict) and frame.get("type") == "canvas.drag":
        assert len(replies) <= 1 and all(f["type"] == "error" for f in replies), answer
        return
    if isinstance(frame, dict) and frame.get("type") == "ping":
        assert [f["type"] for f in replies] == ["pong"], answer
        return
    assert len(replies) == 1, (sent.text[:300], answer)  # never silence, never two
    reply = replies[0]
    if reply["type"] == "ack":
        assert is_command and op_id is not None and reply["op_id"] == op_id, (sent.text, reply)
        assert isinstance(reply["result"], dict)
    else:
        assert reply["type"] == "error", reply
        if op_id is not None and is_command and reply["code"] != "invalid_frame":
            assert reply.get("op_id") == op_id, (sent.text[:300], reply)


# --- the test ---------------------------------------------------------------------------


@pytest.fixture
def loop() -> Iterator[LoopThread]:
    channel_layers.backends.clear()
    consumers._presence_tasks.clear()
    consumers._poll_flushes.clear()
    cache.clear()
    thread = LoopThread()
    # Floods are tested on their own (tests/sessions/test_consumer.py): here every
    # frame must reach the parser and handlers, not the rate limiter.
    with mock.patch.multiple(consumers, RATE_PER_SECOND=1e6, RATE_BURST=1e6):
        yield thread
        thread.run(database_sync_to_async(connections.close_all)())
    thread.stop()
    channel_layers.backends.clear()
    consumers._presence_tasks.clear()
    consumers._poll_flushes.clear()
    cache.clear()


@pytest.mark.parametrize("role", ["participant", "facilitator"])
def test_every_message_type_is_answered_never_crashes(room: Room, loop: LoopThread, role: str):
    socket = Socket(room.session.code, room.cookies[role])
    counter = iter(range(1, 1_000_000))
    seen: dict[str, int] = {}

    def fuzz_type(kind: str) -> None:
        @given(sent=frame_strategy(kind, room.ids))
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(sent: Sent) -> None:
            op_id = None
            text = sent.text
            if sent.op_id == VALID_OP_ID:
                op_id = f"f{next(counter)}"
                text = text.replace(json.dumps(VALID_OP_ID), json.dumps(op_id), 1)
            if kind == "hello" or socket.comm is None:
                loop.run(socket.close())
                restore(room)
                loop.run(socket.open(hello=kind != "hello"))
            try:
                answer, closed = loop.run(socket.exchange(text))
                check_answer(Sent(text, op_id, sent.parsed, sent.deep), kind, answer, closed)
            except BaseException:
                # Frames of a failed exchange may still be in flight: start the next
                # example (and Hypothesis' replay of this one) on a fresh socket.
                loop.run(socket.close())
                restore(room)
                raise
            seen[kind] = seen.get(kind, 0) + 1
            if closed is not None:
                loop.run(socket.close())
            restore(room)

        fuzz()

    for kind in message_types():
        fuzz_type(kind)
    loop.run(socket.close())
    assert set(seen) == set(message_types())
