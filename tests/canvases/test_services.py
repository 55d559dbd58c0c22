"""Canvas services: a board from a methodology, ops persisted with their event and
note rows in one transaction, refused ops leave nothing behind."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from canvases import ops
from canvases.models import CanvasNote
from canvases.services import canvas_apply, canvas_create
from canvases.store import board_of
from cocrea.realtime.models import StreamEvent
from cocrea.toolkit.models import Level, Methodology, Pillar
from sessions import live
from sessions.services import StageInput, process_create

pytestmark = pytest.mark.django_db

ANA = ops.Actor("p:1")
FACILITATOR = ops.Actor("u:1", facilitator=True)


@pytest.fixture
def session(entity):
    process = process_create(
        entity=entity,
        title="Árbol de problemas del barrio",
        primary_pillar=Pillar.objects.get(code="participacion"),
        stages=[StageInput(name="Diagnóstico", level=Level.objects.get(code="colaborar"))],
    )
    return live.session_create(stage=process.stages.get(), title="Taller")


@pytest.fixture
def canvas(session):
    activity = live.activity_add(
        session=session,
        kind="canvas",
        title="Árbol",
        methodology=Methodology.objects.get(slug="arbol-de-problemas"),
    )
    return activity.canvas


def apply(canvas, op, actor=ANA):
    with transaction.atomic():
        return canvas_apply(
            canvas_id=canvas.pk, stream=canvas.activity.session.stream, actor=actor, op=op
        )


def test_board_from_the_methodology(canvas):
    board = board_of(canvas)
    methodology = Methodology.objects.get(slug="arbol-de-problemas")
    assert (board.width, board.height) == (methodology.canvas_width, methodology.canvas_height)
    assert set(board.zones) == set(methodology.zones.values_list("key", flat=True))


def test_only_canvas_activities_get_a_canvas(session):
    slide = live.activity_add(session=session, kind="slide", title="Hola")
    with pytest.raises(ValidationError):
        canvas_create(activity=slide)


def test_an_op_writes_state_event_and_note_row_together(canvas):
    zone = Methodology.objects.get(slug="arbol-de-problemas").zones.order_by("order").first()
    x, y = zone.x + 10, zone.y + 10
    result = apply(canvas, {"op": "create", "id": "n1", "text": "Basuras", "x": x, "y": y})
    event = StreamEvent.objects.get(stream=canvas.activity.session.stream, seq=result["seq"])
    assert event.type == "canvas.effect"
    assert event.payload == {
        "activity_id": canvas.activity_id,
        "effect": result["effect"],
        "flags": {"anonymous": False, "private_mode": False, "dots_revealed": False},
        "authors": {"n1": ANA.key},
        "names": {},  # no participant 1 here: nobody to name
    }
    canvas.refresh_from_db()
    assert [n["text"] for n in canvas.state["notes"]] == ["Basuras"]
    row = CanvasNote.objects.get(canvas=canvas, key="n1")
    assert (row.zone, row.author, row.created_seq) == (zone.key, ANA.key, result["seq"])
    edit = apply(canvas, {"op": "edit", "note": "n1", "text": "Basuras en el caño"})
    row.refresh_from_db()
    assert (row.text, row.updated_seq) == ("Basuras en el caño", edit["seq"])


def test_a_refused_op_writes_nothing(canvas):
    apply(canvas, {"op": "create", "id": "n1", "text": "Idea", "x": 10, "y": 10})
    canvas.refresh_from_db()
    before = (canvas.state, StreamEvent.objects.count(), CanvasNote.objects.count())
    with pytest.raises(ops.OpError) as caught:
        apply(canvas, {"op": "move", "note": "n1", "x": float("nan"), "y": 1})
    assert (caught.value.code, caught.value.field) == ("not_finite", "x")
    canvas.refresh_from_db()
    assert (canvas.state, StreamEvent.objects.count(), CanvasNote.objects.count()) == before


def test_delete_and_merge_are_kept_as_traces(canvas):
    apply(canvas, {"op": "create", "id": "a", "text": "Agua", "x": 10, "y": 10})
    apply(
        canvas,
        {"op": "create", "id": "b", "text": "Agua potable", "x": 20, "y": 20},
        ops.Actor("p:2"),
    )
    apply(canvas, {"op": "merge", "into": "a", "note": "b"}, FACILITATOR)
    gone = CanvasNote.objects.get(canvas=canvas, key="b")
    assert (gone.deleted, gone.merged_into, gone.author) == (True, "a", "p:2")
    apply(canvas, {"op": "delete", "note": "a"})
    assert CanvasNote.objects.get(canvas=canvas, key="a").deleted
    with pytest.raises(ops.OpError) as caught:
        apply(canvas, {"op": "edit", "note": "a", "text": "tarde"})
    assert caught.value.code == "deleted"


def test_state_replayed_from_events_equals_the_stored_board(canvas):
    for index in range(5):
        apply(canvas, {"op": "create", "id": f"n{index}", "text": "t", "x": 10 + index, "y": 10})
    apply(canvas, {"op": "dot", "note": "n1"})
    apply(canvas, {"op": "link", "id": "l", "from": "n1", "to": "n2"})
    apply(canvas, {"op": "delete", "note": "n2"})
    canvas.refresh_from_db()
    fresh = board_of(canvas)
    fresh.notes, fresh.clusters, fresh.links, fresh.dots = {}, {}, {}, {}
    for event in StreamEvent.objects.filter(type="canvas.effect").order_by("seq"):
        ops.apply_event(fresh, event.payload["effect"])
    assert ops.state_hash(fresh) == ops.state_hash(board_of(canvas))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_canvas_apply_needs_a_transaction(canvas):
    with pytest.raises(RuntimeError):
        canvas_apply(canvas_id=canvas.pk, stream="x", actor=ANA, op={"op": "create"})
