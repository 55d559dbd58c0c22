"""Citizen-readable explanations: each structured :class:`Step` rendered as one sentence.

Source strings are Spanish (the platform's first language) and go through Django's gettext,
so the English catalogue translates them; the steps themselves stay language-neutral for
the API and the UI.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .base import Result, Step, fmt_number


def _plain(value: Any) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {fmt_number(v)}" for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        if value and all(isinstance(v, list | tuple) for v in value):
            return " > ".join(" = ".join(map(str, tier)) for tier in value)
        return ", ".join(map(str, value))
    if value is None:
        return ""
    return fmt_number(value)


def _eliminated(p: dict[str, Any]) -> str:
    reason = p["reason"]
    if reason == "tie_earlier_round":
        return (
            _(
                "Ronda %(round)s: empate en el último lugar entre %(tied)s; se elimina %(option)s "
                "porque tuvo menos votos en la ronda %(tie_round)s."
            )
            % p
        )
    if reason == "tie_option_order":
        return (
            _(
                "Ronda %(round)s: empate en el último lugar entre %(tied)s en todas las rondas; "
                "se elimina %(option)s por ir último en el orden de opciones de la votación."
            )
            % p
        )
    return (
        ngettext(
            "Ronda %(round)s: se elimina %(option)s, la opción con menos votos (%(votes)s voto).",
            "Ronda %(round)s: se elimina %(option)s, la opción con menos votos (%(votes)s votos).",
            p["_votes"],
        )
        % p
    )


def _templates() -> dict[str, Callable[[dict[str, Any]], str]]:
    # Built per call so the sentences follow the language active at render time.
    return {
        "ballots_counted": lambda p: (
            ngettext(
                "Se contó %(ballots)s papeleta.",
                "Se contaron %(ballots)s papeletas.",
                p["_ballots"],
            )
            % p
        ),
        "no_votes": lambda p: _("No hay votos: no hay resultado."),
        "option_votes": lambda p: (
            ngettext(
                "%(option)s: %(votes)s voto (%(share)s %%).",
                "%(option)s: %(votes)s votos (%(share)s %%).",
                p["_votes"],
            )
            % p
        ),
        "option_approvals": lambda p: (
            ngettext(
                "%(option)s: %(votes)s aprobación (%(share)s %%).",
                "%(option)s: %(votes)s aprobaciones (%(share)s %%).",
                p["_votes"],
            )
            % p
        ),
        "option_points": lambda p: (
            ngettext(
                "%(option)s: %(points)s punto.", "%(option)s: %(points)s puntos.", p["_points"]
            )
            % p
        ),
        "option_points_share": lambda p: (
            _("%(option)s: %(points)s puntos (%(share)s %%) de %(supporters)s participantes.") % p
        ),
        "option_score": lambda p: (
            _("%(option)s: media %(mean)s, mediana %(median)s (%(count)s puntuaciones).") % p
        ),
        "tie": lambda p: _("Empate en el primer lugar entre %(options)s.") % p,
        "tie_broken_by_order": lambda p: (
            _(
                "El empate se resuelve a favor de %(option)s por ir primero en el orden de "
                "opciones de la votación."
            )
            % p
        ),
        "tie_broken_by_first": lambda p: (
            _(
                "El empate se resuelve a favor de %(option)s, que tiene más primeras preferencias "
                "(%(votes)s)."
            )
            % p
        ),
        "tie_broken_by_median": lambda p: (
            _(
                "El empate se resuelve a favor de %(option)s, que tiene la mediana más alta "
                "(%(median)s)."
            )
            % p
        ),
        "tie_broken_by_supporters": lambda p: (
            _(
                "El empate se resuelve a favor de %(option)s, apoyada por más participantes "
                "(%(votes)s)."
            )
            % p
        ),
        "winner_plurality": lambda p: (
            ngettext(
                "Gana %(option)s con %(votes)s voto, la mayor cantidad.",
                "Gana %(option)s con %(votes)s votos, la mayor cantidad.",
                p["_votes"],
            )
            % p
        ),
        "winner_approval": lambda p: (
            ngettext(
                "Gana %(option)s con %(votes)s aprobación, la mayor cantidad.",
                "Gana %(option)s con %(votes)s aprobaciones, la mayor cantidad.",
                p["_votes"],
            )
            % p
        ),
        "elected": lambda p: _("Quedan elegidas: %(options)s.") % p,
        "round_counts": lambda p: (
            _(
                "Ronda %(round)s: %(counts)s (papeletas en juego: %(continuing)s; agotadas: "
                "%(exhausted)s)."
            )
            % p
        ),
        "majority": lambda p: (
            _(
                "Ronda %(round)s: %(option)s tiene %(votes)s de %(continuing)s papeletas en juego, "
                "más de la mitad, y gana."
            )
            % p
        ),
        "last_remaining": lambda p: (
            _("Ronda %(round)s: %(option)s es la única opción que queda.") % p
        ),
        "eliminated": _eliminated,
        "transfer": lambda p: _("%(votes)s papeletas de %(source)s pasan a %(target)s.") % p,
        "exhausted": lambda p: (
            _(
                "%(votes)s papeletas de %(source)s quedan agotadas: no ordenan más opciones "
                "en juego."
            )
            % p
        ),
        "condorcet_winner": lambda p: (
            _("%(option)s gana el enfrentamiento directo contra cada una de las demás opciones.")
            % p
        ),
        "path_beats": lambda p: (
            _(
                "El camino más fuerte de %(option)s a %(other)s (%(strength)s) supera al de "
                "%(other)s a %(option)s (%(against)s)."
            )
            % p
        ),
        "path_ties": lambda p: (
            _(
                "El camino más fuerte de %(option)s a %(other)s (%(strength)s) iguala al de "
                "%(other)s a %(option)s (%(against)s)."
            )
            % p
        ),
        "ranking_tiers": lambda p: _("Clasificación: %(tiers)s.") % p,
        "winner_schulze": lambda p: (
            _("Gana %(option)s: ninguna otra opción tiene un camino más fuerte contra ella.") % p
        ),
        "borda_scale": lambda p: (
            _(
                "Cada papeleta da %(first)s puntos a su primera opción, uno menos a cada puesto "
                "siguiente y %(last)s a las opciones no ordenadas."
            )
            % p
        ),
        "winner_borda": lambda p: _("Gana %(option)s con %(points)s puntos.") % p,
        "score_scale": lambda p: _("Escala de puntuación: de %(min_score)s a %(max_score)s.") % p,
        "winner_score": lambda p: _("Gana %(option)s con la media más alta (%(mean)s).") % p,
        "winner_points": lambda p: _("Gana %(option)s con %(points)s puntos.") % p,
        "project_funded": lambda p: (
            _("Se financia %(project)s (costo %(cost)s, %(votes)s votos); quedan %(left)s.") % p
        ),
        "project_skipped": lambda p: (
            _(
                "Se omite %(project)s (costo %(cost)s, %(votes)s votos): no cabe en lo que queda "
                "(%(left)s)."
            )
            % p
        ),
        "mes_share": lambda p: (
            _(
                "El presupuesto de %(budget)s se reparte por igual: %(share)s por cada una de las "
                "%(voters)s personas votantes."
            )
            % p
        ),
        "mes_add1": lambda p: (
            _(
                "Para usar mejor el presupuesto, la parte de cada persona se amplió a %(share)s "
                "sin que el total pase del presupuesto."
            )
            % p
        ),
        "mes_funded": lambda p: (
            _(
                "Se financia %(project)s (costo %(cost)s, %(votes)s votos): sus partidarios pagan "
                "como máximo %(payment)s cada uno."
            )
            % p
        ),
        "greedy_completion": lambda p: _(
            "El dinero que sobra se asigna a los proyectos más votados que aún caben."
        ),
        "budget_outcome": lambda p: (
            _(
                "Proyectos financiados: %(projects)s; total %(spent)s de un presupuesto de "
                "%(budget)s."
            )
            % p
        ),
        "participants": lambda p: _("Participaron %(participants)s personas.") % p,
        "consensus_rule": lambda p: (
            _(
                "Hay consenso si al menos el %(threshold)s %% de quienes votaron está de acuerdo "
                "(con %(min_votes)s votos como mínimo); es divisiva si acuerdo y desacuerdo "
                "alcanzan cada uno al menos el %(divisive)s %%."
            )
            % p
        ),
        "consensus": lambda p: (
            _("Consenso: %(option)s (%(share)s %% de acuerdo, %(votes)s votos).") % p
        ),
        "divisive": lambda p: (
            _(
                "Divisiva: %(option)s (%(agree)s %% de acuerdo, %(disagree)s %% en desacuerdo, "
                "%(votes)s votos)."
            )
            % p
        ),
        "no_consensus": lambda p: _("Ninguna afirmación alcanza el consenso."),
        "open_answers_limit": lambda p: (
            ngettext(
                "Cada participante podía enviar hasta %(max_answers)s respuesta.",
                "Cada participante podía enviar hasta %(max_answers)s respuestas.",
                p["_max_answers"],
            )
            % p
        ),
        "open_answers": lambda p: (
            ngettext(
                "Se publicó %(answers)s respuesta, aprobada en moderación.",
                "Se publicaron %(answers)s respuestas, aprobadas en moderación.",
                p["_answers"],
            )
            % p
        ),
        "no_answers": lambda p: _("No se publicó ninguna respuesta."),
    }


def render_step(
    step: Step, templates: dict[str, Callable[[dict[str, Any]], str]] | None = None
) -> str:
    templates = templates or _templates()
    params: dict[str, Any] = {key: _plain(value) for key, value in step.params.items()}
    # ngettext needs the raw number to choose singular or plural.
    for key, value in step.params.items():
        if isinstance(value, int | float):
            params["_" + key] = int(value)
    render = templates.get(step.code)
    if render is None:
        return step.code
    return render(params)


def explain(result: Result) -> list[str]:
    """The result's explanation as sentences in the active language."""
    templates = _templates()
    return [render_step(step, templates) for step in result.steps]
