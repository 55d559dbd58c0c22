"""Exporting a canvas: its notes as CSV, XLSX and JSON, and the board as an SVG image.

No requests here: each export takes a :class:`Canvas` and whether to name authors
(an anonymous canvas does not), and returns text, bytes or plain data. Everything is
built from one :class:`CanvasExport` gathered by :func:`gather`, so the formats
always agree on which notes exist, their order, zone labels and dot counts.

What is never exported: deleted (or merged-away) notes, who placed which dot (dot
voting is meant to be secret; only each note's total leaves the board), and, when
``include_authors`` is false, anything identifying a note's author.
"""

from __future__ import annotations

import csv
import io
import math
import re
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from canvases import ops
from canvases.models import Canvas
from canvases.store import board_of
from cocrea.toolkit.canvas import GLYPH_RATIO, layout_zone
from sessions.models import Participant

FORMAT = "cocrea.canvas/1"

# Characters XML 1.0 forbids (and that openpyxl refuses), plus lone surrogates,
# which cannot be encoded as UTF-8. Tab, newline and carriage return are kept.
_UNSAFE_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# A spreadsheet treats a cell starting with one of these as a formula (or, for tab
# and carriage return, may shift it into one): see _cell.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_DEFAULT_ZONE_COLOUR = "#e8f1fb"


def clean(text: str) -> str:
    """``text`` without characters no export format can carry."""
    return _UNSAFE_CHARS.sub("", text)


def _cell(value: object) -> object:
    """A value made safe for a spreadsheet cell.

    CSV/formula injection: notes are typed by any participant, and Excel, LibreOffice
    and Google Sheets evaluate a cell starting with ``=``, ``+``, ``-`` or ``@`` as a
    formula (``=HYPERLINK(...)`` leaks data or lures a click, DDE formulas may run
    commands). A leading apostrophe makes the spreadsheet show the text as typed
    instead. Numbers we write ourselves are left as numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _number(value: float) -> int | float:
    """Whole coordinates as integers (``120``, not ``120.0``)."""
    return int(value) if float(value).is_integer() else round(value, 2)


# --- gathering -------------------------------------------------------------------------


@dataclass(frozen=True)
class ZoneInfo:
    key: str
    label: str
    prompt: str
    x: float
    y: float
    width: float
    height: float
    colour: str


@dataclass(frozen=True)
class NoteRow:
    id: str
    zone: str  # "" outside every zone
    zone_label: str
    text: str
    colour: str
    x: int | float
    y: int | float
    width: int | float
    height: int | float
    cluster: str
    cluster_name: str
    dots: int
    author: str  # display name; "" when unknown or authors are not exported
    merged_from: tuple[str, ...]
    links_to: tuple[str, ...]


@dataclass(frozen=True)
class CanvasExport:
    canvas: Canvas
    state: ops.CanvasState
    zones: tuple[ZoneInfo, ...]
    notes: tuple[NoteRow, ...]
    include_authors: bool

    @property
    def live_clusters(self) -> dict[str, int]:
        """Cluster id -> how many exported notes it holds, for every named cluster."""
        counts = dict.fromkeys(self.state.clusters, 0)
        for note in self.notes:
            if note.cluster:
                counts[note.cluster] = counts.get(note.cluster, 0) + 1
        return counts


def _in_language(value: object) -> str:
    """A text stored in every language (``{"es": ..., "en": ...}``) in the active one,
    falling back to Spanish."""
    if isinstance(value, str):
        return value
    if not isinstance(value, dict):
        return ""
    language = (translation.get_language() or "es").split("-")[0]
    return str(value.get(language) or value.get("es") or "")


def _zones(canvas: Canvas) -> tuple[ZoneInfo, ...]:
    """The canvas's zones in board order, labelled in the active language.

    Labels come from the copy the canvas keeps of its zones; canvases made before it
    kept them fall back to the methodology's template, then to the zone's key."""
    templates = {z.key: z for z in canvas.methodology.zones.all()} if canvas.methodology else {}
    zones = []
    for zone in canvas.zones:
        template = templates.get(zone["key"])
        label = _in_language(zone.get("label"))
        prompt = _in_language(zone.get("prompt"))
        colour = str(zone.get("colour") or "")
        if template is not None:
            label = label or template.tr("label")
            prompt = prompt or template.tr("prompt")
            colour = colour or template.color
        zones.append(
            ZoneInfo(
                key=zone["key"],
                label=clean(label or zone["key"]),
                prompt=clean(prompt),
                x=zone["x"],
                y=zone["y"],
                width=zone["width"],
                height=zone["height"],
                colour=colour if _HEX_COLOUR.match(colour) else _DEFAULT_ZONE_COLOUR,
            )
        )
    return tuple(zones)


def author_names(canvas: Canvas, keys: set[str]) -> dict[str, str]:
    """Display names for author keys: ``p:<id>`` a participant of this canvas's
    session, ``u:<id>`` a user. Keys that match no one are left out."""
    participant_ids: dict[int, str] = {}
    user_ids: dict[int, str] = {}
    for key in keys:
        kind, _sep, raw_id = key.partition(":")
        if not raw_id.isdigit():
            continue
        if kind == "p":
            participant_ids[int(raw_id)] = key
        elif kind == "u":
            user_ids[int(raw_id)] = key
    names: dict[str, str] = {}
    participants = Participant.objects.filter(
        session_id=canvas.activity.session_id, pk__in=participant_ids
    )
    for participant in participants:
        names[participant_ids[participant.pk]] = participant.display_name
    for user in get_user_model().objects.filter(pk__in=user_ids):
        names[user_ids[user.pk]] = user.full_name or user.email
    return {key: clean(name) for key, name in names.items()}


def gather(canvas: Canvas, *, include_authors: bool) -> CanvasExport:
    """Everything the exports show, from the canvas's current state."""
    state = board_of(canvas)
    zones = _zones(canvas)
    zone_order = {zone.key: index for index, zone in enumerate(zones)}
    labels = {zone.key: zone.label for zone in zones}
    dots = ops.dot_counts(state)
    live = [note for note in state.notes.values() if not note.deleted]
    names = author_names(canvas, {note.author for note in live}) if include_authors else {}
    links_out: dict[str, list[str]] = {}
    for _link_id, (source, target) in sorted(state.links.items()):
        links_out.setdefault(source, []).append(target)
    live.sort(key=lambda n: (zone_order.get(n.zone or "", len(zones)), n.y, n.x, n.id))
    rows = tuple(
        NoteRow(
            id=clean(note.id),
            zone=note.zone or "",
            zone_label=labels.get(note.zone or "", note.zone or ""),
            text=clean(note.text),
            colour=note.colour,
            x=_number(note.x),
            y=_number(note.y),
            width=_number(note.width),
            height=_number(note.height),
            cluster=clean(note.cluster or ""),
            cluster_name=clean(state.clusters.get(note.cluster, "")) if note.cluster else "",
            dots=dots.get(note.id, 0),
            author=names.get(note.author, ""),
            merged_from=tuple(clean(i) for i in note.merged_from),
            links_to=tuple(clean(i) for i in links_out.get(note.id, [])),
        )
        for note in live
    )
    return CanvasExport(
        canvas=canvas, state=state, zones=zones, notes=rows, include_authors=include_authors
    )


# --- tables (CSV, XLSX) ----------------------------------------------------------------


def note_headers(include_authors: bool) -> list[str]:
    headers = [
        _("Id"),
        _("Clave de zona"),
        _("Zona"),
        _("Texto"),
        _("Color"),
        _("X"),
        _("Y"),
        _("Ancho"),
        _("Alto"),
        _("Id de grupo"),
        _("Grupo"),
        _("Puntos"),
    ]
    if include_authors:
        headers.append(_("Autoría"))
    return [*headers, _("Fusionada desde"), _("Enlaza a")]


def note_cells(note: NoteRow, include_authors: bool) -> list[object]:
    cells: list[object] = [
        note.id,
        note.zone,
        note.zone_label,
        note.text,
        note.colour,
        note.x,
        note.y,
        note.width,
        note.height,
        note.cluster,
        note.cluster_name,
        note.dots,
    ]
    if include_authors:
        cells.append(note.author)
    return [*cells, ", ".join(note.merged_from), ", ".join(note.links_to)]


def export_csv(canvas: Canvas, *, include_authors: bool) -> str:
    """The notes, one row each, as CSV. Starts with a byte order mark so Excel reads
    it as UTF-8 (accents intact); encode the result as UTF-8."""
    data = gather(canvas, include_authors=include_authors)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_cell(h) for h in note_headers(include_authors)])
    for note in data.notes:
        writer.writerow([_cell(value) for value in note_cells(note, include_authors)])
    return out.getvalue()


def export_xlsx(canvas: Canvas, *, include_authors: bool) -> bytes:
    """A workbook with three sheets: the notes, the zones and the groups."""
    data = gather(canvas, include_authors=include_authors)
    workbook = Workbook()
    workbook.properties.creator = "cocrea"
    workbook.properties.title = clean(canvas.activity.title)

    def fill(sheet: Any, headers: list[str], rows: list[list[object]], widths: list[int]) -> None:
        sheet.append([_cell(h) for h in headers])
        for row in rows:
            sheet.append([_cell(value) for value in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width

    notes = workbook.active
    notes.title = _("Notas")
    headers = note_headers(include_authors)
    widths = [14, 18, 24, 60, 10, 8, 8, 8, 8, 14, 24, 8]
    widths += [24] if include_authors else []
    fill(notes, headers, [note_cells(n, include_authors) for n in data.notes], [*widths, 18, 18])
    text_column = headers.index(_("Texto")) + 1
    for row in notes.iter_rows(min_row=2, min_col=text_column, max_col=text_column):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")

    zone_notes: dict[str, int] = {}
    zone_dots: dict[str, int] = {}
    for note in data.notes:
        zone_notes[note.zone] = zone_notes.get(note.zone, 0) + 1
        zone_dots[note.zone] = zone_dots.get(note.zone, 0) + note.dots
    zone_rows: list[list[object]] = [
        [z.key, z.label, z.prompt, zone_notes.get(z.key, 0), zone_dots.get(z.key, 0)]
        for z in data.zones
    ]
    if zone_notes.get(""):
        zone_rows.append(["", _("Fuera de las zonas"), "", zone_notes[""], zone_dots.get("", 0)])
    fill(
        workbook.create_sheet(_("Zonas")),
        [_("Clave de zona"), _("Zona"), _("Pregunta orientadora"), _("Notas"), _("Puntos")],
        zone_rows,
        [20, 28, 60, 10, 10],
    )

    clusters = data.live_clusters
    fill(
        workbook.create_sheet(_("Grupos")),
        [_("Id de grupo"), _("Grupo"), _("Notas")],
        [
            [clean(cluster), clean(data.state.clusters.get(cluster, "")), count]
            for cluster, count in sorted(clusters.items())
        ],
        [14, 40, 10],
    )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- JSON ------------------------------------------------------------------------------


def export_json(
    canvas: Canvas, *, include_authors: bool, now: datetime | None = None
) -> dict[str, Any]:
    """The board as plain data (format ``cocrea.canvas/1``), ready for ``json.dumps``."""
    data = gather(canvas, include_authors=include_authors)
    activity = canvas.activity
    session = activity.session
    notes = []
    for note in data.notes:
        item: dict[str, Any] = {
            "id": note.id,
            "zone": note.zone or None,
            "zone_label": note.zone_label or None,
            "text": note.text,
            "colour": note.colour,
            "x": note.x,
            "y": note.y,
            "width": note.width,
            "height": note.height,
            "cluster": note.cluster or None,
            "cluster_name": note.cluster_name or None,
            "dots": note.dots,
            "merged_from": list(note.merged_from),
            "links_to": list(note.links_to),
        }
        if include_authors:
            item["author"] = note.author or None
        notes.append(item)
    exported = {note.id for note in data.notes}
    return {
        "format": FORMAT,
        "activity": {"id": activity.pk, "title": clean(activity.title)},
        "session": {"code": session.code, "title": clean(session.title)},
        "methodology": canvas.methodology.slug if canvas.methodology else None,
        "width": canvas.width,
        "height": canvas.height,
        "anonymous": canvas.anonymous,
        "zones": [
            {
                "key": z.key,
                "label": z.label,
                "prompt": z.prompt,
                "x": _number(z.x),
                "y": _number(z.y),
                "width": _number(z.width),
                "height": _number(z.height),
            }
            for z in data.zones
        ],
        "notes": notes,
        "clusters": {
            clean(cluster): clean(data.state.clusters.get(cluster, ""))
            for cluster in sorted(data.live_clusters)
        },
        "links": [
            {"id": clean(link_id), "from": clean(source), "to": clean(target)}
            for link_id, (source, target) in sorted(data.state.links.items())
            if source in exported and target in exported
        ],
        "dots": {note.id: note.dots for note in data.notes if note.dots},
        "exported_at": (now or timezone.now()).isoformat(),
    }


# --- SVG -------------------------------------------------------------------------------

SVG_NS = "http://www.w3.org/2000/svg"
NOTE_FONT = 15
NOTE_PADDING = 10
NOTE_LINE = round(NOTE_FONT * 1.3)
BADGE_RADIUS = 14
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"


def wrap_lines(text: str, width: float, font_size: int, padding: int) -> list[str]:
    """``text`` wrapped to a box ``width`` wide, keeping the writer's line breaks."""
    chars = max(4, int((width - 2 * padding) / (font_size * GLYPH_RATIO)))
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lines.extend(textwrap.wrap(paragraph, width=chars, break_long_words=True) or [""])
    return lines


def fit_lines(lines: Sequence[str], room: int) -> list[str]:
    """As many ``lines`` as ``room`` allows; a cut ends with an ellipsis."""
    if len(lines) <= room:
        return list(lines)
    if room <= 0:
        return []
    kept = list(lines[:room])
    kept[-1] = kept[-1].rstrip(" .,;") + "…"
    return kept


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: object) -> ET.Element:
    element = ET.SubElement(parent, tag, {k.replace("_", "-"): str(v) for k, v in attrs.items()})
    if text is not None:
        element.text = text
    return element


def _edge_point(
    centre: tuple[float, float], half: tuple[float, float], towards: tuple[float, float]
) -> tuple[float, float]:
    """Where the segment from a rectangle's ``centre`` to ``towards`` leaves it."""
    dx, dy = towards[0] - centre[0], towards[1] - centre[1]
    if dx == 0 and dy == 0:
        return centre
    scale = min(
        half[0] / abs(dx) if dx else math.inf,
        half[1] / abs(dy) if dy else math.inf,
    )
    scale = min(scale, 1.0)
    return centre[0] + dx * scale, centre[1] + dy * scale


def _text_block(
    parent: ET.Element, lines: Sequence[str], x: float, y: float, size: int, **attrs: object
) -> None:
    """Lines as one <text> with a <tspan> per line; ``y`` is the first baseline."""
    if not lines:
        return
    text = _sub(parent, "text", x=_number(x), y=_number(y), font_size=size, **attrs)
    for index, line in enumerate(lines):
        _sub(text, "tspan", line, x=_number(x), dy=0 if index == 0 else round(size * 1.3))


def export_svg(canvas: Canvas, *, include_authors: bool) -> str:
    """The board as a standalone SVG image: zones with their labels, notes with their
    text, dot totals and links. Plain shapes and text only (no scripts, no
    foreignObject, no external references), so it renders in any viewer; all text
    goes through ElementTree, which escapes it."""
    data = gather(canvas, include_authors=include_authors)
    width = max([float(canvas.width), *(n.x + n.width for n in data.notes)])
    height = max([float(canvas.height), *(n.y + n.height for n in data.notes)])
    title = _("Lienzo «%(title)s» (sesión %(code)s)") % {
        "title": clean(canvas.activity.title),
        "code": canvas.activity.session.code,
    }
    summary = ", ".join(
        [
            ngettext("%(count)d nota", "%(count)d notas", len(data.notes))
            % {"count": len(data.notes)},
            ngettext("%(count)d zona", "%(count)d zonas", len(data.zones))
            % {"count": len(data.zones)},
        ]
    )
    root = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "version": "1.1",
            "viewBox": f"0 0 {_number(width)} {_number(height)}",
            "width": str(_number(width)),
            "height": str(_number(height)),
            "role": "img",
            "aria-labelledby": "canvas-title canvas-desc",
            "aria-label": f"{title}. {summary}",
            "font-family": FONT,
        },
    )
    _sub(root, "title", title, id="canvas-title")
    _sub(root, "desc", summary, id="canvas-desc")
    defs = _sub(root, "defs")
    marker = _sub(
        defs,
        "marker",
        id="arrow",
        viewBox="0 0 10 10",
        refX=9,
        refY=5,
        markerWidth=8,
        markerHeight=8,
        orient="auto-start-reverse",
    )
    _sub(marker, "path", d="M 0 0 L 10 5 L 0 10 z", fill="#444")

    _sub(root, "rect", x=0, y=0, width=_number(width), height=_number(height), fill="#fafafa")

    zones = _sub(root, "g", **{"class": "zones"})
    for zone in data.zones:
        drawing = layout_zone(
            key=zone.key,
            x=int(zone.x),
            y=int(zone.y),
            width=int(zone.width),
            height=int(zone.height),
            color=zone.colour,
            label=zone.label,
            prompt=zone.prompt,
        )
        group = _sub(zones, "g", **{"class": "zone"})
        _sub(group, "title", zone.label)
        _sub(
            group,
            "rect",
            x=_number(zone.x),
            y=_number(zone.y),
            width=_number(zone.width),
            height=_number(zone.height),
            rx=10,
            fill=zone.colour,
            stroke="#9aa5b1",
        )
        text = _sub(group, "text", font_size=22, font_weight="bold", fill="#1f2933")
        for line in drawing.label_lines:
            _sub(text, "tspan", line.text, x=line.x, y=line.y)

    notes = _sub(root, "g", **{"class": "notes"})
    for note in data.notes:
        group = _sub(notes, "g", **{"class": "note"})
        tooltip = note.text
        if note.author:
            tooltip += f" — {note.author}"
        _sub(group, "title", tooltip)
        _sub(
            group,
            "rect",
            x=note.x,
            y=note.y,
            width=note.width,
            height=note.height,
            rx=4,
            fill=ops.COLOURS.get(note.colour, "#ffffff"),
            stroke="#7b8794",
        )
        footer = note.cluster_name or note.author
        # The bottom line holds the footer (group, else author) and the dot badge.
        bottom = 1 if footer or note.dots else 0
        room = int((note.height - 2 * NOTE_PADDING) // NOTE_LINE) - bottom
        lines = fit_lines(wrap_lines(note.text, note.width, NOTE_FONT, NOTE_PADDING), room)
        _text_block(
            group,
            lines,
            note.x + NOTE_PADDING,
            note.y + NOTE_PADDING + NOTE_FONT,
            NOTE_FONT,
            fill="#1f2933",
        )
        if footer:
            room_width = note.width - (2 * BADGE_RADIUS + 4 if note.dots else 0)
            short = fit_lines(wrap_lines(footer, room_width, 12, NOTE_PADDING), 1)
            _text_block(
                group,
                short,
                note.x + NOTE_PADDING,
                note.y + note.height - NOTE_PADDING,
                12,
                fill="#52606d",
                font_style="italic",
            )
        if note.dots:
            cx = note.x + note.width - BADGE_RADIUS - 4
            cy = note.y + note.height - BADGE_RADIUS - 4
            badge = _sub(group, "g", **{"class": "dots"})
            label = ngettext("%(count)d punto", "%(count)d puntos", note.dots)
            _sub(badge, "title", label % {"count": note.dots})
            _sub(badge, "circle", cx=_number(cx), cy=_number(cy), r=BADGE_RADIUS, fill="#c81e1e")
            _sub(
                badge,
                "text",
                str(note.dots),
                x=_number(cx),
                y=_number(cy + 5),
                font_size=14,
                font_weight="bold",
                fill="#ffffff",
                text_anchor="middle",
            )

    by_id = {note.id: note for note in data.notes}
    links = _sub(root, "g", **{"class": "links"}, stroke="#444", stroke_width=2)
    for _link_id, (source_id, target_id) in sorted(data.state.links.items()):
        source, target = by_id.get(clean(source_id)), by_id.get(clean(target_id))
        if source is None or target is None:
            continue
        a = (source.x + source.width / 2, source.y + source.height / 2)
        b = (target.x + target.width / 2, target.y + target.height / 2)
        start = _edge_point(a, (source.width / 2, source.height / 2), b)
        end = _edge_point(b, (target.width / 2, target.height / 2), a)
        _sub(
            links,
            "line",
            x1=_number(start[0]),
            y1=_number(start[1]),
            x2=_number(end[0]),
            y2=_number(end[1]),
            marker_end="url(#arrow)",
        )

    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")
