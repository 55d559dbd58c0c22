"""The board kept in memory per process: used only while it is the committed board."""

from __future__ import annotations

import pytest
from django.db import transaction

from canvases import ops, store
from canvases.models import Canvas
from canvases.services import canvas_apply
from cocrea.toolkit.models import Methodology
from sessions import live

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ANA = ops.Actor("p:1")


@pytest.fixture
def canvas(live_session):
    store.forget_boards()
    activity = live.activity_add(
        session=live_session,
        kind="canvas",
        title="Árbol",
        methodology=Methodology.objects.get(slug="arbol-de-problemas"),
    )
    yield activity.canvas
    store.forget_boards()


def apply(canvas: Canvas, op: dict) -> dict:
    with transaction.atomic():
        return canvas_apply(
            canvas_id=canvas.pk, stream=canvas.activity.session.stream, actor=ANA, op=op
        )


def create(note_id: str) -> dict:
    return {"op": "create", "id": note_id, "text": note_id, "x": 10, "y": 10}


def rows(canvas: Canvas) -> dict:
    canvas.refresh_from_db()
    return store.board_data_from_rows(canvas)


def test_the_memory_board_is_the_committed_board(canvas):
    apply(canvas, create("a"))
    apply(canvas, {"op": "dot", "note": "a"})
    canvas.refresh_from_db()
    assert store._boards[canvas.pk][0] == canvas.version
    assert store.board_data(canvas) == rows(canvas)


def test_a_write_elsewhere_makes_the_memory_board_stale(canvas):
    apply(canvas, create("a"))
    stale = store._boards[canvas.pk]
    # Another process writes: here, the same code without our memory copy.
    store.forget_boards()
    apply(canvas, create("b"))
    store._boards[canvas.pk] = stale  # our process still holds the old board
    canvas.refresh_from_db()
    assert [n["id"] for n in store.board_data(canvas)["notes"]] == ["a", "b"]
    apply(canvas, {"op": "edit", "note": "b", "text": "b editada"})
    assert [n["text"] for n in rows(canvas)["notes"]] == ["a", "b editada"]
    assert store.board_data(canvas) == rows(canvas)


def test_a_rolled_back_op_leaves_no_trace_in_memory(canvas):
    apply(canvas, create("a"))
    with pytest.raises(RuntimeError), transaction.atomic():
        canvas_apply(
            canvas_id=canvas.pk,
            stream=canvas.activity.session.stream,
            actor=ANA,
            op=create("ghost"),
        )
        raise RuntimeError("the surrounding command failed after the op")
    apply(canvas, create("b"))
    assert [n["id"] for n in rows(canvas)["notes"]] == ["a", "b"]
    assert store.board_data(canvas) == rows(canvas)


def test_a_refused_op_keeps_the_memory_board(canvas):
    apply(canvas, create("a"))
    with pytest.raises(ops.OpError):
        apply(canvas, create("a"))
    canvas.refresh_from_db()
    assert store._boards[canvas.pk][0] == canvas.version
    assert store.board_data(canvas) == rows(canvas)
