"""The retention rule, with time travel: sessions ended long ago lose their names."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from cocrea.privacy import retention
from cocrea.privacy.models import Anonymisation, TaskRun
from cocrea.privacy.services import anonymise_expired
from sessions.models import SessionStatus

pytestmark = pytest.mark.django_db


def _end(session, when: dt.datetime) -> None:
    session.status = SessionStatus.ENDED
    session.ended_at = when
    session.save(update_fields=["status", "ended_at"])


def test_only_sessions_ended_before_the_limit(workshop):
    now = timezone.now()
    _end(workshop.session, now - dt.timedelta(days=30))
    assert anonymise_expired(days=365, now=now) == 0
    # A year and a day later (time travel: the rule reads "now" from its caller).
    later = now + dt.timedelta(days=336)
    assert anonymise_expired(days=365, now=later) == 3
    names = sorted(p.display_name for p in workshop.session.participants.all())
    assert names == [f"Participante anónimo {n}" for n in (1, 2, 3)]
    assert set(Anonymisation.objects.values_list("reason", flat=True)) == {"retention"}
    # Idempotent.
    assert anonymise_expired(days=365, now=later) == 0


def test_sessions_not_ended_are_kept(workshop):
    later = timezone.now() + dt.timedelta(days=5000)
    assert anonymise_expired(days=1, now=later) == 0
    assert workshop.session.participants.filter(display_name__startswith="Ana").exists()


def test_zero_disables(workshop):
    _end(workshop.session, timezone.now() - dt.timedelta(days=900))
    assert anonymise_expired(days=0) == 0


def test_command(workshop, settings):
    settings.PARTICIPANT_RETENTION_DAYS = 10
    _end(workshop.session, timezone.now() - dt.timedelta(days=11))
    out = io.StringIO()
    call_command("anonymise_expired", stdout=out)
    assert "3 participantes anonimizados" in out.getvalue()
    assert TaskRun.objects.filter(name=retention.TASK).exists()


def test_opportunistic_run_at_most_once_a_day(workshop, settings, client):
    settings.PARTICIPANT_RETENTION_DAYS = 10
    now = timezone.now()
    _end(workshop.session, now - dt.timedelta(days=11))
    assert retention.run_if_due(now) == 3
    assert retention.run_if_due(now + dt.timedelta(hours=23)) is None
    assert retention.run_if_due(now + dt.timedelta(hours=25)) == 0


def test_a_request_triggers_the_due_run(workshop, settings, client):
    settings.PARTICIPANT_RETENTION_DAYS = 10
    _end(workshop.session, timezone.now() - dt.timedelta(days=11))
    retention.reset()
    client.get("/privacidad/")
    assert Anonymisation.objects.count() == 3
