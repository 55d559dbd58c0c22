"""canvases/ops.py: validation codes, concurrency rules, and convergence of simulated
clients (optimistic apply, reconcile, disconnect, replay) under random interleavings."""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from canvases.ops import (
    COLOURS,
    MAX_TEXT,
    Actor,
    CanvasState,
    OpError,
    Zone,
    apply_event,
    apply_op,
    as_data,
    dot_counts,
    state_hash,
)

ANA = Actor("p:1")
BETO = Actor("p:2")
FACILITATOR = Actor("u:9", facilitator=True)


def board() -> CanvasState:
    return CanvasState(
        width=1200,
        height=800,
        zones={
            "causes": Zone("causes", 0, 0, 600, 800),
            "effects": Zone("effects", 600, 0, 600, 800),
        },
        dots_per_voter=3,
    )


def create(state: CanvasState, note_id: str, actor: Actor = ANA, **extra) -> dict:
    return apply_op(
        state, {"op": "create", "id": note_id, "text": "Idea", "x": 100, "y": 100, **extra}, actor
    )


def refused(state: CanvasState, op: dict, actor: Actor = ANA) -> OpError:
    before = state_hash(state)
    with pytest.raises(OpError) as caught:
        apply_op(state, op, actor)
    assert state_hash(state) == before, "a refused op changes nothing"
    return caught.value


# --- validation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "code", "field"),
    [
        ({"text": "x" * (MAX_TEXT + 1)}, "text_too_long", "text"),
        ({"text": "   "}, "empty_text", "text"),
        ({"text": 5}, "invalid", "text"),
        ({"x": math.nan}, "not_finite", "x"),
        ({"y": math.inf}, "not_finite", "y"),
        ({"x": -1}, "out_of_board", "x"),
        ({"y": 801}, "out_of_board", "y"),
        ({"x": "10"}, "invalid", "x"),
        ({"x": True}, "invalid", "x"),
        ({"colour": "chartreuse"}, "unknown_colour", "colour"),
        ({"width": 5}, "invalid", "width"),
        ({"id": ""}, "invalid", "id"),
    ],
)
def test_bad_create_is_refused_naming_the_field(op, code, field):
    state = board()
    error = refused(state, {"op": "create", "id": "n1", "text": "Idea", "x": 10, "y": 10, **op})
    assert (error.code, error.field) == (code, field)


def test_unknown_op():
    assert refused(board(), {"op": "explode"}).code == "unknown_op"


def test_create_places_the_note_in_its_zone_and_texts_stay_text():
    state = board()
    payload = "<script>alert(1)</script><img src=x onerror=alert(1)>"
    effect = create(state, "n1", text=payload, x=700, y=10)
    assert effect["note"]["zone"] == "effects"
    assert state.notes["n1"].text == payload, "stored as given; escaping is the renderer's job"


def test_ops_on_unknown_and_deleted_notes_have_distinct_codes():
    state = board()
    create(state, "n1")
    assert refused(state, {"op": "edit", "note": "zz", "text": "x"}).code == "unknown_note"
    apply_op(state, {"op": "delete", "note": "n1"}, ANA)
    assert state.notes["n1"].deleted, "a tombstone stays"
    for op in (
        {"op": "edit", "note": "n1", "text": "late edit"},
        {"op": "move", "note": "n1", "x": 5, "y": 5},
        {"op": "dot", "note": "n1"},
    ):
        assert refused(state, op).code == "deleted"


def test_locks_and_limits():
    state = board()
    create(state, "n1")
    state.locked = True
    assert refused(state, {"op": "move", "note": "n1", "x": 5, "y": 5}).code == "canvas_locked"
    apply_op(state, {"op": "move", "note": "n1", "x": 5, "y": 5}, FACILITATOR)
    state.locked = False
    state.locked_zones = {"effects"}
    error = refused(state, {"op": "move", "note": "n1", "x": 700, "y": 5})
    assert (error.code, error.field) == ("zone_locked", "zone")
    state.locked_zones = set()
    state.note_limit = 1
    assert refused(state, {"op": "create", "id": "n2", "text": "t", "x": 1, "y": 1}).code == (
        "note_limit"
    )


def test_only_the_author_edits_or_deletes():
    state = board()
    create(state, "n1", ANA)
    assert refused(state, {"op": "edit", "note": "n1", "text": "mine"}, BETO).code == "forbidden"
    apply_op(state, {"op": "edit", "note": "n1", "text": "ok"}, FACILITATOR)
    assert state.notes["n1"].text == "ok"


def test_dots_budget_one_per_note_and_return_on_delete():
    state = board()
    create(state, "n1")
    create(state, "n2")
    for _ in range(3):
        apply_op(state, {"op": "dot", "note": "n1"}, BETO)
    assert refused(state, {"op": "dot", "note": "n2"}, BETO).code == "no_dots_left"
    apply_op(state, {"op": "delete", "note": "n1"}, ANA)
    assert dot_counts(state) == {}, "a deleted note's dots go back to their voters"
    apply_op(state, {"op": "dot", "note": "n2"}, BETO)
    state.one_dot_per_note = True
    assert refused(state, {"op": "dot", "note": "n2"}, BETO).code == "one_dot_per_note"


def test_links_and_clusters_follow_deletes():
    state = board()
    for note_id in ("a", "b", "c"):
        create(state, note_id)
    apply_op(state, {"op": "link", "id": "l1", "from": "a", "to": "b"}, ANA)
    apply_op(state, {"op": "cluster", "cluster": "k", "name": "Agua", "notes": ["a", "c"]}, ANA)
    apply_op(state, {"op": "delete", "note": "a"}, ANA)
    assert state.links == {}
    assert state.notes["a"].cluster is None and state.notes["c"].cluster == "k"
    assert refused(state, {"op": "link", "id": "l2", "from": "a", "to": "c"}).code == "deleted"


def test_merge_keeps_both_authors_trace_and_moves_dots():
    state = board()
    create(state, "a", ANA)
    create(state, "b", BETO)
    apply_op(state, {"op": "dot", "note": "b"}, ANA)
    assert refused(state, {"op": "merge", "into": "a", "note": "b"}).code == "forbidden"
    apply_op(state, {"op": "merge", "into": "a", "note": "b"}, FACILITATOR)
    assert state.notes["a"].merged_from == ["b"]
    assert state.notes["b"].deleted and state.notes["b"].author == BETO.key
    assert dot_counts(state) == {"a": 1}


def test_later_move_wins_and_both_are_acknowledged():
    state = board()
    create(state, "n1")
    apply_op(state, {"op": "move", "note": "n1", "x": 10, "y": 10}, ANA)
    apply_op(state, {"op": "move", "note": "n1", "x": 900, "y": 20}, BETO)
    assert (state.notes["n1"].x, state.notes["n1"].zone) == (900, "effects")


# --- convergence -----------------------------------------------------------------------


@dataclass
class Server:
    state: CanvasState = field(default_factory=board)
    log: list[dict] = field(default_factory=list)  # effects; seq = index + 1
    done: dict[tuple[str, str], object] = field(default_factory=dict)

    def submit(self, actor: Actor, op_id: str, op: dict) -> tuple[str, object]:
        key = (actor.key, op_id)
        if key in self.done:  # a retried op_id: answered, never applied twice
            return "duplicate", self.done[key]
        try:
            effect = apply_op(self.state, op, actor)
        except OpError as exc:
            self.done[key] = exc.code
            return "error", exc.code
        self.log.append(effect)
        self.done[key] = len(self.log)
        return "ack", len(self.log)


@dataclass
class Client:
    actor: Actor
    confirmed: CanvasState = field(default_factory=board)
    last_seq: int = 0
    pending: list[tuple[str, dict]] = field(default_factory=list)
    online: bool = True
    counter: int = 0

    def view(self) -> CanvasState:
        """What the person sees: the confirmed board plus their own ops not yet
        acknowledged, applied optimistically (those that no longer apply vanish)."""
        view = copy.deepcopy(self.confirmed)
        for _op_id, op in self.pending:
            try:
                apply_op(view, op, self.actor)
            except OpError:
                pass
        return view

    def catch_up(self, server: Server) -> None:
        for effect in server.log[self.last_seq :]:
            apply_event(self.confirmed, effect)
        self.last_seq = len(server.log)


def draw_op(data, client: Client, index: int) -> dict:
    view = client.view()
    live = sorted(n.id for n in view.notes.values() if not n.deleted)
    known = sorted(view.notes) or ["ghost"]
    kind = data.draw(
        st.sampled_from(
            ["create", "create", "edit", "move", "recolour", "delete", "dot", "link", "cluster"]
        )
    )
    target = data.draw(st.sampled_from(live or known))
    coordinate = st.integers(0, 1200) | st.sampled_from([-5, 5000])
    if kind == "create":
        return {
            "op": "create",
            "id": f"{client.actor.key}-{index}",
            "text": "n",
            "x": data.draw(coordinate),
            "y": data.draw(st.integers(0, 800)),
        }
    if kind == "edit":
        return {"op": "edit", "note": target, "text": data.draw(st.sampled_from(["a", "b", " "]))}
    if kind == "move":
        return {
            "op": "move",
            "note": target,
            "x": data.draw(coordinate),
            "y": data.draw(st.integers(0, 800)),
        }
    if kind == "recolour":
        return {
            "op": "recolour",
            "note": target,
            "colour": data.draw(st.sampled_from([*COLOURS, "teal"])),
        }
    if kind == "link":
        other = data.draw(st.sampled_from(known))
        return {"op": "link", "id": f"l-{client.actor.key}-{index}", "from": target, "to": other}
    if kind == "cluster":
        return {"op": "cluster", "cluster": "k1", "name": "Grupo", "notes": [target]}
    return {"op": kind, "note": target}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_clients_converge_to_the_server_state(data):
    server = Server()
    clients = [Client(ANA), Client(BETO), Client(FACILITATOR)]
    outbox: list[tuple[Client, str, dict]] = []
    for step in range(data.draw(st.integers(5, 40))):
        client = data.draw(st.sampled_from(clients))
        action = data.draw(st.sampled_from(["op", "op", "deliver", "deliver", "toggle"]))
        if action == "op":
            client.counter += 1
            op_id = f"{client.actor.key}#{client.counter}"
            op = draw_op(data, client, step)
            client.pending.append((op_id, op))
            if client.online:
                outbox.append((client, op_id, op))
        elif action == "deliver" and outbox:
            sender, op_id, op = outbox.pop(data.draw(st.integers(0, len(outbox) - 1)))
            outcome, _ = server.submit(sender.actor, op_id, op)
            # Events reach connected clients in seq order; the ack or error reaches
            # the sender (if still connected), which then drops the op from pending.
            for other in clients:
                if other.online:
                    other.catch_up(server)
            if sender.online:
                sender.pending = [(i, o) for i, o in sender.pending if i != op_id]
        elif action == "toggle":
            client.online = not client.online
            if client.online:  # reconnect: replay from last_seq, resend unacknowledged ops
                client.catch_up(server)
                outbox.extend((client, i, o) for i, o in client.pending)
    # Everyone reconnects and every op, sent or resent, reaches the server.
    for client in clients:
        if not client.online:
            client.online = True
            client.catch_up(server)
            outbox.extend((client, i, o) for i, o in client.pending)
    for sender, op_id, op in outbox:
        server.submit(sender.actor, op_id, op)
        sender.pending = [(i, o) for i, o in sender.pending if i != op_id]
    event(f"applied effects: {min(len(server.log), 10)}{'+' if len(server.log) >= 10 else ''}")
    fresh = board()
    for effect in server.log:
        apply_event(fresh, effect)
    assert state_hash(fresh) == state_hash(server.state), "a fresh snapshot equals the server"
    for client in clients:
        client.catch_up(server)
        assert client.pending == []
        assert as_data(client.confirmed) == as_data(server.state)
        assert state_hash(client.view()) == state_hash(server.state)
