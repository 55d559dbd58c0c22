"""Single choice (plurality): each ballot names one option; the most-voted option wins.

Ties: every option tied for the most votes is listed in ``winners`` and ``tie`` is set, so
the interface can say so plainly. ``winner`` is then the tied option that comes first in the
poll's option order — a fixed, published rule rather than a coin toss. The ``ranking`` orders
options by votes, equal counts in poll order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .base import BallotError, Result, Step, aggregate, check_options, top_by


@dataclass
class SingleResult(Result):
    counts: dict[str, int] = field(default_factory=dict)
    total: int = 0
    ranking: list[str] = field(default_factory=list)


def validate_ballot(ballot: object, options: Sequence[str]) -> str:
    if not isinstance(ballot, str):
        raise BallotError("invalid_ballot", "ballot", expected="option")
    if ballot not in set(options):
        raise BallotError("unknown_option", ballot)
    return ballot


def tally(ballots: Iterable[str], options: Sequence[str]) -> SingleResult:
    options = check_options(options)
    counts = dict.fromkeys(options, 0)
    for ballot, weight in aggregate(ballots).items():
        counts[validate_ballot(ballot, options)] += weight
    total = sum(counts.values())
    ranking, tied = top_by(options, counts)
    result = SingleResult(method="single", options=options, counts=counts, total=total)
    result.ranking = ranking
    result.steps.append(Step("ballots_counted", ballots=total))
    for option in ranking:
        share = counts[option] / total * 100 if total else 0.0
        result.steps.append(Step("option_votes", option=option, votes=counts[option], share=share))
    if total == 0:
        result.steps.append(Step("no_votes"))
        return result
    result.winners = tied
    result.winner = tied[0]
    result.tie = len(tied) > 1
    if result.tie:
        result.steps.append(Step("tie", options=tied, votes=counts[tied[0]]))
        result.steps.append(Step("tie_broken_by_order", option=tied[0]))
    result.steps.append(Step("winner_plurality", option=result.winner, votes=counts[result.winner]))
    return result
