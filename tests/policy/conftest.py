"""Shared fixtures for the policy app (drafts, plans, responses, exports).

``world`` is a process of ``entity`` with one finished live session at "colaborar" that
produced every kind of output a draft item can be promoted from:

- a canvas with three notes (two in a cluster "Movilidad segura"), dots on them, and a
  deleted note (not an output);
- a closed consensus poll with ballots, one approved statement and one rejected;
- an open question poll (closed) with one approved answer;
- a Q&A activity with a published question (with upvotes) and a pending one.

It also holds a second process of the same entity and a process of ``other_entity``, each
with a canvas note, so tests can try refs from outside the process. People: ``bob``
(official), ``alice`` (facilitator), ``carol`` (citizen) of ``entity``; ``oscar``
(facilitator) and ``olga`` (official) of ``other_entity``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from canvases.models import Canvas, CanvasNote
from cocrea.accounts.models import Entity, Role, User
from cocrea.accounts.services import membership_grant
from cocrea.toolkit.models import Level, Lineamiento, Pillar
from sessions import live
from sessions.models import (
    Activity,
    LiveSession,
    Participant,
    Process,
    Question,
    QuestionStatus,
    QuestionVote,
)
from sessions.services import StageInput, process_create
from tests.conftest import PASSWORD
from voting import moderation
from voting import services as voting
from voting.models import Poll, PollSubmission


@dataclass
class PolicyWorld:
    process: Process
    session: LiveSession
    participants: list[Participant]
    canvas: Canvas
    notes: list[CanvasNote]  # [in cluster, in cluster, loose]
    deleted_note: CanvasNote
    cluster_id: str
    poll: Poll  # closed consensus poll, 3 ballots
    statement: PollSubmission  # approved
    rejected_statement: PollSubmission
    open_poll: Poll  # closed open-question poll
    answer: PollSubmission  # approved
    question: Question  # approved, 2 upvotes
    pending_question: Question
    other_process: Process  # same entity, own session and note
    other_note: CanvasNote
    foreign_process: Process  # another entity's process
    foreign_note: CanvasNote
    extra: dict = field(default_factory=dict)

    def ref(self, obj: object) -> str:
        """The source ref of one of the world's objects."""
        if isinstance(obj, CanvasNote):
            return f"note:{obj.pk}"
        if isinstance(obj, Poll):
            return f"poll:{obj.pk}"
        if isinstance(obj, Question):
            return f"question:{obj.pk}"
        if isinstance(obj, PollSubmission):
            return f"{obj.kind}:{obj.pk}"
        raise TypeError(obj)

    @property
    def cluster_ref(self) -> str:
        return f"cluster:{self.canvas.pk}:{self.cluster_id}"


def lineamiento(code: str = "datos-abiertos") -> Lineamiento:
    return Lineamiento.objects.get(code=code)


def pillar(code: str = "participacion") -> Pillar:
    return Pillar.objects.get(code=code)


def _process(entity: Entity, title: str, creator: User | None) -> tuple[Process, LiveSession]:
    process = process_create(
        entity=entity,
        title=title,
        primary_pillar=pillar(),
        lineamientos=list(Lineamiento.objects.all()),
        stages=[StageInput(name="Taller", level=Level.objects.get(code="colaborar"))],
        created_by=creator,
    )
    session = live.session_create(
        stage=process.stages.get(), title=f"Taller {title}", created_by=creator
    )
    return process, session


_seq = iter(range(1, 1_000_000))


def note(canvas: Canvas, key: str, text: str, author: str, **fields) -> CanvasNote:
    """A note written straight to the board's table (what canvas ops leave behind)."""
    seq = next(_seq)
    return CanvasNote.objects.create(
        canvas=canvas,
        key=key,
        text=text,
        colour="yellow",
        author=author,
        created_seq=seq,
        updated_seq=seq,
        **fields,
    )


def _canvas(session: LiveSession, title: str = "Lluvia de ideas") -> Canvas:
    activity = live.activity_add(session=session, kind="canvas", title=title)
    return Canvas.objects.get(activity=activity)


def _join(session: LiveSession, name: str) -> Participant:
    return live.participant_join(session=session, display_name=name, consent=True)


@pytest.fixture
def olga(other_entity) -> User:
    """Official of another entity."""
    user = User.objects.create_user(
        email="olga@example.org", password=PASSWORD, full_name="Olga Externa"
    )
    membership_grant(user=user, entity=other_entity, role=Role.OFFICIAL)
    return user


@pytest.fixture
def world(entity, other_entity, alice, bob) -> PolicyWorld:
    process, session = _process(entity, "Movilidad en Yumbo", alice)
    ana, beto, cata, dani = (_join(session, n) for n in ("Ana", "Beto", "Cata", "Dani"))
    keys = [f"p:{p.pk}" for p in (ana, beto, cata, dani)]

    # Canvas: notes n1, n2 in cluster c1; n3 loose; n4 deleted.
    canvas = _canvas(session)
    n1 = note(canvas, "n1", "Ciclorrutas iluminadas", keys[0], cluster="c1", zone="ideas")
    n2 = note(canvas, "n2", "Cruces seguros frente a colegios", keys[1], cluster="c1")
    n3 = note(canvas, "n3", "Publicar los datos de accidentes", keys[2])
    n4 = note(canvas, "n4", "Nota borrada", keys[3], deleted=True)
    canvas.clusters = {"c1": "Movilidad segura"}
    # ana dots n3 (2) and n1 (1); dani dots n1 — n1: author ana + dani = 2 people.
    canvas.dots = {keys[0]: {"n3": 2, "n1": 1}, keys[3]: {"n1": 1}, keys[1]: {"n2": 0}}
    canvas.save(update_fields=["clusters", "dots"])

    # Consensus poll with a participant's statement; three ballots; closed.
    activity = live.activity_add(
        session=session,
        kind="poll",
        title="Prioridades",
        poll_spec={
            "method": "consensus",
            "options": [
                {"key": "a", "label": "Más ciclovías"},
                {"key": "b", "label": "Menos autos en el centro"},
            ],
            "settings": {"allow_submissions": True, "min_votes": 1},
        },
        created_by=alice,
    )
    poll = Poll.objects.get(activity=activity)
    voting.poll_open(poll=poll, actor=alice)
    statement = moderation.submission_create(
        poll=poll, text="Buses eléctricos para el centro", participant_id=beto.pk
    )
    moderation.submission_moderate(
        poll=poll, submission_id=statement.pk, decision="approve", actor=alice
    )
    rejected = moderation.submission_create(poll=poll, text="Spam", participant_id=cata.pk)
    moderation.submission_moderate(
        poll=poll, submission_id=rejected.pk, decision="reject", actor=alice
    )
    statement.refresh_from_db()
    voting.ballot_cast(poll=poll, voter_key=keys[0], content={"a": "agree", "b": "disagree"})
    voting.ballot_cast(poll=poll, voter_key=keys[1], content={"a": "agree", "b": "agree"})
    voting.ballot_cast(
        poll=poll, voter_key=keys[2], content={"a": "agree", statement.option_key: "agree"}
    )
    voting.poll_close(poll=poll, actor=alice)
    poll.refresh_from_db()

    # Open question with one published answer; closed.
    open_activity = live.activity_add(
        session=session,
        kind="poll",
        title="¿Qué le falta al barrio?",
        poll_spec={"method": "open", "options": []},
        created_by=alice,
    )
    open_poll = Poll.objects.get(activity=open_activity)
    voting.poll_open(poll=open_poll, actor=alice)
    answer = moderation.submission_create(
        poll=open_poll, text="Andenes anchos", participant_id=dani.pk
    )
    moderation.submission_moderate(
        poll=open_poll, submission_id=answer.pk, decision="approve", actor=alice
    )
    voting.poll_close(poll=open_poll, actor=alice)
    open_poll.refresh_from_db()
    answer.refresh_from_db()

    # Q&A: one published question with two upvotes (one by its author's neighbour).
    qa = live.activity_add(session=session, kind="qa", title="Preguntas")
    question = Question.objects.create(
        activity=qa,
        participant=cata,
        text="¿Cuándo se publican los datos?",
        status=QuestionStatus.APPROVED,
        upvotes=2,
    )
    QuestionVote.objects.create(question=question, voter=keys[0])
    QuestionVote.objects.create(question=question, voter=keys[1])
    pending = Question.objects.create(
        activity=qa, participant=dani, text="Pregunta sin moderar", status=QuestionStatus.PENDING
    )

    other_process, other_session = _process(entity, "Otro proceso", alice)
    other_canvas = _canvas(other_session)
    other_note = note(other_canvas, "x1", "Nota de otro proceso", "u:1")

    foreign_process, foreign_session = _process(other_entity, "Proceso ajeno", None)
    foreign_canvas = _canvas(foreign_session)
    foreign_note = note(foreign_canvas, "f1", "Nota de otra entidad", "u:1")

    return PolicyWorld(
        process=process,
        session=session,
        participants=[ana, beto, cata, dani],
        canvas=canvas,
        notes=[n1, n2, n3],
        deleted_note=n4,
        cluster_id="c1",
        poll=poll,
        statement=statement,
        rejected_statement=rejected,
        open_poll=open_poll,
        answer=answer,
        question=question,
        pending_question=pending,
        other_process=other_process,
        other_note=other_note,
        foreign_process=foreign_process,
        foreign_note=foreign_note,
    )


__all__ = ["Activity", "PolicyWorld", "lineamiento", "note", "pillar"]
