"""Shared fixtures for live sessions: a process stage at a given IAP2 level, a live
session at "colaborar" with a small agenda, participants and their cookies."""

from __future__ import annotations

import pytest

from cocrea.realtime.models import StreamEvent
from cocrea.toolkit.models import Level, Pillar
from sessions import live
from sessions.cookies import cookie_name, sign_participant
from sessions.models import Activity, LiveSession, Participant, Stage
from sessions.services import StageInput, process_create


@pytest.fixture
def make_stage(entity, alice):
    """``make_stage("informar")``: the single stage of a new process at that level."""

    def make(level_code: str = "colaborar") -> Stage:
        process = process_create(
            entity=entity,
            title=f"Proceso {level_code}",
            primary_pillar=Pillar.objects.get(code="participacion"),
            stages=[StageInput(name="Taller", level=Level.objects.get(code=level_code))],
            created_by=alice,
        )
        return process.stages.get()

    return make


@pytest.fixture
def live_session(make_stage, alice) -> LiveSession:
    return live.session_create(
        stage=make_stage("colaborar"), title="Taller de propuestas", created_by=alice
    )


@pytest.fixture
def agenda(live_session) -> tuple[Activity, Activity]:
    """(slide, qa): events 1 and 2 of the session's stream (agenda.changed)."""
    slide = live.activity_add(
        session=live_session, kind="slide", title="Bienvenida", body="Hola **todos**"
    )
    qa = live.activity_add(session=live_session, kind="qa", title="Preguntas", duration=600)
    return slide, qa


@pytest.fixture
def ana(live_session) -> Participant:
    return live.participant_join(session=live_session, display_name="Ana", consent=True)


@pytest.fixture
def beto(live_session) -> Participant:
    return live.participant_join(session=live_session, display_name="Beto", consent=True)


@pytest.fixture
def facilitator(alice) -> live.Actor:
    return facilitator_actor(alice)


@pytest.fixture
def as_participant():
    """``as_participant(p)``: the command actor of a participant."""
    return participant_actor


@pytest.fixture
def cookie_of():
    """``cookie_of(p)``: the ``Cookie`` header value a joined participant sends."""
    return participant_cookie


@pytest.fixture
def events_of():
    """``events_of(session, after=0)``: ``[(seq, type, payload)]`` from the database."""
    return stream_events


def facilitator_actor(user) -> live.Actor:
    return live.Actor(role="facilitator", key=f"u:{user.pk}", user_id=user.pk)


def participant_actor(participant: Participant) -> live.Actor:
    return live.Actor(role="participant", key=f"p:{participant.pk}", participant_id=participant.pk)


def participant_cookie(participant: Participant) -> str:
    """``cocrea_p_<CODE>=<signed>``, as the HTTP join step sets it."""
    return f"{cookie_name(participant.session.code)}={sign_participant(participant)}"


def stream_events(session: LiveSession, after: int = 0) -> list[tuple[int, str, dict]]:
    return [
        (e.seq, e.type, e.payload)
        for e in StreamEvent.objects.filter(stream=session.stream, seq__gt=after).order_by("seq")
    ]
