"""Reads for polls: results, the public bulletin of ballots, receipt checks."""

from __future__ import annotations

from typing import Any

from voting import receipts
from voting.methods import METHODS, Result
from voting.models import Ballot, Poll, PollStatus, ResultsVisibility
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
