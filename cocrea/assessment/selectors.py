"""Reads for the staged model: an entity's assessments and answers, the platform
evidence its published policy work offers, its progress over time, and the public list
of stages.

Scored assessments are read from their frozen ``scores`` (never re-scored), so a later
change of the questionnaire or of the scoring rules never rewrites an entity's history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from cocrea.accounts.models import Entity
from cocrea.assessment.models import Answer, Assessment, AssessmentStatus, StageVisibility
from cocrea.assessment.questionnaire import FACTORS, PILLARS, STAGES, Dimension
from cocrea.assessment.scoring import PlatformEvidence, Result
from cocrea.policy.models import (
    ActionPlan,
    Commitment,
    Completion,
    DraftVersion,
    PlanStatus,
    PlanVersion,
)

# Where the evidence applied at scoring time is frozen inside ``Assessment.scores``,
# beside the result: the live policy data moves on, the assessment must not.
EVIDENCE_KEY = "evidence"


# --- assessments -------------------------------------------------------------------------


def assessments_of(entity: Entity) -> list[Assessment]:
    """The entity's assessments, newest first, with how many answers each holds."""
    return list(
        Assessment.objects.filter(entity=entity)
        .select_related("created_by")
        .prefetch_related("answers")
        .order_by("-created", "-pk")
    )


def assessment_of(entity: Entity, pk: int) -> Assessment:
    """One assessment of the entity (``Assessment.DoesNotExist`` for another entity's)."""
    return Assessment.objects.select_related("entity", "created_by").get(entity=entity, pk=pk)


def open_draft(entity: Entity, version: str) -> Assessment | None:
    """The entity's draft on the given questionnaire version, if one is open."""
    return (
        Assessment.objects.filter(
            entity=entity, status=AssessmentStatus.DRAFT, questionnaire=version
        )
        .order_by("-created", "-pk")
        .first()
    )


def answers_of(assessment: Assessment) -> dict[str, Answer]:
    return {a.question: a for a in Answer.objects.filter(assessment=assessment)}


def result_of(assessment: Assessment) -> Result | None:
    """The frozen result of a scored assessment (``None`` for a draft)."""
    if assessment.status != AssessmentStatus.SCORED or not assessment.scores:
        return None
    data = {k: v for k, v in assessment.scores.items() if k != EVIDENCE_KEY}
    return Result.from_dict(data)


def evidence_of(assessment: Assessment) -> PlatformEvidence | None:
    """The platform evidence that was applied when the assessment was scored."""
    raw = (assessment.scores or {}).get(EVIDENCE_KEY)
    if raw is None:
        return None
    return PlatformEvidence(**{k: int(raw.get(k, 0)) for k in asdict(PlatformEvidence())})


# --- platform evidence -------------------------------------------------------------------


def platform_evidence(entity: Entity) -> PlatformEvidence:
    """What the entity has published on the platform, as evidence for scoring.

    Only published documents count: the commitments of the latest published version of
    each of the entity's action plans (those at substantial or completed level count as
    completed, as :class:`scoring.PlatformEvidence` defines), and the published versions of
    its lineamiento drafts. A commitment's completion is its live one when the
    commitment still exists, since progress is recorded on published plans straight away
    without a new version; a commitment deleted since counts as its snapshot last said."""
    plans = ActionPlan.objects.filter(process__entity=entity, status=PlanStatus.PUBLISHED)
    latest: dict[int, PlanVersion] = {}
    for version in PlanVersion.objects.filter(plan__in=plans).order_by("plan_id", "number"):
        latest[version.plan_id] = version
    snapshot_rows: list[dict[str, Any]] = []
    for version in latest.values():
        commitments = (version.snapshot or {}).get("commitments") or []
        snapshot_rows.extend(c for c in commitments if isinstance(c, dict))
    live = dict(
        Commitment.objects.filter(
            plan__in=plans, pk__in=[c.get("id") for c in snapshot_rows if c.get("id")]
        ).values_list("pk", "completion")
    )
    # The scoring counts "substantial" with "completed" (scoring.PlatformEvidence).
    done = {Completion.SUBSTANTIAL, Completion.COMPLETED}
    completed = sum(1 for c in snapshot_rows if live.get(c.get("id"), c.get("completion")) in done)
    drafts = DraftVersion.objects.filter(draft__process__entity=entity).count()
    return PlatformEvidence(
        completed_commitments=completed,
        published_commitments=len(snapshot_rows),
        published_drafts=drafts,
    )


# --- progress over time ------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    assessment: Assessment
    date: dt.datetime
    value: float


@dataclass
class Series:
    """One dimension (factor or pillar) across the scored assessments, oldest first."""

    dimension: Dimension
    points: list[Point] = field(default_factory=list)

    @property
    def delta(self) -> float | None:
        """The change since the previous assessment (``None`` with fewer than two)."""
        if len(self.points) < 2:
            return None
        return self.points[-1].value - self.points[-2].value


@dataclass
class Progress:
    assessments: list[Assessment]  # scored, oldest first
    results: list[Result]
    factors: list[Series]
    pillars: list[Series]

    @property
    def latest(self) -> Result | None:
        return self.results[-1] if self.results else None

    @property
    def previous(self) -> Result | None:
        return self.results[-2] if len(self.results) > 1 else None


def scored_of(entity: Entity) -> list[Assessment]:
    return list(
        Assessment.objects.filter(entity=entity, status=AssessmentStatus.SCORED).order_by(
            "scored_at", "pk"
        )
    )


def progress_of(entity: Entity) -> Progress:
    assessments = scored_of(entity)
    results = [result_of(a) for a in assessments]
    pairs = [(a, r) for a, r in zip(assessments, results, strict=True) if r is not None]

    def series(dimension: Dimension) -> Series:
        return Series(
            dimension,
            [
                Point(a, a.scored_at or a.created, float(r.dimensions[dimension.code]))
                for a, r in pairs
                if dimension.code in r.dimensions
            ],
        )

    return Progress(
        assessments=[a for a, _ in pairs],
        results=[r for _, r in pairs],
        factors=[series(d) for d in FACTORS],
        pillars=[series(d) for d in PILLARS],
    )


# --- stage visibility and the public page ------------------------------------------------


def stage_is_public(entity: Entity) -> bool:
    return StageVisibility.objects.filter(entity=entity, public=True).exists()


@dataclass(frozen=True)
class PublicStage:
    entity: Entity
    result: Result
    scored_at: dt.datetime


@dataclass(frozen=True)
class StageGroup:
    stage: str
    entries: list[PublicStage]


def public_stages() -> list[StageGroup]:
    """Entities that chose to show their stage, grouped by the overall stage of their
    latest scored assessment (highest stage first). Nothing else leaves the entity:
    not its answers, not its evidence."""
    entities = Entity.objects.filter(stage_visibility__public=True).order_by("name")
    latest: dict[int, Assessment] = {}
    scored = Assessment.objects.filter(
        entity__in=entities, status=AssessmentStatus.SCORED
    ).order_by("entity_id", "scored_at", "pk")
    for assessment in scored:
        latest[assessment.entity_id] = assessment
    groups: dict[str, list[PublicStage]] = {stage: [] for stage in STAGES}
    for entity in entities:
        assessment = latest.get(entity.pk)
        result = result_of(assessment) if assessment else None
        if assessment is None or result is None or result.overall_stage not in groups:
            continue
        groups[result.overall_stage].append(
            PublicStage(entity, result, assessment.scored_at or assessment.created)
        )
    return [StageGroup(stage, groups[stage]) for stage in reversed(STAGES)]
