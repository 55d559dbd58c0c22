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
==========================  ===========================================

The final result (winners, rounds, explanation) is the method's full tally, computed
once when the poll closes (:func:`result_data`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from voting.methods import METHODS, explain
from voting.models import Ballot, Poll, PollStatus

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
    from voting.selectors import tally  # voting.services imports this module

    result = tally(poll)
    data = {
        "winners": list(result.winners),
        "winner": result.winner,
        "tie": result.tie,
        "ranking": list(getattr(result, "ranking", None) or []),
        "steps": [step.as_dict() for step in result.steps],
        "explanation": explain(result),
    }
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


def poll_snapshot(poll: Poll, *, facilitator: bool, voted: bool) -> dict[str, Any]:
    data = {**poll_description(poll), "voted": voted}
    visible = facilitator or results_visible(poll)
    counts = current_counts(poll)
    data["ballots"] = counts["ballots"]
    data["counts"] = counts if visible else None
    data["results_visible"] = results_visible(poll)
    if poll.status in (PollStatus.CLOSED, PollStatus.PUBLISHED):
        data["result"] = result_data(poll) if visible else None
    return data


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
