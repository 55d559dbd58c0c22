"""Writes for the staged model: start a self-assessment, save answers (a draft may be
partial), score it, and choose whether the entity's stage is public.

Only the entity's officials write (:func:`rules.can_edit_assessments`). A scored
assessment is frozen: its answers and result are the entity's history, so a new
self-assessment is started instead of editing an old one. Every save checks all the
answers before writing any, so a refused save leaves the draft as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from cocrea.accounts.models import Entity, User
from cocrea.assessment import questionnaire, scoring, selectors
from cocrea.assessment.models import Answer, Assessment, AssessmentStatus, StageVisibility
from cocrea.assessment.rules import can_edit_assessments
from cocrea.audit import services as audit

URL_LIMIT = 500
NOTE_LIMIT = 2000
# Only web links: a ``javascript:`` or ``file:`` URL shown as evidence would be a trap.
_url = URLValidator(schemes=["http", "https"])


def _require_official(actor: User, entity: Entity) -> None:
    if not can_edit_assessments(actor, entity):
        raise PermissionDenied(
            _("Solo los funcionarios de la entidad pueden diligenciar su autodiagnóstico.")
        )


def question_label(code: str) -> str:
    """How a message names a question: its number and the start of its text."""
    try:
        found = questionnaire.question(code)
    except questionnaire.QuestionNotFound:
        return _("«%(code)s»") % {"code": code}
    number = questionnaire.QUESTIONS.index(found) + 1
    text = Truncator(questionnaire.tr(found.text)).chars(80)
    return _("%(number)d («%(text)s»)") % {"number": number, "text": text}


def _known(code: str) -> bool:
    try:
        questionnaire.question(code)
    except questionnaire.QuestionNotFound:
        return False
    return True


def _require_draft(assessment: Assessment) -> None:
    if assessment.status != AssessmentStatus.DRAFT:
        raise ValidationError(
            _(
                "Este autodiagnóstico ya fue calificado y no se puede modificar: "
                "empiece uno nuevo para registrar cambios."
            ),
            code="frozen",
        )
    if assessment.questionnaire != questionnaire.VERSION:
        # Its answers were given to other questions: mixing versions would score nonsense.
        raise ValidationError(
            _(
                "Este borrador usa la versión %(old)s del cuestionario y la vigente es la "
                "%(new)s: empiece un autodiagnóstico nuevo."
            )
            % {"old": assessment.questionnaire, "new": questionnaire.VERSION},
            code="outdated",
        )


# --- starting ----------------------------------------------------------------------------


def assessment_start(*, entity: Entity, actor: User) -> Assessment:
    """A new draft on the current questionnaire, or the entity's open draft if it has
    one: two officials who both press "start" must end up filling in the same form."""
    _require_official(actor, entity)
    with transaction.atomic():
        # Lock the entity row so two concurrent starts cannot both create a draft.
        Entity.objects.select_for_update().filter(pk=entity.pk).first()
        existing = selectors.open_draft(entity, questionnaire.VERSION)
        if existing is not None:
            return existing
        return Assessment.objects.create(
            entity=entity, questionnaire=questionnaire.VERSION, created_by=actor
        )


# --- answering ---------------------------------------------------------------------------


def _clean_answer(code: str, raw: Any, errors: dict[str, list[str]]) -> dict[str, Any] | None:
    """One answer in the model's terms, or ``None`` with its problems in ``errors``.

    Keys of ``errors``: the question code for the answer itself, and
    ``<code>__evidence_url`` / ``<code>__evidence_note`` for the evidence fields."""
    label = question_label(code)
    if not isinstance(raw, Mapping):
        raw = {"level": raw}
    level = raw.get("level")
    if isinstance(level, str) and level.strip().lstrip("-").isdigit():
        level = int(level.strip())
    if level is None or level == "":
        errors[code] = [
            _("Pregunta %(question)s: elija una respuesta antes de adjuntar evidencia.")
            % {"question": label}
        ]
        return None
    problem = ""
    if isinstance(level, bool) or not isinstance(level, int):
        # Not even a number: outside the rubric, unless the question itself is unknown.
        problem = "outside_rubric" if _known(code) else "unknown_question"
    else:
        try:
            level = scoring.check_answer(code, level)
        except scoring.AnswerError as exc:
            problem = exc.code
    if problem:
        if problem == "unknown_question":
            message = _("La pregunta %(question)s no existe en el cuestionario %(version)s.") % {
                "question": label,
                "version": questionnaire.VERSION,
            }
        else:
            message = _(
                "Pregunta %(question)s: la respuesta no está en la rúbrica; elija una de "
                "las cuatro opciones."
            ) % {"question": label}
        errors[code] = [message]
        return None

    url = str(raw.get("evidence_url") or "").strip()
    note = str(raw.get("evidence_note") or "").strip()
    ok = True
    if len(url) > URL_LIMIT:
        errors[f"{code}__evidence_url"] = [
            _("Pregunta %(question)s: el enlace admite como máximo %(limit)d caracteres.")
            % {"question": label, "limit": URL_LIMIT}
        ]
        ok = False
    elif url:
        try:
            _url(url)
        except ValidationError:
            errors[f"{code}__evidence_url"] = [
                _(
                    "Pregunta %(question)s: el enlace a la evidencia debe ser una dirección "
                    "web completa (http:// o https://)."
                )
                % {"question": label}
            ]
            ok = False
    if len(note) > NOTE_LIMIT:
        errors[f"{code}__evidence_note"] = [
            _("Pregunta %(question)s: la nota admite como máximo %(limit)d caracteres.")
            % {"question": label, "limit": NOTE_LIMIT}
        ]
        ok = False
    if not ok:
        return None
    return {"level": level, "evidence_url": url, "evidence_note": note}


def answers_save(*, assessment: Assessment, answers: Mapping[str, Any], actor: User) -> Assessment:
    """Save some answers of a draft: ``{question: {"level", "evidence_url",
    "evidence_note"}}`` (a bare level is accepted too). Questions left out keep what
    they had, so a draft fills in over several sittings and two officials may each
    save their part at the same time. All answers are checked first; if any is bad,
    a :class:`ValidationError` keyed by question code says which, and nothing is saved.
    """
    _require_official(actor, assessment.entity)
    errors: dict[str, list[str]] = {}
    clean: dict[str, dict[str, Any]] = {}
    for code, raw in answers.items():
        cleaned = _clean_answer(str(code), raw, errors)
        if cleaned is not None:
            clean[str(code)] = cleaned
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The row lock orders a save against a concurrent scoring: once scored, the
        # answers are frozen, so a save that waited behind it must be refused.
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        _require_draft(locked)
        for code, values in clean.items():
            Answer.objects.update_or_create(assessment=locked, question=code, defaults=values)
        locked.save(update_fields=["updated"])
    assessment.updated = locked.updated
    return assessment


# --- scoring -----------------------------------------------------------------------------


def assessment_score(*, assessment: Assessment, actor: User) -> Assessment:
    """Score a complete draft and freeze it, with the evidence the entity's published
    policy work offers now. An incomplete draft stays a draft and the error lists the
    questions still unanswered. Scoring twice (a double click, two officials) yields the
    one result computed first."""
    _require_official(actor, assessment.entity)
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.status == AssessmentStatus.SCORED:
            _copy(locked, assessment)
            return assessment
        _require_draft(locked)
        answers = {a.question: a.level for a in Answer.objects.filter(assessment=locked)}
        evidence = selectors.platform_evidence(locked.entity)
        try:
            result = scoring.score(answers, evidence)
        except scoring.Incomplete as exc:
            missing = [question_label(code) for code in exc.missing]
            raise ValidationError(
                {
                    code: [_("Pregunta %(question)s: falta la respuesta.") % {"question": label}]
                    for code, label in zip(exc.missing, missing, strict=True)
                }
                | {
                    "__all__": [
                        _(
                            "Faltan %(count)d respuestas para calificar; el autodiagnóstico "
                            "queda como borrador. Sin responder: %(questions)s."
                        )
                        % {
                            "count": len(missing),
                            "questions": "; ".join(
                                _("pregunta %(question)s") % {"question": label}
                                for label in missing
                            ),
                        }
                    ]
                }
            ) from exc
        except scoring.AnswerError as exc:
            # A stored answer the rubric no longer accepts (answers are checked on save).
            raise ValidationError(
                {
                    exc.question: [
                        _("Pregunta %(question)s: la respuesta no está en la rúbrica.")
                        % {"question": question_label(exc.question)}
                    ]
                }
            ) from exc
        locked.scores = {**result.as_dict(), selectors.EVIDENCE_KEY: asdict(evidence)}
        locked.status = AssessmentStatus.SCORED
        locked.scored_at = timezone.now()
        locked.save(update_fields=["scores", "status", "scored_at", "updated"])
        audit.record(actor, "assessment.score", locked, stage=result.overall_stage)
    _copy(locked, assessment)
    return assessment


def _copy(source: Assessment, target: Assessment) -> None:
    for name in ("scores", "status", "scored_at", "updated"):
        setattr(target, name, getattr(source, name))


# --- public stage ------------------------------------------------------------------------


def stage_visibility_set(*, entity: Entity, public: bool, actor: User) -> StageVisibility:
    """Whether the public page lists the entity's stage (its latest scored result)."""
    _require_official(actor, entity)
    visibility, _created = StageVisibility.objects.update_or_create(
        entity=entity, defaults={"public": bool(public), "updated_by": actor}
    )
    return visibility
