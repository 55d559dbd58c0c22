"""Reads behind the public pages of a poll: results for display and export, the
downloadable bulletin and receipt checks. No writes, no request objects.

Option keys are replaced by their labels everywhere a citizen reads them (the
explanation sentences, tables, exports); the bulletin keeps the keys, since it must be
hashed exactly as stored.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from voting import receipts, selectors
from voting.live import approved_answers
from voting.methods import Result, Step, explain, open_answer
from voting.methods.base import fmt_number
from voting.models import Ballot, Poll, PollStatus

# Statuses whose ballots may be shown one by one. While a poll is open, watching the list
# of ballots grow would let an onlooker match a person seen voting with their ballot.
BALLOTS_PUBLIC = (PollStatus.CLOSED, PollStatus.PUBLISHED)

_UNSAFE_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def public_poll(poll_id: int) -> Poll | None:
    """The poll behind a public page, or None for unknown and draft polls."""
    return (
        Poll.objects.exclude(status=PollStatus.DRAFT)
        .select_related("entity")
        .filter(pk=poll_id)
        .first()
    )


def ballots_public(poll: Poll) -> bool:
    return poll.status in BALLOTS_PUBLIC


def method_name(method: str) -> str:
    names = {
        "single": _("Voto único (mayoría simple)"),
        "approval": _("Voto por aprobación"),
        "irv": _("Voto preferencial con segunda vuelta instantánea"),
        "schulze": _("Método Schulze"),
        "borda": _("Recuento Borda"),
        "score": _("Voto por puntuación"),
        "points": _("Reparto de puntos"),
        "budget": _("Presupuesto participativo"),
        "consensus": _("Búsqueda de consensos"),
        "open": _("Respuesta abierta (consulta)"),
    }
    return names.get(method, method)


def labels(poll: Poll) -> dict[str, str]:
    return {o.key: o.label for o in poll.options.order_by("order")}


# --- results for display -----------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    percent: float
    winner: bool


@dataclass
class Matrix:
    caption: str
    labels: list[str]
    rows: list[list[str]]


@dataclass
class IrvTable:
    labels: list[str]
    rows: list[dict[str, Any]]


@dataclass
class Results:
    measure: str
    bars: list[Bar]
    headers: list[str]
    rows: list[list[str]]
    ballots: int
    winners: list[str]
    steps: list[str]
    irv: IrvTable | None = None
    matrices: list[Matrix] = field(default_factory=list)
    # Open questions: the published answers (approved in moderation), never their
    # authors; None for the methods that count ballots.
    answers: list[str] | None = None


def _relabel(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, str):
        return names.get(value, value)
    if isinstance(value, dict):
        return {names.get(k, k): v for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_relabel(v, names) for v in value)
    return value


def explanation(result: Result, names: dict[str, str]) -> list[str]:
    """:func:`explain` with option keys replaced by their labels."""
    steps = [
        Step(s.code, **{k: _relabel(v, names) for k, v in s.params.items()}) for s in result.steps
    ]
    return explain(dataclasses.replace(result, steps=steps))


def _measure(result: Any) -> tuple[str, dict[str, float], dict[str, str]]:
    """The figure charted for each option, its heading and how it reads."""
    method = result.method
    if method == "single":
        total = result.total or 0
        text = {
            o: f"{v} ({fmt_number(v / total * 100 if total else 0)} %)"
            for o, v in result.counts.items()
        }
        return _("Votos"), dict(result.counts), text
    if method == "approval":
        text = {o: f"{v} ({fmt_number(result.share[o])} %)" for o, v in result.counts.items()}
        return _("Aprobaciones"), dict(result.counts), text
    if method == "irv":
        final = result.rounds[-1].counts if result.rounds else {}
        values = {o: final.get(o, 0) for o in result.options}
        out = {
            r.eliminated: _("Eliminada en la ronda %(round)s") % {"round": r.number}
            for r in result.rounds
            if r.eliminated
        }
        text = {o: out.get(o, str(v)) for o, v in values.items()}
        return _("Votos en la última ronda"), values, text
    if method == "schulze":
        p = result.p
        values = {
            o: sum(1 for x in result.options if x != o and p.get(o, {}).get(x, 0) > p[x][o])
            for o in result.options
        }
        return _("Opciones que vence"), values, {o: str(v) for o, v in values.items()}
    if method in ("borda", "points"):
        values = dict(result.points)
        return _("Puntos"), values, {o: fmt_number(v) for o, v in values.items()}
    if method == "score":
        values = {o: float(s.mean) if s.mean is not None else 0.0 for o, s in result.scores.items()}
        text = {
            o: fmt_number(s.mean) if s.mean is not None else "—" for o, s in result.scores.items()
        }
        return _("Puntuación media"), values, text
    if method == "budget":
        values = dict(result.votes)
        return _("Votos"), values, {o: str(v) for o, v in values.items()}
    if method == "consensus":
        values = {o: c.agree for o, c in result.counts.items()}
        text = {
            o: _("%(agree)s de acuerdo, %(disagree)s en desacuerdo, %(passed)s pasan")
            % {"agree": c.agree, "disagree": c.disagree, "passed": c.passed}
            for o, c in result.counts.items()
        }
        return _("De acuerdo"), values, text
    return _("Resultado"), {}, {}


def _winners(result: Any) -> list[str]:
    if result.method == "budget":
        return list(result.selected)
    if result.method == "consensus":
        return list(result.consensus)
    return list(result.winners)


def _irv_table(result: Any, names: dict[str, str]) -> IrvTable:
    rows = []
    for r in result.rounds:
        rows.append(
            {
                "number": r.number,
                "cells": [str(r.counts[o]) if o in r.counts else "—" for o in result.options],
                "exhausted": r.exhausted_total,
                "eliminated": names.get(r.eliminated, r.eliminated) if r.eliminated else "",
            }
        )
    return IrvTable(labels=[names[o] for o in result.options], rows=rows)


def _matrix(
    caption: str, data: dict[str, dict[str, int]], options: list[str], names: dict[str, str]
) -> Matrix:
    rows = [
        [names[o], *("—" if o == x else str(data.get(o, {}).get(x, 0)) for x in options)]
        for o in options
    ]
    return Matrix(caption=caption, labels=[names[o] for o in options], rows=rows)


def results(poll: Poll) -> Results:
    """The poll's current tally, ready for a page or an export (call only when the
    results are visible: :func:`selectors.results_visible`)."""
    if poll.method == "open":
        return _open_results(poll)
    result: Any = selectors.tally(poll)
    names = labels(poll)
    measure, values, texts = _measure(result)
    top = max((float(v) for v in values.values()), default=0.0)
    winners = _winners(result)
    bars = [
        Bar(
            label=names.get(o, o),
            value=float(values.get(o, 0)),
            text=texts.get(o, ""),
            percent=round(float(values.get(o, 0)) / top * 100, 1) if top else 0.0,
            winner=o in winners,
        )
        for o in result.options
    ]
    out = Results(
        measure=measure,
        bars=bars,
        headers=[_("Opción"), measure],
        rows=[[b.label, b.text] for b in bars],
        ballots=Ballot.objects.filter(poll=poll, superseded=False).count(),
        winners=[names.get(o, o) for o in winners],
        steps=explanation(result, names),
    )
    if result.method == "irv":
        out.irv = _irv_table(result, names)
    if result.method == "schulze":
        out.matrices = [
            _matrix(
                _(
                    "Comparaciones por pares: personas que prefieren la opción de la fila a la "
                    "de la columna"
                ),
                result.d,
                result.options,
                names,
            ),
            _matrix(
                _(
                    "Caminos más fuertes: fuerza del camino de la opción de la fila a la de la "
                    "columna"
                ),
                result.p,
                result.options,
                names,
            ),
        ]
    return out


def _open_results(poll: Poll) -> Results:
    """An open question's result is its approved answers: pending and rejected ones are
    never published, and no author is named."""
    result = open_answer.tally(approved_answers(poll), [], **poll.settings)
    return Results(
        measure=_("Respuestas publicadas"),
        bars=[],
        headers=[_("Respuesta")],
        rows=[[text] for text in result.answers],
        ballots=0,
        winners=[],
        steps=explain(result),
        answers=result.answers,
    )


# --- bulletin and receipts -----------------------------------------------------------------


def bulletin_document(poll: Poll) -> dict[str, Any]:
    """The downloadable bulletin: every ballot in chain order, the poll's method and
    options, and whether the chain verifies."""
    entries = selectors.bulletin(poll)
    return {
        "format": "cocrea.bulletin/1",
        "poll": {
            "id": poll.pk,
            "title": poll.title,
            "method": poll.method,
            "settings": poll.settings,
            "status": poll.status,
            "options": [
                {"key": o.key, "label": o.label, "cost": o.cost}
                for o in poll.options.order_by("order")
            ],
        },
        "chain_valid": selectors.verify_chain(entries),
        "genesis": receipts.GENESIS,
        # Published (the bulletin exists only once voting is over) so that a voter can
        # find their own ballot without trusting the server: the receipt code is 128
        # random bits, so knowing the salt reveals nothing about anyone else's.
        "receipt_salt": poll.salt,
        "receipt_hash": "sha256(receipt_salt + receipt code)",
        "ballots": entries,
    }


def receipt_status(poll: Poll, code: str) -> str:
    """``"counted"``, ``"superseded"`` (replaced by a later change of vote) or
    ``"unknown"``. Says nothing about the ballot's content."""
    code = code.strip()
    if not code:
        return "unknown"
    found = (
        Ballot.objects.filter(poll=poll, receipt_hash=receipts.receipt_hash(poll.salt, code))
        .values_list("superseded", flat=True)
        .first()
    )
    if found is None:
        return "unknown"
    return "superseded" if found else "counted"


# --- exports -------------------------------------------------------------------------------


def _cell(value: object) -> object:
    """Safe for a spreadsheet: no control characters, and a leading apostrophe on text
    a spreadsheet would read as a formula (see canvases.exports._cell)."""
    if isinstance(value, str):
        value = _UNSAFE_CHARS.sub("", value)
        if value.startswith(_FORMULA_STARTS):
            return "'" + value
    return value


def _result_rows(data: Results) -> list[list[object]]:
    if data.answers is not None:
        return [[text] for text in data.answers]
    return [
        [b.label, b.value if not b.value.is_integer() else int(b.value), b.text, b.winner]
        for b in data.bars
    ]


def _result_headers(data: Results) -> list[str]:
    if data.answers is not None:
        return [_("Respuesta")]
    return [_("Opción"), data.measure, _("Detalle"), _("Ganadora")]


def _ballot_rows(poll: Poll) -> list[list[object]]:
    return [
        [
            b["position"],
            receipts.canonical(b["content"]),
            b["superseded"],
            b["receipt_hash"],
            b["chain_hash"],
        ]
        for b in selectors.bulletin(poll)
    ]


def _ballot_headers() -> list[str]:
    return [_("Posición"), _("Contenido"), _("Reemplazada"), _("Hash del comprobante"), _("Hash")]


def export_csv(poll: Poll) -> str:
    """The results, one row per option; starts with a BOM so spreadsheets read UTF-8."""
    data = results(poll)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_cell(h) for h in _result_headers(data)])
    for row in _result_rows(data):
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def export_xlsx(poll: Poll) -> bytes:
    """Results sheet, plus the anonymous ballots once the poll is closed."""
    data = results(poll)
    workbook = Workbook()
    workbook.properties.creator = "cocrea"
    workbook.properties.title = _cell(poll.title)
    sheets = [(_("Resultados"), _result_headers(data), _result_rows(data))]
    if ballots_public(poll):
        sheets.append((_("Papeletas"), _ballot_headers(), _ballot_rows(poll)))
    for index, (title, headers, rows) in enumerate(sheets):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = title
        sheet.append([_cell(h) for h in headers])
        for row in rows:
            sheet.append([_cell(v) for v in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_json(poll: Poll) -> dict[str, Any]:
    """Results with their explanation, plus the anonymous ballots once closed."""
    data = results(poll)
    document: dict[str, Any] = {
        "format": "cocrea.poll-results/1",
        "poll": {
            "id": poll.pk,
            "title": poll.title,
            "method": poll.method,
            "method_name": method_name(poll.method),
            "status": poll.status,
        },
        "ballots_counted": data.ballots,
        "winners": data.winners,
        "measure": data.measure,
        "results": [
            {"option": b.label, "value": b.value, "text": b.text, "winner": b.winner}
            for b in data.bars
        ],
        "explanation": data.steps,
    }
    if data.answers is not None:
        document["answers"] = data.answers
    if ballots_public(poll):
        document["ballots"] = selectors.bulletin(poll)
    return document
