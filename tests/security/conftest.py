"""The authorization matrix's world: two entities with the same kinds of objects, and
one logged-in test client per role (``clients``).

Entity A has a facilitator, an official and a citizen; entity B a facilitator and an
official; a platform staff user belongs to neither. Each entity has an active process
with a live session (slide, Q&A with a question, canvas, session poll), a joined
participant, a lineamiento draft with one approved item and a published version, an
action plan with a commitment, a milestone and a published version, an assessment,
and an entity poll voted with codes. B's objects are what A's people must never reach
(and the reverse): see test_authz_urls.py and test_authz_ws.py."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie

import pytest
from django.db import transaction
from django.test import Client

from canvases.models import Canvas
from cocrea.accounts.models import Entity, EntityKind, Role, User
from cocrea.accounts.services import membership_grant
from cocrea.assessment import questionnaire
from cocrea.assessment.models import Assessment
from cocrea.assessment.services import answers_save, assessment_score, assessment_start
from cocrea.policy.models import (
    ActionPlan,
    Commitment,
    Draft,
    DraftItem,
    DraftVersion,
    ItemOrigin,
    Milestone,
    PlanStatus,
    PlanVersion,
    ReviewStatus,
)
from cocrea.policy.services.plans import plan_snapshot
from cocrea.toolkit.models import Level, Lineamiento, Pillar
from sessions import live
from sessions.cookies import cookie_name, sign_participant
from sessions.models import Activity, LiveSession, Participant, Process, Question, QuestionStatus
from sessions.services import StageInput, process_create
from tests.conftest import PASSWORD
from voting import services as voting
from voting.models import Eligibility, Poll

ROLES = ("anonymous", "participant", "citizen", "foreign", "facilitator", "official", "staff")


@dataclass
class Side:
    """One entity's people and objects."""

    entity: Entity
    facilitator: User
    official: User
    process: Process
    session: LiveSession
    participant: Participant
    slide: Activity
    qa: Activity
    question: Question
    canvas: Canvas
    poll_activity: Activity
    session_poll: Poll
    draft: Draft
    item: DraftItem
    plan: ActionPlan
    commitment: Commitment
    milestone: Milestone
    assessment: Assessment
    entity_poll: Poll

    @property
    def cookie(self) -> tuple[str, str]:
        return cookie_name(self.session.code), sign_participant(self.participant)


@dataclass
class World:
    a: Side
    b: Side
    citizen: User
    staff: User

    def user(self, role: str) -> User | None:
        return {
            "citizen": self.citizen,
            "foreign": self.b.facilitator,
            "facilitator": self.a.facilitator,
            "official": self.a.official,
            "staff": self.staff,
        }.get(role)


def _user(email: str, *, is_staff: bool = False) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, full_name=email.split("@")[0])
    if is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return user


def _side(name: str, slug: str, department: str) -> Side:
    entity = Entity.objects.create(
        name=name, slug=slug, kind=EntityKind.ALCALDIA, department=department
    )
    facilitator = _user(f"facilitador-{slug}@example.org")
    official = _user(f"funcionario-{slug}@example.org")
    membership_grant(user=facilitator, entity=entity, role=Role.FACILITATOR)
    membership_grant(user=official, entity=entity, role=Role.OFFICIAL)
    process = process_create(
        entity=entity,
        title=f"Proceso {name}",
        primary_pillar=Pillar.objects.get(code="participacion"),
        lineamientos=list(Lineamiento.objects.all()),
        stages=[StageInput(name="Taller", level=Level.objects.get(code="colaborar"))],
        created_by=facilitator,
    )
    process.status = "active"
    process.save(update_fields=["status"])
    session = live.session_create(
        stage=process.stages.get(), title=f"Taller {name}", created_by=facilitator
    )
    slide = live.activity_add(session=session, kind="slide", title="Bienvenida", body="Hola")
    qa = live.activity_add(session=session, kind="qa", title="Preguntas")
    canvas_activity = live.activity_add(session=session, kind="canvas", title="Lienzo")
    poll_activity = live.activity_add(
        session=session,
        kind="poll",
        title="Prioridades",
        poll_spec={"method": "single", "options": [{"key": "a"}, {"key": "b"}]},
        created_by=facilitator,
    )
    participant = live.participant_join(session=session, display_name="Ana", consent=True)
    question = Question.objects.create(
        activity=qa, participant=participant, text="¿Cuándo?", status=QuestionStatus.APPROVED
    )
    lineamiento = Lineamiento.objects.first()
    draft = Draft.objects.create(process=process, title="Lineamientos", next_version=2)
    item = DraftItem.objects.create(
        draft=draft,
        lineamiento=lineamiento,
        title="Datos abiertos",
        text="Publicar",
        origin=ItemOrigin.WRITTEN,
        status=ReviewStatus.APPROVED,
        order=1,
    )
    DraftVersion.objects.create(draft=draft, number=1, snapshot={"items": []})
    plan = ActionPlan.objects.create(process=process, title="Plan", status=PlanStatus.PUBLISHED)
    commitment = Commitment.objects.create(
        plan=plan, number=1, title="Compromiso", objective="Publicar"
    )
    commitment.items.set([item])
    milestone = Milestone.objects.create(commitment=commitment, deliverable="Portal", order=1)
    PlanVersion.objects.create(plan=plan, number=1, snapshot=plan_snapshot(plan))
    plan.next_version = 2
    plan.save(update_fields=["next_version"])
    assessment = assessment_start(entity=entity, actor=official)
    answers = {q.code: {"level": 2} for q in questionnaire.QUESTIONS}
    answers_save(assessment=assessment, answers=answers, actor=official)
    assessment = assessment_score(assessment=assessment, actor=official)
    entity_poll = voting.poll_create(
        entity=entity,
        title="Consulta",
        method="single",
        options=[voting.OptionInput(key="a", label="A"), voting.OptionInput(key="b", label="B")],
        eligibility=Eligibility.CODES,
        created_by=official,
    )
    entity_poll = voting.poll_open(poll=entity_poll, actor=official)
    return Side(
        entity=entity,
        facilitator=facilitator,
        official=official,
        process=process,
        session=session,
        participant=participant,
        slide=slide,
        qa=qa,
        question=question,
        canvas=Canvas.objects.get(activity=canvas_activity),
        poll_activity=poll_activity,
        session_poll=Poll.objects.get(activity=poll_activity),
        draft=draft,
        item=item,
        plan=plan,
        commitment=commitment,
        milestone=milestone,
        assessment=assessment,
        entity_poll=entity_poll,
    )


def build_world() -> World:
    a = _side("Alcaldía de Yumbo", "alcaldia-yumbo", "76")
    b = _side("Gobernación de Santander", "gobernacion-santander", "68")
    citizen = _user("ciudadana@example.org")
    membership_grant(user=citizen, entity=a.entity, role=Role.CITIZEN)
    return World(a=a, b=b, citizen=citizen, staff=_user("staff@example.org", is_staff=True))


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """One world per module, built inside a transaction that is rolled back at the end:
    each test's own transaction (the ``db`` fixture) nests in it as a savepoint. Building
    the world takes seconds; the matrix has a test per URL pattern."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def world(shared_world: World, db) -> World:
    return shared_world


@pytest.fixture(scope="module")
def _module_clients(
    shared_world: World, django_db_blocker
) -> dict[str, tuple[Client, SimpleCookie]]:
    """One client per role for the module, with its signed-in cookies kept aside: a
    new Client loads the middleware again (WhiteNoise scans every static file)."""
    with django_db_blocker.unblock():
        made = {role: client_for(shared_world, role) for role in ROLES}
    return {role: (client, copy.deepcopy(client.cookies)) for role, client in made.items()}


@pytest.fixture
def clients(_module_clients: dict[str, tuple[Client, SimpleCookie]], world: World) -> dict:
    """``{role: Client}`` with the cookies each role started with (a test may sign out)."""
    for client, cookies in _module_clients.values():
        client.cookies = copy.deepcopy(cookies)
    return {role: client for role, (client, _cookies) in _module_clients.items()}


def client_for(world: World, role: str) -> Client:
    """A test client acting as ``role`` towards entity A (``foreign``: B's facilitator)."""
    client = Client()
    if role == "participant":
        name, value = world.a.cookie
        client.cookies[name] = value
    user = world.user(role)
    if user is not None:
        client.force_login(user)
    return client
