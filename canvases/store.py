"""The board of a canvas: loaded from its rows, and kept in memory per process.

Loading a board of 2,000 notes from rows and validating an op against it costs far
more than the op itself, and ops come many a second. Each process keeps the boards it
wrote, tagged with ``Canvas.version`` (the seq of the last effect): when the row's
version matches, the memory copy is the committed board. A writer takes the copy out
while it works and puts it back only once its transaction commits, so a rollback (or
another process writing in between) costs one reload, never a wrong board."""

from __future__ import annotations

import threading
from typing import Any

from canvases import ops
from canvases.models import Canvas, CanvasNote

# canvas id -> (version, the canvas's creation time, board). The creation time guards
# against a reused id (test databases roll back their sequences).
_boards: dict[int, tuple[int, Any, ops.CanvasState]] = {}
_boards_lock = threading.Lock()


def board_data_from_rows(canvas: Canvas) -> dict[str, Any]:
    """The committed board as canonical data (``ops.as_data``), read from the rows."""
    notes = [
        {
            "id": row["key"],
            "text": row["text"],
            "colour": row["colour"],
            "x": row["x"],
            "y": row["y"],
            "width": row["width"],
            "height": row["height"],
            "zone": row["zone"] or None,
            "author": row["author"],
            "cluster": row["cluster"] or None,
            "deleted": row["deleted"],
            "merged_from": list(row["merged_from"]),
        }
        for row in CanvasNote.objects.filter(canvas=canvas)
        .order_by("key")
        .values(
            "key",
            "text",
            "colour",
            "x",
            "y",
            "width",
            "height",
            "zone",
            "author",
            "cluster",
            "deleted",
            "merged_from",
        )
    ]
    return {
        "width": float(canvas.width),
        "height": float(canvas.height),
        "notes": notes,
        "clusters": dict(sorted(canvas.clusters.items())),
        "links": {k: list(v) for k, v in sorted(canvas.links.items())},
        "dots": {
            voter: dict(sorted(votes.items()))
            for voter, votes in sorted(canvas.dots.items())
            if votes
        },
    }


def settings_onto(state: ops.CanvasState, canvas: Canvas) -> ops.CanvasState:
    """The facilitator settings the op model checks, from the canvas row (they change
    without an effect, so a board kept in memory takes them fresh each time)."""
    state.locked = canvas.locked
    state.locked_zones = set(canvas.locked_zones)
    state.dots_per_voter = canvas.dots_per_voter
    state.one_dot_per_note = canvas.one_dot_per_note
    state.note_limit = canvas.note_limit
    return state


def board_of(canvas: Canvas) -> ops.CanvasState:
    """The canvas's committed state, loaded from its rows, as the op model wants it."""
    base = ops.CanvasState(
        width=float(canvas.width),
        height=float(canvas.height),
        zones={
            z["key"]: ops.Zone(z["key"], z["x"], z["y"], z["width"], z["height"])
            for z in canvas.zones
        },
    )
    return settings_onto(ops.from_data(board_data_from_rows(canvas), base), canvas)


def take_board(canvas: Canvas) -> ops.CanvasState:
    """The board to change: the memory copy if current (taken out), else loaded."""
    with _boards_lock:
        cached = _boards.pop(canvas.pk, None)
    if cached is not None and cached[:2] == (canvas.version, canvas.created):
        return settings_onto(cached[2], canvas)
    return board_of(canvas)


def keep_board(canvas: Canvas, version: int, state: ops.CanvasState) -> None:
    with _boards_lock:
        _boards[canvas.pk] = (version, canvas.created, state)


def board_data(canvas: Canvas) -> dict[str, Any]:
    """The committed board as canonical data, from memory when current."""
    with _boards_lock:
        cached = _boards.get(canvas.pk)
        if cached is not None and cached[:2] == (canvas.version, canvas.created):
            # Serialised under the lock: a writer takes the board out before changing it.
            return ops.as_data(cached[2])
    return board_data_from_rows(canvas)


def forget_boards() -> None:
    """Drop every board kept in memory (for tests that rewrite rows directly)."""
    with _boards_lock:
        _boards.clear()
