"""Schulze method (beatpath): pairwise preferences, strongest paths, ranking.

Ballot: a ranking (list of options, most preferred first) validated like IRV's. A voter
prefers every ranked option to every option left unranked; unranked options are equal to
each other, so a partial ranking says nothing about them.

``d[X][Y]`` is the number of voters who prefer X to Y. A direct link X→Y has strength
``d[X][Y]`` if ``d[X][Y] > d[Y][X]`` and 0 otherwise ("winning votes"). ``p[X][Y]`` is the
strength of the strongest path from X to Y (the widest path, computed Floyd–Warshall style).
X beats Y if ``p[X][Y] > p[Y][X]``; that relation is transitive, so the ranking is built in
tiers: first every option no other option beats, then the same among the rest, and so on.

Ties: options with ``p[X][Y] == p[Y][X]`` are tied; ``ranking`` is a list of tiers (each tier
in poll order) and ``winners`` is the first tier — every option no other option beats. When
there are several, ``winner`` is the first in the poll's option order (Schulze suggests a
random ballot instead; a public poll needs a rule anyone can re-run).

To tally 100,000 ballots quickly the ballots are aggregated, and ``d`` is built from
*(set of options ranked above, option)* pairs: X at some position beats exactly the options
not ranked at or above it, and there are at most ``2**n * n`` distinct such pairs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .base import Result, Step, aggregate, check_options
from .irv import validate_ballot as validate_ranking


@dataclass
class SchulzeResult(Result):
    d: dict[str, dict[str, int]] = field(default_factory=dict)
    p: dict[str, dict[str, int]] = field(default_factory=dict)
    ranking: list[list[str]] = field(default_factory=list)
    ballots: int = 0
    condorcet_winner: str | None = None


def validate_ballot(ballot: Sequence[str], options: Sequence[str]) -> tuple[str, ...]:
    return validate_ranking(ballot, options)


def pairwise(
    groups: Iterable[tuple[tuple[str, ...], int]], options: Sequence[str]
) -> list[list[int]]:
    n = len(options)
    index = {o: i for i, o in enumerate(options)}
    bits = [1 << i for i in range(n)]
    above: dict[int, int] = {}
    for ranking, weight in groups:
        mask = 0
        for option in ranking:
            i = index[option]
            key = (mask << 5) | i if n <= 32 else (mask, i)
            above[key] = above.get(key, 0) + weight
            mask |= bits[i]
    d = [[0] * n for _ in range(n)]
    full = (1 << n) - 1
    for key, weight in above.items():
        if isinstance(key, tuple):
            mask, i = key
        else:
            mask, i = key >> 5, key & 31
        row = d[i]
        beaten = full & ~mask & ~bits[i]
        j = 0
        while beaten:
            if beaten & 1:
                row[j] += weight
            beaten >>= 1
            j += 1
    return d


def strongest_paths(d: list[list[int]]) -> list[list[int]]:
    n = len(d)
    p = [[d[i][j] if i != j and d[i][j] > d[j][i] else 0 for j in range(n)] for i in range(n)]
    for k in range(n):
        pk = p[k]
        for i in range(n):
            if i == k:
                continue
            pik = p[i][k]
            if not pik:
                continue
            pi = p[i]
            for j in range(n):
                if j != i and j != k:
                    via = pik if pik < pk[j] else pk[j]
                    if via > pi[j]:
                        pi[j] = via
    return p


def tally(ballots: Iterable[Sequence[str]], options: Sequence[str]) -> SchulzeResult:
    options = check_options(options)
    groups = list(aggregate(tuple(b) for b in ballots).items())
    for ranking, _weight in groups:
        validate_ballot(ranking, options)
    total = sum(w for _r, w in groups)
    n = len(options)
    d = pairwise(groups, options)
    p = strongest_paths(d)

    result = SchulzeResult(method="schulze", options=options, ballots=total)
    result.d = {
        x: {y: d[i][j] for j, y in enumerate(options) if j != i} for i, x in enumerate(options)
    }
    result.p = {
        x: {y: p[i][j] for j, y in enumerate(options) if j != i} for i, x in enumerate(options)
    }
    result.steps.append(Step("ballots_counted", ballots=total))
    if total == 0:
        result.steps.append(Step("no_votes"))
        return result

    for i, x in enumerate(options):
        if all(d[i][j] > d[j][i] for j in range(n) if j != i):
            result.condorcet_winner = x
            result.steps.append(Step("condorcet_winner", option=x))

    # Peel off the options nobody left beats, tier by tier: the beat relation is only a
    # partial order, so counting wins could put an unbeaten option below a beaten one.
    left = list(range(n))
    while left:
        tier = [i for i in left if not any(p[j][i] > p[i][j] for j in left if j != i)]
        result.ranking.append([options[i] for i in tier])
        left = [i for i in left if i not in tier]
    result.winners = result.ranking[0]
    result.winner = result.winners[0]
    result.tie = len(result.winners) > 1

    winner = options.index(result.winner)
    for j, y in enumerate(options):
        if j != winner:
            result.steps.append(
                Step(
                    "path_beats" if p[winner][j] > p[j][winner] else "path_ties",
                    option=result.winner,
                    other=y,
                    strength=p[winner][j],
                    against=p[j][winner],
                )
            )
    result.steps.append(Step("ranking_tiers", tiers=result.ranking))
    if result.tie:
        result.steps.append(Step("tie", options=result.winners, votes=None))
        result.steps.append(Step("tie_broken_by_order", option=result.winner))
    result.steps.append(Step("winner_schulze", option=result.winner))
    return result
