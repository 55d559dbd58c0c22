"""The audit log: team actions produce events (with the role at the time and no
citizen's personal data), participants' own actions do not, and only staff read it."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from cocrea.accounts.models import Role, User
from cocrea.accounts.services import membership_grant
from cocrea.audit.models import AuditEvent
from cocrea.audit.services import record
from cocrea.policy.services.responses import response_set
from sessions import live
from tests.conftest import PASSWORD
from tests.policy.conftest import olga, world  # noqa: F401 - fixtures used below
from voting import services as voting
from voting.models import Eligibility
from voting.services import OptionInput

pytestmark = pytest.mark.django_db


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


def facilitator(user: User) -> live.Actor:
    return live.Actor(role="facilitator", key=f"u:{user.pk}", user_id=user.pk)


@pytest.fixture
def session(entity, alice):
    from cocrea.toolkit.models import Level, Pillar
    from sessions.services import StageInput, process_create

    process = process_create(
        entity=entity,
        title="Proceso auditado",
        primary_pillar=Pillar.objects.get(code="participacion"),
        stages=[StageInput(name="Taller", level=Level.objects.get(code="colaborar"))],
        created_by=alice,
    )
    return live.session_create(stage=process.stages.get(), title="Taller", created_by=alice)


def test_record_derives_entity_and_role_and_drops_personal_keys(session, alice, entity):
    event = record(alice, "test.action", session, display_name="Ana", email="a@b.c", count=2)
    assert event.entity == entity
    assert event.role == "facilitator"
    assert event.object_type == "live_sessions.livesession"
    assert event.object_id == str(session.pk)
    assert event.detail == {"count": 2}


def test_facilitator_commands_are_recorded_and_participants_are_not(session, alice):
    ana = live.participant_join(session=session, display_name="Ana Secreta", consent=True)
    AuditEvent.objects.all().delete()
    live.session_command(
        session_id=session.pk, actor=facilitator(alice), type="session.start", data={}, op_id="1"
    )
    qa = live.activity_add(session=session, kind="qa", title="Preguntas")
    live.session_command(
        session_id=session.pk,
        actor=facilitator(alice),
        type="activity.goto",
        data={"activity_id": qa.pk},
        op_id="2",
    )
    participant = live.Actor(role="participant", key=f"p:{ana.pk}", participant_id=ana.pk)
    live.session_command(
        session_id=session.pk, actor=participant, type="qa.ask", data={"text": "¿Y?"}, op_id="3"
    )
    live.session_command(
        session_id=session.pk,
        actor=facilitator(alice),
        type="participant.remove",
        data={"participant_id": ana.pk},
        op_id="4",
    )
    # A retried op_id is a duplicate: no second event.
    live.session_command(
        session_id=session.pk, actor=facilitator(alice), type="session.start", data={}, op_id="1"
    )
    live.session_command(
        session_id=session.pk, actor=facilitator(alice), type="session.end", data={}, op_id="5"
    )
    assert actions() == [
        "session.command.session.start",
        "session.command.participant.remove",
        "session.command.session.end",
    ]
    removal = AuditEvent.objects.get(action="session.command.participant.remove")
    assert removal.actor == alice and removal.role == "facilitator"
    assert removal.detail == {"participant_id": ana.pk}
    assert "Ana" not in json.dumps(list(AuditEvent.objects.values("detail", "object_id")))


def test_poll_lifecycle_and_codes(entity, alice):
    AuditEvent.objects.all().delete()  # alice's membership grant
    poll = voting.poll_create(
        entity=entity,
        title="Presupuesto",
        method="single",
        options=[OptionInput("a", "Parque"), OptionInput("b", "Biblioteca")],
        eligibility=Eligibility.CODES,
    )
    issued = voting.codes_issue(poll=poll, count=3, actor=alice)
    voting.codes_void(poll=poll, batch=issued.batch, actor=alice)
    voting.poll_open(poll=poll, actor=alice)
    voting.poll_close(poll=poll, actor=alice)
    voting.poll_publish(poll=poll, actor=alice)
    voting.poll_reset(poll=poll, actor=alice, reason="error")
    assert actions() == [
        "poll.create",
        "poll.codes",
        "poll.void_codes",
        "poll.open",
        "poll.close",
        "poll.publish",
        "poll.reset",
    ]
    codes = AuditEvent.objects.get(action="poll.codes")
    assert codes.detail == {"batch": issued.batch, "count": 3}
    # The printed codes themselves are never in the log.
    dumped = json.dumps(list(AuditEvent.objects.values("detail")))
    assert not any(code in dumped for code in issued.codes)


def test_policy_response_is_recorded(world, bob):  # noqa: F811
    AuditEvent.objects.all().delete()
    response_set(
        world.process, world.ref(world.notes[0]), "not_incorporated", reason="No.", actor=bob
    )
    event = AuditEvent.objects.get(action="response.set")
    assert event.actor == bob and event.role == "official"
    assert event.entity == world.process.entity
    assert event.detail["status"] == "not_incorporated"


def test_membership_grant_is_recorded_once(entity):
    user = User.objects.create_user(email="nuevo@example.org", password=PASSWORD)
    membership_grant(user=user, entity=entity, role=Role.OFFICIAL)
    membership_grant(user=user, entity=entity, role=Role.OFFICIAL)
    assert actions().count("membership.grant") == 1


# --- who reads it --------------------------------------------------------------------------


@pytest.fixture
def staff(db) -> User:
    return User.objects.create_user(email="staff@example.org", password=PASSWORD, is_staff=True)


def test_only_staff_read_the_audit_page(client, alice, bob, carol, staff, entity):
    record(alice, "poll.open", entity=entity)
    url = reverse("audit:events")
    assert client.get(url).status_code == 404
    for person in (alice, bob, carol):
        client.login(email=person.email, password=PASSWORD)
        assert client.get(url).status_code == 404, person.email
    client.login(email=staff.email, password=PASSWORD)
    page = client.get(url, {"accion": "poll."})
    assert page.status_code == 200
    assert "poll.open" in page.content.decode()


def test_admin_list_is_read_only_for_staff(client, staff, carol, alice, entity):
    record(alice, "poll.open", entity=entity)
    url = reverse("admin:audit_auditevent_changelist")
    client.login(email=carol.email, password=PASSWORD)
    assert client.get(url).status_code == 302  # not staff: the admin sends to its login
    client.login(email=staff.email, password=PASSWORD)
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    event = AuditEvent.objects.get(action="poll.open")
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert client.post(delete).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
