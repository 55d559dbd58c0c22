"""Instant-runoff voting (IRV), round by round.

Ballot: a ranking — a list of options, most preferred first. Partial rankings are allowed;
an option may appear only once (``duplicate_rank``), must be known (``unknown_option``) and
the ranking may not be empty (``empty_ballot``).

Each round counts every continuing ballot for its highest-ranked option still in the race.
A ballot whose ranked options have all been eliminated is *exhausted* and no longer counts.
An option with more than half of the continuing ballots wins. Otherwise exactly one option —
the one with the fewest votes — is eliminated and its ballots transfer to their next
continuing preference. When only one option remains it wins.

Tie-breaking for elimination (no randomness):

1. *Backwards tie-break*: among the options tied for fewest votes, look at the previous
   round, then the one before, back to round 1; at the first round where they differ keep
   only those with the fewest votes in that round.
2. If they were tied in every earlier round too, eliminate the one that comes *last* in the
   poll's option order.

A tie at the top only matters when two options remain with equal votes; the rule above then
eliminates one of them, so the other wins as the last one remaining (``tie`` is set).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .base import BallotError, Result, Step, aggregate, check_options, order_index


@dataclass
class IrvRound:
    number: int
    counts: dict[str, int]
    continuing_ballots: int
    exhausted_total: int
    eliminated: str | None = None
    reason: str | None = None
    tie_round: int | None = None
    transfers: dict[str, int] = field(default_factory=dict)
    exhausted: int = 0


@dataclass
class IrvResult(Result):
    rounds: list[IrvRound] = field(default_factory=list)
    ballots: int = 0
    first_preferences: dict[str, int] = field(default_factory=dict)


def validate_ballot(ballot: Sequence[str], options: Sequence[str]) -> tuple[str, ...]:
    if isinstance(ballot, str):
        raise BallotError("invalid_ballot", "ballot", expected="ranking")
    ranking = tuple(ballot)
    if not ranking:
        raise BallotError("empty_ballot", "ballot")
    known = set(options)
    seen: set[str] = set()
    for rank, option in enumerate(ranking, start=1):
        if option not in known:
            raise BallotError("unknown_option", str(option), rank=rank)
        if option in seen:
            raise BallotError("duplicate_rank", option, rank=rank)
        seen.add(option)
    return ranking


def tally(ballots: Iterable[Sequence[str]], options: Sequence[str]) -> IrvResult:
    options = check_options(options)
    position = order_index(options)
    groups = list(aggregate(tuple(b) for b in ballots).items())
    for ranking, _weight in groups:
        validate_ballot(ranking, options)

    # Each distinct ranking sits in the pile of its current preference; eliminating an option
    # only touches that option's pile, so a whole count is linear in the ballots' length.
    cursor = [0] * len(groups)
    piles: dict[str, list[int]] = {o: [] for o in options}
    counts = dict.fromkeys(options, 0)
    for index, (ranking, weight) in enumerate(groups):
        piles[ranking[0]].append(index)
        counts[ranking[0]] += weight

    total = sum(weight for _r, weight in groups)
    result = IrvResult(method="irv", options=options, ballots=total)
    result.first_preferences = dict(counts)
    result.steps.append(Step("ballots_counted", ballots=total))
    if total == 0:
        result.steps.append(Step("no_votes"))
        return result

    continuing = list(options)
    alive = set(options)
    history: list[dict[str, int]] = []
    exhausted_total = 0
    number = 0
    while True:
        number += 1
        snapshot = {o: counts[o] for o in continuing}
        history.append(snapshot)
        live = sum(snapshot.values())
        current = IrvRound(number, snapshot, live, exhausted_total)
        result.rounds.append(current)
        result.steps.append(
            Step(
                "round_counts",
                round=number,
                counts=snapshot,
                continuing=live,
                exhausted=exhausted_total,
            )
        )
        leader = max(continuing, key=lambda o: (snapshot[o], -position[o]))
        if snapshot[leader] * 2 > live:
            result.winner = leader
            result.winners = [leader]
            result.steps.append(
                Step(
                    "majority", round=number, option=leader, votes=snapshot[leader], continuing=live
                )
            )
            return result
        if len(continuing) == 1:
            # Reachable only when every ballot is exhausted except the last option's.
            result.winner = leader
            result.winners = [leader]
            result.steps.append(Step("last_remaining", round=number, option=leader))
            return result

        fewest = min(snapshot.values())
        tied = [o for o in continuing if snapshot[o] == fewest]
        reason, tie_round = "fewest", None
        if len(tied) > 1:
            reason = "tie_option_order"
            for earlier in range(len(history) - 2, -1, -1):
                low = min(history[earlier][o] for o in tied)
                narrowed = [o for o in tied if history[earlier][o] == low]
                if len(narrowed) < len(tied):
                    tied = narrowed
                    if len(tied) == 1:
                        reason, tie_round = "tie_earlier_round", earlier + 1
                        break
        loser = max(tied, key=position.__getitem__)
        if len(continuing) == 2:
            # Two options with equal votes: the tie-break above decides the winner.
            result.tie = True

        current.eliminated, current.reason, current.tie_round = loser, reason, tie_round
        result.steps.append(
            Step(
                "eliminated",
                round=number,
                option=loser,
                votes=snapshot[loser],
                reason=reason,
                tie_round=tie_round,
                tied=[o for o in continuing if snapshot[o] == fewest],
            )
        )
        alive.discard(loser)
        continuing.remove(loser)
        transfers: dict[str, int] = {}
        exhausted = 0
        for index in piles.pop(loser):
            ranking, weight = groups[index]
            at = cursor[index] + 1
            while at < len(ranking) and ranking[at] not in alive:
                at += 1
            if at < len(ranking):
                cursor[index] = at
                target = ranking[at]
                piles[target].append(index)
                counts[target] += weight
                transfers[target] = transfers.get(target, 0) + weight
            else:
                exhausted += weight
        del counts[loser]
        exhausted_total += exhausted
        current.transfers = {o: transfers[o] for o in options if o in transfers}
        current.exhausted = exhausted
        for target, votes in current.transfers.items():
            result.steps.append(
                Step("transfer", round=number, source=loser, target=target, votes=votes)
            )
        if exhausted:
            result.steps.append(Step("exhausted", round=number, source=loser, votes=exhausted))
