"""Pure tally methods of the voting engine.

Every method is a module with ``validate_ballot(ballot, options, **params)`` and
``tally(ballots, options, **params)``: functions of the ballots and the poll's parameters
only — no ORM, no clock, no randomness — so a result can be re-computed and audited by
anyone. Each module's docstring states its tie-breaking rule. Results carry structured
``steps``; :func:`explain` renders them as sentences in the active language.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

from . import (
    approval,
    borda,
    budget,
    consensus,
    irv,
    open_answer,
    pabulib,
    points,
    schulze,
    score,
    single,
)
from .base import BallotError, Result, Step
from .explain import explain, render_step


@dataclass(frozen=True)
class Method:
    name: str
    module: ModuleType

    def tally(self, *args: Any, **kwargs: Any) -> Result:
        return self.module.tally(*args, **kwargs)

    def validate_ballot(self, *args: Any, **kwargs: Any) -> Any:
        return self.module.validate_ballot(*args, **kwargs)


METHODS: dict[str, Method] = {
    name: Method(name, module)
    for name, module in {
        "single": single,
        "approval": approval,
        "irv": irv,
        "schulze": schulze,
        "borda": borda,
        "score": score,
        "points": points,
        "budget": budget,
        "consensus": consensus,
        "open": open_answer,
    }.items()
}

__all__ = [
    "METHODS",
    "BallotError",
    "Method",
    "Result",
    "Step",
    "explain",
    "pabulib",
    "render_step",
]
