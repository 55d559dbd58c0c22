"""Reads for canvases: a canvas as plain data for snapshots and ``canvas.reset``."""

from __future__ import annotations

from typing import Any

from canvases.models import Canvas
from canvases.ops import COLOURS
from canvases.store import board_data
from cocrea.accounts.models import User
from sessions.models import Participant

SETTING_FIELDS = (
    "locked",
    "locked_zones",
    "anonymous",
    "private_mode",
    "dots_revealed",
    "dots_per_voter",
    "one_dot_per_note",
    "note_limit",
    "focus_zone",
)


def settings_data(canvas: Canvas) -> dict[str, Any]:
    data = {key: getattr(canvas, key) for key in SETTING_FIELDS}
    data["locked_zones"] = list(canvas.locked_zones)
    data["focus_zone"] = canvas.focus_zone or None
    return data


def methodology_data(canvas: Canvas) -> dict[str, Any] | None:
    methodology = canvas.methodology
    if methodology is None:
        return None
    english = (methodology.translations or {}).get("en", {}).get("name") or methodology.name
    return {"slug": methodology.slug, "name": {"es": methodology.name, "en": english}}


def author_names(keys: set[str]) -> dict[str, str]:
    """Display names for author keys (``p:<participant>``, ``u:<user>``)."""
    participants = [int(k[2:]) for k in keys if k.startswith("p:") and k[2:].isdigit()]
    users = [int(k[2:]) for k in keys if k.startswith("u:") and k[2:].isdigit()]
    names = {
        f"p:{pk}": name
        for pk, name in Participant.objects.filter(pk__in=participants).values_list(
            "pk", "display_name"
        )
    }
    for user in User.objects.filter(pk__in=users):
        names[f"u:{user.pk}"] = user.get_full_name() or user.email
    return names


def canvas_data(canvas: Canvas) -> dict[str, Any]:
    """The whole canvas, unshaped (what a facilitator sees); participants get it
    through ``canvases.visibility.view_canvas``."""
    board = board_data(canvas)
    return {
        "activity_id": canvas.activity_id,
        "methodology": methodology_data(canvas),
        "width": canvas.width,
        "height": canvas.height,
        "zones": canvas.zones,
        "colours": dict(COLOURS),
        "settings": settings_data(canvas),
        "board": {
            "notes": board.get("notes", []),
            "clusters": board.get("clusters", {}),
            "links": board.get("links", {}),
            "dots": board.get("dots", {}),
        },
        "authors": author_names({n["author"] for n in board.get("notes", [])}),
    }


def canvases_of_session(session_id: int) -> list[Canvas]:
    return list(
        Canvas.objects.filter(activity__session_id=session_id)
        .select_related("methodology")
        .order_by("activity__order")
    )
