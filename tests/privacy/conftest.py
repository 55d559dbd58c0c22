"""A small workshop for the privacy tests: a live session with a canvas, a Q&A, a
closed poll with ballots, and three participants with recognisable names."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from canvases import ops
from canvases.services import canvas_apply
from cocrea.toolkit.models import Level, Methodology, Pillar
from sessions import live
from sessions.cookies import cookie_name, sign_participant
from sessions.models import LiveSession, Participant, Question, QuestionStatus
from sessions.services import StageInput, process_create
from voting import services as voting
from voting.models import Poll

NAMES = ("Ana Pérez Quintero", "Beto Ramírez Ossa", "Carla Mosquera Riascos")


@dataclass
class Workshop:
    session: LiveSession
    people: list[Participant]
    poll: Poll
    canvas_id: int


def _op(canvas_id: int, stream: str, op: dict, key: str) -> None:
    from canvases.models import Canvas

    canvas_apply(
        canvas=Canvas.objects.get(pk=canvas_id), stream=stream, actor=ops.Actor(key), op=op
    )


@pytest.fixture
def workshop(entity, alice) -> Workshop:
    process = process_create(
        entity=entity,
        title="Proceso de privacidad",
        primary_pillar=Pillar.objects.get(code="participacion"),
        stages=[StageInput(name="Taller", level=Level.objects.get(code="colaborar"))],
        created_by=alice,
    )
    session = live.session_create(stage=process.stages.get(), title="Taller", created_by=alice)
    people = [live.participant_join(session=session, display_name=n, consent=True) for n in NAMES]
    activity = live.activity_add(
        session=session,
        kind="poll",
        title="¿Qué priorizar?",
        poll_spec={
            "method": "single",
            "options": [{"key": "a", "label": "Alumbrado"}, {"key": "b", "label": "Parques"}],
        },
    )
    poll = Poll.objects.get(activity=activity)
    voting.poll_open(poll=poll, actor=alice)
    for person, choice in zip(people, ["a", "a", "b"], strict=True):
        voting.ballot_cast(poll=poll, voter_key=f"p:{person.pk}", content=choice)
    voting.poll_close(poll=poll, actor=alice)
    methodology = Methodology.objects.filter(zones__isnull=False).distinct().order_by("order")[0]
    canvas_activity = live.activity_add(
        session=session, kind="canvas", title="Ideas", methodology=methodology
    )
    canvas_id = canvas_activity.canvas.pk
    for note_id, text, person in [("n1", "Más luz en el parque", 0), ("n2", "Bancas", 1)]:
        _op(
            canvas_id,
            session.stream,
            {"op": "create", "id": note_id, "text": text, "x": 20, "y": 20},
            f"p:{people[person].pk}",
        )
    _op(canvas_id, session.stream, {"op": "dot", "note": "n1"}, f"p:{people[1].pk}")
    qa = live.activity_add(session=session, kind="qa", title="Preguntas")
    Question.objects.create(
        activity=qa, participant=people[0], text="¿Quién decide?", status=QuestionStatus.APPROVED
    )
    return Workshop(session=session, people=people, poll=poll, canvas_id=canvas_id)


def client_of(participant: Participant) -> Client:
    """A browser holding this participant's cookie."""
    client = Client()
    participant.refresh_from_db()
    client.cookies[cookie_name(participant.session.code)] = sign_participant(participant)
    return client
