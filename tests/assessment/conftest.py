"""Shared fixtures for the staged model's services and pages.

People come from ``tests/conftest.py``: ``bob`` (official), ``alice`` (facilitator) and
``carol`` (citizen) of ``entity``; ``oscar`` (facilitator of ``other_entity``). Here:
``olivia``, an official of ``other_entity``; ``full_answers``, one valid answer per
question; ``evidence_answers``, answers whose result the platform evidence changes; and
``published_policy``, a published action plan (one completed commitment) and a
published lineamiento draft of ``entity``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from cocrea.accounts.models import Role, User
from cocrea.accounts.services import membership_grant
from cocrea.assessment import questionnaire
from cocrea.policy.models import (
    ActionPlan,
    Commitment,
    Completion,
    Draft,
    DraftVersion,
    PlanStatus,
    PlanVersion,
)
from cocrea.policy.services.plans import plan_snapshot
from cocrea.toolkit.models import Level, Lineamiento, Pillar
from sessions.models import Process
from sessions.services import StageInput, process_create
from tests.conftest import PASSWORD


@pytest.fixture
def olivia(other_entity) -> User:
    """Official of another entity: an outsider to ``entity``."""
    user = User.objects.create_user(
        email="olivia@example.org", password=PASSWORD, full_name="Olivia Externa"
    )
    membership_grant(user=user, entity=other_entity, role=Role.OFFICIAL)
    return user


@pytest.fixture
def full_answers() -> dict[str, dict]:
    """Every question answered: level 2 everywhere, with evidence on the first one."""
    answers: dict[str, dict] = {q.code: {"level": 2} for q in questionnaire.QUESTIONS}
    first = questionnaire.QUESTIONS[0].code
    answers[first] = {
        "level": 2,
        "evidence_url": "https://datos.example.gov.co/presupuesto-2026",
        "evidence_note": "Rubro 2.3.4 del Plan de Desarrollo",
    }
    return answers


@pytest.fixture
def evidence_answers() -> dict[str, int]:
    """Strong pillars, weak factors, and nothing claimed for staged strengthening or
    guidelines: without evidence the factors cap the overall stage at "en desarrollo";
    a published plan with a completed commitment and a published draft lift those two
    factors to 2, and the cap to "consolidado" (see scoring.FACTOR_CAPS)."""
    answers = {q.code: 3 if q.code.startswith("p_") else 1 for q in questionnaire.QUESTIONS}
    answers["f_escalonado"] = 0
    answers["f_lineamientos"] = 0
    return answers


@dataclass
class PublishedPolicy:
    process: Process
    plan: ActionPlan
    commitment: Commitment
    version: PlanVersion
    draft: Draft


def make_process(entity, title: str, creator: User | None = None) -> Process:
    return process_create(
        entity=entity,
        title=title,
        primary_pillar=Pillar.objects.get(code="participacion"),
        lineamientos=list(Lineamiento.objects.all()),
        stages=[StageInput(name="Taller", level=Level.objects.get(code="colaborar"))],
        created_by=creator,
    )


def publish_plan(process: Process, completion: str = Completion.COMPLETED) -> PublishedPolicy:
    """A plan of ``process`` with one commitment, frozen as version 1 (as plan_publish
    leaves it), and a lineamiento draft with a published version."""
    plan = ActionPlan.objects.create(
        process=process, title="Plan de gobierno abierto", status=PlanStatus.PUBLISHED
    )
    commitment = Commitment.objects.create(
        plan=plan,
        number=1,
        title="Datos abiertos de siniestralidad",
        objective="Publicar los datos cada mes",
        relevance_transparency="Abre datos",
        completion=completion,
    )
    version = PlanVersion.objects.create(plan=plan, number=1, snapshot=plan_snapshot(plan))
    plan.next_version = 2
    plan.save(update_fields=["next_version"])
    draft = Draft.objects.create(process=process, title="Lineamientos", next_version=2)
    DraftVersion.objects.create(draft=draft, number=1, snapshot={"items": []})
    return PublishedPolicy(process, plan, commitment, version, draft)


@pytest.fixture
def published_policy(entity, bob) -> PublishedPolicy:
    return publish_plan(make_process(entity, "Movilidad en Buenaventura", bob))
