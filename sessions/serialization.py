"""Plain-data shapes of live-session objects, shared by events and snapshots, and
the one visibility function that decides what each recipient may see."""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

from canvases.visibility import Flags, personal_view, shape_effect, view_canvas
from sessions.models import Activity, LiveSession, Question, QuestionStatus
from voting.live import hide_results, submission_visible

PUBLIC_QUESTION_STATUSES = (QuestionStatus.APPROVED, QuestionStatus.ANSWERED)


def activity_data(activity: Activity) -> dict[str, Any]:
    return {
        "id": activity.pk,
        "order": activity.order,
        "kind": activity.kind,
        "title": activity.title,
        "body_html": activity.body_html,
        "duration": activity.duration,
    }


def agenda_data(session: LiveSession) -> list[dict[str, Any]]:
    return [activity_data(a) for a in session.activities.order_by("order")]


def question_data(question: Question) -> dict[str, Any]:
    return {
        "id": question.pk,
        "activity_id": question.activity_id,
        "participant_id": question.participant_id,
        "text": question.text,
        "status": question.status,
        "upvotes": question.upvotes,
    }


def timer_data(session: LiveSession) -> dict[str, Any]:
    """The countdown as stored. No server time here: events are replayed later, so
    clients take their clock offset from the snapshot and from ``pong`` frames."""
    return {
        "ends_at": session.timer_ends_at.isoformat() if session.timer_ends_at else None,
        "remaining": session.timer_remaining,
    }


HIDDEN: dict[str, Any] = {"event": "hidden", "data": {}}


def visible_frame(
    frame: dict[str, Any], *, role: str, participant_id: int | None
) -> dict[str, Any]:
    """What one recipient receives for an event frame ``{"seq", "event", "data"}``.

    Facilitators see everything. Others get a ``hidden`` stub in place of what they
    may not see, so their ``seq`` stays gap-free. Question authors are never named
    to other participants."""
    if role == "facilitator":
        return {"type": "event", **frame}
    event, data = frame["event"], frame["data"]
    visible = data
    if event == "qa.upvoted" and data.get("results_hidden"):
        visible = {"question_id": data["question_id"], "upvotes": None, "results_hidden": True}
    elif event == "participant.removed":
        if data.get("participant_id") != participant_id:
            visible = None
    elif event in ("qa.asked", "qa.moderated"):
        question = data["question"]
        mine = question.get("participant_id") == participant_id and participant_id is not None
        if question["status"] in PUBLIC_QUESTION_STATUSES or mine:
            shown = public_question(question, participant_id)
            if data.get("results_hidden"):
                shown["upvotes"] = None  # hidden results are not sent
            visible = {"question": shown}
        elif event == "qa.moderated" and question["status"] == QuestionStatus.REJECTED:
            # It may have been on screen (approved, then rejected): say only that it
            # is gone, never its text or author.
            visible = {
                "question": {
                    "id": question["id"],
                    "activity_id": question["activity_id"],
                    "status": question["status"],
                    "mine": False,
                }
            }
        else:
            visible = None
    elif event in CANVAS_EVENTS:
        visible = _canvas_event(event, data, participant_id)
    elif event == "poll.submission":
        # Like Q&A: the author sees their own in every status, others once approved.
        shown = submission_visible(data["submission"], participant_id)
        visible = None if shown is None else {**data, "submission": shown}
    elif event in POLL_RESULT_EVENTS and not data.get("results_visible"):
        visible = hide_results(data)
    if visible is None:
        return {"type": "event", "seq": frame["seq"], **HIDDEN}
    return {"type": "event", "seq": frame["seq"], "event": event, "data": visible}


CANVAS_EVENTS = frozenset({"canvas.effect", "canvas.reset", "canvas.settings"})
# Poll events carrying counts: participants get them only when ``results_visible``
# (decided when the event was emitted, per the poll's visibility rule and status).
POLL_RESULT_EVENTS = frozenset({"poll.results", "poll.status"})


def _canvas_event(event: str, data: dict[str, Any], participant_id: int | None) -> Any:
    """A canvas event as a participant sees it (canvases.visibility decides)."""
    viewer = f"p:{participant_id}" if participant_id is not None else "p:"
    if event == "canvas.effect":
        effect = shape_effect(
            data["effect"], viewer, Flags.from_data(data.get("flags", {})), data["authors"]
        )
        return None if effect is None else {"activity_id": data["activity_id"], "effect": effect}
    if event == "canvas.reset":
        return {"activity_id": data["activity_id"], "canvas": view_canvas(data["canvas"], viewer)}
    return data


def public_question(question: dict[str, Any], participant_id: int | None) -> dict[str, Any]:
    shown = {k: v for k, v in question.items() if k != "participant_id"}
    shown["mine"] = participant_id is not None and question.get("participant_id") == participant_id
    return shown


# Events whose visible form depends on who receives them; all others read the same
# for every participant, so their JSON is encoded once per process, not per socket.
PERSONAL_EVENTS = frozenset({"participant.removed", "qa.asked", "qa.moderated", "poll.submission"})
_ENCODED: OrderedDict[tuple[str, int, str, Any], str] = OrderedDict()
_ENCODED_MAX = 512


def encoded_frame(
    stream: str, frame: dict[str, Any], *, role: str, participant_id: int | None
) -> str:
    """``visible_frame`` as JSON text, memoised per (stream, seq, view).

    A broadcast to 500 participants encodes one text instead of 500."""
    if role == "facilitator":
        view: Any = "f"
    elif frame["event"] in PERSONAL_EVENTS:
        view = ("p", participant_id)
    elif frame["event"] in CANVAS_EVENTS:
        view = ("p", personal_view(frame["event"], frame["data"], f"p:{participant_id}"))
    else:
        view = "p"
    key = (stream, frame["seq"], frame["event"], view)
    text = _ENCODED.get(key)
    if text is None:
        text = json.dumps(
            visible_frame(frame, role=role, participant_id=participant_id),
            ensure_ascii=False,
            separators=(",", ":"),
        )
        _ENCODED[key] = text
        if len(_ENCODED) > _ENCODED_MAX:
            _ENCODED.popitem(last=False)
    return text
