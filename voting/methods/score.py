"""Score / Likert scale: each ballot gives options an integer score in ``[min_score, max_score]``.

Ballot: ``{option: score}``. With ``allow_missing=False`` every option must be scored
(``missing_score``); otherwise unscored options are simply not counted for that ballot
(they are *not* treated as the minimum). Other errors: ``unknown_option``,
``score_not_integer``, ``score_out_of_range``.

Per option the result gives the number of scores, the mean, the median (the mean of the two
middle scores when their number is even) and the distribution (count per score value).

Winner by highest mean (compared exactly, as fractions); ties by higher median, then the
poll's option order. Options nobody scored rank last.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from .base import BallotError, Result, Step, aggregate, check_options, set_first_place


@dataclass
class OptionScores:
    count: int
    total: int
    mean: Fraction | None
    median: Fraction | None
    distribution: dict[int, int]


@dataclass
class ScoreResult(Result):
    scores: dict[str, OptionScores] = field(default_factory=dict)
    ranking: list[str] = field(default_factory=list)
    ballots: int = 0
    min_score: int = 0
    max_score: int = 0


def validate_ballot(
    ballot: Mapping[str, int],
    options: Sequence[str],
    min_score: int = 1,
    max_score: int = 5,
    allow_missing: bool = False,
) -> dict[str, int]:
    if not isinstance(ballot, Mapping):
        raise BallotError("invalid_ballot", "ballot", expected="mapping")
    known = set(options)
    for option, value in ballot.items():
        if option not in known:
            raise BallotError("unknown_option", str(option))
        if isinstance(value, bool) or not isinstance(value, int):
            raise BallotError("score_not_integer", option, value=value)
        if not min_score <= value <= max_score:
            raise BallotError(
                "score_out_of_range", option, value=value, min_score=min_score, max_score=max_score
            )
    if not allow_missing:
        for option in options:
            if option not in ballot:
                raise BallotError("missing_score", option)
    if not ballot:
        raise BallotError("empty_ballot", "ballot")
    return dict(ballot)


def _median(distribution: dict[int, int], count: int) -> Fraction | None:
    if not count:
        return None
    lower, upper = (count - 1) // 2, count // 2
    seen, low, high = 0, None, None
    for value in sorted(distribution):
        nxt = seen + distribution[value]
        if low is None and lower < nxt:
            low = value
        if upper < nxt:
            high = value
            break
        seen = nxt
    assert low is not None and high is not None
    return Fraction(low + high, 2)


def tally(
    ballots: Iterable[Mapping[str, int]],
    options: Sequence[str],
    min_score: int = 1,
    max_score: int = 5,
    allow_missing: bool = False,
) -> ScoreResult:
    options = check_options(options)
    if min_score >= max_score:
        raise BallotError(
            "invalid_parameter", "max_score", min_score=min_score, max_score=max_score
        )
    dist: dict[str, dict[int, int]] = {o: {} for o in options}
    total = 0
    for items, weight in aggregate(tuple(sorted(b.items())) for b in ballots).items():
        validate_ballot(dict(items), options, min_score, max_score, allow_missing)
        total += weight
        for option, value in items:
            dist[option][value] = dist[option].get(value, 0) + weight

    result = ScoreResult(
        method="score", options=options, ballots=total, min_score=min_score, max_score=max_score
    )
    for option in options:
        count = sum(dist[option].values())
        points = sum(v * c for v, c in dist[option].items())
        result.scores[option] = OptionScores(
            count=count,
            total=points,
            mean=Fraction(points, count) if count else None,
            median=_median(dist[option], count),
            distribution={v: dist[option].get(v, 0) for v in range(min_score, max_score + 1)},
        )

    def key(option: str) -> tuple[bool, Fraction, Fraction]:
        s = result.scores[option]
        if s.mean is None or s.median is None:
            return (True, Fraction(0), Fraction(0))
        return (False, -s.mean, -s.median)

    result.ranking = sorted(options, key=key)
    result.steps.append(Step("ballots_counted", ballots=total))
    result.steps.append(Step("score_scale", min_score=min_score, max_score=max_score))
    for option in result.ranking:
        s = result.scores[option]
        if s.count:
            result.steps.append(
                Step("option_score", option=option, mean=s.mean, median=s.median, count=s.count)
            )
    if total == 0:
        result.steps.append(Step("no_votes"))
        return result
    top = result.scores[result.ranking[0]]
    set_first_place(result, result.ranking, lambda o: result.scores[o].mean)
    if result.tie:
        result.steps.append(Step("tie", options=result.winners, votes=None))
        by_median = [o for o in result.winners if result.scores[o].median == top.median]
        if len(by_median) == 1:
            result.steps.append(
                Step("tie_broken_by_median", option=result.winner, median=top.median)
            )
        else:
            result.steps.append(Step("tie_broken_by_order", option=result.winner))
    result.steps.append(Step("winner_score", option=result.winner, mean=top.mean))
    return result
