"""The staged model's writes: who may start, answer, score and publish a stage; partial
drafts; refusals that name the question and write nothing; frozen scored assessments;
platform evidence from published policy work; and the races."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from cocrea.assessment import questionnaire, scoring, selectors, services
from cocrea.assessment.models import Answer, Assessment, AssessmentStatus, StageVisibility
from cocrea.policy.models import Commitment, Completion, PlanStatus
from tests.assessment.conftest import make_process, publish_plan

pytestmark = pytest.mark.django_db

CODES = [q.code for q in questionnaire.QUESTIONS]


def errors_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def start(entity, actor) -> Assessment:
    return services.assessment_start(entity=entity, actor=actor)


def save(assessment, answers, actor) -> Assessment:
    return services.answers_save(assessment=assessment, answers=answers, actor=actor)


def stored(assessment) -> dict[str, tuple[int, str, str]]:
    return {
        a.question: (a.level, a.evidence_url, a.evidence_note)
        for a in Answer.objects.filter(assessment=assessment)
    }


# --- permissions -------------------------------------------------------------------------


def test_an_official_starts_a_draft_on_the_current_questionnaire(entity, bob):
    assessment = start(entity, bob)
    assert assessment.status == AssessmentStatus.DRAFT
    assert assessment.questionnaire == questionnaire.VERSION
    assert assessment.created_by == bob
    # Pressing "start" again continues the open draft rather than forking a second one.
    assert start(entity, bob) == assessment
    assert Assessment.objects.count() == 1


@pytest.mark.parametrize("who", ["alice", "carol", "olivia", "oscar", "anonymous"])
def test_only_the_entitys_officials_may_start(request, entity, who):
    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        start(entity, actor)
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("who", ["alice", "carol", "olivia"])
def test_only_the_entitys_officials_may_answer_score_or_publish(
    request, entity, bob, full_answers, who
):
    actor = request.getfixturevalue(who)
    assessment = start(entity, bob)
    with pytest.raises(PermissionDenied):
        save(assessment, full_answers, actor)
    assert not Answer.objects.exists()
    save(assessment, full_answers, bob)
    with pytest.raises(PermissionDenied):
        services.assessment_score(assessment=assessment, actor=actor)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT
    with pytest.raises(PermissionDenied):
        services.stage_visibility_set(entity=entity, public=True, actor=actor)
    assert not StageVisibility.objects.exists()


# --- answering ---------------------------------------------------------------------------


def test_a_draft_saves_partially_and_keeps_what_it_had(entity, bob):
    assessment = start(entity, bob)
    save(
        assessment,
        {
            CODES[0]: {"level": 1, "evidence_url": "https://example.org/acuerdo.pdf"},
            CODES[1]: {"level": 3, "evidence_note": "Decreto 123 de 2025"},
        },
        bob,
    )
    # A later sitting changes one answer and adds another; the first stays as it was.
    save(assessment, {CODES[1]: {"level": 2}, CODES[2]: "0"}, bob)
    assert stored(assessment) == {
        CODES[0]: (1, "https://example.org/acuerdo.pdf", ""),
        CODES[1]: (2, "", ""),
        CODES[2]: (0, "", ""),
    }
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT


@pytest.mark.parametrize("bad", [4, -1, "7", "dos", True, 1.5])
def test_an_answer_outside_the_rubric_names_the_question_and_writes_nothing(entity, bob, bad):
    assessment = start(entity, bob)
    save(assessment, {CODES[0]: 1}, bob)
    with pytest.raises(ValidationError) as exc:
        save(assessment, {CODES[0]: 3, CODES[4]: {"level": bad}, CODES[5]: 2}, bob)
    errors = errors_of(exc)
    assert set(errors) == {CODES[4]}
    # The message names the question by number, for the official reading it.
    assert "Pregunta 5" in errors[CODES[4]][0]
    assert stored(assessment) == {CODES[0]: (1, "", "")}


def test_an_unknown_question_is_refused_by_its_code(entity, bob):
    assessment = start(entity, bob)
    with pytest.raises(ValidationError) as exc:
        save(assessment, {"p_inventada_9": 1, CODES[0]: 2}, bob)
    assert set(errors_of(exc)) == {"p_inventada_9"}
    assert not Answer.objects.exists()


@pytest.mark.parametrize(
    ("evidence", "field"),
    [
        ({"evidence_url": "javascript:alert(1)"}, "evidence_url"),
        ({"evidence_url": "ftp://example.org/x"}, "evidence_url"),
        ({"evidence_url": "no es un enlace"}, "evidence_url"),
        ({"evidence_url": "https://example.org/" + "a" * 490}, "evidence_url"),
        ({"evidence_note": "x" * 2001}, "evidence_note"),
    ],
)
def test_bad_evidence_names_the_question_and_field(entity, bob, evidence, field):
    assessment = start(entity, bob)
    with pytest.raises(ValidationError) as exc:
        save(assessment, {CODES[0]: 1, CODES[3]: {"level": 2, **evidence}}, bob)
    assert set(errors_of(exc)) == {f"{CODES[3]}__{field}"}
    assert "Pregunta 4" in errors_of(exc)[f"{CODES[3]}__{field}"][0]
    assert not Answer.objects.exists()


def test_evidence_without_an_answer_is_refused(entity, bob):
    assessment = start(entity, bob)
    with pytest.raises(ValidationError) as exc:
        save(assessment, {CODES[2]: {"level": "", "evidence_note": "Acta del consejo"}}, bob)
    assert set(errors_of(exc)) == {CODES[2]}
    assert not Answer.objects.exists()


# --- scoring -----------------------------------------------------------------------------


def test_an_incomplete_draft_is_not_scored_and_the_missing_are_named(entity, bob, full_answers):
    assessment = start(entity, bob)
    missing = [CODES[3], CODES[17]]
    save(assessment, {k: v for k, v in full_answers.items() if k not in missing}, bob)
    with pytest.raises(ValidationError) as exc:
        services.assessment_score(assessment=assessment, actor=bob)
    errors = errors_of(exc)
    assert set(errors) == {*missing, "__all__"}
    assert "pregunta 4 («" in errors["__all__"][0] and "pregunta 18 («" in errors["__all__"][0]
    assert "Pregunta 4" in errors[CODES[3]][0]
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT
    assert assessment.scores == {} and assessment.scored_at is None


def test_scoring_freezes_the_result(entity, bob, full_answers):
    assessment = start(entity, bob)
    save(assessment, full_answers, bob)
    services.assessment_score(assessment=assessment, actor=bob)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SCORED
    assert assessment.scored_at is not None
    expected = scoring.score({k: v["level"] for k, v in full_answers.items()}, None)
    assert selectors.result_of(assessment) == expected
    assert selectors.evidence_of(assessment) == scoring.PlatformEvidence()

    # Frozen: no more answers; a new assessment is started instead.
    with pytest.raises(ValidationError) as exc:
        save(assessment, {CODES[0]: 0}, bob)
    assert exc.value.code == "frozen"
    assert Answer.objects.get(assessment=assessment, question=CODES[0]).level == 2
    fresh = start(entity, bob)
    assert fresh != assessment and fresh.status == AssessmentStatus.DRAFT


def test_scoring_twice_keeps_the_first_result(entity, bob, full_answers):
    assessment = start(entity, bob)
    save(assessment, full_answers, bob)
    first = services.assessment_score(assessment=assessment, actor=bob)
    scored_at = first.scored_at
    # Evidence appearing later does not rewrite an assessment already scored.
    publish_plan(make_process(entity, "Otro", bob))
    again = services.assessment_score(
        assessment=Assessment.objects.get(pk=assessment.pk), actor=bob
    )
    assert again.scored_at == scored_at
    assert selectors.evidence_of(again) == scoring.PlatformEvidence()


def test_an_outdated_draft_cannot_be_scored(entity, bob, full_answers):
    assessment = start(entity, bob)
    save(assessment, full_answers, bob)
    Assessment.objects.filter(pk=assessment.pk).update(questionnaire="mega-ip-1999.1")
    assessment.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.assessment_score(assessment=assessment, actor=bob)
    assert exc.value.code == "outdated"
    # The entity is not stuck with it: "start" opens a draft on the current version.
    assert start(entity, bob).questionnaire == questionnaire.VERSION


# --- platform evidence -------------------------------------------------------------------


def test_platform_evidence_counts_only_published_work_of_the_entity(
    entity, other_entity, bob, published_policy
):
    assert selectors.platform_evidence(entity) == scoring.PlatformEvidence(
        completed_commitments=1, published_commitments=1, published_drafts=1
    )
    # Another entity's publications are not this entity's evidence.
    assert selectors.platform_evidence(other_entity) == scoring.PlatformEvidence()
    publish_plan(make_process(other_entity, "Ajeno"))
    assert selectors.platform_evidence(entity).published_commitments == 1


def test_platform_evidence_follows_live_progress_of_published_commitments(
    entity, bob, published_policy
):
    commitment = published_policy.commitment
    Commitment.objects.filter(pk=commitment.pk).update(completion=Completion.LIMITED)
    assert selectors.platform_evidence(entity).completed_commitments == 0
    # Substantial progress counts as the scoring defines it.
    Commitment.objects.filter(pk=commitment.pk).update(completion=Completion.SUBSTANTIAL)
    assert selectors.platform_evidence(entity).completed_commitments == 1
    # A plan taken back to draft is no longer published evidence.
    published_policy.plan.status = PlanStatus.DRAFT
    published_policy.plan.save(update_fields=["status"])
    assert selectors.platform_evidence(entity).published_commitments == 0


def test_evidence_from_published_plans_changes_the_scores(
    entity, bob, evidence_answers, published_policy
):
    plain = scoring.score(evidence_answers, None)
    assert plain.overall_stage == "en_desarrollo"

    assessment = start(entity, bob)
    save(assessment, evidence_answers, bob)
    services.assessment_score(assessment=assessment, actor=bob)
    assessment.refresh_from_db()
    result = selectors.result_of(assessment)
    assert result.dimensions["escalonado"] == 2
    assert result.dimensions["lineamientos"] == 2
    assert {"evidence_escalonado", "evidence_lineamientos"} <= set(result.notes)
    assert result.overall_stage == "consolidado"
    assert selectors.evidence_of(assessment) == scoring.PlatformEvidence(1, 1, 1)


# --- stage visibility --------------------------------------------------------------------


def test_an_official_chooses_whether_the_stage_is_public(entity, bob):
    assert not selectors.stage_is_public(entity)
    services.stage_visibility_set(entity=entity, public=True, actor=bob)
    assert selectors.stage_is_public(entity)
    services.stage_visibility_set(entity=entity, public=False, actor=bob)
    assert not selectors.stage_is_public(entity)
    assert StageVisibility.objects.get().updated_by == bob


# --- races -------------------------------------------------------------------------------


def race(*jobs) -> list:
    """Run each job in its own thread (own connection), released together."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def runner(index, job):
        try:
            barrier.wait(timeout=30)
            results[index] = job()
        except BaseException as exc:  # reported by the caller
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive()
    return results


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_officials_saving_at_once_both_land(entity, bob, full_answers):
    from cocrea.accounts.models import Role, User
    from cocrea.accounts.services import membership_grant

    dora = User.objects.create_user(email="dora@example.org", password="x")
    membership_grant(user=dora, entity=entity, role=Role.OFFICIAL)
    assessment = start(entity, bob)
    half = len(CODES) // 2
    # Overlapping on one question: whichever lands last wins it, and nothing is lost.
    mine = {c: {"level": 1} for c in CODES[: half + 1]}
    theirs = {c: {"level": 3} for c in CODES[half:]}
    results = race(
        lambda: save(Assessment.objects.get(pk=assessment.pk), mine, bob),
        lambda: save(Assessment.objects.get(pk=assessment.pk), theirs, dora),
    )
    assert all(isinstance(r, Assessment) for r in results), results
    saved = stored(assessment)
    assert set(saved) == set(CODES)
    assert all(saved[c][0] == 1 for c in CODES[:half])
    assert all(saved[c][0] == 3 for c in CODES[half + 1 :])
    assert saved[CODES[half]][0] in (1, 3)
    assert Answer.objects.filter(assessment=assessment).count() == len(CODES)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_double_scoring_gives_one_result(entity, bob, full_answers):
    assessment = start(entity, bob)
    save(assessment, full_answers, bob)
    results = race(
        *[
            (lambda: services.assessment_score(
                assessment=Assessment.objects.get(pk=assessment.pk), actor=bob
            ))
            for _ in range(3)
        ]
    )  # fmt: skip
    assert all(isinstance(r, Assessment) for r in results), results
    assert len({r.scored_at for r in results}) == 1
    assessment.refresh_from_db()
    assert assessment.scored_at == results[0].scored_at
    assert assessment.status == AssessmentStatus.SCORED


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_save_racing_the_scoring_never_changes_a_scored_assessment(entity, bob, full_answers):
    assessment = start(entity, bob)
    save(assessment, full_answers, bob)
    results = race(
        lambda: services.assessment_score(
            assessment=Assessment.objects.get(pk=assessment.pk), actor=bob
        ),
        lambda: save(Assessment.objects.get(pk=assessment.pk), {CODES[0]: {"level": 0}}, bob),
    )
    assert isinstance(results[0], Assessment), results
    assessment.refresh_from_db()
    level = Answer.objects.get(assessment=assessment, question=CODES[0]).level
    result = selectors.result_of(assessment)
    if isinstance(results[1], ValidationError):
        # The save came second: refused, the answer is the one that was scored.
        assert level == 2
    else:
        # The save came first: the scoring saw it.
        assert level == 0
    expected = {**{k: v["level"] for k, v in full_answers.items()}, CODES[0]: level}
    assert result == scoring.score(expected, None)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_starts_at_once_open_one_draft(entity, bob):
    results = race(lambda: start(entity, bob), lambda: start(entity, bob))
    assert all(isinstance(r, Assessment) for r in results), results
    assert results[0].pk == results[1].pk
    assert Assessment.objects.count() == 1
