"""Points distribution ("reparte 100 puntos", dot voting).

Ballot: ``{option: points}`` with non-negative integer points that add up to exactly
``total`` — or to at most ``total`` with ``allow_less=True``. ``max_per_option`` optionally
caps the points one ballot may give one option. Error codes: ``unknown_option``,
``points_not_integer``, ``negative_points``, ``over_cap``, ``wrong_total`` (sum differs from
``total``), ``over_total`` (sum above ``total`` when less is allowed).

The result sums the points per option and gives each option's share of all points and its
number of supporters (ballots giving it at least one point).

Ties: equal points are broken by more supporters, then by the poll's option order;
``winners`` lists every option tied on points.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .base import (
    BallotError,
    Result,
    Step,
    aggregate,
    check_options,
    set_first_place,
    top_by,
)


@dataclass
class PointsResult(Result):
    points: dict[str, int] = field(default_factory=dict)
    supporters: dict[str, int] = field(default_factory=dict)
    share: dict[str, float] = field(default_factory=dict)
    ranking: list[str] = field(default_factory=list)
    ballots: int = 0


def validate_ballot(
    ballot: Mapping[str, int],
    options: Sequence[str],
    total: int = 100,
    allow_less: bool = False,
    max_per_option: int | None = None,
) -> dict[str, int]:
    if not isinstance(ballot, Mapping):
        raise BallotError("invalid_ballot", "ballot", expected="mapping")
    known = set(options)
    spent = 0
    for option, value in ballot.items():
        if option not in known:
            raise BallotError("unknown_option", str(option))
        if isinstance(value, bool) or not isinstance(value, int):
            raise BallotError("points_not_integer", option, value=value)
        if value < 0:
            raise BallotError("negative_points", option, value=value)
        if max_per_option is not None and value > max_per_option:
            raise BallotError("over_cap", option, value=value, max_per_option=max_per_option)
        spent += value
    if allow_less and spent > total:
        raise BallotError("over_total", "ballot", spent=spent, total=total)
    if not allow_less and spent != total:
        raise BallotError("wrong_total", "ballot", spent=spent, total=total)
    return dict(ballot)


def tally(
    ballots: Iterable[Mapping[str, int]],
    options: Sequence[str],
    total: int = 100,
    allow_less: bool = False,
    max_per_option: int | None = None,
) -> PointsResult:
    options = check_options(options)
    if total <= 0:
        raise BallotError("invalid_parameter", "total", value=total)
    points = dict.fromkeys(options, 0)
    supporters = dict.fromkeys(options, 0)
    n = 0
    for items, weight in aggregate(tuple(sorted(b.items())) for b in ballots).items():
        validate_ballot(dict(items), options, total, allow_less, max_per_option)
        n += weight
        for option, value in items:
            points[option] += value * weight
            if value:
                supporters[option] += weight
    result = PointsResult(
        method="points", options=options, points=points, supporters=supporters, ballots=n
    )
    spent = sum(points.values())
    result.share = {o: (points[o] / spent * 100 if spent else 0.0) for o in options}
    result.ranking, tied = top_by(options, {o: (points[o], supporters[o]) for o in options})
    result.steps.append(Step("ballots_counted", ballots=n))
    for option in result.ranking:
        result.steps.append(
            Step(
                "option_points_share",
                option=option,
                points=points[option],
                share=result.share[option],
                supporters=supporters[option],
            )
        )
    if spent == 0:
        result.steps.append(Step("no_votes"))
        return result
    set_first_place(result, result.ranking, points.__getitem__)
    best = points[result.winner]
    if result.tie:
        result.steps.append(Step("tie", options=result.winners, votes=best))
        if len(tied) == 1:
            result.steps.append(
                Step(
                    "tie_broken_by_supporters",
                    option=result.winner,
                    votes=supporters[result.winner],
                )
            )
        else:
            result.steps.append(Step("tie_broken_by_order", option=result.winner))
    result.steps.append(Step("winner_points", option=result.winner, points=best))
    return result
