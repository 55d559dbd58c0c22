"""Canvas sync converges: the issue's "done when".

Hypothesis drives several simulated clients of one live canvas — three participants
and a facilitator — through the real services and database: random interleaved ops
(valid, invalid, on deleted notes, with duplicate ids), disconnects and reconnects
(replay from ``last_seq``, or ``resync`` to a snapshot after the stream was pruned),
lost acks answered as duplicates on retry, lagging sockets, and facilitator settings
that reset the board (anonymous, private mode, dots revealed) or gate ops (locks,
limits, input lock, another current activity).

Each client does what the protocol asks of a browser (docs/realtime-protocol.md):
it starts from the snapshot's canvas, applies each event frame the socket would send
it (``sessions.serialization.encoded_frame``: the bytes of ``visible_frame``, shaped
for that client) — ``canvas.effect`` with ``canvases.ops.apply_event``,
``canvas.reset`` by replacing the canvas, ``hidden`` by nothing — keeps its own ops
pending by ``op_id`` until their event arrives, and resends pending ops with the same
``op_id`` after a reconnect.

In the end, after everyone reconnects and every pending op is resent: every client's
board is exactly what a fresh snapshot shows that client, no op was applied twice, the
stream is gap-free, and the server's board (rows and the in-memory copy) equals the
replay of every effect in the stream from scratch."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from canvases import ops, store
from canvases.models import Canvas
from canvases.selectors import canvas_data
from canvases.visibility import view_canvas
from cocrea.realtime.selectors import events_after, stream_head
from cocrea.realtime.services import stream_prune
from cocrea.toolkit.models import Methodology
from sessions import live, serialization
from sessions.live_selectors import session_snapshot
from sessions.models import LiveSession, Participant, SessionStatus
from tests.sessions.conftest import facilitator_actor, participant_actor

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BOARD_KEYS = ("notes", "clusters", "links", "dots")


@dataclass
class Pending:
    op_id: str
    op: dict[str, Any]
    ack_seq: int | None = None  # set by the ack: the seq of the op's event


@dataclass
class Client:
    name: str
    actor: live.Actor
    participant: Participant | None
    canvas: dict[str, Any] = field(default_factory=dict)  # as the snapshot/reset gave it
    last_seq: int = 0
    pending: list[Pending] = field(default_factory=list)
    connected: bool = True
    counter: int = 0
    acked: list[tuple[str, dict[str, Any], dict[str, Any]]] = field(default_factory=list)

    @property
    def board(self) -> dict[str, Any]:
        return self.canvas["board"]

    @property
    def participant_id(self) -> int | None:
        return self.participant.pk if self.participant else None

    def op_actor(self) -> ops.Actor:
        return ops.Actor(self.actor.key, facilitator=self.actor.is_facilitator)


def base_of(canvas: dict[str, Any]) -> ops.CanvasState:
    s = canvas["settings"]
    return ops.CanvasState(
        width=float(canvas["width"]),
        height=float(canvas["height"]),
        zones={
            z["key"]: ops.Zone(z["key"], z["x"], z["y"], z["width"], z["height"])
            for z in canvas["zones"]
        },
        locked=s["locked"],
        locked_zones=set(s["locked_zones"]),
        dots_per_voter=s["dots_per_voter"],
        one_dot_per_note=s["one_dot_per_note"],
        note_limit=s["note_limit"],
    )


def board_part(data: dict[str, Any]) -> dict[str, Any]:
    return {key: data[key] for key in BOARD_KEYS}


class World:
    """One live session on a canvas, its clients, and what the test saw happen."""

    def __init__(self, session: LiveSession, canvas_activity, slide, clients, console):
        self.session = session
        self.stream = session.stream
        self.activity = canvas_activity
        self.canvas_id = Canvas.objects.get(activity=canvas_activity).pk
        self.slide = slide
        self.clients: list[Client] = clients
        self.console = console  # the facilitator's other tab: settings, gotos, locks
        self.console_ops = 0
        self.archive: dict[int, dict[str, Any]] = {}  # every event, kept before pruning
        self.applied: dict[tuple[str, str], dict[str, Any]] = {}  # canvas.op successes
        self.resyncs = 0
        self.scheduled: dict[int, list[Callable[[], Any]]] = {}
        self.errors: list[str] = []

    # --- the server side ------------------------------------------------------------

    def keep_archive(self) -> None:
        last = max(self.archive, default=0)
        replay = events_after(self.stream, last)
        assert replay.resync is None, "the test archives before every prune"
        for e in replay.events:
            self.archive[e.seq] = e.as_frame()

    def send(self, client: Client, entry: Pending) -> dict[str, Any] | None:
        """One ``canvas.op`` command as the consumer runs it; the client sees the ack
        (or the error) unless the caller drops it."""
        head = stream_head(self.stream)
        key = (client.actor.key, entry.op_id)
        try:
            result, duplicate = live.session_command(
                session_id=self.session.pk,
                actor=client.actor,
                type="canvas.op",
                data={"activity_id": self.activity.pk, "op": entry.op},
                op_id=entry.op_id,
            )
        except live.CommandError as error:
            self.errors.append(error.code)
            assert key not in self.applied, "an applied op_id is answered, not re-run"
            assert stream_head(self.stream) == head, f"{error.code} wrote an event"
            assert error.message
            return None
        if duplicate:
            assert self.applied.get(key) == result, "a duplicate gets the original result"
            assert stream_head(self.stream) == head, "a duplicate is not applied again"
        else:
            assert key not in self.applied
            assert result["seq"] == head + 1
            self.applied[key] = result
        return result

    def configure(self, change: str, value: Any = None) -> Any:
        """Change one setting (to ``value``, or the next one); returns the old one."""
        canvas = Canvas.objects.get(activity=self.activity)
        old = getattr(canvas, change)
        cycles = {
            "dots_per_voter": {5: 2, 2: 0, 0: 5},
            "note_limit": {50: 3, 3: 50},
        }
        if value is None and change in cycles:
            value = cycles[change][old]
        elif value is None and change == "locked_zones":
            value = [] if old else [canvas.zones[3]["key"]]
        elif value is None:
            value = not old
        self.console_command("canvas.settings", activity_id=self.activity.pk, **{change: value})
        return old

    def later(self, step: int, action: Callable[[], Any]) -> None:
        self.scheduled.setdefault(step, []).append(action)

    def run_due(self, step: int) -> None:
        for action in self.scheduled.pop(step, []):
            action()

    def session_toggle(self, which: str) -> None:
        session = LiveSession.objects.get(pk=self.session.pk)
        if which == "input":
            self.console_command("input.unlock" if session.input_locked else "input.lock")
        elif which == "pause":
            paused = session.status == SessionStatus.PAUSED
            self.console_command("session.resume" if paused else "session.pause")
        else:
            on_canvas = session.current_activity_id == self.activity.pk
            target = self.slide if on_canvas else self.activity
            self.console_command("activity.goto", activity_id=target.pk)

    def console_command(self, type: str, **data: Any) -> None:
        self.console_ops += 1
        live.session_command(
            session_id=self.session.pk,
            actor=self.console,
            type=type,
            data=data,
            op_id=f"console-{self.console_ops}",
        )

    def prune(self, keep_last: int) -> None:
        self.keep_archive()
        stream_prune(stream=self.stream, keep_last=keep_last)

    # --- the client side --------------------------------------------------------------

    def snapshot(self, client: Client) -> dict[str, Any]:
        snap = session_snapshot(
            self.session.pk,
            role=client.actor.role,
            participant=client.participant,
            voter=client.actor.key,
        )
        [canvas] = [c for c in snap["canvases"] if c["activity_id"] == self.activity.pk]
        return {"seq": snap["seq"], "canvas": canvas}

    def load_snapshot(self, client: Client) -> None:
        snap = self.snapshot(client)
        client.canvas = snap["canvas"]
        client.last_seq = snap["seq"]
        self.settle(client)

    def receive(self, client: Client, frame: dict[str, Any]) -> None:
        """One event frame, as this client's socket sends it."""
        shown = json.loads(
            serialization.encoded_frame(
                self.stream, frame, role=client.actor.role, participant_id=client.participant_id
            )
        )
        assert shown["seq"] == client.last_seq + 1, "every client gets a gap-free seq"
        assert shown["type"] == "event"
        name, data = shown["event"], shown["data"]
        if name.startswith("canvas.") and data["activity_id"] == self.activity.pk:
            if name == "canvas.effect":
                state = ops.from_data(client.board, base_of(client.canvas))
                ops.apply_event(state, data["effect"])
                client.canvas = {**client.canvas, "board": board_part(ops.as_data(state))}
            elif name == "canvas.reset":
                client.canvas = data["canvas"]
            elif name == "canvas.settings":
                client.canvas = {**client.canvas, "settings": data["settings"]}
        if client.actor.role == "participant":
            assert "authors" not in client.canvas, "names are for facilitators"
        client.last_seq = shown["seq"]

    def deliver(self, client: Client, limit: int | None = None) -> None:
        """What the socket delivers next: the events after ``last_seq`` from the
        database (as the consumer fills gaps), or a resync to a snapshot."""
        replay = events_after(self.stream, client.last_seq)
        if replay.resync:
            self.resyncs += 1
            self.load_snapshot(client)
            return
        for e in replay.events[:limit]:
            self.receive(client, e.as_frame())
        self.settle(client)
        if client.last_seq == stream_head(self.stream):
            self.check_caught_up(client)

    def settle(self, client: Client) -> None:
        """Pending ops whose event the client now holds are done."""
        client.pending = [
            p for p in client.pending if p.ack_seq is None or p.ack_seq > client.last_seq
        ]

    def check_against_snapshot(self, client: Client) -> None:
        snap = self.snapshot(client)
        assert snap["seq"] == client.last_seq
        assert client.board == snap["canvas"]["board"], client.name
        assert client.canvas["settings"] == snap["canvas"]["settings"]

    def check_caught_up(self, client: Client) -> None:
        """The canvas part of a snapshot, without the rest (cheaper, for every step)."""
        data = canvas_data(Canvas.objects.select_related("methodology").get(pk=self.canvas_id))
        if client.participant is not None:
            data = view_canvas(data, client.actor.key)
        assert client.board == data["board"], client.name
        assert client.canvas["settings"] == data["settings"]

    def submit(self, client: Client, entry: Pending, *, ack_lost: bool = False) -> None:
        result = self.send(client, entry)
        if ack_lost:
            client.connected = False  # the connection dropped before the ack came
            return
        if result is None:  # the error: the op is dropped, the view rebuilt
            client.pending = [p for p in client.pending if p.op_id != entry.op_id]
        else:
            entry.ack_seq = result["seq"]
            client.acked.append((entry.op_id, entry.op, result))
            self.settle(client)

    def reconnect(self, client: Client) -> None:
        client.connected = True
        self.deliver(client)  # hello with last_seq: replay, or resync + snapshot
        for entry in [p for p in client.pending if p.ack_seq is None]:
            self.submit(client, entry)

    def view(self, client: Client) -> ops.CanvasState:
        """What the person sees: the board plus their pending ops, optimistically."""
        state = ops.from_data(client.board, base_of(client.canvas))
        for entry in client.pending:
            try:
                ops.apply_op(state, entry.op, client.op_actor())
            except ops.OpError:
                pass
        return state


# --- drawing ops ------------------------------------------------------------------------

KINDS = (
    "create",
    "create",
    "create",
    "edit",
    "move",
    "move",
    "recolour",
    "resize",
    "delete",
    "dot",
    "dot",
    "cluster",
    "link",
    "merge",
)
VARIANTS = (None,) * 24 + ("empty", "long", "nan", "inf", "teal", "ghost", "dead", "dup", "bad_op")


def make_op(world: World, client: Client, spec: tuple) -> dict[str, Any]:
    kind, first, second, x, y, variant = spec
    view = world.view(client)
    client.counter += 1
    n = client.counter
    notes = sorted(view.notes) or ["ghost"]
    dead = sorted(k for k, note in view.notes.items() if note.deleted)
    a, b = notes[first % len(notes)], notes[second % len(notes)]
    if variant == "ghost":
        a = "ghost"
    elif variant == "dead" and dead:
        a = dead[first % len(dead)]
    text = {"empty": "   ", "long": "x" * 1001}.get(variant, f"{client.name} {n}")
    if variant == "nan":
        x = float("nan")
    elif variant == "inf":
        y = float("inf")
    colour = "teal" if variant == "teal" else ("yellow", "pink", "green", "blue")[n % 4]
    if variant == "bad_op":
        return {"op": "explode", "note": a}
    if kind == "create" or (not view.notes and variant is None):  # a first note, mostly
        note_id = a if variant == "dup" else f"{client.name}-{n}"
        return {"op": "create", "id": note_id, "text": text, "colour": colour, "x": x, "y": y}
    if kind == "edit":
        return {"op": "edit", "note": a, "text": text}
    if kind == "move":
        return {"op": "move", "note": a, "x": x, "y": y}
    if kind == "recolour":
        return {"op": "recolour", "note": a, "colour": colour}
    if kind == "resize":
        return {"op": "resize", "note": a, "width": 40 + x % 500, "height": 40 + y % 500}
    if kind == "cluster":
        op = {"op": "cluster", "cluster": f"k{first % 3}", "notes": [a, b]}
        return op if n % 3 == 0 else {**op, "name": text[:130]}
    if kind == "link":
        link_id = f"l-{client.name}-{n}" if variant != "dup" else "l-shared"
        return {"op": "link", "id": link_id, "from": a, "to": b}
    if kind == "merge":
        return {"op": "merge", "into": a, "note": b}
    return {"op": kind, "note": a}


WHO = st.integers(0, 3)  # three participants, then the facilitator
OP_SPEC = st.tuples(
    st.sampled_from(KINDS),
    st.integers(0, 40),
    st.integers(0, 40),
    st.integers(-10, 1210),  # the problem tree is 1200 × 800: a few fall outside
    st.integers(0, 800),
    st.sampled_from(VARIANTS),
)
DURATION = st.integers(1, 8)  # steps until a lock or limit is lifted again
VISIBILITY = ("anonymous", "private_mode", "dots_revealed")
# What participants may see changes often (each change resets their boards); locks
# and limits now and then.
SETTING = st.sampled_from(
    [*VISIBILITY, *VISIBILITY, "locked", "locked_zones", "one_dot_per_note"]
    + ["dots_per_voter", "note_limit"]
)
STEPS = {
    "op": st.tuples(st.just("op"), WHO, OP_SPEC),
    "lost_ack": st.tuples(st.just("lost_ack"), WHO, OP_SPEC),
    "deliver": st.tuples(st.just("deliver"), WHO, st.sampled_from([1, 3, None, None])),
    "disconnect": st.tuples(st.just("disconnect"), WHO),
    "reconnect": st.tuples(st.just("reconnect"), WHO),
    "retry": st.tuples(st.just("retry"), WHO, st.integers(0, 40)),
    "settings": st.tuples(st.just("settings"), SETTING, DURATION),
    "session": st.tuples(st.just("session"), st.sampled_from(["input", "goto", "pause"]), DURATION),
    "prune": st.tuples(st.just("prune"), st.integers(1, 6)),
}
# Weighted: mostly ops and deliveries, now and then the rest.
WEIGHTS = {
    "op": 14,
    "deliver": 5,
    "lost_ack": 1,
    "disconnect": 2,
    "reconnect": 2,
    "retry": 1,
    "settings": 2,
    "session": 1,
    "prune": 1,
}
STEP = st.sampled_from([k for k, w in WEIGHTS.items() for _ in range(w)]).flatmap(STEPS.get)


def run_step(world: World, index: int, step: tuple) -> None:
    kind, *args = step
    if kind in ("op", "lost_ack"):
        who, spec = args
        client = world.clients[who]
        entry = Pending(f"{client.name}-op-{client.counter + 1}", make_op(world, client, spec))
        client.pending.append(entry)
        if client.connected:  # offline, it waits in the pending list for a reconnect
            world.submit(client, entry, ack_lost=kind == "lost_ack")
    elif kind == "disconnect":
        world.clients[args[0]].connected = False
    elif kind == "reconnect":
        client = world.clients[args[0]]
        if not client.connected:
            world.reconnect(client)
    elif kind == "deliver":
        who, limit = args
        if world.clients[who].connected:
            world.deliver(world.clients[who], limit)
    elif kind == "retry":
        # A connected client sends an acknowledged op again (a double tap, a retry
        # after a timeout): answered as a duplicate, with the original result.
        who, pick = args
        client = world.clients[who]
        if client.connected and client.acked:
            op_id, op, result = client.acked[pick % len(client.acked)]
            assert world.send(client, Pending(op_id, op)) == result
    elif kind == "settings":
        change, duration = args
        old = world.configure(change)
        if change not in VISIBILITY:
            # Locks and limits come and go; what participants see stays as set.
            world.later(index + duration, lambda: world.configure(change, old))
    elif kind == "session":
        which, duration = args
        world.session_toggle(which)
        world.later(index + duration, lambda: world.session_toggle(which))
    elif kind == "prune":
        world.prune(args[0])


# --- the property -----------------------------------------------------------------------


@pytest.fixture
def stage(make_stage):
    return make_stage("colaborar")


@pytest.fixture
def new_world(stage, alice):
    """A factory: a fresh live session on a canvas, with its clients connected."""

    def make() -> World:
        session = live.session_create(stage=stage, title="Taller", created_by=alice)
        canvas_activity = live.activity_add(
            session=session,
            kind="canvas",
            title="Árbol",
            methodology=Methodology.objects.get(slug="arbol-de-problemas"),
        )
        slide = live.activity_add(session=session, kind="slide", title="Pausa")
        console = facilitator_actor(alice)
        for n, (type, data) in enumerate(
            [("session.start", {}), ("activity.goto", {"activity_id": canvas_activity.pk})]
        ):
            live.session_command(
                session_id=session.pk, actor=console, type=type, data=data, op_id=f"setup-{n}"
            )
        clients = []
        for name in ("ana", "beto", "caro"):
            participant = live.participant_join(session=session, display_name=name, consent=True)
            clients.append(Client(name, participant_actor(participant), participant))
        clients.append(Client("fac", console, None))
        world = World(session, canvas_activity, slide, clients, console)
        for client in clients:
            world.load_snapshot(client)
        return world

    return make


# A failure is shrunk for up to 5 minutes (Hypothesis' own cap): more than the suite's
# default timeout, which would cut the report short.
@pytest.mark.timeout(600)
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=25, max_size=80))
def test_clients_converge_to_a_fresh_snapshot(new_world, steps):
    # Per-process memories keyed by database ids: start each example without them.
    store.forget_boards()
    serialization._ENCODED.clear()
    world = new_world()
    for index, step in enumerate(steps):
        world.run_due(index)
        run_step(world, index, step)

    # Everyone comes back and resends what is still unacknowledged, until all is in.
    for client in world.clients:
        if not client.connected:
            world.reconnect(client)
    for client in world.clients:
        for entry in [p for p in client.pending if p.ack_seq is None]:
            world.submit(client, entry)
    for client in world.clients:
        world.deliver(client)
    for client in world.clients:
        assert client.pending == [], client.name
        world.check_against_snapshot(client)
        assert ops.state_hash(world.view(client)) == ops.state_hash(
            ops.from_data(client.board, base_of(client.canvas))
        )

    # The server: a gap-free stream; every applied op_id appears once; the board
    # (rows, and the process's memory copy) is the replay of every effect from scratch.
    world.keep_archive()
    head = stream_head(world.stream)
    assert sorted(world.archive) == list(range(1, head + 1))
    effects = [
        frame["data"]["effect"]
        for _seq, frame in sorted(world.archive.items())
        if frame["event"] == "canvas.effect"
    ]
    assert len(effects) == len(world.applied), "each applied op_id made exactly one effect"
    canvas = Canvas.objects.get(activity=world.activity)
    replay = store.board_of(canvas)
    replay.notes, replay.clusters, replay.links, replay.dots = {}, {}, {}, {}
    for effect in effects:
        ops.apply_event(replay, effect)
    assert ops.state_hash(store.board_of(canvas)) == ops.state_hash(replay)
    memory = ops.from_data(store.board_data(canvas), replay)
    assert ops.state_hash(memory) == ops.state_hash(replay)
    assert canvas.version == max(
        (seq for seq, f in world.archive.items() if f["event"] == "canvas.effect"), default=0
    )

    notes = len(replay.notes)
    event(f"effects: {min(len(effects) // 10 * 10, 40)}+")
    event(f"notes: {min(notes // 5 * 5, 20)}+")
    event(f"resyncs: {'some' if world.resyncs else 'none'}")
    for code in set(world.errors):
        event(f"error {code}")
    event(f"steps {len(steps) // 10 * 10}")
