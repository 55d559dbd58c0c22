"""The console's poll fields, parsed into the ``poll_spec`` that
:func:`sessions.live.activity_add` takes.

Pure: no database, so every rule is cheap to test. Errors are keyed by the form
field they belong to (``poll_options``, ``poll_budget``…) so the console can mark
that field with ``aria-invalid`` and point to the message with ``aria-describedby``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from voting.methods import METHODS, BallotError
from voting.methods.open_answer import MAX_ANSWERS_LIMIT as MAX_ANSWERS
from voting.models import ResultsVisibility

# The form's field names, in the order their errors are listed.
FIELDS: tuple[str, ...] = (
    "poll_method",
    "poll_options",
    "poll_visibility",
    "poll_min_choices",
    "poll_max_choices",
    "poll_min_score",
    "poll_max_score",
    "poll_total",
    "poll_budget",
    "poll_min_spend",
    "poll_rule",
    "poll_max_answers",
)

MAX_OPTIONS = 50
MAX_LABEL = 300  # PollOption.label
MAX_SETTING = 10**15  # well inside PositiveBigIntegerField, and any real budget


@dataclass(frozen=True)
class MethodChoice:
    code: str
    label: Any
    hint: Any


# Every method of voting.methods, in the order a facilitator would consider them.
METHOD_CHOICES: tuple[MethodChoice, ...] = (
    MethodChoice(
        "single",
        gettext_lazy("Voto único"),
        gettext_lazy("Cada persona elige una opción; gana la que más votos reúne."),
    ),
    MethodChoice(
        "approval",
        gettext_lazy("Aprobación"),
        gettext_lazy("Cada persona marca todas las opciones que apoya; gana la más apoyada."),
    ),
    MethodChoice(
        "irv",
        gettext_lazy("Segunda vuelta instantánea"),
        gettext_lazy(
            "Cada persona ordena las opciones; se eliminan las menos votadas y sus votos "
            "pasan a la siguiente preferencia."
        ),
    ),
    MethodChoice(
        "schulze",
        gettext_lazy("Schulze (Condorcet)"),
        gettext_lazy(
            "Cada persona ordena las opciones; gana la que vence a las demás en "
            "comparaciones de a dos."
        ),
    ),
    MethodChoice(
        "borda",
        gettext_lazy("Conteo de Borda"),
        gettext_lazy(
            "Cada persona ordena las opciones; cada puesto da puntos y gana la que suma más."
        ),
    ),
    MethodChoice(
        "score",
        gettext_lazy("Puntaje"),
        gettext_lazy("Cada persona califica cada opción en una escala; gana el mejor promedio."),
    ),
    MethodChoice(
        "points",
        gettext_lazy("Reparto de puntos"),
        gettext_lazy(
            "Cada persona reparte un total de puntos entre las opciones; gana la que suma más."
        ),
    ),
    MethodChoice(
        "budget",
        gettext_lazy("Presupuesto participativo"),
        gettext_lazy(
            "Cada persona elige proyectos sin pasarse del presupuesto; se financian los "
            "más apoyados que quepan."
        ),
    ),
    MethodChoice(
        "consensus",
        gettext_lazy("Búsqueda de consensos"),
        gettext_lazy(
            "Cada persona responde a cada afirmación: de acuerdo, en desacuerdo o paso; "
            "se destacan los acuerdos."
        ),
    ),
    MethodChoice(
        "open",
        gettext_lazy("Respuesta abierta"),
        gettext_lazy(
            "Cada persona escribe sus respuestas; el equipo facilitador publica las que "
            "modera. No hay opciones ni votos."
        ),
    ),
)

RULE_CHOICES: tuple[tuple[str, Any], ...] = (
    ("mes", gettext_lazy("Igualdad de partes (MES): reparte el presupuesto con equidad")),
    ("greedy", gettext_lazy("Codicioso: los más votados primero, mientras alcance")),
)

# Thousands separated by dots, commas or spaces (1.200.000, 1,200,000, 1 200 000), or
# plain digits; an optional currency sign. Decimals are not costs: refused.
_INTEGER = re.compile(r"^\$?\s*(\d{1,3}(?:([.,\s\u00a0])\d{3})(?:\2\d{3})*|\d+)$")

# Which form field a method parameter is entered in, for errors from the tally check.
_PARAM_FIELD = {
    "min_choices": "poll_min_choices",
    "max_choices": "poll_max_choices",
    "min_score": "poll_min_score",
    "max_score": "poll_max_score",
    "total": "poll_total",
    "budget": "poll_budget",
    "min_spend": "poll_min_spend",
    "rule": "poll_rule",
    "max_answers": "poll_max_answers",
}


def parse_integer(raw: str) -> int | None:
    """``"1.200.000"`` → 1200000; ``None`` when it is not a whole number."""
    text = raw.strip()
    match = _INTEGER.match(text)
    if not match:
        return None
    return int(re.sub(r"\D", "", match.group(1)))


def _number(
    data: Mapping[str, str],
    field: str,
    errors: dict[str, str],
    *,
    label: str,
    default: int | None,
    minimum: int = 0,
) -> int | None:
    raw = str(data.get(field, "") or "").strip()
    if not raw:
        return default
    value = parse_integer(raw)
    if value is None or value < minimum or value > MAX_SETTING:
        errors[field] = _("%(label)s: escriba un número entero desde %(minimum)s.") % {
            "label": label,
            "minimum": minimum,
        }
        return None
    return value


def _options(method: str, raw: str, errors: dict[str, str]) -> list[dict[str, Any]]:
    """One option per line; for budgeting "Proyecto | costo". Blank lines are skipped
    but still counted, so "Línea 3" is the third line the facilitator sees."""
    options: list[dict[str, Any]] = []
    seen: set[str] = set()
    problems: list[str] = []
    for number, line in enumerate(raw.splitlines(), start=1):
        text = line.strip()
        if not text:
            continue
        cost: int | None = None
        if method == "budget":
            label, _sep, raw_cost = text.rpartition("|")
            if not _sep:
                label, raw_cost = text, ""
            label = label.strip()
            raw_cost = raw_cost.strip()
            if not label:
                problems.append(
                    _("Línea %(line)s: falta el nombre del proyecto.") % {"line": number}
                )
                continue
            if not raw_cost:
                problems.append(
                    _("Línea %(line)s: falta el costo del proyecto.") % {"line": number}
                )
                continue
            cost = parse_integer(raw_cost)
            if cost is None or cost <= 0 or cost > MAX_SETTING:
                problems.append(
                    _("Línea %(line)s: el costo «%(cost)s» no es un número entero positivo.")
                    % {"line": number, "cost": raw_cost}
                )
                continue
        else:
            label = text
        if len(label) > MAX_LABEL:
            problems.append(
                _("Línea %(line)s: el texto tiene más de %(max)s caracteres.")
                % {"line": number, "max": MAX_LABEL}
            )
            continue
        if label.casefold() in seen:
            problems.append(
                _("Línea %(line)s: «%(label)s» está repetida.") % {"line": number, "label": label}
            )
            continue
        seen.add(label.casefold())
        # Keys are generated: labels may change wording, keys never travel to people.
        option: dict[str, Any] = {"key": f"o{len(options) + 1}", "label": label}
        if method == "budget":
            option["cost"] = cost
        options.append(option)
    minimum = 1 if method == "consensus" else 2
    if problems:
        errors["poll_options"] = " ".join(problems)
    elif len(options) < minimum:
        errors["poll_options"] = (
            _("Escriba al menos una afirmación.")
            if method == "consensus"
            else _("Escriba al menos dos opciones, una por línea.")
        )
    elif len(options) > MAX_OPTIONS:
        errors["poll_options"] = _("Como máximo %(max)s opciones.") % {"max": MAX_OPTIONS}
    return options


def _settings(
    method: str, data: Mapping[str, str], count: int, errors: dict[str, str]
) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    if method == "approval":
        low = _number(
            data, "poll_min_choices", errors, label=_("Mínimo de opciones"), default=1, minimum=1
        )
        high = _number(
            data, "poll_max_choices", errors, label=_("Máximo de opciones"), default=None, minimum=1
        )
        if low is not None and count and low > count:
            errors["poll_min_choices"] = _(
                "El mínimo de opciones no puede superar el número de opciones (%(count)s)."
            ) % {"count": count}
        if high is not None and low is not None and high < low:
            errors["poll_max_choices"] = _(
                "El máximo de opciones no puede ser menor que el mínimo."
            )
        if low is not None:
            settings["min_choices"] = low
        if high is not None:
            settings["max_choices"] = min(high, count) if count else high
    elif method == "score":
        low = _number(data, "poll_min_score", errors, label=_("Escala mínima"), default=1)
        high = _number(data, "poll_max_score", errors, label=_("Escala máxima"), default=5)
        if low is not None and high is not None:
            if high <= low:
                errors["poll_max_score"] = _("La escala máxima debe ser mayor que la mínima.")
            elif high - low > 100:
                errors["poll_max_score"] = _("La escala admite como máximo 100 pasos.")
            settings.update(min_score=low, max_score=high)
    elif method == "points":
        total = _number(
            data, "poll_total", errors, label=_("Total de puntos"), default=100, minimum=1
        )
        if total is not None:
            settings["total"] = total
    elif method == "budget":
        budget = _number(
            data, "poll_budget", errors, label=_("Presupuesto"), default=None, minimum=1
        )
        if budget is None and "poll_budget" not in errors:
            errors["poll_budget"] = _("Escriba el presupuesto disponible.")
        min_spend = _number(data, "poll_min_spend", errors, label=_("Gasto mínimo"), default=None)
        if budget is not None and min_spend is not None and min_spend > budget:
            errors["poll_min_spend"] = _("El gasto mínimo no puede superar el presupuesto.")
        rule = str(data.get("poll_rule", "") or "mes")
        if rule not in dict(RULE_CHOICES):
            errors["poll_rule"] = _("Elija una regla de asignación de la lista.")
        if budget is not None:
            settings["budget"] = budget
        if min_spend:
            settings["min_spend"] = min_spend
        settings["rule"] = rule
    elif method == "open":
        most = _number(
            data,
            "poll_max_answers",
            errors,
            label=_("Respuestas por persona"),
            default=3,
            minimum=1,
        )
        if most is not None and most > MAX_ANSWERS:
            errors["poll_max_answers"] = _("Respuestas por persona: como máximo %(max)s.") % {
                "max": MAX_ANSWERS
            }
        elif most is not None:
            settings["max_answers"] = most
    elif method == "consensus":
        if data.get("poll_allow_submissions") in ("on", "true", "1"):
            settings["allow_submissions"] = True
    return settings


def _check_tally(
    method: str, options: list[dict[str, Any]], settings: dict[str, Any], errors: dict[str, str]
) -> None:
    """Last guard: the method itself must accept the configuration (a tally of no
    ballots raises for what it cannot count), so the poll can always open."""
    opts: Any = (
        {o["key"]: o["cost"] for o in options}
        if method == "budget"
        else [o["key"] for o in options]
    )
    try:
        METHODS[method].tally([], opts, **settings)
    except BallotError as exc:
        field = _PARAM_FIELD.get(exc.field or "", "poll_options")
        errors.setdefault(
            field,
            _("La configuración de la votación no es válida (%(code)s).") % {"code": exc.code},
        )


def parse_poll_form(data: Mapping[str, str]) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """``(poll_spec, {})`` for a good form, ``(None, {field: message})`` otherwise."""
    errors: dict[str, str] = {}
    method = str(data.get("poll_method", "") or "")
    if method not in METHODS:
        errors["poll_method"] = _("Elija un método de votación de la lista.")
        return None, errors
    visibility = str(data.get("poll_visibility", "") or ResultsVisibility.AFTER_CLOSE)
    if visibility not in ResultsVisibility.values:
        errors["poll_visibility"] = _("Elija cuándo se ven los resultados.")
    # Open answers have no options: what people write is the result.
    options = (
        []
        if method == "open"
        else _options(method, str(data.get("poll_options", "") or ""), errors)
    )
    settings = _settings(method, data, len(options), errors)
    if not errors:
        _check_tally(method, options, settings, errors)
    if errors:
        return None, {field: errors[field] for field in FIELDS if field in errors}
    spec: dict[str, Any] = {
        "method": method,
        "options": options,
        "settings": settings,
        "results_visibility": visibility,
    }
    return spec, {}


# Where the service's ValidationError keys are shown on the console form.
SERVICE_FIELDS: dict[str, str] = {
    "method": "poll_method",
    "options": "poll_options",
    "results_visibility": "poll_visibility",
    "settings": "poll_method",
    "poll_spec": "poll_options",
}


def service_errors(message_dict: Mapping[str, list[str]]) -> dict[str, str]:
    """A ValidationError's messages keyed by the console form's fields."""
    errors: dict[str, str] = {}
    for key, messages in message_dict.items():
        field = SERVICE_FIELDS.get(key, key)
        text = " ".join(str(m) for m in messages)
        errors[field] = f"{errors[field]} {text}" if field in errors else text
    return errors
