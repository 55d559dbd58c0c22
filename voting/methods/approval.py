"""Approval / multiple choice: each ballot is a set of options the voter supports.

A ballot must name between ``min_choices`` and ``max_choices`` distinct, known options
(``max_choices=None`` means any number up to all options). Distinct error codes:
``unknown_option``, ``duplicate_choice``, ``too_few_choices``, ``too_many_choices``.

Each approval counts one vote for its option; the option with the most approvals wins.
``share`` is the percentage of ballots approving each option.

Ties: all options tied for the most approvals are in ``winners`` (``tie`` set); ``winner`` is
the first of them in the poll's option order. ``ranking`` orders by approvals, equal counts
in poll order; ``elected`` is the first ``seats`` options of that ranking.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .base import BallotError, Result, Step, aggregate, check_options, top_by


@dataclass
class ApprovalResult(Result):
    counts: dict[str, int] = field(default_factory=dict)
    share: dict[str, float] = field(default_factory=dict)
    ballots: int = 0
    ranking: list[str] = field(default_factory=list)
    elected: list[str] = field(default_factory=list)


def check_limits(options: Sequence[str], min_choices: int, max_choices: int | None) -> int:
    top = len(options) if max_choices is None else max_choices
    if min_choices < 0:
        raise BallotError("invalid_parameter", "min_choices", value=min_choices)
    if top < max(min_choices, 1) or top > len(options):
        raise BallotError("invalid_parameter", "max_choices", value=max_choices)
    return top


def validate_ballot(
    ballot: Iterable[str],
    options: Sequence[str],
    min_choices: int = 1,
    max_choices: int | None = None,
) -> frozenset[str]:
    if isinstance(ballot, str):
        # A bare string would otherwise be read as a set of its letters.
        raise BallotError("invalid_ballot", "ballot", expected="list of options")
    top = check_limits(options, min_choices, max_choices)
    known = set(options)
    seen: set[str] = set()
    for choice in ballot:
        if choice not in known:
            raise BallotError("unknown_option", str(choice))
        if choice in seen:
            raise BallotError("duplicate_choice", choice)
        seen.add(choice)
    if len(seen) < min_choices:
        raise BallotError("too_few_choices", "ballot", chosen=len(seen), min_choices=min_choices)
    if len(seen) > top:
        raise BallotError("too_many_choices", "ballot", chosen=len(seen), max_choices=top)
    return frozenset(seen)


def tally(
    ballots: Iterable[Iterable[str]],
    options: Sequence[str],
    min_choices: int = 1,
    max_choices: int | None = None,
    seats: int = 1,
) -> ApprovalResult:
    options = check_options(options)
    check_limits(options, min_choices, max_choices)
    if not 1 <= seats <= len(options):
        raise BallotError("invalid_parameter", "seats", value=seats)
    counts = dict.fromkeys(options, 0)
    n = 0
    # Tuples (not frozensets) are aggregated so a duplicate inside a ballot is still seen.
    for ballot, weight in aggregate(tuple(b) for b in ballots).items():
        for choice in validate_ballot(ballot, options, min_choices, max_choices):
            counts[choice] += weight
        n += weight
    result = ApprovalResult(method="approval", options=options, counts=counts, ballots=n)
    result.share = {o: (counts[o] / n * 100 if n else 0.0) for o in options}
    result.ranking, tied = top_by(options, counts)
    result.steps.append(Step("ballots_counted", ballots=n))
    for option in result.ranking:
        result.steps.append(
            Step(
                "option_approvals", option=option, votes=counts[option], share=result.share[option]
            )
        )
    if n == 0:
        result.steps.append(Step("no_votes"))
        return result
    result.winners = tied
    result.winner = tied[0]
    result.tie = len(tied) > 1
    result.elected = result.ranking[:seats]
    if result.tie:
        result.steps.append(Step("tie", options=tied, votes=counts[tied[0]]))
        result.steps.append(Step("tie_broken_by_order", option=tied[0]))
    result.steps.append(Step("winner_approval", option=result.winner, votes=counts[result.winner]))
    if seats > 1:
        result.steps.append(Step("elected", options=result.elected))
    return result
