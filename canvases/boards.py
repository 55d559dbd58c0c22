"""Boards for canvas activities: from a toolkit methodology's canvas template, or
blank. Reads the template's zones; the result is a fresh :class:`CanvasState`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from canvases.ops import CanvasState, Zone

BLANK_WIDTH = 1600
BLANK_HEIGHT = 1000


class ZoneLike(Protocol):
    key: str
    x: int
    y: int
    width: int
    height: int


def board_from_template(
    *, width: int, height: int, zones: Iterable[ZoneLike], **settings: object
) -> CanvasState:
    """A board with the template's zones; notes land in the zone under them."""
    return CanvasState(
        width=float(width),
        height=float(height),
        zones={z.key: Zone(z.key, z.x, z.y, z.width, z.height) for z in zones},
        **settings,  # type: ignore[arg-type]
    )


def blank_board(**settings: object) -> CanvasState:
    return CanvasState(width=BLANK_WIDTH, height=BLANK_HEIGHT, **settings)  # type: ignore[arg-type]
