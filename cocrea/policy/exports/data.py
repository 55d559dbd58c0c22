"""What the policy documents say, as plain data: the readers behind every export format.

Each format (DOCX, PDF, XLSX, CSV, the data package) renders one of the documents built
here, so they always agree on which items exist, their numbering and their sources.
No requests here and no writes; models are read directly (not through the drafts and
plans services) so the exports do not depend on how those are written.

Personal data never enters these documents: no participant display names, no emails, no
author keys (``p:``/``u:``), no names of officials. A source says how many people took
part, never who; a snapshot's text is taken from its known text fields only, so an
``author`` a snapshot might carry is never read.

Drafts come in two shapes, read by one code path: the working copy (the live rows,
turned into the same dict shape by :func:`draft_snapshot`) and a published
:class:`DraftVersion`, whose ``snapshot`` is read tolerantly (codes, ids or dicts for
lineamientos, pillars, levels and sessions), since it is frozen by another module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from cocrea.policy.models import (
    ActionPlan,
    Commitment,
    Completion,
    ContributionResponse,
    Draft,
    DraftItem,
    DraftVersion,
    ItemOrigin,
    PlanVersion,
    ProgressUpdate,
    ResponseStatus,
    ReviewStatus,
    SourceKind,
)
from cocrea.toolkit.models import Level, Lineamiento, Pillar
from sessions.models import LiveSession, Process

# --- small helpers -----------------------------------------------------------------------


def _choice_label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or ""


def format_date(value: dt.date | dt.datetime | None) -> str:
    """A date as the active language writes it (``27 de noviembre de 2026``)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return formats.date_format(value, "DATE_FORMAT")


def _as_date(value: Any) -> dt.date | None:
    """A date from a model value or a snapshot's ISO text; None when it is neither."""
    if isinstance(value, dt.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        moment = parse_datetime(value)
        if moment is not None:
            return _as_date(moment)
        try:
            return parse_date(value[:10])
        except ValueError:
            return None
    return None


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class _Lookup:
    """Reference rows (lineamientos, pillars, levels) found by code, id or a dict
    holding either: snapshots are frozen by other modules, so accept each shape."""

    def __init__(self, model: Any) -> None:
        rows = list(model.objects.all())
        self.by_code = {row.code: row for row in rows}
        self.by_pk = {row.pk: row for row in rows}

    def get(self, value: Any) -> Any:
        if isinstance(value, Mapping):
            return self.get(value.get("code")) or self.get(value.get("id"))
        if isinstance(value, bool) or value is None:
            return None
        if isinstance(value, int):
            return self.by_pk.get(value)
        if isinstance(value, str):
            return self.by_code.get(value) or (
                self.by_pk.get(int(value)) if value.isdigit() else None
            )
        return None

    def name(self, value: Any) -> str:
        row = self.get(value)
        if row is not None:
            return row.tr("name")
        if isinstance(value, Mapping):
            return _text(value.get("name"))
        return ""

    def order(self, value: Any) -> int:
        row = self.get(value)
        return row.order if row is not None else 10_000


# --- charts (poll results) -----------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as written on the bar ("12", "3,5")
    winner: bool


@dataclass(frozen=True)
class Chart:
    """A bar chart of a poll result, with everything its text equivalent needs."""

    title: str
    measure: str
    bars: tuple[Bar, ...]
    winners: tuple[str, ...]
    explanation: tuple[str, ...]
    ballots: int | None

    @property
    def description(self) -> str:
        """The chart in words, for readers who cannot see it (and for text extraction)."""
        parts = [
            _("Gráfico de barras «%(title)s» (%(measure)s):")
            % {"title": self.title, "measure": self.measure}
        ]
        parts.append("; ".join(f"{bar.label}: {bar.text}" for bar in self.bars) + ".")
        if self.winners:
            parts.append(_("Resultado: %(winners)s.") % {"winners": ", ".join(self.winners)})
        return " ".join(parts)


def _number_text(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return formats.number_format(round(value, 2), decimal_pos=2)


_METRICS = {
    "votes": lambda: _("Votos"),
    "approvals": lambda: _("Aprobaciones"),
    "first": lambda: _("Primeras preferencias"),
    "points": lambda: _("Puntos"),
    "agree": lambda: _("De acuerdo"),
    "value": lambda: _("Resultado"),
}


def _values_from_counts(counts: Any) -> tuple[str, dict[str, float]] | None:
    """Per-option values from live counters (``{"options": {key: {metric: n}}}``) or
    a plain ``{key: n}`` mapping."""
    if not isinstance(counts, Mapping):
        return None
    options = counts.get("options") if isinstance(counts.get("options"), Mapping) else counts
    values: dict[str, float] = {}
    measure = _("Resultado")
    for key, row in options.items():
        if isinstance(row, int | float) and not isinstance(row, bool):
            values[str(key)] = float(row)
        elif isinstance(row, Mapping):
            if "sum" in row and "count" in row:
                count = _int(row.get("count"))
                values[str(key)] = _int(row.get("sum")) / count if count else 0.0
                measure = _("Puntuación media")
                continue
            for metric, label in _METRICS.items():
                if isinstance(row.get(metric), int | float):
                    values[str(key)] = float(row[metric])
                    measure = label()
                    break
    return (measure, values) if values else None


_STEP_MEASURES = {
    "option_votes": ("votes", lambda: _("Votos")),
    "option_approvals": ("votes", lambda: _("Aprobaciones")),
    "option_points": ("points", lambda: _("Puntos")),
    "option_points_share": ("points", lambda: _("Puntos")),
}


def _values_from_steps(steps: Any) -> tuple[str, dict[str, float]] | None:
    """Per-option values from a tally's structured steps (``voting.live.result_data``
    keeps them): single, approval, Borda and points write one step per option."""
    values: dict[str, float] = {}
    measure = ""
    for step in steps if isinstance(steps, list) else []:
        if not isinstance(step, Mapping) or step.get("code") not in _STEP_MEASURES:
            continue
        metric, label = _STEP_MEASURES[step["code"]]
        if isinstance(step.get(metric), int | float) and "option" in step:
            values[str(step["option"])] = float(step[metric])
            measure = label()
    return (measure, values) if values else None


def poll_chart(snapshot: Mapping[str, Any]) -> Chart | None:
    """The chart of a poll source's snapshot (``{title, method, options, result:
    {winners, ranking, explanation, ...}, ballots}``), or None when it holds no numbers
    to draw (an open question, or a snapshot without counts)."""
    result = snapshot.get("result") if isinstance(snapshot.get("result"), Mapping) else {}
    options = snapshot.get("options") if isinstance(snapshot.get("options"), list) else []
    labels: dict[str, str] = {}
    inline: dict[str, float] = {}
    for option in options:
        if isinstance(option, Mapping):
            key = str(option.get("key", option.get("label", "")))
            labels[key] = _text(option.get("label")) or key
            for metric in ("value", "votes", "count", "points", "approvals"):
                if isinstance(option.get(metric), int | float):
                    inline[key] = float(option[metric])
                    break
        elif isinstance(option, str):
            labels[option] = option
    winners_keys = [str(w) for w in result.get("winners", []) or []]
    found: tuple[str, dict[str, float]] | None = None
    bars_data = snapshot.get("bars") or result.get("bars")
    if isinstance(bars_data, list) and bars_data:
        found = (
            _text(snapshot.get("measure") or result.get("measure")) or _("Resultado"),
            {
                _text(b.get("label")): float(b.get("value") or 0)
                for b in bars_data
                if isinstance(b, Mapping)
            },
        )
    if found is None and inline:
        found = (_("Votos"), inline)
    if found is None:
        found = (
            _values_from_counts(snapshot.get("counts"))
            or _values_from_counts(result.get("counts"))
            or _values_from_steps(result.get("steps"))
        )
    if found is None:
        return None
    measure, values = found
    order = list(labels) + [key for key in values if key not in labels]
    winners = tuple(labels.get(w, w) for w in winners_keys)
    bars = tuple(
        Bar(
            label=labels.get(key, key),
            value=values[key],
            text=_number_text(values[key]),
            winner=key in winners_keys or labels.get(key, key) in winners,
        )
        for key in order
        if key in values
    )
    ballots = snapshot.get("ballots")
    explanation = result.get("explanation") or []
    return Chart(
        title=_text(snapshot.get("title")) or _("Votación"),
        measure=measure,
        bars=bars,
        winners=winners,
        explanation=tuple(str(line) for line in explanation if isinstance(line, str)),
        ballots=ballots if isinstance(ballots, int) and not isinstance(ballots, bool) else None,
    )


def chart_from_results(title: str, results: Any) -> Chart | None:
    """A chart from :func:`voting.public.results` (the session report's live polls)."""
    if not results.bars:
        return None
    return Chart(
        title=title,
        measure=results.measure,
        bars=tuple(
            Bar(label=b.label, value=b.value, text=_number_text(b.value), winner=b.winner)
            for b in results.bars
        ),
        winners=tuple(results.winners),
        explanation=tuple(results.steps),
        ballots=results.ballots,
    )


# --- draft documents -------------------------------------------------------------------------


def source_text(kind: str, snapshot: Mapping[str, Any]) -> str:
    """What a source said, in one line of text, from its snapshot's text fields only."""
    if not isinstance(snapshot, Mapping):
        return ""
    if kind == SourceKind.POLL:
        result = snapshot.get("result") if isinstance(snapshot.get("result"), Mapping) else {}
        title = _text(snapshot.get("title"))
        lines = [line for line in result.get("explanation") or [] if isinstance(line, str)]
        answers = [a for a in result.get("answers") or [] if isinstance(a, str)]
        parts = [title] + lines[:3] + answers[:5]
        return " ".join(p for p in parts if p)
    if kind == SourceKind.CLUSTER:
        name = _text(snapshot.get("name") or snapshot.get("title"))
        notes = snapshot.get("notes") or []
        texts = [
            _text(n.get("text")) if isinstance(n, Mapping) else _text(n)
            for n in notes
            if isinstance(n, Mapping | str)
        ]
        body = " · ".join(t for t in texts if t)
        return f"{name}: {body}" if name and body else name or body
    return _text(snapshot.get("text") or snapshot.get("label") or snapshot.get("title"))


def version_text(version: int | None, date: dt.date | None) -> str:
    """The title page's version line: a published number, or the working copy."""
    if version is None:
        return _("Copia de trabajo sin publicar, %(date)s") % {"date": format_date(date)}
    return _("Versión %(number)s, publicada el %(date)s") % {
        "number": version,
        "date": format_date(date),
    }


@dataclass(frozen=True)
class SourceRow:
    number: str  # "F3": how the item's sources line and the annex refer to it
    item_number: str
    item_title: str
    kind: str
    kind_label: str
    ref: str
    session: str  # title (code), "" when unknown
    session_code: str
    date: dt.date | None
    level: str
    participants: int
    text: str
    chart: Chart | None

    @property
    def date_text(self) -> str:
        return format_date(self.date)


@dataclass(frozen=True)
class ItemRow:
    id: int | None
    number: str  # "2.1": lineamiento, then item within it
    title: str
    text: str
    lineamiento: str
    lineamiento_code: str
    pillar: str
    pillar_code: str
    origin: str
    status: str
    sources: tuple[SourceRow, ...]

    @property
    def sources_line(self) -> str:
        if not self.sources:
            return _("Fuentes: ninguna (escrito por el equipo).")
        names = [
            f"{s.number} ({s.kind_label}, {s.session or _('sin sesión')})" for s in self.sources
        ]
        return _("Fuentes: %(list)s.") % {"list": "; ".join(names)}


@dataclass(frozen=True)
class PillarSection:
    name: str
    items: tuple[ItemRow, ...]


@dataclass(frozen=True)
class LineamientoSection:
    number: int
    name: str
    pillars: tuple[PillarSection, ...]


@dataclass(frozen=True)
class DraftDocument:
    process: str
    process_slug: str
    entity: str
    title: str
    version: int | None  # None: the working copy
    date: dt.date | None
    published: bool
    sections: tuple[LineamientoSection, ...]

    @property
    def items(self) -> list[ItemRow]:
        return [item for s in self.sections for p in s.pillars for item in p.items]

    @property
    def sources(self) -> list[SourceRow]:
        return [source for item in self.items for source in item.sources]

    @property
    def watermark(self) -> bool:
        """Unpublished documents say "Borrador" on every page."""
        return not self.published

    @property
    def empty(self) -> bool:
        return not self.items

    @property
    def version_text(self) -> str:
        return version_text(self.version, self.date)

    @property
    def document_title(self) -> str:
        return _("Lineamientos de política pública de Gobierno Abierto")


def _session_info(session: LiveSession | None) -> dict[str, Any]:
    if session is None:
        return {"session": None, "session_title": "", "session_code": "", "session_date": None}
    when = session.started_at or session.created
    return {
        "session": session.pk,
        "session_title": session.title,
        "session_code": session.code,
        "session_date": when.isoformat() if when else None,
    }


def draft_snapshot(draft: Draft) -> dict[str, Any]:
    """The working copy of a draft in the shape a published version is read in: the
    items not removed, each with its sources (no authors, no history, no comments)."""
    items = (
        DraftItem.objects.filter(draft=draft, removed=False)
        .select_related("lineamiento", "pillar")
        .prefetch_related("sources__session", "sources__level")
    )
    return {
        "title": draft.title,
        "items": [
            {
                "id": item.pk,
                "lineamiento": item.lineamiento.code,
                "pillar": item.pillar.code if item.pillar else None,
                "title": item.title,
                "text": item.text,
                "origin": item.origin,
                "status": item.status,
                "order": item.order,
                "sources": [
                    {
                        "kind": source.kind,
                        "ref": source.ref,
                        **_session_info(source.session),
                        "level": source.level.code if source.level else None,
                        "participants": source.participants,
                        "snapshot": source.snapshot,
                    }
                    for source in item.sources.all()
                ],
            }
            for item in items
        ],
    }


def _snapshot_session(source: Mapping[str, Any], sessions: dict[int, LiveSession]) -> tuple:
    """(title, code, date) of a snapshot source's session, from the snapshot first (the
    session may since have been deleted), then from the session row."""
    raw = source.get("session")
    if isinstance(raw, str) and not raw.isdigit():
        # The drafts service freezes the session's title here and its id beside it.
        raw = {"title": raw, "id": source.get("session_id")}
    elif raw is None:
        raw = source.get("session_id")
    title = _text(source.get("session_title"))
    code = _text(source.get("session_code"))
    when = _as_date(source.get("session_date"))
    if isinstance(raw, Mapping):
        title = title or _text(raw.get("title"))
        code = code or _text(raw.get("code"))
        when = when or _as_date(raw.get("date") or raw.get("started_at") or raw.get("created"))
        raw = raw.get("id")
    session = sessions.get(_int(raw)) if raw is not None else None
    if session is not None:
        title = title or session.title
        code = code or session.code
        when = when or _as_date(session.started_at or session.created)
    when = when or _as_date(source.get("created"))
    return title, code, when


def _session_ids(items: Iterable[Mapping[str, Any]]) -> set[int]:
    ids = set()
    for item in items:
        for source in item.get("sources") or []:
            if not isinstance(source, Mapping):
                continue
            raw = source.get("session_id") or source.get("session")
            if isinstance(raw, Mapping):
                raw = raw.get("id")
            if _int(raw):
                ids.add(_int(raw))
    return ids


def _snapshot_items(snapshot: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The items of a draft snapshot, flat: either ``{"items": [...]}`` (the working
    copy) or grouped as the drafts service freezes versions, ``{"lineamientos": [{code,
    name, pillars: [{code, name, items: [...]}]}]}`` (each item gets its group's
    lineamiento and pillar, and keeps its place)."""
    items = [i for i in snapshot.get("items") or [] if isinstance(i, Mapping)]
    position = 0
    for group in snapshot.get("lineamientos") or []:
        if not isinstance(group, Mapping):
            continue
        lineamiento = {"code": group.get("code"), "name": group.get("name")}
        for pillar_group in group.get("pillars") or []:
            if not isinstance(pillar_group, Mapping):
                continue
            pillar = None
            if pillar_group.get("code") or pillar_group.get("name"):
                pillar = {"code": pillar_group.get("code"), "name": pillar_group.get("name")}
            for item in pillar_group.get("items") or []:
                if isinstance(item, Mapping):
                    position += 1
                    items.append(
                        {"order": position, **item, "lineamiento": lineamiento, "pillar": pillar}
                    )
    return items


def draft_document(
    draft: Draft, version: DraftVersion | None = None, *, now: dt.datetime | None = None
) -> DraftDocument:
    """The document of a draft: ``version``'s frozen snapshot, or the working copy.

    Items are grouped by lineamiento (in the reference order) then pillar (items with
    no pillar last); numbers run ``<lineamiento>.<item>`` and sources ``F1``, ``F2``…
    across the document, so the annex and each item's sources line agree."""
    process = draft.process
    if version is None:
        snapshot = draft_snapshot(draft)
        date: dt.date | None = _as_date(now or timezone.now())
    else:
        snapshot = version.snapshot if isinstance(version.snapshot, Mapping) else {}
        date = _as_date(version.published_at)
    raw_items = [i for i in _snapshot_items(snapshot) if not i.get("removed")]
    lineamientos, pillars, levels = _Lookup(Lineamiento), _Lookup(Pillar), _Lookup(Level)
    sessions = LiveSession.objects.in_bulk(_session_ids(raw_items))

    def key(item: Mapping[str, Any]) -> tuple:
        return (
            lineamientos.order(item.get("lineamiento")),
            lineamientos.name(item.get("lineamiento")),
            item.get("pillar") is None,
            pillars.order(item.get("pillar")),
            _int(item.get("order")),
            _int(item.get("id")),
        )

    grouped: dict[str, dict[str, list[Mapping[str, Any]]]] = {}
    for item in sorted(raw_items, key=key):
        lineamiento = lineamientos.name(item.get("lineamiento")) or _("Sin lineamiento")
        pillar = pillars.name(item.get("pillar")) or _("Sin pilar asignado")
        grouped.setdefault(lineamiento, {}).setdefault(pillar, []).append(item)

    sections = []
    source_number = 0
    for l_index, (lineamiento, by_pillar) in enumerate(grouped.items(), start=1):
        pillar_sections = []
        i_index = 0
        for pillar, items in by_pillar.items():
            rows = []
            for item in items:
                i_index += 1
                number = f"{l_index}.{i_index}"
                title = _text(item.get("title"))
                sources = []
                for source in item.get("sources") or []:
                    if not isinstance(source, Mapping):
                        continue
                    source_number += 1
                    kind = _text(source.get("kind"))
                    snap = (
                        source.get("snapshot")
                        if isinstance(source.get("snapshot"), Mapping)
                        else {}
                    )
                    s_title, s_code, s_date = _snapshot_session(source, sessions)
                    sources.append(
                        SourceRow(
                            number=f"F{source_number}",
                            item_number=number,
                            item_title=title,
                            kind=kind,
                            kind_label=_choice_label(SourceKind, kind),
                            ref=_text(source.get("ref")),
                            session=f"{s_title} ({s_code})" if s_code else s_title,
                            session_code=s_code,
                            date=s_date,
                            level=levels.name(source.get("level")),
                            participants=_int(source.get("participants")),
                            text=source_text(kind, snap),
                            chart=poll_chart(snap) if kind == SourceKind.POLL else None,
                        )
                    )
                rows.append(
                    ItemRow(
                        id=_int(item.get("id")) or None,
                        number=number,
                        title=title,
                        text=_text(item.get("text")),
                        lineamiento=lineamiento,
                        lineamiento_code=_text(
                            getattr(lineamientos.get(item.get("lineamiento")), "code", "")
                        ),
                        pillar=pillar,
                        pillar_code=_text(getattr(pillars.get(item.get("pillar")), "code", "")),
                        origin=_choice_label(ItemOrigin, _text(item.get("origin"))),
                        status=_choice_label(ReviewStatus, _text(item.get("status"))),
                        sources=tuple(sources),
                    )
                )
            pillar_sections.append(PillarSection(name=pillar, items=tuple(rows)))
        sections.append(
            LineamientoSection(number=l_index, name=lineamiento, pillars=tuple(pillar_sections))
        )
    return DraftDocument(
        process=process.title,
        process_slug=process.slug,
        entity=process.entity.name,
        title=_text(snapshot.get("title")) or draft.title,
        version=version.number if version is not None else None,
        date=date,
        published=version is not None,
        sections=tuple(sections),
    )


def empty_draft_document(process: Process, *, now: dt.datetime | None = None) -> DraftDocument:
    """The document of a process that has no draft yet: valid, and saying so."""
    return DraftDocument(
        process=process.title,
        process_slug=process.slug,
        entity=process.entity.name,
        title=process.title,
        version=None,
        date=_as_date(now or timezone.now()),
        published=False,
        sections=(),
    )


# --- action plans ---------------------------------------------------------------------------

ACTOR_GROUPS = (
    ("government", lambda: _("Gobierno")),
    ("civil_society", lambda: _("Sociedad civil")),
    ("private", lambda: _("Sector privado")),
    ("multilateral", lambda: _("Organismos multilaterales")),
)


@dataclass(frozen=True)
class MilestoneRow:
    commitment_number: int
    deliverable: str
    start: dt.date | None
    end: dt.date | None
    responsible: str
    done: bool
    done_at: dt.date | None


@dataclass(frozen=True)
class ProgressRow:
    commitment_number: int
    date: dt.date | None
    completion: str
    text: str


@dataclass(frozen=True)
class TraceRow:
    """A draft item a commitment came from, with the sessions behind it."""

    commitment_number: int
    item_title: str
    lineamiento: str
    sources: str  # "Nota, Taller (ABC123), Colaborar; …"


@dataclass(frozen=True)
class CommitmentRow:
    number: int
    title: str
    start: dt.date | None
    end: dt.date | None
    lead_agency: str
    problem: str
    baseline: str
    objective: str
    expected_results: str
    how_it_helps: str
    relevance_transparency: str
    relevance_participation: str
    relevance_accountability: str
    relevance_innovation: str
    other_actors: tuple[tuple[str, str], ...]  # (group label, "a, b")
    budget: str
    development_plan: str
    sdgs: tuple[int, ...]
    completion: str
    completion_code: str
    milestones: tuple[MilestoneRow, ...]
    progress: tuple[ProgressRow, ...]
    trace: tuple[TraceRow, ...]

    @property
    def other_actors_text(self) -> str:
        return "; ".join(f"{group}: {names}" for group, names in self.other_actors if names)

    @property
    def sdgs_text(self) -> str:
        return ", ".join(_("ODS %(n)s") % {"n": n} for n in self.sdgs)

    def fields(self) -> list[tuple[str, str]]:
        """Every field of the OGP template, labelled, in the template's order."""
        return [
            (_("Número y nombre"), f"{self.number}. {self.title}"),
            (_("Fecha de inicio"), format_date(self.start)),
            (_("Fecha de fin"), format_date(self.end)),
            (_("Entidad responsable"), self.lead_agency),
            (_("Problema público"), self.problem),
            (_("Línea base"), self.baseline),
            (_("Compromiso y objetivo"), self.objective),
            (_("Resultados esperados"), self.expected_results),
            (_("Cómo contribuye a resolver el problema"), self.how_it_helps),
            (_("Relevancia: transparencia"), self.relevance_transparency),
            (_("Relevancia: participación ciudadana"), self.relevance_participation),
            (_("Relevancia: rendición de cuentas"), self.relevance_accountability),
            (_("Relevancia: tecnología e innovación"), self.relevance_innovation),
            (_("Otros actores"), self.other_actors_text),
            (_("Presupuesto"), self.budget),
            (_("Plan de desarrollo"), self.development_plan),
            (_("Objetivos de Desarrollo Sostenible"), self.sdgs_text),
            (_("Nivel de cumplimiento"), self.completion),
        ]


@dataclass(frozen=True)
class PlanDocument:
    process: str
    process_slug: str
    entity: str
    title: str
    period_start: dt.date | None
    period_end: dt.date | None
    version: int | None
    date: dt.date | None
    published: bool
    commitments: tuple[CommitmentRow, ...]
    responses: tuple[tuple[str, int], ...]  # (status label, count)

    @property
    def watermark(self) -> bool:
        """Unpublished documents say "Borrador" on every page."""
        return not self.published

    @property
    def empty(self) -> bool:
        return not self.commitments

    @property
    def milestones(self) -> list[MilestoneRow]:
        return [m for c in self.commitments for m in c.milestones]

    @property
    def progress(self) -> list[ProgressRow]:
        return [p for c in self.commitments for p in c.progress]

    @property
    def trace(self) -> list[TraceRow]:
        return [t for c in self.commitments for t in c.trace]

    @property
    def version_text(self) -> str:
        return version_text(self.version, self.date)

    @property
    def period_text(self) -> str:
        if not (self.period_start or self.period_end):
            return ""
        return _("Periodo: %(start)s – %(end)s") % {
            "start": format_date(self.period_start) or "…",
            "end": format_date(self.period_end) or "…",
        }

    @property
    def document_title(self) -> str:
        return _("Plan de acción de Gobierno Abierto")


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def plan_snapshot(plan: ActionPlan) -> dict[str, Any]:
    """The working copy of a plan in the shape a published version is read in."""
    commitments = Commitment.objects.filter(plan=plan).prefetch_related(
        "milestones",
        "items__lineamiento",
        "items__sources__session",
        "items__sources__level",
    )
    return {
        "title": plan.title,
        "period_start": _iso(plan.period_start),
        "period_end": _iso(plan.period_end),
        "commitments": [
            {
                **{
                    name: getattr(c, name)
                    for name in (
                        "number",
                        "title",
                        "lead_agency",
                        "problem",
                        "baseline",
                        "objective",
                        "expected_results",
                        "how_it_helps",
                        "relevance_transparency",
                        "relevance_participation",
                        "relevance_accountability",
                        "relevance_innovation",
                        "other_actors",
                        "budget",
                        "development_plan",
                        "sdgs",
                        "completion",
                    )
                },
                "start": _iso(c.start),
                "end": _iso(c.end),
                "milestones": [
                    {
                        "deliverable": m.deliverable,
                        "start": _iso(m.start),
                        "end": _iso(m.end),
                        "responsible": m.responsible,
                        "done": m.done,
                        "done_at": _iso(m.done_at),
                    }
                    for m in c.milestones.all()
                ],
                "items": [
                    {
                        "id": item.pk,
                        "title": item.title,
                        "lineamiento": item.lineamiento.code,
                        "sources": [
                            {
                                "kind": s.kind,
                                **_session_info(s.session),
                                "level": s.level.code if s.level else None,
                            }
                            for s in item.sources.all()
                        ],
                    }
                    for item in c.items.all()
                    if not item.removed
                ],
            }
            for c in commitments
        ],
    }


def _trace_rows(
    number: int, items: Any, lineamientos: _Lookup, levels: _Lookup, sessions: dict
) -> tuple[TraceRow, ...]:
    rows = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, Mapping):
            continue
        parts = []
        for source in item.get("sources") or []:
            if not isinstance(source, Mapping):
                continue
            title, code, _when = _snapshot_session(source, sessions)
            bits = [
                _choice_label(SourceKind, _text(source.get("kind"))),
                f"{title} ({code})" if code else title,
                levels.name(source.get("level")),
            ]
            parts.append(", ".join(b for b in bits if b))
        rows.append(
            TraceRow(
                commitment_number=number,
                item_title=_text(item.get("title")),
                lineamiento=lineamientos.name(item.get("lineamiento")),
                sources="; ".join(parts),
            )
        )
    return tuple(rows)


def _actors(value: Any) -> tuple[tuple[str, str], ...]:
    value = value if isinstance(value, Mapping) else {}
    out = []
    for key, label in ACTOR_GROUPS:
        names = value.get(key) or []
        names = [names] if isinstance(names, str) else names
        out.append((label(), ", ".join(_text(n) for n in names if _text(n))))
    return tuple(out)


def _sdgs(value: Any) -> tuple[int, ...]:
    return tuple(sorted({_int(v) for v in value or [] if 1 <= _int(v) <= 17}))


def response_summary(process: Process) -> tuple[tuple[str, int], ...]:
    """How many contributions got each reasoned-response status (counts only)."""
    counts = dict(
        ContributionResponse.objects.filter(process=process)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return tuple((str(label), counts.get(value, 0)) for value, label in ResponseStatus.choices)


def _flat_commitment(c: Mapping[str, Any]) -> Mapping[str, Any]:
    """A frozen commitment with ``relevance: {transparency, …}`` (the plans service's
    shape) read as the model's ``relevance_*`` fields."""
    relevance = c.get("relevance")
    if not isinstance(relevance, Mapping):
        return c
    return {**{f"relevance_{k}": v for k, v in relevance.items()}, **c}


def _live_progress(plan: ActionPlan) -> dict[int, list[dict[str, Any]]]:
    """Progress reports by commitment number. Progress goes on after a version is
    published (it is the accountability timeline, not an edit), so a published
    version shows the reports as they stand; never their authors."""
    out: dict[int, list[dict[str, Any]]] = {}
    for update in ProgressUpdate.objects.filter(commitment__plan=plan).select_related("commitment"):
        out.setdefault(update.commitment.number, []).append(
            {"text": update.text, "completion": update.completion, "created": update.created}
        )
    return out


def plan_document(
    plan: ActionPlan, version: PlanVersion | None = None, *, now: dt.datetime | None = None
) -> PlanDocument:
    """The document of a plan: ``version``'s frozen snapshot, or the working copy."""
    if version is None:
        snapshot = plan_snapshot(plan)
        date: dt.date | None = _as_date(now or timezone.now())
    else:
        snapshot = version.snapshot if isinstance(version.snapshot, Mapping) else {}
        date = _as_date(version.published_at)
    lineamientos, levels = _Lookup(Lineamiento), _Lookup(Level)
    head = snapshot.get("plan") if isinstance(snapshot.get("plan"), Mapping) else snapshot
    raw = [_flat_commitment(c) for c in snapshot.get("commitments") or [] if isinstance(c, Mapping)]
    live_progress = _live_progress(plan)
    sessions = LiveSession.objects.in_bulk(
        _session_ids(i for c in raw for i in c.get("items") or [] if isinstance(i, Mapping))
    )
    commitments = []
    for c in sorted(raw, key=lambda c: _int(c.get("number"))):
        number = _int(c.get("number"))
        completion = _text(c.get("completion")) or Completion.NOT_STARTED
        commitments.append(
            CommitmentRow(
                number=number,
                title=_text(c.get("title")),
                start=_as_date(c.get("start")),
                end=_as_date(c.get("end")),
                **{
                    name: _text(c.get(name))
                    for name in (
                        "lead_agency",
                        "problem",
                        "baseline",
                        "objective",
                        "expected_results",
                        "how_it_helps",
                        "relevance_transparency",
                        "relevance_participation",
                        "relevance_accountability",
                        "relevance_innovation",
                        "budget",
                        "development_plan",
                    )
                },
                other_actors=_actors(c.get("other_actors")),
                sdgs=_sdgs(c.get("sdgs")),
                completion=_choice_label(Completion, completion),
                completion_code=completion,
                milestones=tuple(
                    MilestoneRow(
                        commitment_number=number,
                        deliverable=_text(m.get("deliverable")),
                        start=_as_date(m.get("start")),
                        end=_as_date(m.get("end")),
                        responsible=_text(m.get("responsible")),
                        done=bool(m.get("done")),
                        done_at=_as_date(m.get("done_at")),
                    )
                    for m in c.get("milestones") or []
                    if isinstance(m, Mapping)
                ),
                progress=tuple(
                    ProgressRow(
                        commitment_number=number,
                        date=_as_date(u.get("created") or u.get("date")),
                        completion=_choice_label(Completion, _text(u.get("completion"))),
                        text=_text(u.get("text")),
                    )
                    for u in c.get("updates") or live_progress.get(number, [])
                    if isinstance(u, Mapping)
                ),
                trace=_trace_rows(number, c.get("items"), lineamientos, levels, sessions),
            )
        )
    process = plan.process
    return PlanDocument(
        process=process.title,
        process_slug=process.slug,
        entity=process.entity.name,
        title=_text(head.get("title")) or plan.title,
        period_start=_as_date(head.get("period_start")),
        period_end=_as_date(head.get("period_end")),
        version=version.number if version is not None else None,
        date=date,
        published=version is not None,
        commitments=tuple(commitments),
        responses=response_summary(process),
    )


# --- reasoned responses (open data) ---------------------------------------------------------


@dataclass(frozen=True)
class ResponseRow:
    ref: str
    kind: str
    session: str
    text: str
    status: str
    reason: str
    item_title: str
    commitment_number: int | None


def response_rows(process: Process) -> list[ResponseRow]:
    """The reasoned response to each contribution, without who made it or answered it
    (``participant_key`` and ``updated_by`` stay out)."""
    rows = (
        ContributionResponse.objects.filter(process=process)
        .select_related("session", "item", "commitment")
        .order_by("pk")
    )
    return [
        ResponseRow(
            ref=r.ref,
            kind=_choice_label(SourceKind, r.kind),
            session=r.session.code if r.session else "",
            text=r.text,
            status=_choice_label(ResponseStatus, r.status),
            reason=r.reason,
            item_title=r.item.title if r.item and not r.item.removed else "",
            commitment_number=r.commitment.number if r.commitment else None,
        )
        for r in rows
    ]


# --- session report ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityStats:
    order: int
    title: str
    kind: str
    participants: int
    notes: int
    votes: int
    questions: int


@dataclass(frozen=True)
class LevelStats:
    level: str
    sessions: int
    participants: int
    notes: int
    votes: int
    questions: int
    current: bool  # the level of the session the report is about


@dataclass(frozen=True)
class PollReport:
    title: str
    method: str
    status: str
    ballots: int
    chart: Chart | None
    explanation: tuple[str, ...]
    winners: tuple[str, ...]
    answers: tuple[str, ...]


@dataclass(frozen=True)
class ZoneCount:
    label: str
    notes: int
    dots: int


@dataclass(frozen=True)
class CanvasReport:
    title: str
    methodology: str
    notes: int
    zones: tuple[ZoneCount, ...]
    clusters: tuple[tuple[str, int], ...]  # (name, notes)
    top_notes: tuple[tuple[str, str, int], ...]  # (text, zone, dots)


@dataclass(frozen=True)
class SessionReport:
    process: str
    entity: str
    title: str
    code: str
    level: str
    date: dt.date | None
    participants: int
    activities: tuple[ActivityStats, ...]
    levels: tuple[LevelStats, ...]
    polls: tuple[PollReport, ...]
    canvases: tuple[CanvasReport, ...]

    @property
    def document_title(self) -> str:
        return _("Informe de la sesión")

    @property
    def version_text(self) -> str:
        return _("Sesión %(code)s, %(date)s") % {"code": self.code, "date": format_date(self.date)}

    @property
    def watermark(self) -> bool:
        # An account of what happened, not a draft awaiting approval: no "Borrador".
        return False

    @property
    def totals(self) -> ActivityStats:
        return ActivityStats(
            order=0,
            title=_("Total"),
            kind="",
            participants=self.participants,
            notes=sum(a.notes for a in self.activities),
            votes=sum(a.votes for a in self.activities),
            questions=sum(a.questions for a in self.activities),
        )


TOP_NOTES = 5


def _activity_stats(session: LiveSession) -> list[ActivityStats]:
    from canvases.models import CanvasNote
    from sessions.models import Question
    from voting.models import Ballot, Participation

    stats = []
    for activity in session.activities.order_by("order"):
        notes = CanvasNote.objects.filter(canvas__activity=activity, deleted=False, merged_into="")
        note_count = notes.count()
        authors = set(notes.values_list("author", flat=True))
        ballots = Ballot.objects.filter(poll__activity=activity, superseded=False).count()
        voters = Participation.objects.filter(poll__activity=activity).count()
        questions = Question.objects.filter(activity=activity)
        askers = set(questions.exclude(participant=None).values_list("participant", flat=True))
        stats.append(
            ActivityStats(
                order=activity.order,
                title=activity.title,
                kind=str(activity.get_kind_display()),
                # People who contributed to this activity; distinct key sets never meet
                # (notes are keyed by author, votes by participation, questions by asker).
                participants=len(authors) + voters + len(askers),
                notes=note_count,
                votes=ballots,
                questions=questions.count(),
            )
        )
    return stats


def _poll_reports(session: LiveSession) -> list[PollReport]:
    from voting import public
    from voting.models import Ballot, Poll, PollStatus

    reports = []
    polls = Poll.objects.filter(activity__session=session).order_by("activity__order")
    for poll in polls:
        finished = poll.status in (PollStatus.CLOSED, PollStatus.PUBLISHED)
        results = public.results(poll) if finished else None
        reports.append(
            PollReport(
                title=poll.title,
                method=public.method_name(poll.method),
                status=str(poll.get_status_display()),
                ballots=Ballot.objects.filter(poll=poll, superseded=False).count(),
                chart=chart_from_results(poll.title, results) if results else None,
                explanation=tuple(results.steps) if results else (),
                winners=tuple(results.winners) if results else (),
                answers=tuple(results.answers or ()) if results else (),
            )
        )
    return reports


def _canvas_reports(session: LiveSession) -> list[CanvasReport]:
    from canvases import exports as canvas_exports
    from canvases.models import Canvas

    reports = []
    canvases = Canvas.objects.filter(activity__session=session).select_related(
        "activity__session", "methodology"
    )
    for canvas in canvases.order_by("activity__order"):
        data = canvas_exports.gather(canvas, include_authors=False)
        per_zone: dict[str, list[int]] = {}
        for note in data.notes:
            counts = per_zone.setdefault(note.zone, [0, 0])
            counts[0] += 1
            counts[1] += note.dots
        zones = [
            ZoneCount(z.label, per_zone.get(z.key, [0, 0])[0], per_zone.get(z.key, [0, 0])[1])
            for z in data.zones
        ]
        if "" in per_zone:
            zones.append(ZoneCount(_("Fuera de las zonas"), *per_zone[""]))
        clusters = tuple(
            (canvas_exports.clean(data.state.clusters.get(cid, "")) or cid, count)
            for cid, count in sorted(data.live_clusters.items())
        )
        dotted = sorted((n for n in data.notes if n.dots), key=lambda n: (-n.dots, n.id))
        reports.append(
            CanvasReport(
                title=canvas.activity.title,
                methodology=canvas.methodology.tr("name") if canvas.methodology else "",
                notes=len(data.notes),
                zones=tuple(zones),
                clusters=clusters,
                top_notes=tuple(
                    (n.text, n.zone_label or _("Fuera de las zonas"), n.dots)
                    for n in dotted[:TOP_NOTES]
                ),
            )
        )
    return reports


def _level_stats(session: LiveSession) -> list[LevelStats]:
    """Participation in every session of the process, by IAP2 level (the report's own
    session included), so the team sees how deep the public got involved overall."""
    from sessions.models import Participant

    process = session.stage.process
    others = LiveSession.objects.filter(stage__process=process).select_related("level")
    by_level: dict[int, dict[str, Any]] = {}
    for other in others:
        entry = by_level.setdefault(
            other.level_id,
            {"level": other.level, "sessions": 0, "participants": 0, "stats": []},
        )
        entry["sessions"] += 1
        entry["participants"] += Participant.objects.filter(session=other).count()
        entry["stats"].extend(_activity_stats(other))
    rows = []
    for entry in sorted(by_level.values(), key=lambda e: e["level"].order):
        stats = entry["stats"]
        rows.append(
            LevelStats(
                level=entry["level"].tr("name"),
                sessions=entry["sessions"],
                participants=entry["participants"],
                notes=sum(s.notes for s in stats),
                votes=sum(s.votes for s in stats),
                questions=sum(s.questions for s in stats),
                current=entry["level"].pk == session.level_id,
            )
        )
    return rows


def session_report(session: LiveSession) -> SessionReport:
    """The team's report of a live session: participation by activity and by level,
    poll results and canvases. Counts and contents only, never names."""
    from sessions.models import Participant

    process = session.stage.process
    return SessionReport(
        process=process.title,
        entity=process.entity.name,
        title=session.title,
        code=session.code,
        level=session.level.tr("name"),
        date=_as_date(session.started_at or session.created),
        participants=Participant.objects.filter(session=session).count(),
        activities=tuple(_activity_stats(session)),
        levels=tuple(_level_stats(session)),
        polls=tuple(_poll_reports(session)),
        canvases=tuple(_canvas_reports(session)),
    )
