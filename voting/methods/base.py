"""Shared pieces of the pure tally methods: explanation steps, ballot errors, helpers.

Nothing here touches the ORM, the clock or randomness: a tally is a function of the ballots
and the poll's parameters only, so anyone can re-run it and get the same answer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any


class Step:
    """One line of a result's explanation, kept structured so it can be translated later.

    ``Step("eliminated", round=2, option="B", votes=13)`` — the ``code`` selects a sentence
    template in :mod:`voting.methods.explain`; the keyword parameters fill it in.
    """

    __slots__ = ("code", "params")

    def __init__(self, code: str, /, **params: Any) -> None:
        self.code = code
        self.params = params

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Step) and (self.code, self.params) == (other.code, other.params)

    def __hash__(self) -> int:
        return hash(self.code)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"Step({self.code!r}{', ' if args else ''}{args})"

    def __getitem__(self, key: str) -> Any:
        return self.params[key]

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, **self.params}


class BallotError(ValueError):
    """A ballot (or the poll's parameters) is invalid.

    ``code`` is a stable machine identifier (``"too_many_choices"``, ``"duplicate_rank"``…),
    ``field`` names the offending option/project/statement or parameter, and ``detail`` holds
    the numbers a form needs to say exactly what is wrong.
    """

    def __init__(self, code: str, field: str | None = None, **detail: Any) -> None:
        self.code = code
        self.field = field
        self.detail = detail
        extra = ", ".join(f"{k}={v!r}" for k, v in detail.items())
        super().__init__(
            f"{code}" + (f" [{field}]" if field else "") + (f" ({extra})" if extra else "")
        )


@dataclass
class Result:
    """Fields every method's result has.

    ``winners`` holds every option tied for first place (empty when nobody voted);
    ``winner`` is the single option chosen by the module's documented tie-break, and
    ``tie`` says whether that tie-break was needed.
    """

    method: str
    options: list[str]
    winners: list[str] = field(default_factory=list)
    winner: str | None = None
    tie: bool = False
    steps: list[Step] = field(default_factory=list)


def set_first_place(result: Result, ranking: Sequence[str], key: Callable[[str], Any]) -> None:
    """Fill ``winners``, ``winner`` and ``tie`` from a ranking already ordered by the
    method's tie-break: every option whose ``key`` equals the top one shares first
    place, and the ranking's first is the winner."""
    best = key(ranking[0])
    result.winners = [o for o in ranking if key(o) == best]
    result.winner = result.winners[0]
    result.tie = len(result.winners) > 1


def check_options(options: Sequence[str]) -> list[str]:
    """The poll's options in poll order; that order is the last-resort tie-break everywhere."""
    result = list(options)
    if not result:
        raise BallotError("no_options", "options")
    seen: set[str] = set()
    for option in result:
        if not isinstance(option, str) or not option:
            raise BallotError("invalid_option", "options", option=option)
        if option in seen:
            raise BallotError("duplicate_option", option)
        seen.add(option)
    return result


def aggregate(ballots: Iterable[Hashable]) -> Counter[Any]:
    """Identical ballots are counted once with a weight: tallies then scale with the number
    of *distinct* ballots, which is what makes 100,000-ballot polls fast."""
    return Counter(ballots)


def order_index(options: Sequence[str]) -> dict[str, int]:
    return {option: index for index, option in enumerate(options)}


def top_by(options: Sequence[str], score: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Ranking by ``score`` descending (ties kept in poll order) and the options tied first."""
    # sorted() is stable, so equal scores stay in poll order.
    ranking = sorted(options, key=lambda o: (score[o] is None, _neg(score[o])))
    if not ranking or score[ranking[0]] is None:
        return ranking, []
    best = score[ranking[0]]
    return ranking, [o for o in ranking if score[o] == best]


def _neg(value: Any) -> Any:
    if value is None:
        return 0
    if isinstance(value, tuple):
        return tuple(-v for v in value)
    return -value


def fmt_number(value: Any) -> str:
    """Numbers for citizens: integers as such, fractions with at most two decimals."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if number.is_integer():
        return str(int(number))
    return f"{number:.2f}".rstrip("0").rstrip(".")
