"""Writes for canvases: create a canvas activity's board, apply an op, change settings.

Each runs inside the caller's transaction (the session command that carries it): the
board, its note rows and the stream event commit together."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from canvases import ops
from canvases.boards import BLANK_HEIGHT, BLANK_WIDTH
from canvases.models import Canvas, CanvasNote
from canvases.selectors import author_names, canvas_data, settings_data
from canvases.store import keep_board, take_board
from canvases.visibility import Flags, referenced_notes
from cocrea.realtime.models import StreamEvent
from cocrea.realtime.services import event_append
from cocrea.toolkit.models import Methodology
from sessions.models import Activity, ActivityKind


def _both_languages(item: Any, field: str) -> dict[str, str]:
    """A translatable field in every language the product ships, for data that
    outlives the request (events are replayed to people reading other languages)."""
    english = (item.translations or {}).get("en", {}).get(field) or getattr(item, field)
    return {"es": getattr(item, field), "en": english}


def canvas_create(
    *, activity: Activity, methodology: Methodology | None = None, **settings: Any
) -> Canvas:
    """A canvas for a canvas activity, from a methodology's template or blank. Must run
    in the transaction that adds the activity: its ``canvas.reset`` event goes out
    with it."""
    if activity.kind != ActivityKind.CANVAS:
        raise ValidationError({"activity": [_("Solo una actividad de lienzo tiene lienzo.")]})
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("canvas_create must run inside transaction.atomic()")
    if methodology is not None:
        width, height = methodology.canvas_width, methodology.canvas_height
        zones = [
            {
                "key": z.key,
                "x": z.x,
                "y": z.y,
                "width": z.width,
                "height": z.height,
                "colour": z.color,
                "label": _both_languages(z, "label"),
                "prompt": _both_languages(z, "prompt"),
            }
            for z in methodology.zones.order_by("order")
        ]
    else:
        width, height, zones = BLANK_WIDTH, BLANK_HEIGHT, []
    canvas = Canvas.objects.create(
        activity=activity,
        methodology=methodology,
        width=width,
        height=height,
        zones=zones,
        **settings,
    )
    _emit_reset(canvas)
    return canvas


def _emit_reset(canvas: Canvas) -> StreamEvent:
    return event_append(
        stream=canvas.activity.session.stream,
        type="canvas.reset",
        payload={"activity_id": canvas.activity_id, "canvas": canvas_data(canvas)},
    )


# Which shared parts of the board each effect can change (notes are rows).
_SHARED_FIELDS: dict[str, tuple[str, ...]] = {
    "note.deleted": ("links", "dots"),
    "note.merged": ("links", "dots"),
    "cluster.set": ("clusters",),
    "link.created": ("links",),
    "dot.added": ("dots",),
}


def canvas_apply(
    *,
    stream: str,
    actor: ops.Actor,
    op: dict[str, Any],
    canvas_id: int | None = None,
    canvas: Canvas | None = None,
) -> dict[str, Any]:
    """Validate and apply one op; returns ``{"seq", "effect"}``. Raises ``ops.OpError``
    (nothing written) when the op cannot apply. Pass ``canvas`` when the caller has
    already read it ``select_for_update`` in this transaction (one query fewer)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("canvas_apply must run inside transaction.atomic()")
    if canvas is None:
        canvas = Canvas.objects.select_for_update().get(pk=canvas_id)
    state = take_board(canvas)
    try:
        if canvas.private_mode and op.get("op") == "merge":
            # A merge moves other people's dots and history onto a note its owner
            # sees alone; merging is for after the reveal.
            raise ops.OpError("private_mode", "turn private mode off before merging", "op")
        effect = ops.apply_op(state, op, actor)  # validates first: a refusal changes nothing
    except ops.OpError:
        keep_board(canvas, canvas.version, state)
        raise
    event = event_append(
        stream=stream,
        type="canvas.effect",
        payload={
            "activity_id": canvas.activity_id,
            "effect": effect,
            # What each recipient may see is decided from the event alone.
            "flags": _flags(canvas).as_data(),
            "authors": {key: state.notes[key].author for key in referenced_notes(effect)},
            # For facilitators' screens: who wrote a new note (never sent to participants).
            **({"names": author_names({actor.key})} if effect["type"] == "note.created" else {}),
        },
    )
    canvas.version = event.seq
    shared = _SHARED_FIELDS.get(effect["type"], ())
    board = ops.shared_data(state)
    for field in shared:
        setattr(canvas, field, board[field])
    canvas.save(update_fields=["version", *shared])
    _sync_notes(canvas, state, effect, event.seq)
    transaction.on_commit(lambda: keep_board(canvas, event.seq, state))
    return {"seq": event.seq, "effect": effect}


def _flags(canvas: Canvas) -> Flags:
    return Flags(
        anonymous=canvas.anonymous,
        private_mode=canvas.private_mode,
        dots_revealed=canvas.dots_revealed,
    )


VISIBILITY_FIELDS = frozenset({"anonymous", "private_mode", "dots_revealed"})


def canvas_configure(*, canvas_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    """Change facilitator settings; returns ``{"seq"}``. Settings that change what
    participants may see re-send the whole canvas (``canvas.reset``), shaped per
    recipient; the others send ``canvas.settings``."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("canvas_configure must run inside transaction.atomic()")
    canvas = (
        Canvas.objects.select_for_update().select_related("activity__session").get(pk=canvas_id)
    )
    zone_keys = {z["key"] for z in canvas.zones}
    unknown = set(changes.get("locked_zones") or []) - zone_keys
    if unknown:
        raise ops.OpError("unknown_zone", "no such zone", "locked_zones")
    focus = changes.get("focus_zone", canvas.focus_zone) or ""
    if focus and focus not in zone_keys:
        raise ops.OpError("unknown_zone", "no such zone", "focus_zone")
    if "focus_zone" in changes:
        changes = {**changes, "focus_zone": focus}
    if "locked_zones" in changes:
        changes = {**changes, "locked_zones": sorted(set(changes["locked_zones"]))}
    changed = {k for k, v in changes.items() if getattr(canvas, k) != v}
    for key in changed:
        setattr(canvas, key, changes[key])
    canvas.save()
    stream = canvas.activity.session.stream
    if changed & VISIBILITY_FIELDS:
        event = _emit_reset(canvas)
    else:
        event = event_append(
            stream=stream,
            type="canvas.settings",
            payload={"activity_id": canvas.activity_id, "settings": settings_data(canvas)},
        )
    return {"seq": event.seq}


def _sync_notes(canvas: Canvas, state: ops.CanvasState, effect: dict[str, Any], seq: int) -> None:
    """Write the rows of the notes an effect changed (a link or a dot changes no note)."""
    kind = effect["type"]
    if kind in ("link.created", "dot.added"):
        return
    for key in referenced_notes(effect):
        note = state.notes[key]
        values = {
            "text": note.text,
            "x": note.x,
            "y": note.y,
            "width": note.width,
            "height": note.height,
            "merged_from": list(note.merged_from),
            "colour": note.colour,
            "zone": note.zone or "",
            "author": note.author,
            "cluster": note.cluster or "",
            "deleted": note.deleted,
            "updated_seq": seq,
        }
        if kind == "note.created":
            CanvasNote.objects.create(canvas=canvas, key=key, created_seq=seq, **values)
            continue
        if kind == "note.merged" and key == effect["note"]:
            values["merged_into"] = effect["into"]
        CanvasNote.objects.filter(canvas=canvas, key=key).update(**values)
