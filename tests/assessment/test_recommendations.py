"""Recommendations from the toolkit: the ranking rules on plain data (no database), and
the selector over the toolkit the migrations ship."""

from __future__ import annotations

import random

import pytest
from django.utils import translation

from cocrea.assessment import scoring
from cocrea.assessment.questionnaire import PILLARS
from cocrea.assessment.recommendations import (
    EARLY_WINS,
    EXPERIENCE,
    METHODOLOGY,
    PER_PILLAR,
    TOOL,
    Candidate,
    LevelRef,
    PillarStanding,
    rank,
    recommend,
    recommendations_for,
    stretch_level,
)

INFORMAR = LevelRef("informar", 1, "Informar")
CONSULTAR = LevelRef("consultar", 2, "Consultar")
INVOLUCRAR = LevelRef("involucrar", 3, "Involucrar")
COLABORAR = LevelRef("colaborar", 4, "Colaborar")
EMPODERAR = LevelRef("empoderar", 5, "Empoderar")
LEVELS = [INFORMAR, CONSULTAR, INVOLUCRAR, COLABORAR, EMPODERAR]


def method(slug: str, levels: tuple[LevelRef, ...], pillars: tuple[str, ...], order: int = 1):
    return Candidate(METHODOLOGY, slug, slug.title(), f"/m/{slug}/", levels, pillars, (), order)


def item(kind: str, slug: str, level: LevelRef, pillar: str, second: str | None = None):
    return Candidate(
        kind, slug, slug.title(), f"/r/{slug}/", (level,), (pillar,), (second,) if second else ()
    )


def standing(code: str, score: float, stage: str = "inicial", order: int = 0) -> PillarStanding:
    return PillarStanding(code, code.title(), score, stage, stage, stage, stage, order)


TOOLKIT = [
    method("arbol", (CONSULTAR, INVOLUCRAR), ("participacion",), order=2),
    method("actores", (INFORMAR, CONSULTAR, INVOLUCRAR), ("participacion", "transparencia"), 1),
    method("viaje", (INVOLUCRAR,), ("participacion",), order=4),
    method("compromiso", (COLABORAR,), ("participacion",), order=7),
    item(TOOL, "fixmystreet", CONSULTAR, "participacion", "innovacion"),
    item(TOOL, "ushahidi", CONSULTAR, "innovacion", "participacion"),
    item(EXPERIENCE, "urna", CONSULTAR, "participacion", "transparencia"),
    item(EXPERIENCE, "betri", INVOLUCRAR, "participacion"),
    item(EXPERIENCE, "decidim", COLABORAR, "participacion"),
    item(TOOL, "datos", INFORMAR, "transparencia", "participacion"),
    item(EXPERIENCE, "porto-alegre", EMPODERAR, "participacion"),
]


def slugs(items) -> list[str]:
    return [i.slug for i in items]


# --- pure rules -------------------------------------------------------------------------


def test_stretch_is_the_next_level_up_and_none_at_the_top() -> None:
    assert stretch_level(CONSULTAR, LEVELS) == INVOLUCRAR
    assert stretch_level(INFORMAR, list(reversed(LEVELS))) == CONSULTAR
    assert stretch_level(EMPODERAR, LEVELS) is None


def test_ranking_for_a_pillar_at_consultar() -> None:
    ranked = rank(TOOLKIT, "participacion", CONSULTAR, INVOLUCRAR)
    # Early wins first: methodologies at the readiness level, by toolkit order.
    assert slugs(ranked) == [
        "actores",  # consultar, primary, methodology order 1 — early win
        "arbol",  # consultar, primary, order 2 — early win
        "fixmystreet",  # consultar, primary, tool
        "urna",  # consultar, primary, experience
        "ushahidi",  # consultar, secondary
        "datos",  # informar (one below), secondary
        "viaje",  # stretch involucrar, methodology
        "betri",  # stretch involucrar, experience
    ]
    assert [r.early_win for r in ranked] == [True, True] + [False] * 6
    # Nothing above the stretch level: colaborar and empoderar are left out.
    assert {"compromiso", "decidim", "porto-alegre"}.isdisjoint(slugs(ranked))
    actores = ranked[0]
    assert (actores.level, actores.pillar, actores.stretch) == (CONSULTAR, "participacion", False)
    assert actores.reason == "Se puede hacer ya: nivel Consultar, que su entidad ya puede sostener."
    assert ranked[4].secondary and "segundo pilar" in ranked[4].reason
    assert ranked[6].stretch and ranked[6].level == INVOLUCRAR
    assert ranked[6].reason.startswith("Un reto para crecer: nivel Involucrar")


def test_a_methodology_is_recommended_at_readiness_when_it_can() -> None:
    """A methodology spanning several levels is proposed at the level the entity
    sustains, never at the stretch level when the readiness level is among its own."""
    ranked = rank([TOOLKIT[1]], "participacion", INFORMAR, CONSULTAR)
    assert [(r.slug, r.level, r.stretch, r.early_win) for r in ranked] == [
        ("actores", INFORMAR, False, True)
    ]
    # A methodology without the readiness level nor the stretch level does not fit.
    assert rank([TOOLKIT[3]], "participacion", INFORMAR, CONSULTAR) == ()


def test_early_wins_are_never_above_readiness_nor_secondary() -> None:
    only_stretch_and_secondary = [
        method("viaje", (INVOLUCRAR,), ("participacion",)),
        item(TOOL, "ushahidi", CONSULTAR, "innovacion", "participacion"),
    ]
    ranked = rank(only_stretch_and_secondary, "participacion", CONSULTAR, INVOLUCRAR)
    assert slugs(ranked) == ["ushahidi", "viaje"]
    assert not any(r.early_win for r in ranked)


@pytest.mark.parametrize("readiness", LEVELS, ids=lambda lv: lv.code)
@pytest.mark.parametrize("pillar", ["participacion", "transparencia", "innovacion"])
def test_rules_hold_for_every_readiness_and_pillar(readiness: LevelRef, pillar: str) -> None:
    stretch = stretch_level(readiness, LEVELS)
    ranked = rank(TOOLKIT, pillar, readiness, stretch)
    ceiling = (stretch or readiness).order
    early = [r for r in ranked if r.early_win]
    assert len(early) <= EARLY_WINS
    assert ranked[: len(early)] == tuple(early)  # early wins first
    assert all(r.level.order <= readiness.order and not r.secondary for r in early)
    assert all(r.level.order <= ceiling for r in ranked)
    assert all(r.stretch == (r.level.order > readiness.order) for r in ranked)
    assert len(ranked) <= PER_PILLAR
    assert len(set(slugs(ranked))) == len(ranked)
    # An early win is given whenever something doable now exists for the pillar.
    doable = [r for r in rank(TOOLKIT, pillar, readiness, None) if not r.secondary]
    assert bool(early) == bool(doable)


def test_ranking_is_deterministic_whatever_the_input_order() -> None:
    expected = rank(TOOLKIT, "participacion", CONSULTAR, INVOLUCRAR)
    shuffled = list(TOOLKIT)
    for seed in range(20):
        random.Random(seed).shuffle(shuffled)
        assert rank(shuffled, "participacion", CONSULTAR, INVOLUCRAR) == expected


def test_long_lists_are_cut_but_keep_their_early_wins() -> None:
    many = [item(EXPERIENCE, f"exp-{n:02d}", INFORMAR, "participacion") for n in range(20)]
    ranked = rank(many, "participacion", CONSULTAR, INVOLUCRAR)
    assert len(ranked) == PER_PILLAR
    assert slugs(ranked[:2]) == ["exp-00", "exp-01"] and ranked[0].early_win
    assert (
        ranked[0].reason == "Se puede hacer ya: nivel Informar, que su entidad ya puede sostener."
    )
    assert ranked[2].reason.startswith("Un paso seguro: nivel Informar")


def test_every_pillar_is_covered_weakest_first() -> None:
    standings = [
        standing("transparencia", 2.0, order=1),
        standing("rendicion-de-cuentas", 0.5, order=2),
        standing("participacion", 1.0, order=3),
        standing("innovacion", 0.5, order=4),
    ]
    groups = recommend(standings, CONSULTAR, LEVELS, TOOLKIT)
    # Equal scores keep the toolkit's pillar order.
    assert [g.pillar.code for g in groups] == [
        "rendicion-de-cuentas",
        "innovacion",
        "participacion",
        "transparencia",
    ]
    assert all(g.readiness == CONSULTAR and g.stretch == INVOLUCRAR for g in groups)
    by_code = {g.pillar.code: g for g in groups}
    assert by_code["rendicion-de-cuentas"].recommendations == ()  # nothing in this toolkit
    assert slugs(by_code["participacion"].early_wins) == ["actores", "arbol"]
    assert "actores" not in slugs(by_code["participacion"].others)


def test_an_empty_toolkit_still_lists_every_pillar_with_nothing_to_do() -> None:
    standings = [standing(code, 1.0) for code in ("transparencia", "participacion")]
    groups = recommend(standings, INFORMAR, LEVELS, [])
    assert [g.pillar.code for g in groups] == ["participacion", "transparencia"]
    assert all(g.recommendations == () and g.early_wins == () for g in groups)
    assert recommend([], INFORMAR, LEVELS, TOOLKIT) == []


# --- the selector over the shipped toolkit ----------------------------------------------


def result(readiness: str, stages: dict[str, str], scores: dict[str, float]) -> scoring.Result:
    """A scoring result as the scoring stores it (built through its own from_dict)."""
    return scoring.Result.from_dict(
        {
            "version": "test",
            "dimensions": scores,
            "stages": stages,
            "overall_score": 1.0,
            "overall_stage": "en_desarrollo",
            "readiness": readiness,
            "notes": [],
        }
    )


@pytest.mark.django_db
def test_selector_over_the_shipped_toolkit(entity) -> None:
    stages = {
        "transparencia": "consolidado",
        "rendicion-de-cuentas": "en_desarrollo",
        "participacion": "inicial",
        "innovacion": "referente",
    }
    scores = {"transparencia": 2.0, "rendicion-de-cuentas": 1.5, "participacion": 0.5}
    scores["innovacion"] = 3.0
    with translation.override("es"):
        groups = recommendations_for(entity, result("consultar", stages, scores))

    # Every pillar of the questionnaire, weakest first.
    assert sorted(g.pillar.code for g in groups) == sorted(p.code for p in PILLARS)
    assert [g.pillar.code for g in groups] == [
        "participacion",
        "rendicion-de-cuentas",
        "transparencia",
        "innovacion",
    ]
    participacion = groups[0]
    assert participacion.pillar.name == "Participación ciudadana"
    assert participacion.pillar.stage_name == "Inicial"
    assert participacion.pillar.target_stage_name == "En desarrollo"
    assert participacion.readiness.code == "consultar"
    assert participacion.stretch is not None and participacion.stretch.code == "involucrar"
    # The shipped consult-level methodologies for participation come first, in the
    # toolkit's order.
    early = participacion.early_wins
    assert [r.slug for r in early] == ["mapa-de-actores", "arbol-de-problemas"]
    assert all(r.kind == METHODOLOGY and r.level.code == "consultar" for r in early)
    assert early[0].url == "/metodologias/mapa-de-actores/"
    assert early[0].reason == (
        "Se puede hacer ya: nivel Consultar, que su entidad ya puede sostener."
    )
    assert {r.kind for r in participacion.recommendations} == {METHODOLOGY, TOOL, EXPERIENCE}
    fixmystreet = next(r for r in participacion.recommendations if r.slug == "fixmystreet")
    assert (fixmystreet.kind, fixmystreet.url) == (TOOL, "/repositorio/fixmystreet/")
    allowed = {"informar", "consultar", "involucrar"}
    assert all(r.level.code in allowed for g in groups for r in g.recommendations)

    # A pillar at "referente" stays there.
    innovacion = groups[-1]
    assert innovacion.pillar.stage == innovacion.pillar.target_stage == "referente"
    # Accountability has no consult-level methodology in the toolkit, but its tools and
    # experiences at «informar» still give it an early win.
    rendicion = groups[1]
    assert rendicion.early_wins and rendicion.early_wins[0].level.code == "informar"
    assert all(r.kind != METHODOLOGY for r in rendicion.early_wins)


@pytest.mark.django_db
def test_selector_names_follow_the_language(entity) -> None:
    stages = {"participacion": "inicial"}
    with translation.override("en"):
        (group,) = recommendations_for(entity, result("informar", stages, {"participacion": 0}))
    assert group.pillar.name == "Civic participation"
    assert (group.pillar.stage_name, group.pillar.target_stage_name) == ("Initial", "Developing")
    assert group.readiness.name == "Inform"
    assert group.early_wins[0].level.name == "Inform"


@pytest.mark.django_db
def test_selector_without_pillars_gives_an_empty_list(entity) -> None:
    assert recommendations_for(entity, result("informar", {}, {})) == []
