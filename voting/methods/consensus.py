"""Agree / disagree / pass on statements (Pol.is style) and a consensus view.

Ballot: ``{statement: "agree" | "disagree" | "pass"}`` — a participant votes on any subset
of statements. Error codes: ``unknown_statement``, ``invalid_vote``.

Per statement: counts of each vote, ``seen`` (all three together — a pass is a vote of "no
opinion", so it counts in the denominator and makes consensus harder, not easier) and the
agreement ratio ``agree / seen``.

Consensus view, for statements with at least ``min_votes`` votes:

* *broad agreement*: ``agree / seen >= agree_threshold`` (default 60 %); ordered by
  agreement ratio, then more votes, then statement order;
* *divisive*: both ``agree / seen`` and ``disagree / seen`` are at least
  ``divisive_threshold`` (default 30 %) and the statement is not already a broad-agreement
  one (66 % against 33 % reads as agreement, so each statement lands in one list); ordered
  by the smaller of the two shares (closest to an even split first), then more votes, then
  statement order.

Ratios are compared as exact fractions so the ordering never depends on rounding.

Growing statement lists: with ``allow_submissions`` participants propose statements while
the poll is open, and each approved one is appended as a new option (``voting.moderation``).
Ballots cast before it simply have no vote on it — a ballot covers any subset of the
statements — so each statement's ratios are over the people who voted on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from .base import BallotError, Result, Step, check_options

VOTES = ("agree", "disagree", "pass")


@dataclass
class StatementCounts:
    agree: int = 0
    disagree: int = 0
    passed: int = 0

    @property
    def seen(self) -> int:
        return self.agree + self.disagree + self.passed

    @property
    def agree_ratio(self) -> Fraction:
        return Fraction(self.agree, self.seen) if self.seen else Fraction(0)

    @property
    def disagree_ratio(self) -> Fraction:
        return Fraction(self.disagree, self.seen) if self.seen else Fraction(0)


@dataclass
class ConsensusResult(Result):
    counts: dict[str, StatementCounts] = field(default_factory=dict)
    consensus: list[str] = field(default_factory=list)
    divisive: list[str] = field(default_factory=list)
    participants: int = 0


def validate_ballot(ballot: Mapping[str, str], statements: Sequence[str]) -> dict[str, str]:
    if not isinstance(ballot, Mapping):
        raise BallotError("invalid_ballot", "ballot", expected="mapping")
    known = set(statements)
    for statement, vote in ballot.items():
        if statement not in known:
            raise BallotError("unknown_statement", str(statement))
        if vote not in VOTES:
            raise BallotError("invalid_vote", statement, value=vote)
    return dict(ballot)


def tally(
    ballots: Iterable[Mapping[str, str]],
    statements: Sequence[str],
    min_votes: int = 5,
    agree_threshold: Fraction = Fraction(3, 5),
    divisive_threshold: Fraction = Fraction(3, 10),
    allow_submissions: bool = False,
) -> ConsensusResult:
    # ``allow_submissions`` does not change the count; it is checked here because a
    # tally of no ballots is the poll's configuration check (see ``voting.services``).
    if not isinstance(allow_submissions, bool):
        raise BallotError("invalid_parameter", "allow_submissions", value=allow_submissions)
    statements = check_options(statements)
    order = {s: i for i, s in enumerate(statements)}
    counts = {s: StatementCounts() for s in statements}
    participants = 0
    for ballot in ballots:
        for statement, vote in validate_ballot(ballot, statements).items():
            row = counts[statement]
            if vote == "agree":
                row.agree += 1
            elif vote == "disagree":
                row.disagree += 1
            else:
                row.passed += 1
        participants += 1
    result = ConsensusResult(
        method="consensus", options=statements, counts=counts, participants=participants
    )
    agree_at, divisive_at = Fraction(agree_threshold), Fraction(divisive_threshold)
    eligible = [s for s in statements if counts[s].seen >= max(min_votes, 1)]
    result.consensus = sorted(
        (s for s in eligible if counts[s].agree_ratio >= agree_at),
        key=lambda s: (-counts[s].agree_ratio, -counts[s].seen, order[s]),
    )
    result.divisive = sorted(
        (
            s
            for s in eligible
            if counts[s].agree_ratio >= divisive_at
            and counts[s].disagree_ratio >= divisive_at
            and counts[s].agree_ratio < agree_at
        ),
        key=lambda s: (
            -min(counts[s].agree_ratio, counts[s].disagree_ratio),
            -counts[s].seen,
            order[s],
        ),
    )
    result.winners = list(result.consensus)
    result.winner = result.consensus[0] if result.consensus else None
    result.steps.append(Step("participants", participants=participants))
    result.steps.append(
        Step(
            "consensus_rule",
            threshold=float(agree_at * 100),
            divisive=float(divisive_at * 100),
            min_votes=min_votes,
        )
    )
    for statement in result.consensus:
        row = counts[statement]
        result.steps.append(
            Step("consensus", option=statement, share=float(row.agree_ratio * 100), votes=row.seen)
        )
    for statement in result.divisive:
        row = counts[statement]
        result.steps.append(
            Step(
                "divisive",
                option=statement,
                agree=float(row.agree_ratio * 100),
                disagree=float(row.disagree_ratio * 100),
                votes=row.seen,
            )
        )
    if not result.consensus:
        result.steps.append(Step("no_consensus"))
    return result
