"""Writes for what participants contribute to a poll: statements proposed for a consensus
poll (``settings.allow_submissions``) and answers to an open question (method ``open``),
both published only after a facilitator approves them.

Each write runs in one transaction under the poll's row lock: the per-participant limit
of answers is counted, and an approved statement's option order is chosen, with no other
submission or approval of the poll in between.

Errors are ``ValidationError`` with the protocol's code and ``params["field"]`` naming
the input at fault: ``not_open``, ``closed``, ``conflict``, ``invalid`` (``text``),
``too_many`` (``text``), ``not_found`` (``submission_id``).

Growing statement lists
-----------------------
Options are frozen once a poll opens (``voting.services``) — with one exception: approving
a statement of a consensus poll appends it as a new option (key ``s<submission id>``,
after the last one). That is how Pol.is-style conversations work: the statements people
vote on come from the people voting, during the vote. It is safe for the count because a
consensus ballot covers any subset of statements: ballots cast before the new statement
simply have no vote on it, and its counters start at zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cocrea.accounts.models import User
from voting.live import METRICS
from voting.methods.open_answer import DEFAULT_MAX_ANSWERS
from voting.models import (
    Poll,
    PollAudit,
    PollAuditAction,
    PollOption,
    PollStatus,
    PollSubmission,
    SubmissionKind,
    SubmissionStatus,
)

MAX_TEXT = 1000
DECISIONS = {"approve": SubmissionStatus.APPROVED, "reject": SubmissionStatus.REJECTED}


@dataclass(frozen=True)
class Moderated:
    submission: PollSubmission
    option: PollOption | None  # the statement's new option, when one was added


def _error(message: str, code: str, field: str | None = None) -> ValidationError:
    return ValidationError(message, code=code, params={"field": field})


def submission_kind(poll: Poll) -> str | None:
    """What a poll accepts from participants, or None when it accepts nothing."""
    if poll.method == "open":
        return SubmissionKind.ANSWER
    if poll.method == "consensus" and poll.settings.get("allow_submissions") is True:
        return SubmissionKind.STATEMENT
    return None


def _clean_text(text: Any) -> str:
    if not isinstance(text, str) or not text.strip():
        raise _error(_("Escriba un texto."), "invalid", "text")
    cleaned = text.strip()
    if len(cleaned) > MAX_TEXT:
        raise _error(
            _("El texto admite como máximo %(max)s caracteres.") % {"max": MAX_TEXT},
            "invalid",
            "text",
        )
    return cleaned


def _check_open(poll: Poll) -> None:
    if poll.status == PollStatus.DRAFT:
        raise _error(_("La votación aún no está abierta."), "not_open")
    if poll.status != PollStatus.OPEN:
        raise _error(_("La votación ya cerró."), "closed")


def submission_create(
    *, poll: Poll, text: Any, participant_id: int | None, author: User | None = None
) -> PollSubmission:
    """A participant's statement or answer, pending moderation.

    Answers to an open question are limited to ``settings.max_answers`` per participant;
    rejected ones count too, so a participant cannot flood the moderation queue."""
    with transaction.atomic():
        locked = Poll.objects.select_for_update().get(pk=poll.pk)
        _check_open(locked)
        kind = submission_kind(locked)
        if kind is None:
            raise _error(_("Esta votación no recibe aportes de participantes."), "conflict")
        cleaned = _clean_text(text)
        if kind == SubmissionKind.ANSWER:
            limit = locked.settings.get("max_answers", DEFAULT_MAX_ANSWERS)
            sent = PollSubmission.objects.filter(
                poll=locked, participant_id=participant_id, kind=kind
            ).count()
            if participant_id is not None and sent >= limit:
                raise _error(
                    _("Ya envió el máximo de %(max)s respuestas.") % {"max": limit},
                    "too_many",
                    "text",
                )
        return PollSubmission.objects.create(
            poll=locked,
            kind=kind,
            text=cleaned,
            participant_id=participant_id,
            author=author,
        )


def submission_moderate(
    *, poll: Poll, submission_id: int, decision: str, actor: User | None = None
) -> Moderated:
    """Approve or reject a pending submission, once; audited.

    Approving a statement appends it to the poll's options (see the module docstring).
    Statements are moderated while the poll is open (an option added later would not
    be in the result already given); answers until the results are published, so a
    queue left at closing can still be cleared."""
    if decision not in DECISIONS:
        raise _error(_("La decisión debe ser «approve» o «reject»."), "invalid", "decision")
    with transaction.atomic():
        locked = Poll.objects.select_for_update().get(pk=poll.pk)
        submission = (
            PollSubmission.objects.select_for_update().filter(poll=locked, pk=submission_id).first()
        )
        if submission is None:
            raise _error(_("No existe ese aporte en esta votación."), "not_found", "submission_id")
        if submission.status != SubmissionStatus.PENDING:
            raise _error(_("Ese aporte ya fue moderado."), "conflict", "submission_id")
        if submission.kind == SubmissionKind.STATEMENT:
            _check_open(locked)
        elif locked.status == PollStatus.PUBLISHED:
            raise _error(_("Los resultados ya se publicaron."), "closed")
        submission.status = DECISIONS[decision]
        submission.moderated_at = timezone.now()
        submission.moderated_by = actor
        option = None
        if submission.status == SubmissionStatus.APPROVED and (
            submission.kind == SubmissionKind.STATEMENT
        ):
            option = _append_statement(locked, submission)
            submission.option_key = option.key
        submission.save(update_fields=["status", "moderated_at", "moderated_by", "option_key"])
        PollAudit.objects.create(
            poll=locked,
            action=PollAuditAction.MODERATE,
            actor=actor,
            detail={"submission": submission.pk, "decision": decision},
        )
    return Moderated(submission=submission, option=option)


def _append_statement(poll: Poll, submission: PollSubmission) -> PollOption:
    """The statement as the poll's last option; the caller holds the poll's row lock, so
    two approvals never pick the same order."""
    last = poll.options.aggregate(m=Max("order"))["m"] or 0
    option = PollOption.objects.create(
        poll=poll,
        key=f"s{submission.pk}",
        # An option's label holds 300 characters; a longer statement is cut there and
        # the full text stays on the submission.
        label=submission.text[:300],
        order=last + 1,
    )
    if poll.live_counts:
        # Running counters start at zero for the new statement, so live views list it.
        poll.live_counts["options"].setdefault(option.key, dict.fromkeys(METRICS[poll.method], 0))
        poll.save(update_fields=["live_counts"])
    return option
