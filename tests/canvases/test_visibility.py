"""canvases/visibility.py: what each participant may see of a canvas.

The property that keeps clients right (the module's docstring): for any board ``s``
and effect ``e``, ``view(apply(s, e)) == apply(view(s), shape(e))``, a hidden effect
applying as nothing. Checked here for random boards built by several actors under
every combination of the visibility flags, for every viewer, and through the frames
the server really sends (``sessions.serialization.visible_frame``)."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from canvases.ops import (
    COLOURS,
    Actor,
    CanvasState,
    OpError,
    Zone,
    apply_event,
    apply_op,
    as_data,
    from_data,
)
from canvases.visibility import (
    OTHERS,
    Flags,
    personal_view,
    referenced_notes,
    shape_effect,
    view_board,
    view_canvas,
)
from sessions.serialization import visible_frame

P1, P2, P3 = Actor("p:1"), Actor("p:2"), Actor("p:3")
FACILITATOR = Actor("u:9", facilitator=True)
ACTORS = (P1, P2, P3, FACILITATOR)
# p:4 never acts: a bystander sees only what others do.
PARTICIPANT_VIEWERS = ("p:1", "p:2", "p:3", "p:4")


def base(**settings_) -> CanvasState:
    return CanvasState(
        width=1200,
        height=800,
        zones={
            "causes": Zone("causes", 0, 0, 600, 800),
            "effects": Zone("effects", 600, 0, 600, 800),
        },
        **settings_,
    )


def board_data(state: CanvasState) -> dict:
    """The board as snapshots carry it (``canvas.state`` without the size)."""
    data = as_data(state)
    return {k: data[k] for k in ("notes", "clusters", "links", "dots")}


def payload(state: CanvasState, effect: dict, flags: Flags) -> dict:
    """A ``canvas.effect`` event's data, as canvases.services.canvas_apply builds it."""
    return {
        "activity_id": 12,
        "effect": effect,
        "flags": flags.as_data(),
        "authors": {key: state.notes[key].author for key in referenced_notes(effect)},
    }


# --- random boards -------------------------------------------------------------------

KINDS = (
    "create",
    "create",
    "create",
    "edit",
    "move",
    "recolour",
    "resize",
    "delete",
    "dot",
    "dot",
    "link",
    "cluster",
    "merge",
)

op_specs = st.tuples(
    st.integers(0, len(ACTORS) - 1),  # who
    st.sampled_from(KINDS),
    st.integers(0, 30),  # first note (index into the notes so far, deleted included)
    st.integers(0, 30),  # second note
    st.integers(0, 1200),  # x
    st.integers(0, 800),  # y
    st.sampled_from(sorted(COLOURS)),
    st.booleans(),  # a cluster op that keeps the cluster's name
)


def build_op(state: CanvasState, step: int, spec: tuple) -> tuple[Actor, dict]:
    who, kind, first, second, x, y, colour, keep_name = spec
    actor = ACTORS[who]
    notes = sorted(state.notes) or ["ghost"]
    a, b = notes[first % len(notes)], notes[second % len(notes)]
    if kind == "create":
        op = {"op": "create", "id": f"n{step}", "text": f"t{step}", "colour": colour}
        return actor, {**op, "x": x, "y": y}
    if kind == "edit":
        return actor, {"op": "edit", "note": a, "text": f"e{step}"}
    if kind == "move":
        return actor, {"op": "move", "note": a, "x": x, "y": y}
    if kind == "recolour":
        return actor, {"op": "recolour", "note": a, "colour": colour}
    if kind == "resize":
        return actor, {"op": "resize", "note": a, "width": 40 + x % 500, "height": 40 + y % 500}
    if kind == "link":
        return actor, {"op": "link", "id": f"l{step}", "from": a, "to": b}
    if kind == "cluster":
        op = {"op": "cluster", "cluster": f"k{first % 3}", "notes": [a, b]}
        return actor, op if keep_name else {**op, "name": f"Grupo {step}"}
    if kind == "merge":
        return FACILITATOR, {"op": "merge", "into": a, "note": b}
    return actor, {"op": kind, "note": a}


flag_sets = st.builds(Flags, st.booleans(), st.booleans(), st.booleans())


def check_commutes(before: CanvasState, after: CanvasState, effect: dict, flags: Flags) -> None:
    """The rule, for every participant viewer and for facilitators (who see all)."""
    old, new = as_data(before), as_data(after)
    data = payload(after, effect, flags)
    authors = data["authors"]
    frame = {"seq": 7, "event": "canvas.effect", "data": data}
    sent: dict[str, dict] = {}
    for viewer in PARTICIPANT_VIEWERS:
        shaped = shape_effect(effect, viewer, flags, authors)
        client = from_data(view_board(old, viewer, flags), before)
        if shaped is not None:
            apply_event(client, shaped)
        assert as_data(client) == view_board(new, viewer, flags), (viewer, effect, shaped)
        # What the socket sends is exactly that shaped effect, or a hidden stub.
        sent[viewer] = visible_frame(frame, role="participant", participant_id=int(viewer[2:]))
        if shaped is None:
            assert sent[viewer] == {"type": "event", "seq": 7, "event": "hidden", "data": {}}
        else:
            assert sent[viewer]["data"] == {"activity_id": 12, "effect": shaped}
        # No effect ever names another participant to a participant.
        text = json.dumps(sent[viewer])
        others = {v for v in ("p:1", "p:2", "p:3") if v != viewer}
        if flags.anonymous and effect["type"] == "note.created":
            assert not any(f'"{o}"' in text for o in others), text
        if not flags.dots_revealed and effect["type"] == "dot.added":
            assert not any(f'"{o}"' in text for o in others), text
    # Viewers whose personal_view agrees share one encoding (sessions.serialization):
    # that is only right if they really receive the same frame.
    for one in PARTICIPANT_VIEWERS:
        for two in PARTICIPANT_VIEWERS:
            if personal_view("canvas.effect", data, one) == personal_view(
                "canvas.effect", data, two
            ):
                assert sent[one] == sent[two], (one, two, effect)
    # Facilitators get the event unshaped and the whole board.
    assert visible_frame(frame, role="facilitator", participant_id=None)["data"] == data
    client = from_data(old, before)
    apply_event(client, effect)
    assert as_data(client) == new


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    flags=flag_sets,
    one_dot_per_note=st.booleans(),
    specs=st.lists(op_specs, min_size=1, max_size=40),
)
def test_shaped_events_commute_with_the_view(flags, one_dot_per_note, specs):
    state = base(dots_per_voter=3, one_dot_per_note=one_dot_per_note, note_limit=6)
    applied = 0
    for step, spec in enumerate(specs):
        actor, op = build_op(state, step, spec)
        if flags.private_mode and op["op"] == "merge":
            continue  # refused by canvases.services.canvas_apply in private mode
        before = copy.deepcopy(state)
        try:
            effect = apply_op(state, op, actor)
        except OpError:
            assert as_data(state) == as_data(before)
            continue
        applied += 1
        check_commutes(before, state, effect, flags)
    event(f"applied effects: {min(applied, 10)}{'+' if applied >= 10 else ''}")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flags=flag_sets, specs=st.lists(op_specs, min_size=1, max_size=30))
def test_a_client_replaying_shaped_events_holds_the_view(flags, specs):
    """The whole life of a canvas, not one step: a client that starts from the
    shaped empty board and applies every shaped event ends on the shaped board."""
    state = base(dots_per_voter=4)
    clients = {v: from_data(view_board(as_data(state), v, flags), state) for v in ("p:1", "p:4")}
    for step, spec in enumerate(specs):
        actor, op = build_op(state, step, spec)
        if flags.private_mode and op["op"] == "merge":
            continue
        try:
            effect = apply_op(state, op, actor)
        except OpError:
            continue
        data = payload(state, effect, flags)
        for viewer, client in clients.items():
            frame = visible_frame(
                {"seq": step + 1, "event": "canvas.effect", "data": data},
                role="participant",
                participant_id=int(viewer[2:]),
            )
            if frame["event"] != "hidden":
                apply_event(client, frame["data"]["effect"])
    for viewer, client in clients.items():
        assert as_data(client) == view_board(as_data(state), viewer, flags)


# --- examples --------------------------------------------------------------------------


@pytest.fixture
def sample() -> CanvasState:
    """Notes by p:1 (a, b), p:2 (c) and the facilitator (f); a link a→c and b→a;
    clusters; dots by p:1, p:2 and p:3."""
    state = base(dots_per_voter=5)
    for note_id, actor, x in (("a", P1, 10), ("b", P1, 700), ("c", P2, 20), ("f", FACILITATOR, 30)):
        apply_op(state, {"op": "create", "id": note_id, "text": note_id, "x": x, "y": 10}, actor)
    apply_op(state, {"op": "link", "id": "l1", "from": "a", "to": "c"}, P2)
    apply_op(state, {"op": "link", "id": "l2", "from": "b", "to": "a"}, P1)
    apply_op(state, {"op": "cluster", "cluster": "k1", "name": "Agua", "notes": ["a"]}, P1)
    apply_op(state, {"op": "cluster", "cluster": "k2", "name": "Vías", "notes": ["c"]}, P2)
    for actor, note_id in ((P1, "c"), (P2, "a"), (P2, "a"), (P3, "a"), (P3, "f")):
        apply_op(state, {"op": "dot", "note": note_id}, actor)
    return state


def authors_of(view: dict) -> dict[str, str]:
    return {n["id"]: n["author"] for n in view["notes"]}


def test_anonymous_blanks_everyone_elses_authorship(sample):
    flags = Flags(anonymous=True)
    view = view_board(as_data(sample), "p:1", flags)
    assert authors_of(view) == {"a": "p:1", "b": "p:1", "c": OTHERS, "f": OTHERS}
    assert authors_of(view_board(as_data(sample), "p:2", flags))["c"] == "p:2"
    effect = {"type": "note.created", "note": {**as_data(sample)["notes"][2], "id": "z"}}
    assert shape_effect(effect, "p:1", flags, {"z": "p:2"})["note"]["author"] == OTHERS
    assert shape_effect(effect, "p:2", flags, {"z": "p:2"})["note"]["author"] == "p:2"
    # Not anonymous: everyone's key is shown.
    assert authors_of(view_board(as_data(sample), "p:1", Flags()))["c"] == "p:2"


def test_revealed_dots_of_others_are_summed_under_the_empty_key(sample):
    view = view_board(as_data(sample), "p:1", Flags(dots_revealed=True))
    assert view["dots"] == {"p:1": {"c": 1}, OTHERS: {"a": 3, "f": 1}}
    effect = {"type": "dot.added", "note": "a", "voter": "p:2"}
    assert shape_effect(effect, "p:1", Flags(dots_revealed=True), {"a": "p:1"}) == {
        **effect,
        "voter": OTHERS,
    }


def test_hidden_dots_are_not_sent_at_all(sample):
    view = view_board(as_data(sample), "p:1", Flags())
    assert view["dots"] == {"p:1": {"c": 1}}
    assert view_board(as_data(sample), "p:4", Flags())["dots"] == {}
    others_dot = {"type": "dot.added", "note": "a", "voter": "p:2"}
    assert shape_effect(others_dot, "p:1", Flags(), {"a": "p:1"}) is None
    own_dot = {"type": "dot.added", "note": "c", "voter": "p:1"}
    assert shape_effect(own_dot, "p:1", Flags(), {"c": "p:2"}) == own_dot


def test_private_mode_shows_only_own_notes_and_every_cluster_name(sample):
    flags = Flags(private_mode=True, dots_revealed=True)
    view = view_board(as_data(sample), "p:1", flags)
    assert [n["id"] for n in view["notes"]] == ["a", "b"]
    assert view["links"] == {"l2": ["b", "a"]}  # a→c touches Beto's note
    assert view["clusters"] == {"k1": "Agua", "k2": "Vías"}
    assert view["dots"] == {OTHERS: {"a": 3}}  # p:1's own dot is on Beto's note
    assert [n["id"] for n in view_board(as_data(sample), "p:4", flags)["notes"]] == []
    # Effects touching others' notes are hidden; a cluster keeps only own members.
    assert (
        shape_effect({"type": "note.edited", "note": "c", "text": "x"}, "p:1", flags, {"c": "p:2"})
        is None
    )
    cluster = {"type": "cluster.set", "cluster": "k3", "name": "Mixto", "notes": ["a", "c"]}
    assert shape_effect(cluster, "p:1", flags, {"a": "p:1", "c": "p:2"})["notes"] == ["a"]
    assert shape_effect(cluster, "p:4", flags, {"a": "p:1", "c": "p:2"})["notes"] == []


def test_view_canvas_drops_author_names_and_shapes_the_board(sample):
    canvas = {
        "activity_id": 12,
        "settings": {"anonymous": True, "private_mode": False, "dots_revealed": False},
        "board": board_data(sample),
        "authors": {"p:1": "Ana", "p:2": "Beto", "u:9": "Alice"},
    }
    shown = view_canvas(canvas, "p:2")
    assert "authors" not in shown
    assert authors_of(shown["board"])["c"] == "p:2"
    assert authors_of(shown["board"])["a"] == OTHERS
    assert shown["board"]["dots"] == {"p:2": {"a": 2}}
    reset = visible_frame(
        {"seq": 3, "event": "canvas.reset", "data": {"activity_id": 12, "canvas": canvas}},
        role="participant",
        participant_id=2,
    )
    assert reset["data"]["canvas"] == shown
