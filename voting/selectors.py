"""Reads for polls: results, the public bulletin of ballots, receipt checks, who may
vote or manage a poll outside a live session, and the batches of voting codes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet

from cocrea.accounts.models import Entity, Role, User
from cocrea.accounts.rules import STAFF_ROLES, is_entity_staff
from cocrea.accounts.selectors import entities_of, user_roles_in
from voting import receipts
from voting.methods import METHODS, Result
from voting.models import Ballot, Poll, PollStatus, ResultsVisibility, VotingCode
from voting.services import method_options

verify_chain = receipts.verify_chain


def tally(poll: Poll) -> Result:
    """The method's result over the ballots in force (superseded ones left out)."""
    contents = Ballot.objects.filter(poll=poll, superseded=False).order_by("position")
    return METHODS[poll.method].tally(
        list(contents.values_list("content", flat=True)), method_options(poll), **poll.settings
    )


def results_visible(poll: Poll) -> bool:
    """Whether the public may see the results now, per the poll's visibility rule."""
    if poll.status == PollStatus.PUBLISHED:
        return True
    if poll.results_visibility == ResultsVisibility.LIVE:
        return poll.status in (PollStatus.OPEN, PollStatus.CLOSED)
    if poll.results_visibility == ResultsVisibility.AFTER_CLOSE:
        return poll.status == PollStatus.CLOSED
    return False


def bulletin(poll: Poll) -> list[dict[str, Any]]:
    """Every ballot in chain order, as anyone may see it: no voter in sight."""
    return [
        {
            "position": b.position,
            "receipt_hash": b.receipt_hash,
            "replaces": b.replaces,
            "content": b.content,
            "superseded": b.superseded,
            "chain_hash": b.chain_hash,
        }
        for b in Ballot.objects.filter(poll=poll).order_by("position")
    ]


def receipt_counted(poll: Poll, code: str) -> bool:
    """True if the ballot behind this receipt code is in the count (not superseded)."""
    return Ballot.objects.filter(
        poll=poll, receipt_hash=receipts.receipt_hash(poll.salt, code), superseded=False
    ).exists()


def voter_has_voted(poll: Poll, voter_key: str) -> bool:
    return poll.participations.filter(voter_key=voter_key).exists()


def is_entity_citizen(user: User | AnonymousUser, entity: Entity) -> bool:
    """Registered citizens of the entity: who may vote in its ``entity`` polls."""
    return Role.CITIZEN in user_roles_in(user, entity)


def can_manage_poll(user: User | AnonymousUser, poll: Poll) -> bool:
    return is_entity_staff(user, poll.entity)


def polls_managed_by(user: User | AnonymousUser) -> QuerySet[Poll]:
    """Polls of the entities where ``user`` is a facilitator or official (every poll for
    platform staff)."""
    polls = Poll.objects.select_related("entity").prefetch_related("options")
    if not user.is_authenticated:
        return polls.none()
    if user.is_staff:
        return polls.all()
    return polls.filter(entity__in=entities_of(user, roles=STAFF_ROLES))


@dataclass(frozen=True)
class CodeBatch:
    batch: int
    count: int
    used: int
    void: bool


def code_batches(poll: Poll) -> list[CodeBatch]:
    """Each batch of codes with how many were issued and spent (a count only: which code
    cast which ballot is known to nobody). A batch is void once all its codes are."""
    used_ids = {
        int(key[2:])
        for key in poll.participations.filter(voter_key__startswith="c:").values_list(
            "voter_key", flat=True
        )
    }
    rows = (
        VotingCode.objects.filter(poll=poll)
        .values("batch")
        .annotate(count=Count("pk"), live=Count("pk", filter=Q(void=False)))
        .order_by("batch")
    )
    used_by_batch: dict[int, int] = {}
    if used_ids:
        for batch in VotingCode.objects.filter(pk__in=used_ids).values_list("batch", flat=True):
            used_by_batch[batch] = used_by_batch.get(batch, 0) + 1
    return [
        CodeBatch(
            batch=row["batch"],
            count=row["count"],
            used=used_by_batch.get(row["batch"], 0),
            void=row["live"] == 0,
        )
        for row in rows
    ]
