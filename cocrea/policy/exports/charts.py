"""Bar charts of poll results: a PNG (Pillow) for Word documents and an inline SVG for
the PDF. Horizontal bars, because option labels are sentences; each bar has its value
written next to it, so the chart reads without a scale. :attr:`Chart.description` is
the text equivalent every document prints beside the image."""

from __future__ import annotations

import io
import textwrap
import xml.etree.ElementTree as ET
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from cocrea.policy.exports.data import Chart

WIDTH = 900
ROW = 44
LABEL_WIDTH = 320
PAD = 16
BAR = "#3867b0"
WINNER = "#1f7a4a"
TEXT = "#1f2933"
# Dejavu covers Spanish accents and ñ; Pillow's built-in font is the fallback on a
# machine without it (it renders ASCII reliably, accents depending on the version).
FONT_FILES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "DejaVuSans.ttf",
)


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONT_FILES:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _short(label: str, chars: int = 40) -> str:
    return textwrap.shorten(label, width=chars, placeholder="…")


def _scale(chart: Chart) -> float:
    return max((bar.value for bar in chart.bars), default=0.0)


def chart_png(chart: Chart) -> bytes:
    """The chart as a PNG image: title, then one labelled bar per option."""
    title_font, font = _font(20), _font(16)
    height = PAD * 3 + 28 + ROW * max(1, len(chart.bars))
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text(
        (PAD, PAD), _short(f"{chart.title} — {chart.measure}", 80), fill=TEXT, font=title_font
    )
    top = max(_scale(chart), 1e-9)
    room = WIDTH - LABEL_WIDTH - PAD * 2 - 80
    for index, bar in enumerate(chart.bars):
        y = PAD * 2 + 28 + index * ROW
        draw.text((PAD, y + 10), _short(bar.label), fill=TEXT, font=font)
        length = max(2, int(room * max(bar.value, 0) / top))
        x0 = PAD + LABEL_WIDTH
        draw.rectangle((x0, y + 6, x0 + length, y + ROW - 8), fill=WINNER if bar.winner else BAR)
        draw.text((x0 + length + 8, y + 10), bar.text, fill=TEXT, font=font)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: object) -> ET.Element:
    element = ET.SubElement(parent, tag, {k.replace("_", "-"): str(v) for k, v in attrs.items()})
    if text is not None:
        element.text = text
    return element


def chart_svg(chart: Chart) -> str:
    """The chart as an inline ``<svg>`` element (no XML declaration), with a ``<title>``
    and ``<desc>`` holding the text equivalent. All text goes through ElementTree,
    which escapes it, so option labels cannot inject markup into the page."""
    height = PAD * 3 + 28 + ROW * max(1, len(chart.bars))
    root = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {WIDTH} {height}",
            "width": "100%",
            "role": "img",
            "aria-label": chart.description,
            "font-family": "DejaVu Sans, sans-serif",
        },
    )
    _sub(root, "title", chart.title)
    _sub(root, "desc", chart.description)
    _sub(root, "text", _short(f"{chart.title} — {chart.measure}", 80), x=PAD, y=PAD + 20,
         font_size=20, fill=TEXT)  # fmt: skip
    top = max(_scale(chart), 1e-9)
    room = WIDTH - LABEL_WIDTH - PAD * 2 - 80
    for index, bar in enumerate(chart.bars):
        y = PAD * 2 + 28 + index * ROW
        _sub(root, "text", _short(bar.label), x=PAD, y=y + 26, font_size=16, fill=TEXT)
        length = max(2, int(room * max(bar.value, 0) / top))
        _sub(
            root,
            "rect",
            x=PAD + LABEL_WIDTH,
            y=y + 6,
            width=length,
            height=ROW - 14,
            fill=WINNER if bar.winner else BAR,
        )
        _sub(
            root,
            "text",
            bar.text,
            x=PAD + LABEL_WIDTH + length + 8,
            y=y + 26,
            font_size=16,
            fill=TEXT,
        )
    return ET.tostring(root, encoding="unicode")
