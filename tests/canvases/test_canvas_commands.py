"""``canvas.op`` and ``canvas.settings`` through ``sessions.live.session_command``:
every refusal of the protocol (docs/realtime-protocol.md, "Canvas errors") gives its
code and field and writes nothing; concurrent writers on one canvas; the console's
add-activity form for canvases."""

from __future__ import annotations

import itertools
import json
import threading

import pytest
from django.db import connection
from django.test import Client as HttpClient

from canvases import ops, store
from canvases.models import Canvas, CanvasNote
from canvases.selectors import canvas_data
from cocrea.realtime.models import ProcessedOp, StreamEvent
from cocrea.realtime.selectors import stream_head
from cocrea.toolkit.models import Methodology
from sessions import live
from sessions.live import CommandError
from sessions.models import Activity

pytestmark = pytest.mark.django_db

_op_ids = itertools.count(1)


@pytest.fixture
def room(live_session, facilitator):
    """The live session on a problem-tree canvas, with a slide after it:
    (session, canvas activity, slide)."""
    store.forget_boards()
    canvas = live.activity_add(
        session=live_session,
        kind="canvas",
        title="Árbol",
        methodology=Methodology.objects.get(slug="arbol-de-problemas"),
    )
    slide = live.activity_add(session=live_session, kind="slide", title="Después")
    command(live_session, facilitator, "session.start")
    command(live_session, facilitator, "activity.goto", activity_id=canvas.pk)
    live_session.refresh_from_db()
    yield live_session, canvas, slide
    store.forget_boards()


def command(session, actor, type, op_id=None, **data) -> dict:
    result, duplicate = live.session_command(
        session_id=session.pk,
        actor=actor,
        type=type,
        data=data,
        op_id=op_id or f"op{next(_op_ids)}",
    )
    assert not duplicate
    return result


def canvas_op(session, actor, activity, op, op_id=None) -> dict:
    return command(session, actor, "canvas.op", op_id, activity_id=activity.pk, op=op)


def configure(session, activity, actor, **changes) -> dict:
    return command(session, actor, "canvas.settings", activity_id=activity.pk, **changes)


def zone(activity, key: str) -> dict:
    return next(z for z in activity.canvas.zones if z["key"] == key)


def inside(activity, key: str) -> tuple[float, float]:
    z = zone(activity, key)
    return z["x"] + 10, z["y"] + 10


OUTSIDE_ZONES = (5.0, 5.0)  # the problem tree's zones start at (20, 20)


def create(note_id: str, xy=OUTSIDE_ZONES, text: str = "Idea", **extra) -> dict:
    return {"op": "create", "id": note_id, "text": text, "x": xy[0], "y": xy[1], **extra}


def written(session, activity) -> tuple:
    """Everything a canvas command may write: the stream, the note rows, the board
    (rows and the process's memory copy), the settings, the idempotency records."""
    canvas = Canvas.objects.get(activity=activity)
    return (
        stream_head(session.stream),
        StreamEvent.objects.filter(stream=session.stream).count(),
        list(CanvasNote.objects.filter(canvas=canvas).order_by("key").values()),
        store.board_data_from_rows(canvas),
        store.board_data(canvas),
        canvas_data(canvas)["settings"],
        ProcessedOp.objects.filter(stream=session.stream).count(),
    )


def refused(session, actor, type, **data) -> tuple[str, str | None]:
    """Send a command that must be refused; returns (code, field). Checks that it
    wrote nothing and that its op_id was not recorded (a retry is evaluated anew)."""
    canvas_activity = Activity.objects.get(session=session, kind="canvas")
    before = written(session, canvas_activity)
    op_id = f"refused{next(_op_ids)}"
    with pytest.raises(CommandError) as caught:
        live.session_command(session_id=session.pk, actor=actor, type=type, data=data, op_id=op_id)
    error = caught.value
    assert isinstance(error.message, str) and error.message
    assert written(session, canvas_activity) == before, "a refused command writes nothing"
    assert not ProcessedOp.objects.filter(op_id=op_id).exists()
    return error.code, error.field


def refused_op(session, actor, activity, op) -> tuple[str, str | None]:
    return refused(session, actor, "canvas.op", activity_id=activity.pk, op=op)


# --- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"text": "x" * 1001}, "text_too_long", "text"),
        ({"text": "  " + "x" * 1001 + "  "}, "text_too_long", "text"),
        ({"text": ""}, "empty_text", "text"),
        ({"text": " \n\t "}, "empty_text", "text"),
        ({"x": float("nan")}, "not_finite", "x"),
        ({"y": float("inf")}, "not_finite", "y"),
        ({"x": float("-inf")}, "not_finite", "x"),
        ({"x": json.loads("1e999")}, "not_finite", "x"),  # how a client can send one
        ({"x": 1e300}, "out_of_board", "x"),
        ({"y": 10**400}, "not_finite", "y"),  # a JSON integer too big for a float
        ({"x": -0.5}, "out_of_board", "x"),
        ({"x": 1200.5}, "out_of_board", "x"),
        ({"y": 800.01}, "out_of_board", "y"),
        ({"colour": "teal"}, "unknown_colour", "colour"),
        ({"colour": None}, "unknown_colour", "colour"),
        ({"width": float("nan")}, "not_finite", "width"),
        ({"height": 1e9}, "invalid", "height"),
        ({"id": "x" * 65}, "invalid", "id"),
    ],
)
def test_a_bad_create_is_refused_naming_the_field(room, ana, as_participant, fields, code, field):
    session, activity, _slide = room
    op = {**create("n1"), **fields}
    assert refused_op(session, as_participant(ana), activity, op) == (code, field)


def test_limits_are_inclusive(room, ana, as_participant):
    session, activity, _slide = room
    text = "  " + "x" * 1000 + "  "  # 1,000 characters after trimming
    canvas_op(session, as_participant(ana), activity, create("n1", (0, 0), text))
    canvas_op(session, as_participant(ana), activity, create("n2", (1200, 800)))
    notes = {n["id"]: n for n in Canvas.objects.get(activity=activity).state["notes"]}
    assert notes["n1"]["text"] == "x" * 1000
    assert (notes["n2"]["x"], notes["n2"]["y"]) == (1200.0, 800.0)
    name = {"op": "cluster", "cluster": "k", "notes": ["n1"], "name": "g" * 121}
    assert refused_op(session, as_participant(ana), activity, name) == ("text_too_long", "name")
    canvas_op(session, as_participant(ana), activity, {**name, "name": "g" * 120})


def test_bad_values_in_later_ops(room, ana, as_participant):
    session, activity, _slide = room
    ana_ = as_participant(ana)
    canvas_op(session, ana_, activity, create("n1"))
    for op, expected in [
        ({"op": "edit", "note": "n1", "text": "y" * 1001}, ("text_too_long", "text")),
        ({"op": "edit", "note": "n1", "text": "   "}, ("empty_text", "text")),
        ({"op": "move", "note": "n1", "x": float("nan"), "y": 1}, ("not_finite", "x")),
        ({"op": "move", "note": "n1", "x": 1, "y": float("inf")}, ("not_finite", "y")),
        ({"op": "move", "note": "n1", "x": 1, "y": -1}, ("out_of_board", "y")),
        ({"op": "recolour", "note": "n1", "colour": "gold"}, ("unknown_colour", "colour")),
        (
            {"op": "resize", "note": "n1", "width": float("inf"), "height": 80},
            ("not_finite", "width"),
        ),
        ({"op": "explode", "note": "n1"}, ("unknown_op", "op")),
        ({"note": "n1"}, ("unknown_op", "op")),
        (create("n1"), ("duplicate_id", "id")),
    ]:
        assert refused_op(session, ana_, activity, op) == expected, op
    canvas_op(session, ana_, activity, create("n2"))
    canvas_op(session, ana_, activity, {"op": "link", "id": "l1", "from": "n1", "to": "n2"})
    link = {"op": "link", "id": "l1", "from": "n2", "to": "n1"}
    assert refused_op(session, ana_, activity, link) == ("duplicate_id", "id")


@pytest.mark.parametrize(
    ("op", "field"),
    [
        ({"op": "edit", "note": "ghost", "text": "x"}, "note"),
        ({"op": "move", "note": "ghost", "x": 1, "y": 1}, "note"),
        ({"op": "recolour", "note": "ghost", "colour": "pink"}, "note"),
        ({"op": "resize", "note": "ghost", "width": 80, "height": 80}, "note"),
        ({"op": "delete", "note": "ghost"}, "note"),
        ({"op": "dot", "note": "ghost"}, "note"),
        ({"op": "cluster", "cluster": "k", "name": "G", "notes": ["n1", "ghost"]}, "notes"),
        ({"op": "link", "id": "l", "from": "ghost", "to": "n1"}, "from"),
        ({"op": "link", "id": "l", "from": "n1", "to": "ghost"}, "to"),
    ],
)
def test_an_unknown_note(room, ana, as_participant, op, field):
    session, activity, _slide = room
    canvas_op(session, as_participant(ana), activity, create("n1"))
    assert refused_op(session, as_participant(ana), activity, op) == ("unknown_note", field)


def test_a_deleted_note_answers_deleted(room, ana, beto, facilitator, as_participant):
    session, activity, _slide = room
    ana_, beto_ = as_participant(ana), as_participant(beto)
    for note_id in ("n1", "n2"):
        canvas_op(session, ana_, activity, create(note_id))
    canvas_op(session, beto_, activity, {"op": "dot", "note": "n1"})
    canvas_op(session, ana_, activity, {"op": "delete", "note": "n1"})
    late = [
        ({"op": "edit", "note": "n1", "text": "tarde"}, "note"),
        ({"op": "move", "note": "n1", "x": 50, "y": 50}, "note"),
        ({"op": "recolour", "note": "n1", "colour": "pink"}, "note"),
        ({"op": "resize", "note": "n1", "width": 80, "height": 80}, "note"),
        ({"op": "dot", "note": "n1"}, "note"),
        ({"op": "delete", "note": "n1"}, "note"),
        ({"op": "cluster", "cluster": "k", "name": "G", "notes": ["n2", "n1"]}, "notes"),
        ({"op": "link", "id": "l", "from": "n1", "to": "n2"}, "from"),
        ({"op": "link", "id": "l", "from": "n2", "to": "n1"}, "to"),
    ]
    for op, field in late:
        assert refused_op(session, beto_, activity, op) == ("deleted", field), op
        assert refused_op(session, facilitator, activity, op) == ("deleted", field), op
    merge = {"op": "merge", "into": "n2", "note": "n1"}
    assert refused_op(session, facilitator, activity, merge) == ("deleted", "note")
    # The tombstone stays; Beto's dot went back to him.
    board = Canvas.objects.get(activity=activity).state
    assert [(n["id"], n["deleted"]) for n in board["notes"]] == [("n1", True), ("n2", False)]
    assert board["dots"] == {}


def test_only_the_author_or_a_facilitator_edits_and_deletes(
    room, ana, beto, facilitator, as_participant
):
    session, activity, _slide = room
    canvas_op(session, as_participant(ana), activity, create("n1"))
    edit = {"op": "edit", "note": "n1", "text": "de Beto"}
    assert refused_op(session, as_participant(beto), activity, edit) == ("forbidden", None)
    delete = {"op": "delete", "note": "n1"}
    assert refused_op(session, as_participant(beto), activity, delete) == ("forbidden", None)
    # Anyone may move, recolour and dot.
    canvas_op(session, as_participant(beto), activity, {"op": "move", "note": "n1", "x": 9, "y": 9})
    canvas_op(session, facilitator, activity, edit)
    canvas_op(session, facilitator, activity, delete)


# --- locks, limits, permissions ------------------------------------------------------


def test_a_locked_canvas_holds_back_participants_only(room, ana, facilitator, as_participant):
    session, activity, _slide = room
    canvas_op(session, as_participant(ana), activity, create("n1"))
    configure(session, activity, facilitator, locked=True)
    for op in (
        create("n2"),
        {"op": "move", "note": "n1", "x": 30, "y": 30},
        {"op": "edit", "note": "n1", "text": "nuevo"},
        {"op": "dot", "note": "n1"},
        {"op": "delete", "note": "n1"},
    ):
        assert refused_op(session, as_participant(ana), activity, op) == ("canvas_locked", None)
    canvas_op(session, facilitator, activity, create("f1"))
    canvas_op(session, facilitator, activity, {"op": "move", "note": "n1", "x": 30, "y": 30})
    configure(session, activity, facilitator, locked=False)
    canvas_op(session, as_participant(ana), activity, create("n2"))


def test_a_locked_zone_holds_back_participants_only(room, ana, facilitator, as_participant):
    session, activity, _slide = room
    ana_ = as_participant(ana)
    canvas_op(session, ana_, activity, create("in", inside(activity, "causas-directas")))
    canvas_op(session, ana_, activity, create("out"))
    configure(session, activity, facilitator, locked_zones=["causas-directas"])
    into = inside(activity, "causas-directas")
    for op in (
        create("n3", into),  # creating in it
        {"op": "move", "note": "out", "x": into[0], "y": into[1]},  # moving into it
        {"op": "move", "note": "in", "x": 5, "y": 5},  # moving out of it
        {"op": "edit", "note": "in", "text": "nuevo"},
        {"op": "dot", "note": "in"},
        {"op": "cluster", "cluster": "k", "name": "G", "notes": ["out", "in"]},
        {"op": "link", "id": "l", "from": "out", "to": "in"},
    ):
        assert refused_op(session, ana_, activity, op) == ("zone_locked", "zone"), op
    # Elsewhere the canvas is open; facilitators are not held back at all.
    canvas_op(session, ana_, activity, create("n4", inside(activity, "problema-central")))
    canvas_op(session, facilitator, activity, create("f1", into))
    canvas_op(session, facilitator, activity, {"op": "move", "note": "in", "x": 5, "y": 5})


def test_note_limit_counts_live_notes_per_participant(room, ana, beto, facilitator, as_participant):
    session, activity, _slide = room
    ana_ = as_participant(ana)
    configure(session, activity, facilitator, note_limit=2)
    canvas_op(session, ana_, activity, create("a1"))
    canvas_op(session, ana_, activity, create("a2"))
    assert refused_op(session, ana_, activity, create("a3")) == ("note_limit", None)
    canvas_op(session, as_participant(beto), activity, create("b1"))  # per person
    canvas_op(session, facilitator, activity, create("f1"))
    canvas_op(session, facilitator, activity, create("f2"))
    canvas_op(session, facilitator, activity, create("f3"))  # facilitators: no limit
    canvas_op(session, ana_, activity, {"op": "delete", "note": "a1"})
    canvas_op(session, ana_, activity, create("a3"))  # a deleted note frees a place


def test_dot_budget_and_one_dot_per_note(room, ana, beto, facilitator, as_participant):
    session, activity, _slide = room
    ana_, beto_ = as_participant(ana), as_participant(beto)
    for note_id in ("n1", "n2", "n3"):
        canvas_op(session, ana_, activity, create(note_id))
    configure(session, activity, facilitator, dots_per_voter=2)
    canvas_op(session, beto_, activity, {"op": "dot", "note": "n1"})
    canvas_op(session, beto_, activity, {"op": "dot", "note": "n1"})
    assert refused_op(session, beto_, activity, {"op": "dot", "note": "n2"}) == (
        "no_dots_left",
        None,
    )
    canvas_op(session, ana_, activity, {"op": "dot", "note": "n2"})  # Ana's own budget
    configure(session, activity, facilitator, one_dot_per_note=True)
    assert refused_op(session, ana_, activity, {"op": "dot", "note": "n2"}) == (
        "one_dot_per_note",
        "note",
    )
    canvas_op(session, ana_, activity, {"op": "dot", "note": "n3"})
    # A deleted note gives its dots back.
    canvas_op(session, ana_, activity, {"op": "delete", "note": "n1"})
    canvas_op(session, beto_, activity, {"op": "dot", "note": "n2"})
    configure(session, activity, facilitator, dots_per_voter=0)
    assert refused_op(session, beto_, activity, {"op": "dot", "note": "n3"}) == (
        "no_dots_left",
        None,
    )


def test_merge_is_for_facilitators_and_not_in_private_mode(
    room, ana, beto, facilitator, as_participant
):
    session, activity, _slide = room
    canvas_op(session, as_participant(ana), activity, create("a"))
    canvas_op(session, as_participant(beto), activity, create("b"))
    merge = {"op": "merge", "into": "a", "note": "b"}
    assert refused_op(session, as_participant(ana), activity, merge) == ("forbidden", None)
    configure(session, activity, facilitator, private_mode=True)
    assert refused_op(session, facilitator, activity, merge) == ("private_mode", "op")
    configure(session, activity, facilitator, private_mode=False)
    canvas_op(session, facilitator, activity, merge)
    notes = {n["id"]: n for n in Canvas.objects.get(activity=activity).state["notes"]}
    assert notes["a"]["merged_from"] == ["b"] and notes["b"]["deleted"]
    row = CanvasNote.objects.get(canvas__activity=activity, key="b")
    assert (row.deleted, row.merged_into) == (True, "a")


def test_participants_write_only_to_the_current_canvas_while_live_and_open(
    room, ana, facilitator, as_participant
):
    session, activity, slide = room
    ana_ = as_participant(ana)
    command(session, facilitator, "activity.goto", activity_id=slide.pk)
    assert refused_op(session, ana_, activity, create("n1")) == ("conflict", None)
    canvas_op(session, facilitator, activity, create("f1"))  # facilitators prepare ahead
    command(session, facilitator, "activity.goto", activity_id=activity.pk)
    command(session, facilitator, "input.lock")
    assert refused_op(session, ana_, activity, create("n1")) == ("locked", None)
    canvas_op(session, facilitator, activity, create("f2"))
    command(session, facilitator, "input.unlock")
    command(session, facilitator, "session.pause")
    assert refused_op(session, ana_, activity, create("n1")) == ("locked", None)
    command(session, facilitator, "session.resume")
    canvas_op(session, ana_, activity, create("n1"))
    # Not a canvas of this session.
    assert refused_op(session, ana_, slide, create("n2")) == ("not_found", "activity_id")
    assert refused(session, ana_, "canvas.op", activity_id=987654, op=create("n2")) == (
        "not_found",
        "activity_id",
    )


def test_settings_are_for_facilitators_and_name_real_zones(room, ana, facilitator, as_participant):
    session, activity, _slide = room
    assert refused(
        session, as_participant(ana), "canvas.settings", activity_id=activity.pk, locked=True
    ) == ("forbidden", None)
    assert refused(
        session,
        facilitator,
        "canvas.settings",
        activity_id=activity.pk,
        locked_zones=["causas-directas", "no-existe"],
    ) == ("unknown_zone", "locked_zones")
    assert refused(
        session, facilitator, "canvas.settings", activity_id=activity.pk, focus_zone="no-existe"
    ) == ("unknown_zone", "focus_zone")
    # With an unknown zone the whole change is refused, not just that part.
    assert refused(
        session,
        facilitator,
        "canvas.settings",
        activity_id=activity.pk,
        locked=True,
        focus_zone="no-existe",
    ) == ("unknown_zone", "focus_zone")
    configure(session, activity, facilitator, focus_zone="causas-directas")
    assert canvas_data(Canvas.objects.get(activity=activity))["settings"]["focus_zone"] == (
        "causas-directas"
    )
    configure(session, activity, facilitator, focus_zone=None)
    assert canvas_data(Canvas.objects.get(activity=activity))["settings"]["focus_zone"] is None


def test_a_refused_op_id_may_be_retried_and_an_applied_one_is_not_reapplied(
    room, ana, facilitator, as_participant
):
    session, activity, _slide = room
    ana_ = as_participant(ana)
    configure(session, activity, facilitator, locked=True)
    with pytest.raises(CommandError):
        canvas_op(session, ana_, activity, create("n1"), op_id="retry-me")
    configure(session, activity, facilitator, locked=False)
    first = canvas_op(session, ana_, activity, create("n1"), op_id="retry-me")
    head = stream_head(session.stream)
    again, duplicate = live.session_command(
        session_id=session.pk,
        actor=ana_,
        type="canvas.op",
        data={"activity_id": activity.pk, "op": create("n1")},
        op_id="retry-me",
    )
    assert (again, duplicate) == (first, True)
    assert stream_head(session.stream) == head
    assert StreamEvent.objects.filter(stream=session.stream, type="canvas.effect").count() == 1


# --- concurrency -------------------------------------------------------------------------


def race(*jobs) -> list:
    """Run each job in its own thread (own database connection), released together;
    returns what each returned (or the exception it raised)."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def runner(index, job):
        try:
            barrier.wait(timeout=10)
            results[index] = job()
        except BaseException as exc:  # reported by the caller
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive()
    return results


def replayed(session, activity) -> ops.CanvasState:
    """The board rebuilt from scratch from the stream's effects."""
    canvas = Canvas.objects.get(activity=activity)
    state = store.board_of(canvas)
    state.notes, state.clusters, state.links, state.dots = {}, {}, {}, {}
    for event in StreamEvent.objects.filter(stream=session.stream).order_by("seq"):
        if event.type == "canvas.effect" and event.payload["activity_id"] == activity.pk:
            ops.apply_event(state, event.payload["effect"])
    return state


def assert_consistent(session, activity) -> None:
    seqs = list(
        StreamEvent.objects.filter(stream=session.stream)
        .order_by("seq")
        .values_list("seq", flat=True)
    )
    assert seqs == list(range(1, stream_head(session.stream) + 1)), "gap-free"
    canvas = Canvas.objects.get(activity=activity)
    expected = ops.state_hash(replayed(session, activity))
    assert ops.state_hash(store.board_of(canvas)) == expected, "rows == replay"
    assert canvas.version == max(
        e.seq for e in StreamEvent.objects.filter(stream=session.stream, type="canvas.effect")
    )
    board = ops.from_data(store.board_data(canvas), store.board_of(canvas))
    assert ops.state_hash(board) == expected, "the memory board == replay"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_writers_on_one_canvas_are_both_applied_in_seq_order(room, ana, beto, as_participant):
    session, activity, _slide = room
    canvas_op(session, as_participant(ana), activity, create("shared"))
    start = stream_head(session.stream)

    def writer(participant, prefix):
        actor = as_participant(participant)

        def job():
            results = []
            for i in range(12):
                op = (
                    create(f"{prefix}{i}", (10 + i, 10 + i))
                    if i % 3 == 0
                    else {"op": "move", "note": "shared", "x": 100 + i, "y": 10 + len(prefix)}
                    if i % 3 == 1
                    else {"op": "dot", "note": "shared"}
                    if i < 9
                    else {"op": "edit", "note": f"{prefix}{i - 2}", "text": prefix}
                )
                results.append(
                    live.session_command(
                        session_id=session.pk,
                        actor=actor,
                        type="canvas.op",
                        data={"activity_id": activity.pk, "op": op},
                        op_id=f"{prefix}-{i}",
                    )
                )
            return results

        return job

    results = race(writer(ana, "a"), writer(beto, "bb"))
    for outcome in results:
        assert not isinstance(outcome, BaseException), outcome
    seqs = sorted(result["seq"] for outcome in results for result, dup in outcome)
    assert all(not dup for outcome in results for _result, dup in outcome)
    assert seqs == list(range(start + 1, start + 25)), "both applied, gap-free"
    assert_consistent(session, activity)
    # The later move by seq is where the shared note stays.
    moves = [
        e.payload["effect"]
        for e in StreamEvent.objects.filter(stream=session.stream, type="canvas.effect").order_by(
            "seq"
        )
        if e.payload["effect"]["type"] == "note.moved"
    ]
    shared = next(
        n for n in Canvas.objects.get(activity=activity).state["notes"] if n["id"] == "shared"
    )
    assert (shared["x"], shared["y"]) == (moves[-1]["x"], moves[-1]["y"])
    assert Canvas.objects.get(activity=activity).state["dots"] == {
        f"p:{ana.pk}": {"shared": 3},
        f"p:{beto.pk}": {"shared": 3},
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_creates_of_one_note_id_at_once_one_wins(room, ana, beto, as_participant):
    session, activity, _slide = room
    for round_ in range(4):
        note_id = f"same{round_}"

        def creator(participant, text, note_id=note_id):
            def job():
                return live.session_command(
                    session_id=session.pk,
                    actor=as_participant(participant),
                    type="canvas.op",
                    data={"activity_id": activity.pk, "op": create(note_id, text=text)},
                    op_id=f"create-{note_id}",  # the same op_id, but two senders
                )

            return job

        results = race(creator(ana, "de Ana"), creator(beto, "de Beto"))
        won = [r for r in results if isinstance(r, tuple)]
        lost = [r for r in results if isinstance(r, CommandError)]
        assert len(won) == 1 and len(lost) == 1, results
        assert (lost[0].code, lost[0].field) == ("duplicate_id", "id")
        note = CanvasNote.objects.get(canvas__activity=activity, key=note_id)
        winner = ana if results[0] is won[0] else beto
        assert note.author == f"p:{winner.pk}"
        assert (
            StreamEvent.objects.filter(
                stream=session.stream, type="canvas.effect", payload__effect__note__id=note_id
            ).count()
            == 1
        )
    assert_consistent(session, activity)


# --- the console's add-activity form ----------------------------------------------------


def test_the_console_adds_a_canvas_from_a_methodology(live_session, alice):
    client = HttpClient()
    client.force_login(alice)
    methodology = Methodology.objects.get(slug="mapa-de-empatia")
    response = client.post(
        f"/facilitar/{live_session.code}/actividades/",
        {"kind": "canvas", "title": "Empatía", "methodology": methodology.slug},
    )
    assert response.status_code == 302
    activity = Activity.objects.get(session=live_session, title="Empatía")
    canvas = Canvas.objects.get(activity=activity)
    assert canvas.methodology == methodology
    assert (canvas.width, canvas.height) == (methodology.canvas_width, methodology.canvas_height)
    assert [(z["key"], z["x"], z["y"], z["width"], z["height"]) for z in canvas.zones] == [
        (z.key, z.x, z.y, z.width, z.height) for z in methodology.zones.order_by("order")
    ]
    reset = StreamEvent.objects.filter(stream=live_session.stream, type="canvas.reset").get()
    assert reset.payload["canvas"]["methodology"]["slug"] == "mapa-de-empatia"
    assert [z["key"] for z in reset.payload["canvas"]["zones"]] == [z["key"] for z in canvas.zones]


def test_the_console_refuses_an_unknown_methodology(live_session, alice):
    client = HttpClient()
    client.force_login(alice)
    response = client.post(
        f"/facilitar/{live_session.code}/actividades/",
        {"kind": "canvas", "title": "Lienzo", "methodology": "no-existe"},
    )
    assert response.status_code == 400
    assert set(response.context["errors"]) == {"methodology"}
    assert not Activity.objects.filter(session=live_session).exists()
    assert not StreamEvent.objects.filter(stream=live_session.stream).exists()
