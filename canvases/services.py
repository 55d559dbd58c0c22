"""Writes for canvases: create a canvas activity's board, apply an op.

``canvas_apply`` runs inside the caller's transaction (the session command that
carries the op): the board, its note rows and the stream event commit together."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from canvases import ops
from canvases.models import Canvas, CanvasNote
from cocrea.realtime.services import event_append
from cocrea.toolkit.models import Methodology
from sessions.models import Activity, ActivityKind


def canvas_create(
    *, activity: Activity, methodology: Methodology | None = None, **settings: Any
) -> Canvas:
    if activity.kind != ActivityKind.CANVAS:
        raise ValidationError({"activity": [_("Solo una actividad de lienzo tiene lienzo.")]})
    if methodology is not None:
        width, height = methodology.canvas_width, methodology.canvas_height
        zones = [
            {"key": z.key, "x": z.x, "y": z.y, "width": z.width, "height": z.height}
            for z in methodology.zones.order_by("order")
        ]
    else:
        width, height, zones = 1600, 1000, []
    return Canvas.objects.create(
        activity=activity,
        methodology=methodology,
        width=width,
        height=height,
        zones=zones,
        **settings,
    )


def board_of(canvas: Canvas) -> ops.CanvasState:
    """The canvas's current state, as the pure op model wants it."""
    base = ops.CanvasState(
        width=float(canvas.width),
        height=float(canvas.height),
        zones={
            z["key"]: ops.Zone(z["key"], z["x"], z["y"], z["width"], z["height"])
            for z in canvas.zones
        },
        locked=canvas.locked,
        locked_zones=set(canvas.locked_zones),
        dots_per_voter=canvas.dots_per_voter,
        one_dot_per_note=canvas.one_dot_per_note,
        note_limit=canvas.note_limit,
    )
    return ops.from_data(canvas.state, base)


def canvas_apply(
    *, canvas_id: int, stream: str, actor: ops.Actor, op: dict[str, Any]
) -> dict[str, Any]:
    """Validate and apply one op; returns ``{"seq", "effect"}``. Raises ``ops.OpError``
    (nothing written) when the op cannot apply."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("canvas_apply must run inside transaction.atomic()")
    canvas = Canvas.objects.select_for_update().get(pk=canvas_id)
    state = board_of(canvas)
    effect = ops.apply_op(state, op, actor)
    canvas.state = ops.as_data(state)
    canvas.save(update_fields=["state"])
    event = event_append(
        stream=stream,
        type="canvas.effect",
        payload={"activity_id": canvas.activity_id, "effect": effect},
    )
    _sync_notes(canvas, state, effect, event.seq)
    return {"seq": event.seq, "effect": effect}


def _sync_notes(canvas: Canvas, state: ops.CanvasState, effect: dict[str, Any], seq: int) -> None:
    """Mirror the notes an effect touched into rows (text, zone, cluster, tombstone)."""
    touched = {
        effect.get("note") if isinstance(effect.get("note"), str) else None,
        effect["note"]["id"] if isinstance(effect.get("note"), dict) else None,
        effect.get("into"),
        *effect.get("notes", []),
        effect.get("from"),
        effect.get("to"),
    } - {None}
    for key in touched:
        note = state.notes[key]
        merged_into = (
            effect["into"] if effect["type"] == "note.merged" and key == effect["note"] else ""
        )
        values = {
            "text": note.text,
            "colour": note.colour,
            "zone": note.zone or "",
            "author": note.author,
            "cluster": note.cluster or "",
            "deleted": note.deleted,
            "merged_into": merged_into,
            "updated_seq": seq,
        }
        CanvasNote.objects.update_or_create(
            canvas=canvas,
            key=key,
            defaults=values,
            create_defaults={**values, "created_seq": seq},
        )
