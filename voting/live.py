"""Polls inside live sessions: running counters and the shapes sent over the socket.

Counters
--------
A live results view must not recount every ballot on every vote. Each ballot adds (and
a superseded one subtracts) its contribution to ``Poll.live_counts`` in the ballot's own
transaction, under the poll's row lock, so the counters always equal a recount of the
ballots in force (:func:`recount`). What is counted depends on the method's live view:

==========================  ===========================================
method                      per option
==========================  ===========================================
single                      ``votes``
approval, budget            ``approvals``
irv, schulze, borda         ``first`` (first preferences)
score                       ``sum``, ``count`` (average = sum / count)
points                      ``points``
consensus                   ``agree``, ``disagree``, ``pass``
open                        nothing (open answers take no ballots)
==========================  ===========================================

A consensus poll that accepts submissions grows while open: an approved statement is a
new option, and :mod:`voting.moderation` adds its key to the counters with zeros.

The final result (winners, rounds, explanation) is the method's full tally, computed
once when the poll closes (:func:`result_data`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from django.db.models import Q

from voting.methods import METHODS, open_answer
from voting.models import Ballot, Poll, PollStatus, PollSubmission, SubmissionStatus

METRICS: dict[str, tuple[str, ...]] = {
    "single": ("votes",),
    "approval": ("approvals",),
    "budget": ("approvals",),
    "irv": ("first",),
    "schulze": ("first",),
    "borda": ("first",),
    "score": ("sum", "count"),
    "points": ("points",),
    "consensus": ("agree", "disagree", "pass"),
    "open": (),
}


def empty_counts(method: str, keys: Iterable[str]) -> dict[str, Any]:
    metrics = METRICS[method]
    return {"ballots": 0, "options": {key: dict.fromkeys(metrics, 0) for key in keys}}


def contribution(method: str, content: Any) -> dict[str, dict[str, int]]:
    """What one (valid) ballot adds to the counters, per option and metric."""
    if method == "single":
        return {content: {"votes": 1}}
    if method in ("approval", "budget"):
        return {key: {"approvals": 1} for key in content}
    if method in ("irv", "schulze", "borda"):
        return {content[0]: {"first": 1}} if content else {}
    if method == "score":
        return {key: {"sum": value, "count": 1} for key, value in content.items()}
    if method == "points":
        return {key: {"points": value} for key, value in content.items()}
    if method == "consensus":
        return {key: {vote: 1} for key, vote in content.items()}
    raise ValueError(f"no live counters for method {method!r}")


def counts_add(
    counts: dict[str, Any], method: str, keys: Iterable[str], content: Any, sign: int = 1
) -> dict[str, Any]:
    """``counts`` with one ballot added (``sign=1``) or taken away (``sign=-1``)."""
    if not counts:
        counts = empty_counts(method, keys)
    counts["ballots"] += sign
    for key, metrics in contribution(method, content).items():
        row = counts["options"].setdefault(key, dict.fromkeys(METRICS[method], 0))
        for metric, value in metrics.items():
            row[metric] += sign * value
    return counts


def option_keys(poll: Poll) -> list[str]:
    return list(poll.options.order_by("order").values_list("key", flat=True))


def recount(poll: Poll) -> dict[str, Any]:
    """The counters computed from scratch over the ballots in force."""
    counts = empty_counts(poll.method, option_keys(poll))
    for content in Ballot.objects.filter(poll=poll, superseded=False).values_list(
        "content", flat=True
    ):
        counts_add(counts, poll.method, (), content)
    return counts


def current_counts(poll: Poll) -> dict[str, Any]:
    return poll.live_counts or empty_counts(poll.method, option_keys(poll))


# --- shapes sent to clients -------------------------------------------------------------


def poll_description(poll: Poll) -> dict[str, Any]:
    """What anyone in the session may know about a poll (no counts)."""
    return {
        "id": poll.pk,
        "activity_id": poll.activity_id,
        "title": poll.title,
        "method": poll.method,
        "options": [
            {"key": o.key, "label": o.label, "cost": o.cost} for o in poll.options.order_by("order")
        ],
        "settings": poll.settings,
        "status": poll.status,
        "results_visibility": poll.results_visibility,
        # Clients offer "change my vote" only when the service would accept it.
        "allow_change": poll.allow_change,
    }


def _plain(value: Any) -> Any:
    if isinstance(value, Fraction):
        return float(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    if hasattr(value, "as_dict"):
        return value.as_dict()
    if hasattr(value, "__dict__"):
        return vars(value)
    return str(value)


def result_data(poll: Poll) -> dict[str, Any]:
    """The method's full tally: winners, structured steps and the explanation in the
    active language (the facilitator's who closed or published the poll)."""
    from voting.public import explanation
    from voting.selectors import tally  # voting.services imports this module

    if poll.method == "open":
        # The result of an open question is its published answers, not ballots.
        answers = open_answer.tally(approved_answers(poll), [], **poll.settings)
        result = answers
    else:
        result = tally(poll)
    data: dict[str, Any] = {
        "winners": list(result.winners),
        "winner": result.winner,
        "tie": result.tie,
        "ranking": list(getattr(result, "ranking", None) or []),
        "steps": [step.as_dict() for step in result.steps],
        # Sentences name options by their labels, as the public results page does.
        "explanation": explanation(result, {o.key: o.label for o in poll.options.all()}),
    }
    if poll.method == "open":
        data["answers"] = answers.answers
        data["count"] = answers.count
    return json.loads(json.dumps(data, default=_plain))


def results_visible(poll: Poll) -> bool:
    from voting.selectors import results_visible as visible

    return visible(poll)


def results_payload(poll: Poll) -> dict[str, Any]:
    """Data of a ``poll.results`` event: counts, and whether participants may see them
    (decided here, so the visibility rule needs no database read per recipient)."""
    return {
        "activity_id": poll.activity_id,
        "poll_id": poll.pk,
        "ballots": current_counts(poll)["ballots"],
        "counts": current_counts(poll),
        "results_visible": results_visible(poll),
    }


def status_payload(poll: Poll) -> dict[str, Any]:
    """Data of a ``poll.status`` event; once closed it carries the full result."""
    data = {**results_payload(poll), "status": poll.status}
    if poll.status in (PollStatus.CLOSED, PollStatus.PUBLISHED):
        data["result"] = result_data(poll)
    return data


def hide_results(data: dict[str, Any]) -> dict[str, Any]:
    """A results/status payload as a participant sees it while results are hidden:
    the number of ballots stays (turnout), counts and result go."""
    shown = {**data, "counts": None}
    if "result" in shown:
        shown["result"] = None
    return shown


def poll_snapshot(
    poll: Poll, *, facilitator: bool, voted: bool, participant_id: int | None = None
) -> dict[str, Any]:
    data = {**poll_description(poll), "voted": voted}
    data["submissions"] = submissions_for(
        poll, facilitator=facilitator, participant_id=participant_id
    )
    visible = facilitator or results_visible(poll)
    counts = current_counts(poll)
    data["ballots"] = counts["ballots"]
    data["counts"] = counts if visible else None
    data["results_visible"] = results_visible(poll)
    if poll.status in (PollStatus.CLOSED, PollStatus.PUBLISHED):
        data["result"] = result_data(poll) if visible else None
    return data


# --- submissions (statements and open answers) -------------------------------------------


def approved_answers(poll: Poll) -> list[str]:
    """The published answers of an open question, in the order they were sent."""
    return list(
        PollSubmission.objects.filter(poll=poll, status=SubmissionStatus.APPROVED)
        .order_by("created", "pk")
        .values_list("text", flat=True)
    )


def submission_data(submission: PollSubmission) -> dict[str, Any]:
    """A submission as facilitators see it. ``participant_id`` is the author's (for the
    facilitators and for deciding ``mine``); :func:`public_submission` strips it."""
    return {
        "id": submission.pk,
        "kind": submission.kind,
        "text": submission.text,
        "status": submission.status,
        "participant_id": submission.participant_id,
    }


def public_submission(data: dict[str, Any], participant_id: int | None) -> dict[str, Any]:
    """A submission as a participant sees it: never who wrote it, only whether it was them."""
    shown = {k: v for k, v in data.items() if k != "participant_id"}
    shown["mine"] = participant_id is not None and data.get("participant_id") == participant_id
    return shown


def submission_visible(data: dict[str, Any], participant_id: int | None) -> dict[str, Any] | None:
    """What a participant may see of one submission: all of their own (``mine``), others'
    once approved; nothing (``None``) of others' pending or rejected ones.

    Moderation is final (pending → approved or rejected, once), so a submission others
    have seen is never rejected afterwards: they have nothing to take off the screen."""
    mine = participant_id is not None and data.get("participant_id") == participant_id
    if mine or data["status"] == SubmissionStatus.APPROVED:
        return public_submission(data, participant_id)
    return None


def submissions_for(
    poll: Poll, *, facilitator: bool, participant_id: int | None
) -> list[dict[str, Any]]:
    """The poll's submissions for one reader, oldest first (the snapshot's list)."""
    rows = PollSubmission.objects.filter(poll=poll).order_by("created", "pk")
    if facilitator:
        return [submission_data(s) for s in rows]
    rows = rows.filter(
        Q(status=SubmissionStatus.APPROVED)
        | Q(participant_id=participant_id if participant_id is not None else -1)
    )
    return [public_submission(submission_data(s), participant_id) for s in rows]


__all__ = [
    "METHODS",
    "METRICS",
    "contribution",
    "counts_add",
    "poll_description",
    "poll_snapshot",
    "recount",
    "result_data",
    "results_payload",
    "status_payload",
]
