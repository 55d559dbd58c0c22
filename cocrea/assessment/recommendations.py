"""Recommendations drawn from the HAGA toolkit for an entity's scored self-assessment.

For every pillar of the result, weakest first, the toolkit's methodologies, tools and
experiences that help the entity reach its next stage, with one or two "victorias
tempranas" (early wins) on top. The rules, which :func:`recommend` applies to plain
data (no database, so they are tested exhaustively) and :func:`recommendations_for`
feeds with the toolkit's rows:

1. **Pillars, weakest first.** Every pillar of the result gets a section, even when
   the toolkit has nothing for it (the page then says so). Order: score ascending,
   then stage, then the toolkit's pillar order.
2. **Target.** The target stage is the next one (:func:`scoring.next_stage`); a
   pillar already at "referente" stays there. The target IAP2 level is the entity's
   *readiness* (the level it can already sustain, from the scoring); the level just
   above it is the *stretch* level (none above "empoderar").
3. **What fits a pillar.**
   - a methodology fits when its pillars include the pillar and its levels include
     the readiness level (recommended at that level) or, failing that, the stretch
     level (recommended at the stretch level, marked as a stretch);
   - a tool or experience fits when the pillar is its pillar (primary match) or its
     second pillar (secondary match) and its level is at most the stretch level.
4. **Ranking**, deterministic: closeness of the recommended level to the readiness
   level (distance in IAP2 steps; on equal distance the level below beats the
   stretch above, because it can be done now), then a primary pillar match before a
   secondary one, then methodologies before tools before experiences (only a
   methodology can start a process), then the toolkit's order, name and slug.
5. **Early wins.** The first :data:`EARLY_WINS` ranked items that are doable now —
   recommended at or below the readiness level *and* a primary pillar match — are
   flagged, moved to the top and explained in one sentence. An early win is never
   above the readiness level.
6. **Length.** At most :data:`PER_PILLAR` items per pillar (early wins always kept),
   so each section stays readable.

Every item carries one sentence saying why it is there (its level against what the
entity sustains, and a secondary-pillar note when that is how it matched).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from cocrea.accounts.models import Entity
from cocrea.assessment import questionnaire, scoring
from cocrea.toolkit.models import Experience, ExperienceKind, Level, Methodology, Pillar

EARLY_WINS = 2
PER_PILLAR = 8

METHODOLOGY = "methodology"
TOOL = "tool"
EXPERIENCE = "experience"
KIND_RANK = {METHODOLOGY: 0, TOOL: 1, EXPERIENCE: 2}


# --- plain data ------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelRef:
    """An IAP2 level as the rules need it: its code, place in the spectrum and name."""

    code: str
    order: int
    name: str


@dataclass(frozen=True)
class Candidate:
    """A toolkit item that may be recommended.

    A methodology lists all the levels it works at and the pillars it serves (all of
    them primary); a tool or experience has one level, one pillar and maybe a second.
    """

    kind: str
    slug: str
    name: str
    url: str
    levels: tuple[LevelRef, ...]
    pillars: tuple[str, ...]
    second_pillars: tuple[str, ...] = ()
    order: int = 0


@dataclass(frozen=True)
class PillarStanding:
    """Where the entity stands in one pillar, with the names the page shows."""

    code: str
    name: str
    score: float
    stage: str
    stage_name: str
    target_stage: str
    target_stage_name: str
    order: int = 0
    stage_index: int = 0


@dataclass(frozen=True)
class Recommendation:
    kind: str
    slug: str
    name: str
    url: str
    level: LevelRef
    pillar: str
    secondary: bool
    stretch: bool
    early_win: bool
    reason: str

    @property
    def is_methodology(self) -> bool:
        return self.kind == METHODOLOGY


@dataclass(frozen=True)
class PillarRecommendations:
    pillar: PillarStanding
    readiness: LevelRef
    stretch: LevelRef | None
    recommendations: tuple[Recommendation, ...] = field(default_factory=tuple)

    @property
    def early_wins(self) -> tuple[Recommendation, ...]:
        return tuple(r for r in self.recommendations if r.early_win)

    @property
    def others(self) -> tuple[Recommendation, ...]:
        return tuple(r for r in self.recommendations if not r.early_win)


# --- pure rules ------------------------------------------------------------------------


def stretch_level(readiness: LevelRef, levels: Sequence[LevelRef]) -> LevelRef | None:
    """The level just above ``readiness`` in the spectrum, if any."""
    above = [level for level in levels if level.order > readiness.order]
    return min(above, key=lambda level: level.order) if above else None


def _fit(
    candidate: Candidate, pillar: str, readiness: LevelRef, stretch: LevelRef | None
) -> tuple[LevelRef, bool] | None:
    """The level ``candidate`` is recommended at for ``pillar``, and whether the pillar
    matched only as its second one; ``None`` when it does not fit (rule 3)."""
    if candidate.kind == METHODOLOGY:
        if pillar not in candidate.pillars:
            return None
        codes = {level.code for level in candidate.levels}
        if readiness.code in codes:
            return readiness, False
        if stretch is not None and stretch.code in codes:
            return stretch, False
        return None
    if pillar in candidate.pillars:
        secondary = False
    elif pillar in candidate.second_pillars:
        secondary = True
    else:
        return None
    ceiling = (stretch or readiness).order
    fitting = [level for level in candidate.levels if level.order <= ceiling]
    if not fitting:
        return None
    return max(fitting, key=lambda level: level.order), secondary


def _reason(level: LevelRef, readiness: LevelRef, *, early_win: bool, secondary: bool) -> str:
    """One sentence on why the item is there (plus a second one for a secondary match:
    whole sentences, so that translators never see a fragment)."""
    values = {"level": level.name}
    if early_win:
        text = _("Se puede hacer ya: nivel %(level)s, que su entidad ya puede sostener.")
    elif level.order > readiness.order:
        text = _(
            "Un reto para crecer: nivel %(level)s, un paso más allá de lo que su entidad "
            "sostiene hoy."
        )
    elif level.order == readiness.order:
        text = _("Encaja con el nivel %(level)s, que su entidad ya puede sostener.")
    else:
        text = _("Un paso seguro: nivel %(level)s, por debajo de lo que su entidad ya sostiene.")
    text %= values
    if secondary:
        text += " " + _("Aporta a este pilar como su segundo pilar.")
    return text


def rank(
    candidates: Sequence[Candidate],
    pillar: str,
    readiness: LevelRef,
    stretch: LevelRef | None,
) -> tuple[Recommendation, ...]:
    """The candidates that fit ``pillar``, ranked, with the early wins first (rules 3–6)."""
    fitted: list[tuple[tuple[Any, ...], Candidate, LevelRef, bool]] = []
    for candidate in candidates:
        fit = _fit(candidate, pillar, readiness, stretch)
        if fit is None:
            continue
        level, secondary = fit
        distance = level.order - readiness.order
        key = (
            abs(distance),
            distance > 0,
            secondary,
            KIND_RANK.get(candidate.kind, len(KIND_RANK)),
            candidate.order,
            candidate.name.casefold(),
            candidate.slug,
        )
        fitted.append((key, candidate, level, secondary))
    fitted.sort(key=lambda row: row[0])

    early: list[Recommendation] = []
    rest: list[Recommendation] = []
    for _key, candidate, level, secondary in fitted:
        is_early = len(early) < EARLY_WINS and level.order <= readiness.order and not secondary
        item = Recommendation(
            kind=candidate.kind,
            slug=candidate.slug,
            name=candidate.name,
            url=candidate.url,
            level=level,
            pillar=pillar,
            secondary=secondary,
            stretch=level.order > readiness.order,
            early_win=is_early,
            reason=_reason(level, readiness, early_win=is_early, secondary=secondary),
        )
        (early if is_early else rest).append(item)
    return tuple(early + rest[: max(PER_PILLAR - len(early), 0)])


def recommend(
    standings: Sequence[PillarStanding],
    readiness: LevelRef,
    levels: Sequence[LevelRef],
    candidates: Sequence[Candidate],
) -> list[PillarRecommendations]:
    """Every pillar, weakest first, with its ranked recommendations (rules 1–6)."""
    stretch = stretch_level(readiness, levels)
    ordered = sorted(standings, key=lambda s: (s.score, s.stage_index, s.order, s.code))
    return [
        PillarRecommendations(
            pillar=standing,
            readiness=readiness,
            stretch=stretch,
            recommendations=rank(candidates, standing.code, readiness, stretch),
        )
        for standing in ordered
    ]


# --- the selector ----------------------------------------------------------------------


def _level_ref(level: Level) -> LevelRef:
    return LevelRef(code=level.code, order=level.order, name=level.tr("name"))


def toolkit_candidates(levels: dict[str, LevelRef]) -> list[Candidate]:
    """The toolkit's methodologies, tools and experiences as plain candidates."""
    candidates: list[Candidate] = []
    for methodology in Methodology.objects.prefetch_related("levels", "pillars"):
        candidates.append(
            Candidate(
                kind=METHODOLOGY,
                slug=methodology.slug,
                name=methodology.tr("name"),
                url=reverse("toolkit:methodology", args=[methodology.slug]),
                levels=tuple(levels[level.code] for level in methodology.levels.all()),
                pillars=tuple(pillar.code for pillar in methodology.pillars.all()),
                order=methodology.order,
            )
        )
    for experience in Experience.objects.select_related("pillar", "second_pillar", "level"):
        candidates.append(
            Candidate(
                kind=TOOL if experience.kind == ExperienceKind.TOOL else EXPERIENCE,
                slug=experience.slug,
                name=experience.tr("name"),
                url=reverse("toolkit:experience", args=[experience.slug]),
                levels=(levels[experience.level.code],),
                pillars=(experience.pillar.code,),
                second_pillars=(
                    (experience.second_pillar.code,) if experience.second_pillar else ()
                ),
            )
        )
    return candidates


def _stage_name(stage: str) -> str:
    return questionnaire.tr(questionnaire.STAGE_NAMES[stage])


def recommendations_for(entity: Entity, result: scoring.Result) -> list[PillarRecommendations]:
    """The recommendations for ``entity``'s scored ``result`` (a ``scoring.Result``).

    ``entity`` is part of the signature so that the page and the start form stay tied to
    one entity; the rules themselves depend only on the result and the toolkit."""
    levels = {level.code: _level_ref(level) for level in Level.objects.order_by("order")}
    if not levels or not result.stages:
        return []
    readiness = levels.get(result.readiness) or min(levels.values(), key=lambda lv: lv.order)
    toolkit_pillars = {pillar.code: pillar for pillar in Pillar.objects.all()}
    dimensions = {dimension.code: dimension for dimension in questionnaire.PILLARS}

    standings = []
    for code, stage in result.stages.items():
        target = scoring.next_stage(stage) or stage
        pillar = toolkit_pillars.get(code)
        if pillar is not None:
            name, order = pillar.tr("name"), pillar.order
        else:
            name, order = questionnaire.tr(dimensions[code].name), len(toolkit_pillars)
        standings.append(
            PillarStanding(
                code=code,
                name=name,
                score=result.dimensions.get(code, 0),
                stage=stage,
                stage_name=_stage_name(stage),
                target_stage=target,
                target_stage_name=_stage_name(target),
                order=order,
                stage_index=questionnaire.STAGES.index(stage),
            )
        )
    return recommend(standings, readiness, list(levels.values()), toolkit_candidates(levels))
