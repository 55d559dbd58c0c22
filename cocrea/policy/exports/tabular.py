"""The open-data tables of drafts, plans and session reports, and their CSV and XLSX files.

Every table is a list of typed :class:`Column` s and rows of plain values, defined once
here: the CSV, the workbook and the Frictionless data package (:mod:`.datapackage`)
all render the same tables, so a column never says one thing in one format and
another in the next. Column names are stable machine names; titles are translated.

No table has a column for a person: the documents in :mod:`.data` carry no names,
emails or author keys, and these tables only read them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from cocrea.policy.exports.data import DraftDocument, PlanDocument, ResponseRow, SessionReport

# Characters XML 1.0 forbids (openpyxl refuses them) and lone surrogates (not UTF-8).
_UNSAFE_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# A spreadsheet reads a cell starting with one of these as a formula (tab and carriage
# return may shift one in): the same rule as canvases.exports and voting.public.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def clean(text: object) -> str:
    """``text`` without characters no document format can carry (XML forbids them)."""
    return _UNSAFE_CHARS.sub("", "" if text is None else str(text))


def safe_cell(value: object) -> object:
    """A value safe for a spreadsheet cell or a CSV field.

    Texts come from participants and officials: Excel, LibreOffice and Google Sheets
    evaluate a cell starting with ``=``, ``+``, ``-`` or ``@`` (``=HYPERLINK(...)``
    leaks data, DDE formulas may run commands), so such text gets a leading apostrophe
    and is shown as typed. Numbers, booleans and dates we write ourselves stay typed;
    ``None`` is an empty cell."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = _UNSAFE_CHARS.sub("", value)
        if value.startswith(FORMULA_STARTS):
            return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    name: str  # machine name: the data package's field name
    title: str  # translated heading
    type: str  # Frictionless type: string, integer, number, boolean, date
    width: int = 18


@dataclass(frozen=True)
class Table:
    name: str  # machine name: the data package's resource name and file name
    title: str  # translated: sheet name and resource title
    columns: tuple[Column, ...]
    rows: tuple[tuple[object, ...], ...]


def _table(name: str, title: str, columns: Sequence[Column], rows: Sequence[Sequence]) -> Table:
    return Table(name, title, tuple(columns), tuple(tuple(row) for row in rows))


# --- the tables ----------------------------------------------------------------------------


def draft_tables(document: DraftDocument) -> list[Table]:
    items = _table(
        "items",
        _("Ítems"),
        [
            Column("number", _("Número"), "string", 10),
            Column("lineamiento", _("Lineamiento"), "string", 24),
            Column("pillar", _("Pilar"), "string", 22),
            Column("title", _("Título"), "string", 40),
            Column("text", _("Texto"), "string", 70),
            Column("origin", _("Origen"), "string", 24),
            Column("status", _("Estado"), "string", 14),
            Column("sources", _("Fuentes"), "integer", 10),
            Column("sessions", _("Sesiones"), "string", 30),
            Column("levels", _("Niveles de involucramiento"), "string", 24),
            Column("participants", _("Participantes"), "integer", 14),
        ],
        [
            (
                item.number,
                item.lineamiento,
                item.pillar,
                item.title,
                item.text,
                item.origin,
                item.status,
                len(item.sources),
                "; ".join(dict.fromkeys(s.session for s in item.sources if s.session)),
                "; ".join(dict.fromkeys(s.level for s in item.sources if s.level)),
                sum(s.participants for s in item.sources),
            )
            for item in document.items
        ],
    )
    sources = _table(
        "sources",
        _("Fuentes"),
        [
            Column("source", _("Fuente"), "string", 8),
            Column("item_number", _("Número del ítem"), "string", 10),
            Column("item_title", _("Ítem"), "string", 36),
            Column("kind", _("Tipo"), "string", 18),
            Column("session", _("Sesión"), "string", 30),
            Column("date", _("Fecha"), "date", 12),
            Column("level", _("Nivel de involucramiento"), "string", 18),
            Column("participants", _("Participantes"), "integer", 14),
            Column("text", _("Contenido"), "string", 70),
        ],
        [
            (
                s.number,
                s.item_number,
                s.item_title,
                s.kind_label,
                s.session,
                s.date,
                s.level,
                s.participants,
                s.text,
            )
            for s in document.sources
        ],
    )
    return [items, sources]


def plan_tables(document: PlanDocument, responses: Sequence[ResponseRow] = ()) -> list[Table]:
    commitment_columns = [
        Column("number", _("Número"), "integer", 8),
        Column("title", _("Nombre"), "string", 36),
        Column("start", _("Inicio"), "date", 12),
        Column("end", _("Fin"), "date", 12),
        Column("lead_agency", _("Entidad responsable"), "string", 28),
        Column("problem", _("Problema público"), "string", 50),
        Column("baseline", _("Línea base"), "string", 40),
        Column("objective", _("Compromiso y objetivo"), "string", 50),
        Column("expected_results", _("Resultados esperados"), "string", 50),
        Column("how_it_helps", _("Cómo contribuye a resolver el problema"), "string", 50),
        Column("relevance_transparency", _("Relevancia: transparencia"), "string", 40),
        Column("relevance_participation", _("Relevancia: participación ciudadana"), "string", 40),
        Column("relevance_accountability", _("Relevancia: rendición de cuentas"), "string", 40),
        Column("relevance_innovation", _("Relevancia: tecnología e innovación"), "string", 40),
        Column("other_actors", _("Otros actores"), "string", 40),
        Column("budget", _("Presupuesto"), "string", 20),
        Column("development_plan", _("Plan de desarrollo"), "string", 30),
        Column("sdgs", _("ODS"), "string", 14),
        Column("completion", _("Nivel de cumplimiento"), "string", 16),
    ]
    commitments = _table(
        "commitments",
        _("Compromisos"),
        commitment_columns,
        [
            (
                c.number,
                c.title,
                c.start,
                c.end,
                c.lead_agency,
                c.problem,
                c.baseline,
                c.objective,
                c.expected_results,
                c.how_it_helps,
                c.relevance_transparency,
                c.relevance_participation,
                c.relevance_accountability,
                c.relevance_innovation,
                c.other_actors_text,
                c.budget,
                c.development_plan,
                ", ".join(str(n) for n in c.sdgs),
                c.completion,
            )
            for c in document.commitments
        ],
    )
    milestones = _table(
        "milestones",
        _("Hitos"),
        [
            Column("commitment", _("Compromiso"), "integer", 12),
            Column("deliverable", _("Entregable verificable"), "string", 50),
            Column("start", _("Inicio"), "date", 12),
            Column("end", _("Fin"), "date", 12),
            Column("responsible", _("Responsable"), "string", 28),
            Column("done", _("Cumplido"), "boolean", 10),
            Column("done_at", _("Fecha de cumplimiento"), "date", 14),
        ],
        [
            (m.commitment_number, m.deliverable, m.start, m.end, m.responsible, m.done, m.done_at)
            for m in document.milestones
        ],
    )
    progress = _table(
        "progress",
        _("Avances"),
        [
            Column("commitment", _("Compromiso"), "integer", 12),
            Column("date", _("Fecha"), "date", 12),
            Column("completion", _("Nivel de cumplimiento"), "string", 16),
            Column("text", _("Avance"), "string", 70),
        ],
        [(p.commitment_number, p.date, p.completion, p.text) for p in document.progress],
    )
    trace = _table(
        "trace",
        _("Trazabilidad"),
        [
            Column("commitment", _("Compromiso"), "integer", 12),
            Column("item", _("Ítem del borrador"), "string", 40),
            Column("lineamiento", _("Lineamiento"), "string", 24),
            Column("sources", _("Fuentes"), "string", 70),
        ],
        [(t.commitment_number, t.item_title, t.lineamiento, t.sources) for t in document.trace],
    )
    summary = _table(
        "responses_summary",
        _("Resumen de respuestas"),
        [
            Column("status", _("Estado de la respuesta"), "string", 28),
            Column("contributions", _("Aportes"), "integer", 12),
        ],
        list(document.responses),
    )
    tables = [commitments, milestones, progress, trace, summary]
    if responses:
        tables.append(response_table(responses))
    return tables


def response_table(responses: Sequence[ResponseRow]) -> Table:
    """The reasoned response to each contribution: what it said and what became of it."""
    return _table(
        "responses",
        _("Respuestas a los aportes"),
        [
            Column("ref", _("Referencia"), "string", 16),
            Column("kind", _("Tipo"), "string", 18),
            Column("session", _("Sesión"), "string", 10),
            Column("text", _("Aporte"), "string", 60),
            Column("status", _("Estado de la respuesta"), "string", 22),
            Column("reason", _("Razón"), "string", 60),
            Column("item", _("Ítem del borrador"), "string", 36),
            Column("commitment", _("Compromiso"), "integer", 12),
        ],
        [
            (
                r.ref,
                r.kind,
                r.session,
                r.text,
                r.status,
                r.reason,
                r.item_title,
                r.commitment_number,
            )
            for r in responses
        ],
    )


def session_tables(report: SessionReport) -> list[Table]:
    activity_columns = [
        Column("order", _("Orden"), "integer", 8),
        Column("activity", _("Actividad"), "string", 36),
        Column("kind", _("Tipo"), "string", 20),
        Column("participants", _("Participantes"), "integer", 14),
        Column("notes", _("Notas"), "integer", 10),
        Column("votes", _("Votos"), "integer", 10),
        Column("questions", _("Preguntas"), "integer", 10),
    ]
    activities = _table(
        "activities",
        _("Por actividad"),
        activity_columns,
        [
            (a.order, a.title, a.kind, a.participants, a.notes, a.votes, a.questions)
            for a in report.activities
        ],
    )
    levels = _table(
        "levels",
        _("Por nivel"),
        [
            Column("level", _("Nivel de involucramiento"), "string", 22),
            Column("sessions", _("Sesiones"), "integer", 10),
            Column("participants", _("Participantes"), "integer", 14),
            Column("notes", _("Notas"), "integer", 10),
            Column("votes", _("Votos"), "integer", 10),
            Column("questions", _("Preguntas"), "integer", 10),
        ],
        [
            (lv.level, lv.sessions, lv.participants, lv.notes, lv.votes, lv.questions)
            for lv in report.levels
        ],
    )
    polls = _table(
        "polls",
        _("Votaciones"),
        [
            Column("poll", _("Votación"), "string", 36),
            Column("method", _("Método"), "string", 28),
            Column("option", _("Opción"), "string", 36),
            Column("value", _("Valor"), "number", 10),
            Column("measure", _("Medida"), "string", 20),
            Column("winner", _("Ganadora"), "boolean", 10),
        ],
        [
            (p.title, p.method, bar.label, bar.value, p.chart.measure, bar.winner)
            for p in report.polls
            if p.chart
            for bar in p.chart.bars
        ],
    )
    canvases = _table(
        "canvases",
        _("Lienzos"),
        [
            Column("canvas", _("Lienzo"), "string", 36),
            Column("zone", _("Zona"), "string", 30),
            Column("notes", _("Notas"), "integer", 10),
            Column("dots", _("Puntos"), "integer", 10),
        ],
        [(c.title, z.label, z.notes, z.dots) for c in report.canvases for z in c.zones],
    )
    return [activities, levels, polls, canvases]


# --- files ----------------------------------------------------------------------------------


def _plain(value: object) -> object:
    """A CSV field: dates as ISO text (what open-data tools parse), booleans as words
    Frictionless reads as booleans."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return safe_cell(value)


def table_csv(table: Table, *, bom: bool = True, titles: bool = True) -> str:
    """One table as CSV. With ``bom`` it starts with a byte order mark so Excel reads it
    as UTF-8 (accents intact); encode the result as UTF-8. ``titles`` heads columns with
    translated titles, else machine names (the data package's resources)."""
    out = io.StringIO()
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(c.title if titles else c.name) for c in table.columns])
    for row in table.rows:
        writer.writerow([_plain(value) for value in row])
    return out.getvalue()


def _sheet_name(title: str, used: set[str]) -> str:
    # Excel: 31 characters at most, none of []:*?/\ and unique within the workbook.
    name = re.sub(r"[\[\]:*?/\\]", " ", title)[:31].strip() or "Hoja"
    base, n = name, 2
    while name in used:
        suffix = f" {n}"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def tables_xlsx(tables: Sequence[Table], *, title: str) -> bytes:
    """A workbook with one sheet per table: bold frozen header row, typed cells."""
    workbook = Workbook()
    workbook.properties.creator = "cocrea"
    workbook.properties.title = str(safe_cell(title))
    used: set[str] = set()
    for index, table in enumerate(tables):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = _sheet_name(table.title, used)
        sheet.append([safe_cell(c.title) for c in table.columns])
        for row in table.rows:
            sheet.append([safe_cell(value) for value in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for col, column in enumerate(table.columns, start=1):
            letter = get_column_letter(col)
            sheet.column_dimensions[letter].width = column.width
            if column.type == "date":
                for (cell,) in sheet.iter_rows(min_row=2, min_col=col, max_col=col):
                    cell.number_format = "yyyy-mm-dd"
            if column.width >= 50:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=col, max_col=col):
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- per document -----------------------------------------------------------------------------


def draft_csv(document: DraftDocument) -> str:
    """The draft's items, one row each (their sources summarised in columns)."""
    return table_csv(draft_tables(document)[0])


def draft_xlsx(document: DraftDocument) -> bytes:
    return tables_xlsx(draft_tables(document), title=document.title)


def plan_csv(document: PlanDocument) -> str:
    """The plan's commitments, one row each with every field of the OGP template."""
    return table_csv(plan_tables(document)[0])


def plan_xlsx(document: PlanDocument, responses: Sequence[ResponseRow] = ()) -> bytes:
    return tables_xlsx(plan_tables(document, responses), title=document.title)


def session_xlsx(report: SessionReport) -> bytes:
    return tables_xlsx(session_tables(report), title=f"{report.title} ({report.code})")
