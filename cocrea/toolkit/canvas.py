"""Drawing a methodology's canvas template as SVG: the geometry and text layout.

Pure functions over plain values, so the layout rules (wrapping, font sizes, what
fits in a zone) are testable without a database or a browser; the template only
emits the shapes this module computes.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

LABEL_SIZE = 22
PROMPT_SIZE = 15
PADDING = 14
# Average glyph width as a share of font size for a sans-serif face; used only to
# decide where to wrap, so a rough figure is enough.
GLYPH_RATIO = 0.55
LINE_HEIGHT = 1.3


class ZoneLike(Protocol):
    key: str
    x: int
    y: int
    width: int
    height: int
    color: str

    def tr(self, field: str) -> str: ...


class CanvasLike(Protocol):
    canvas_width: int
    canvas_height: int


@dataclass(frozen=True)
class TextLine:
    x: int
    y: int
    text: str


@dataclass(frozen=True)
class ZoneDrawing:
    key: str
    x: int
    y: int
    width: int
    height: int
    color: str
    label: str
    prompt: str
    label_lines: tuple[TextLine, ...]
    prompt_lines: tuple[TextLine, ...]


@dataclass(frozen=True)
class CanvasDrawing:
    width: int
    height: int
    zones: tuple[ZoneDrawing, ...]


def wrap(text: str, box_width: int, font_size: int) -> list[str]:
    chars = max(4, int((box_width - 2 * PADDING) / (font_size * GLYPH_RATIO)))
    return textwrap.wrap(text, width=chars, break_long_words=True) or [""]


def layout_zone(
    *, key: str, x: int, y: int, width: int, height: int, color: str, label: str, prompt: str
) -> ZoneDrawing:
    """Place the label (bold, wrapped) at the top of the zone and as many prompt lines
    as fit below it; a prompt that does not fit ends with an ellipsis."""
    cursor = y + PADDING
    label_lines: list[TextLine] = []
    for line in wrap(label, width, LABEL_SIZE):
        cursor += LABEL_SIZE
        label_lines.append(TextLine(x + PADDING, cursor, line))
    cursor += int(PROMPT_SIZE * 0.6)
    prompt_lines: list[TextLine] = []
    bottom = y + height - PADDING
    for line in wrap(prompt, width, PROMPT_SIZE):
        next_cursor = cursor + int(PROMPT_SIZE * LINE_HEIGHT)
        if next_cursor > bottom:
            if prompt_lines:
                last = prompt_lines[-1]
                prompt_lines[-1] = TextLine(last.x, last.y, last.text.rstrip(" .,;") + "…")
            break
        cursor = next_cursor
        prompt_lines.append(TextLine(x + PADDING, cursor, line))
    return ZoneDrawing(
        key=key,
        x=x,
        y=y,
        width=width,
        height=height,
        color=color,
        label=label,
        prompt=prompt,
        label_lines=tuple(label_lines),
        prompt_lines=tuple(prompt_lines),
    )


def canvas_preview(
    methodology: CanvasLike, zones: Iterable[ZoneLike] | None = None
) -> CanvasDrawing:
    items = zones if zones is not None else methodology.zones.all()  # type: ignore[attr-defined]
    return CanvasDrawing(
        width=methodology.canvas_width,
        height=methodology.canvas_height,
        zones=tuple(
            layout_zone(
                key=zone.key,
                x=zone.x,
                y=zone.y,
                width=zone.width,
                height=zone.height,
                color=zone.color,
                label=zone.tr("label"),
                prompt=zone.tr("prompt"),
            )
            for zone in items
        ),
    )
