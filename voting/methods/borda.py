"""Borda count.

Ballot: a ranking validated like IRV's (partial rankings allowed). With ``n`` options the
option ranked first gets ``n-1`` points, the second ``n-2``, … the last possible place 0.

Partial rankings: ranked options keep the points of their position (a ballot ranking only A
still gives A ``n-1`` points) and every unranked option gets 0 — they share last place and
the ballot says nothing between them.

Ties: options with the same points are tied; ``winners`` holds all tied for the top and
``winner`` is the one with more first preferences, then the first in the poll's option order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .base import Result, Step, aggregate, check_options, set_first_place, top_by
from .irv import validate_ballot as validate_ranking


@dataclass
class BordaResult(Result):
    points: dict[str, int] = field(default_factory=dict)
    first_preferences: dict[str, int] = field(default_factory=dict)
    ranking: list[str] = field(default_factory=list)
    ballots: int = 0


def validate_ballot(ballot: Sequence[str], options: Sequence[str]) -> tuple[str, ...]:
    return validate_ranking(ballot, options)


def tally(ballots: Iterable[Sequence[str]], options: Sequence[str]) -> BordaResult:
    options = check_options(options)
    n = len(options)
    points = dict.fromkeys(options, 0)
    first = dict.fromkeys(options, 0)
    total = 0
    for ranking, weight in aggregate(tuple(b) for b in ballots).items():
        validate_ballot(ranking, options)
        total += weight
        first[ranking[0]] += weight
        for place, option in enumerate(ranking):
            points[option] += (n - 1 - place) * weight
    result = BordaResult(method="borda", options=options, points=points, ballots=total)
    result.first_preferences = first
    result.ranking, tied = top_by(options, {o: (points[o], first[o]) for o in options})
    result.steps.append(Step("ballots_counted", ballots=total))
    result.steps.append(Step("borda_scale", first=n - 1, last=0))
    for option in result.ranking:
        result.steps.append(Step("option_points", option=option, points=points[option]))
    if total == 0:
        result.steps.append(Step("no_votes"))
        return result
    set_first_place(result, result.ranking, points.__getitem__)
    best = points[result.winner]
    if result.tie:
        result.steps.append(Step("tie", options=result.winners, votes=best))
        if len(tied) == 1:
            result.steps.append(
                Step("tie_broken_by_first", option=result.winner, votes=first[result.winner])
            )
        else:
            result.steps.append(Step("tie_broken_by_order", option=result.winner))
    result.steps.append(Step("winner_borda", option=result.winner, points=best))
    return result
