"""The self-assessment report as PDF (WeasyPrint), and the inline SVG charts that the
report shares with the results and progress pages.

Charts are built through ElementTree, which escapes every text, so no name can inject
markup; each carries a ``<title>``/``<desc>`` text equivalent, and the pages and the PDF
print the same numbers in a table beside it. As in :mod:`cocrea.policy.exports.pdf`,
WeasyPrint may fetch nothing but ``data:`` URLs, so an evidence link written by the
entity can never make the server request a URL.
"""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format, number_format

TEXT = "#1f2933"
MUTED = "#52606d"
GRID = "#cbd2d9"
BAR = "#3867b0"
LINE = "#1f7a4a"
TOP = 3  # answers and dimension scores run from 0 to 3


def score_text(value: float) -> str:
    """A score as the page writes it: one decimal, in the active locale (2,3 / 3)."""
    return f"{number_format(value, 1)} / {TOP}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: object) -> ET.Element:
    element = ET.SubElement(parent, tag, {k.replace("_", "-"): str(v) for k, v in attrs.items()})
    if text is not None:
        element.text = text
    return element


def _root(width: int, height: int, title: str, description: str) -> ET.Element:
    root = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {width} {height}",
            "width": "100%",
            "role": "img",
            "aria-label": f"{title}. {description}",
            "font-family": "DejaVu Sans, sans-serif",
            "class": "assessment-chart",
        },
    )
    _sub(root, "title", title)
    _sub(root, "desc", description)
    return root


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # 0..TOP
    text: str  # written next to the bar, e.g. "Consolidado · 2,3 / 3"


def bar_chart_svg(title: str, bars: Sequence[Bar]) -> str:
    """Horizontal bars on a fixed 0–3 scale (so charts of different assessments compare),
    each with its value written beside it: the chart reads without a scale."""
    width, label_width, row, pad = 760, 240, 42, 12
    room = width - label_width - pad * 2 - 190
    height = pad * 2 + row * max(1, len(bars)) + 20
    description = "; ".join(f"{b.label}: {b.text}" for b in bars)
    root = _root(width, height, title, description)
    left = pad + label_width
    for step in range(TOP + 1):
        x = left + room * step / TOP
        _sub(root, "line", x1=x, y1=pad, x2=x, y2=height - pad - 16, stroke=GRID)
        _sub(root, "text", str(step), x=x, y=height - pad, font_size=12, fill=MUTED,
             text_anchor="middle")  # fmt: skip
    for index, bar in enumerate(bars):
        y = pad + index * row
        # Factor names are long: two lines at most, so no label runs into its bar.
        lines = textwrap.wrap(bar.label, 28) or [""]
        if len(lines) > 2:
            lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), 28, placeholder="…")]
        label = _sub(root, "text", x=pad, y=y + (23 if len(lines) == 1 else 16), font_size=14,
                     fill=TEXT)  # fmt: skip
        for number, line in enumerate(lines):
            _sub(label, "tspan", line, x=pad, dy=0 if number == 0 else 16)
        length = max(2.0, room * max(0.0, min(bar.value, TOP)) / TOP)
        _sub(root, "rect", x=left, y=y + 7, width=round(length, 1), height=row - 14, fill=BAR)
        _sub(root, "text", bar.text, x=left + length + 8, y=y + 23, font_size=14, fill=TEXT)
    return ET.tostring(root, encoding="unicode")


@dataclass(frozen=True)
class LinePoint:
    label: str  # the assessment's date
    value: float


def line_chart_svg(title: str, points: Sequence[LinePoint]) -> str:
    """One dimension across assessments: a line over a 0–3 scale, every point with its
    value and date written (one point is a dot, not a misleading flat line)."""
    width, height, pad, left = 560, 220, 14, 40
    bottom = height - 40
    room_x = width - left - pad * 2 - 30
    description = "; ".join(f"{p.label}: {score_text(p.value)}" for p in points)
    root = _root(width, height, title, description)
    for step in range(TOP + 1):
        y = bottom - (bottom - pad - 10) * step / TOP
        _sub(root, "line", x1=left, y1=y, x2=width - pad, y2=y, stroke=GRID)
        _sub(root, "text", str(step), x=left - 8, y=y + 4, font_size=12, fill=MUTED,
             text_anchor="end")  # fmt: skip
    count = len(points)
    coords = []
    for index, point in enumerate(points):
        x = left + 20 + (room_x * index / (count - 1) if count > 1 else room_x / 2)
        y = bottom - (bottom - pad - 10) * max(0.0, min(point.value, TOP)) / TOP
        coords.append((round(x, 1), round(y, 1)))
    if len(coords) > 1:
        _sub(root, "polyline", points=" ".join(f"{x},{y}" for x, y in coords), fill="none",
             stroke=LINE, stroke_width=3)  # fmt: skip
    for (x, y), point in zip(coords, points, strict=True):
        _sub(root, "circle", cx=x, cy=y, r=5, fill=LINE)
        _sub(root, "text", number_format(point.value, 1), x=x, y=y - 10, font_size=13,
             fill=TEXT, text_anchor="middle")  # fmt: skip
        _sub(root, "text", point.label, x=x, y=height - 12, font_size=12, fill=MUTED,
             text_anchor="middle")  # fmt: skip
    return ET.tostring(root, encoding="unicode")


def short_date(value: Any) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


# --- the PDF -----------------------------------------------------------------------------


def assessment_pdf(context: dict[str, Any]) -> bytes:
    """The report of a scored assessment; ``context`` is the results page's (see
    :func:`cocrea.assessment.views_pages.report_context`)."""
    from weasyprint import HTML, URLFetcher  # heavy import (pango): only when printing

    html = render_to_string(
        "assessment/report_pdf.html",
        {**context, "LANGUAGE_CODE": translation.get_language() or "es"},
    )
    fetcher = URLFetcher(allowed_protocols=["data"])
    return HTML(string=html, url_fetcher=fetcher).write_pdf()
