"""The MEGA IP scoring model: answers (and platform evidence) in, stages out.

Pure functions over :mod:`.questionnaire`; every rule, threshold and its reason is
documented in ``docs/staged-model.md``, whose worked examples are pinned by
``tests/assessment/test_scoring.py``. Change a number here and the documentation and the
questionnaire :data:`~.questionnaire.VERSION` must change with it, because scored
assessments keep the result they were given.

Arithmetic is exact (:class:`fractions.Fraction`): thresholds are compared against exact
means, and only the reported figures are rounded (half up, two decimals). That keeps the
result independent of float quirks and of the order in which answers arrive.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext

from . import questionnaire as q

LEVELS = (0, 1, 2, 3)
IAP2_LEVELS: tuple[str, ...] = ("informar", "consultar", "involucrar", "colaborar", "empoderar")

# Upper bounds (exclusive) of the first three stages; at or above the last one a score is
# "referente". The same thresholds serve pillars and the overall score.
STAGE_THRESHOLDS: tuple[Fraction, ...] = (Fraction(3, 4), Fraction(3, 2), Fraction(9, 4))

# Enabling-factor caps on the overall stage: mean of the seven factors below the bound →
# the overall stage is at most the given stage.
FACTOR_CAPS: tuple[tuple[Fraction, str], ...] = (
    (Fraction(1), "en_desarrollo"),
    (Fraction(2), "consolidado"),
)
REFERENTE_MIN_LINEAMIENTOS = 2

# Readiness: upper bounds (exclusive) of the participación score for informar, consultar,
# involucrar and colaborar; at or above the last one the entity may empower.
READINESS_THRESHOLDS: tuple[Fraction, ...] = (
    Fraction(3, 4),
    Fraction(3, 2),
    Fraction(9, 4),
    Fraction(11, 4),
)
COLABORAR_MIN_CAPACIDADES = 1
EMPODERAR_MIN_CAPACIDADES = 2
EMPODERAR_MIN_PRESUPUESTO = 2

# What each note code means, for screens that explain a result.
NOTES: dict[str, dict[str, str]] = {
    "evidence_escalonado": {
        "es": "Un plan de acción publicado con compromisos cumplidos o con avance sustancial "
        "eleva el fortalecimiento escalonado a 2.",
        "en": "A published action plan with completed or substantially advanced commitments "
        "raises staged strengthening to 2.",
    },
    "evidence_lineamientos": {
        "es": "Los borradores de lineamientos publicados en la plataforma elevan el factor de "
        "lineamientos (a 1, o a 2 si además hay un plan de acción publicado).",
        "en": "Guideline drafts published on the platform raise the guidelines factor (to 1, "
        "or to 2 when an action plan is also published).",
    },
    "capped_by_factors": {
        "es": "La etapa general se limitó porque los factores habilitantes aún son débiles.",
        "en": "The overall stage was capped because the enabling factors are still weak.",
    },
    "capped_by_lineamientos": {
        "es": "Ser referente exige lineamientos co-creados y publicados (nivel 2 o más).",
        "en": "Being a leading entity needs co-created, published guidelines (level 2 or more).",
    },
    "capped_by_weakest_pillar": {
        "es": "La etapa general no puede superar en más de una etapa al pilar más débil.",
        "en": "The overall stage cannot be more than one stage above the weakest pillar.",
    },
    "readiness_gated_capacidades": {
        "es": "El nivel de involucramiento se limitó por falta de capacidades de innovación.",
        "en": "The involvement level was limited by a lack of innovation skills.",
    },
    "readiness_gated_presupuesto": {
        "es": "Empoderar exige presupuesto asignado para cumplir lo que la ciudadanía decida.",
        "en": "Empowering needs an assigned budget to carry out what citizens decide.",
    },
}


class AnswerError(ValueError):
    """An answer that the questionnaire cannot accept; the message names the question."""

    def __init__(self, question: str, code: str, message: str) -> None:
        super().__init__(message)
        self.question = question
        self.code = code


class Incomplete(ValueError):
    """Some questions have no answer: the assessment may stay a draft but not be scored."""

    def __init__(self, missing: tuple[str, ...]) -> None:
        self.missing = missing
        super().__init__(
            gettext("Faltan respuestas para calificar el autodiagnóstico: %(questions)s.")
            % {"questions": ", ".join(missing)}
        )


def check_answer(question_code: str, level: object) -> int:
    """The answer as an int level, or :class:`AnswerError` naming the question."""
    try:
        asked = q.question(question_code)
    except q.QuestionNotFound:
        raise AnswerError(
            question_code,
            "unknown_question",
            gettext("La pregunta «%(question)s» no existe en el cuestionario %(version)s.")
            % {"question": question_code, "version": q.VERSION},
        ) from None
    # bool is an int subclass, but True/False are not rubric levels: a checkbox value
    # slipping through must be refused rather than read as 1/0.
    if isinstance(level, bool) or not isinstance(level, int) or level not in LEVELS:
        raise AnswerError(
            question_code,
            "outside_rubric",
            gettext(
                "La respuesta %(level)r a la pregunta «%(question)s» (%(text)s) está fuera de "
                "la rúbrica: elija un nivel entre 0 y 3."
            )
            % {"level": level, "question": question_code, "text": q.tr(asked.text)},
        )
    return int(level)


@dataclass(frozen=True)
class PlatformEvidence:
    """What cocrea itself can verify about the entity, gathered by the caller."""

    # Commitments of the entity's published action plans at substantial or completed level.
    completed_commitments: int = 0
    # Commitments in the entity's published action plans, whatever their progress.
    published_commitments: int = 0
    # Published versions of the entity's lineamiento drafts.
    published_drafts: int = 0


@dataclass
class Result:
    version: str
    dimensions: dict[str, float]
    stages: dict[str, str]
    overall_score: float
    overall_stage: str
    readiness: str
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "dimensions": dict(self.dimensions),
            "stages": dict(self.stages),
            "overall_score": self.overall_score,
            "overall_stage": self.overall_stage,
            "readiness": self.readiness,
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Result:
        return cls(
            version=str(data["version"]),
            dimensions={str(k): float(v) for k, v in data["dimensions"].items()},
            stages={str(k): str(v) for k, v in data["stages"].items()},
            overall_score=float(data["overall_score"]),
            overall_stage=str(data["overall_stage"]),
            readiness=str(data["readiness"]),
            notes=[str(note) for note in data.get("notes", [])],
        )


def next_stage(stage: str) -> str | None:
    """The stage after ``stage``, or None at the top (ValueError for an unknown stage)."""
    index = q.STAGES.index(stage)
    return q.STAGES[index + 1] if index + 1 < len(q.STAGES) else None


def stage_for(value: Fraction | float) -> str:
    """The stage a score (pillar or overall) falls in, by :data:`STAGE_THRESHOLDS`."""
    exact = Fraction(value)
    for stage, bound in zip(q.STAGES, STAGE_THRESHOLDS, strict=False):
        if exact < bound:
            return stage
    return q.STAGES[-1]


def _round(value: Fraction) -> float:
    # Half up on the exact value, so 0.125 is 0.13 whatever binary floats would do.
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _lower(stage: str, ceiling: str) -> str:
    return q.STAGES[min(q.STAGES.index(stage), q.STAGES.index(ceiling))]


def _validated(answers: Mapping[str, object]) -> dict[str, int]:
    levels: dict[str, int] = {}
    # Known questions in questionnaire order first, then strangers sorted, so the error an
    # official sees for the same form is always the same one.
    for asked in q.QUESTIONS:
        value = answers.get(asked.code)
        if value is not None:
            levels[asked.code] = check_answer(asked.code, value)
    for code in sorted(set(answers) - {asked.code for asked in q.QUESTIONS}):
        check_answer(code, answers[code])
    missing = tuple(asked.code for asked in q.QUESTIONS if asked.code not in levels)
    if missing:
        raise Incomplete(missing)
    return levels


def score(answers: Mapping[str, int], evidence: PlatformEvidence | None = None) -> Result:
    """Score a complete set of answers; see ``docs/staged-model.md`` for every rule.

    An answer of ``None`` counts as unanswered (drafts keep blanks). Bad answers are
    reported before missing ones: a wrong value is an error, a blank is only unfinished.
    """
    levels = _validated(answers)
    evidence = evidence or PlatformEvidence()
    notes: list[str] = []

    exact: dict[str, Fraction] = {}
    for dimension in q.DIMENSIONS:
        values = [levels[asked.code] for asked in q.questions_of(dimension.code)]
        exact[dimension.code] = Fraction(sum(values), len(values))

    # Platform evidence only ever lifts a factor: it proves a floor, never a ceiling.
    if evidence.completed_commitments > 0 and exact["escalonado"] < 2:
        exact["escalonado"] = Fraction(2)
        notes.append("evidence_escalonado")
    if evidence.published_drafts > 0:
        floor = Fraction(2) if evidence.published_commitments > 0 else Fraction(1)
        if exact["lineamientos"] < floor:
            exact["lineamientos"] = floor
            notes.append("evidence_lineamientos")

    pillar_codes = [pillar.code for pillar in q.PILLARS]
    stages = {code: stage_for(exact[code]) for code in pillar_codes}
    overall = sum((exact[code] for code in pillar_codes), Fraction(0)) / len(pillar_codes)
    factor_mean = sum((exact[f.code] for f in q.FACTORS), Fraction(0)) / len(q.FACTORS)

    overall_stage = stage_for(overall)
    for bound, ceiling in FACTOR_CAPS:
        if factor_mean < bound:
            if _lower(overall_stage, ceiling) != overall_stage:
                overall_stage = ceiling
                notes.append("capped_by_factors")
            break
    if overall_stage == "referente" and exact["lineamientos"] < REFERENTE_MIN_LINEAMIENTOS:
        overall_stage = "consolidado"
        notes.append("capped_by_lineamientos")
    weakest = min(q.STAGES.index(stage) for stage in stages.values())
    balance_ceiling = q.STAGES[min(weakest + 1, len(q.STAGES) - 1)]
    if _lower(overall_stage, balance_ceiling) != overall_stage:
        overall_stage = balance_ceiling
        notes.append("capped_by_weakest_pillar")

    readiness = _readiness(exact, notes)

    return Result(
        version=q.VERSION,
        dimensions={dimension.code: _round(exact[dimension.code]) for dimension in q.DIMENSIONS},
        stages=stages,
        overall_score=_round(overall),
        overall_stage=overall_stage,
        readiness=readiness,
        notes=notes,
    )


def _readiness(exact: Mapping[str, Fraction], notes: list[str]) -> str:
    participation = exact["participacion"]
    level = len(READINESS_THRESHOLDS)
    for index, bound in enumerate(READINESS_THRESHOLDS):
        if participation < bound:
            level = index
            break
    colaborar = IAP2_LEVELS.index("colaborar")
    if level > colaborar:
        # Binding decisions need money to carry them out and people able to run them.
        if exact["presupuesto"] < EMPODERAR_MIN_PRESUPUESTO:
            level = colaborar
            notes.append("readiness_gated_presupuesto")
        if exact["capacidades"] < EMPODERAR_MIN_CAPACIDADES:
            level = colaborar
            notes.append("readiness_gated_capacidades")
    if level == colaborar and exact["capacidades"] < COLABORAR_MIN_CAPACIDADES:
        # Co-creating alternatives with the public needs at least some trained people.
        level = IAP2_LEVELS.index("involucrar")
        if "readiness_gated_capacidades" not in notes:
            notes.append("readiness_gated_capacidades")
    return IAP2_LEVELS[level]
