"""Open answers (IAP2 "consultar"): participants write, moderators publish, nobody votes.

There are no ballots: a poll of this method collects :class:`~voting.models.PollSubmission`
rows of kind ``answer``, and only the approved ones are its result. ``validate_ballot``
therefore refuses every ballot with ``conflict`` (field ``ballot``), and ``tally`` takes the
published answers' texts, not ballots.

Parameter: ``max_answers`` (1–20, default 3), how many answers one participant may send.

No winner and no tie-break: the result is the list of published answers in the order
they were sent, and their count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .base import BallotError, Result, Step

MAX_ANSWERS_LIMIT = 20
DEFAULT_MAX_ANSWERS = 3


@dataclass
class OpenAnswerResult(Result):
    answers: list[str] = field(default_factory=list)
    count: int = 0


def check_max_answers(max_answers: Any) -> int:
    # bool is an int in Python: ``True`` must not pass as "1 answer".
    if (
        isinstance(max_answers, bool)
        or not isinstance(max_answers, int)
        or not 1 <= max_answers <= MAX_ANSWERS_LIMIT
    ):
        raise BallotError(
            "invalid_parameter", "max_answers", value=max_answers, min=1, max=MAX_ANSWERS_LIMIT
        )
    return max_answers


def validate_ballot(ballot: Any, options: Sequence[str] = (), **params: Any) -> Any:
    raise BallotError("conflict", "ballot", reason="open_answer_takes_no_ballots")


def tally(
    answers: Sequence[str],
    options: Sequence[str] = (),
    max_answers: int = DEFAULT_MAX_ANSWERS,
) -> OpenAnswerResult:
    """``answers``: the texts of the published answers, in the order they were sent.

    ``options`` is accepted (and must be empty) so the engine can call every method the
    same way, ``tally(contents, options, **settings)``."""
    check_max_answers(max_answers)
    if list(options):
        raise BallotError("invalid_parameter", "options", reason="open_answer_has_no_options")
    texts = list(answers)
    for text in texts:
        if not isinstance(text, str) or not text.strip():
            raise BallotError("invalid_answer", "answers", value=text)
    result = OpenAnswerResult(method="open", options=[], answers=texts, count=len(texts))
    result.steps.append(Step("open_answers_limit", max_answers=max_answers))
    if texts:
        result.steps.append(Step("open_answers", answers=len(texts)))
    else:
        result.steps.append(Step("no_answers"))
    return result
