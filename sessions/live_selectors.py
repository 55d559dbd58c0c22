"""Reads for live sessions: lookups by code, the snapshot, presence."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from canvases.selectors import canvas_data, canvases_of_session
from canvases.visibility import view_canvas
from cocrea.realtime.models import StreamHead
from cocrea.realtime.selectors import stream_head
from sessions.models import LiveSession, Participant, Question, QuestionVote, SessionStatus
from sessions.serialization import (
    PUBLIC_QUESTION_STATUSES,
    agenda_data,
    public_question,
    question_data,
    timer_data,
)
from voting.live import poll_snapshot
from voting.models import Participation, Poll

PRESENCE_WINDOW = dt.timedelta(seconds=90)


def session_by_code(code: str) -> LiveSession | None:
    """The open session with this code, else the most recent ended one (so a late
    visitor is told it ended, not that it never existed)."""
    # One unordered query (a code has one open session and rarely a few ended ones):
    # this runs for every connecting socket, on the single database thread.
    found = list(
        LiveSession.objects.select_related("level", "stage__process__entity")
        .filter(code=code)
        .order_by()
    )
    for session in found:
        if session.status != SessionStatus.ENDED:
            return session
    ended = [s for s in found if s.ended_at is not None] or found
    return max(ended, key=lambda s: s.ended_at or s.created, default=None)


def sessions_of_process(process: Any) -> list[LiveSession]:
    return list(
        LiveSession.objects.filter(stage__process=process)
        .select_related("stage", "level")
        .order_by("-created")
    )


def present_participants(session_id: int) -> list[Participant]:
    return list(_present(session_id).order_by("display_name"))


def _present(session_id: int) -> Any:
    since = timezone.now() - PRESENCE_WINDOW
    return Participant.objects.filter(
        session_id=session_id,
        removed_at__isnull=True,
        connections__gt=0,
        last_seen__gte=since,
    )


def presence_frame(session_id: int, *, facilitator: bool) -> dict[str, Any]:
    if not facilitator:  # participants get a count: no need to load everyone
        return {"type": "presence", "count": _present(session_id).count()}
    present = present_participants(session_id)
    return {
        "type": "presence",
        "count": len(present),
        "participants": [{"id": p.pk, "name": p.display_name} for p in present],
    }


def session_snapshot(
    session_id: int, *, role: str, participant: Participant | None, voter: str | None = None
) -> dict[str, Any]:
    """Everything a client needs to draw the session, exactly as of one ``seq``.

    The stream's head row is locked while reading: a command commits its change and
    its event together, so it must wait, and the state read here is the state at
    ``seq`` (the client then drops events up to ``seq`` and applies the rest).
    ``voter`` is the reader's vote key (``u:<id>`` for a facilitator); participants'
    is derived from ``participant``."""
    with transaction.atomic():
        stream = f"session:{session_id}"
        if not list(StreamHead.objects.select_for_update().filter(stream=stream)):
            StreamHead.objects.get_or_create(stream=stream)  # a session with no events yet
            list(StreamHead.objects.select_for_update().filter(stream=stream))
        seq = stream_head(stream)
        return _snapshot_at(session_id, seq, role=role, participant=participant, voter=voter)


def _snapshot_at(
    session_id: int, seq: int, *, role: str, participant: Participant | None, voter: str | None
) -> dict[str, Any]:
    session = LiveSession.objects.select_related("level").get(pk=session_id)
    participant_id = participant.pk if participant else None
    questions = Question.objects.filter(activity__session=session)
    if role != "facilitator":
        questions = questions.filter(
            Q(status__in=PUBLIC_QUESTION_STATUSES) | Q(participant_id=participant_id or -1)
        )
    voter = f"p:{participant_id}" if participant_id else voter
    upvoted = set(
        QuestionVote.objects.filter(voter=voter).values_list("question_id", flat=True)
        if voter
        else ()
    )
    question_list = []
    for question in questions.order_by("-upvotes", "created"):
        data = question_data(question)
        shown = data if role == "facilitator" else public_question(data, participant_id)
        if role != "facilitator" and session.results_hidden:
            shown["upvotes"] = None  # hidden results are not sent, not just not shown
        shown["upvoted"] = question.pk in upvoted
        question_list.append(shown)
    you: dict[str, Any] = {"role": role}
    if voter:
        you["key"] = voter
    if participant is not None:
        you.update(participant_id=participant.pk, name=participant.display_name)
    level = session.level
    presence = presence_frame(session.pk, facilitator=role == "facilitator")
    presence.pop("type")
    return {
        "type": "snapshot",
        "seq": seq,
        "server_time": timezone.now().isoformat(),
        "you": you,
        "session": {
            "code": session.code,
            "title": session.title,
            "status": session.status,
            "level": {
                "code": level.code,
                "name": level.tr("name"),
                "promise": level.tr("promise"),
            },
            "current_activity_id": session.current_activity_id,
            "input_locked": session.input_locked,
            "results_hidden": session.results_hidden,
            "timer": timer_data(session),
        },
        "agenda": agenda_data(session),
        "questions": question_list,
        "canvases": [
            data if role == "facilitator" else view_canvas(data, voter or "p:")
            for data in (canvas_data(c) for c in canvases_of_session(session.pk))
        ],
        "polls": _polls(
            session.pk,
            facilitator=role == "facilitator",
            voter=voter,
            participant_id=participant_id,
        ),
        "presence": presence,
    }


def _polls(
    session_id: int, *, facilitator: bool, voter: str | None, participant_id: int | None
) -> list[dict[str, Any]]:
    polls = list(Poll.objects.filter(activity__session_id=session_id).order_by("activity__order"))
    voted = set(
        Participation.objects.filter(poll__in=polls, voter_key=voter).values_list(
            "poll_id", flat=True
        )
        if voter
        else ()
    )
    # Each poll carries its submissions as this reader may see them (voting.live).
    return [
        poll_snapshot(
            p, facilitator=facilitator, voted=p.pk in voted, participant_id=participant_id
        )
        for p in polls
    ]
