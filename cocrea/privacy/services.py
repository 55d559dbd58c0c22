"""Writes and reads of personal data under Ley 1581 de 2012: consent records, the
subject's copy of their data ("conocer") and its deletion ("supresión"), and the
retention rule that anonymises participants of long-ended sessions.

Deletion anonymises, it does not delete rows: the participant row keeps its id, so
every contribution keeps its opaque author key (``p:<id>``), every tally and canvas
reads the same, and the reasoned response still reaches the contribution. What goes is
what identifies the person: the display name, the link to an account, the participant
token (every cookie that carried it stops working), the address hash, and consent."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from canvases.models import CanvasNote
from cocrea.accounts.models import Membership, Role, User
from cocrea.audit import services as audit
from cocrea.policy.models import ContributionResponse
from cocrea.privacy.models import (
    Anonymisation,
    AnonymisationReason,
    ConsentRecord,
)
from sessions.models import Participant, Question, QuestionVote, SessionStatus
from sessions.notice import NOTICE_VERSION, PURPOSE_CODES
from voting.models import PollSubmission

ANONYMOUS_NAME = "Participante anónimo {n}"
DEFAULT_RETENTION_DAYS = 365


def retention_days() -> int:
    return int(getattr(settings, "PARTICIPANT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def address_hash(address: str) -> str:
    """A keyed hash of a client address. Keyed (not a bare SHA-256) because the IPv4
    space is small enough to reverse an unkeyed hash by trying every address."""
    if not address:
        return ""
    key = hashlib.sha256(("cocrea.privacy.address:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


# --- consent ---------------------------------------------------------------------------


def consent_record(
    *,
    participant: Participant,
    user: User | None = None,
    address: str = "",
    version: str = NOTICE_VERSION,
    purposes: Iterable[str] = PURPOSE_CODES,
) -> ConsentRecord:
    """Store the proof of a participant's consent. A participant who comes back to the
    same session (an account rejoining) under the same notice keeps one record."""
    existing = ConsentRecord.objects.filter(
        participant=participant, notice_version=version, withdrawn_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    return ConsentRecord.objects.create(
        participant=participant,
        user=user if user is not None and user.is_authenticated else None,
        session_id=participant.session_id,
        notice_version=version,
        purposes=list(purposes),
        granted_at=participant.consented_at or timezone.now(),
        address_hash=address_hash(address),
    )


# --- whose data --------------------------------------------------------------------------


def participant_ids(keys: Iterable[str]) -> list[int]:
    return sorted({int(k[2:]) for k in keys if k.startswith("p:") and k[2:].isdigit()})


def _subject(keys: Iterable[str], user: User | None) -> tuple[list[int], set[str]]:
    keys = set(keys)
    if user is not None and user.is_authenticated:
        keys.add(f"u:{user.pk}")
        joined = Participant.objects.filter(user=user).values_list("pk", flat=True)
        keys |= {f"p:{pk}" for pk in joined}
    return participant_ids(keys), keys


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def personal_data(*, keys: Iterable[str], user: User | None = None) -> dict[str, Any]:
    """Everything the platform holds about the subject, as JSON-ready data. Ballots are
    not here and cannot be: who voted and what was voted share no key (secret ballot)."""
    ids, all_keys = _subject(keys, user)
    participants = list(
        Participant.objects.filter(pk__in=ids)
        .select_related("session", "session__stage__process__entity")
        .order_by("joined_at", "pk")
    )
    signed_in = user is not None and user.is_authenticated
    # Never ``user=None`` in a filter: that would match every record without an account.
    mine = Q(participant_id__in=ids) | (Q(user=user) if signed_in else Q(pk__in=[]))
    written = Q(participant_id__in=ids) | (Q(author=user) if signed_in else Q(pk__in=[]))
    data: dict[str, Any] = {
        "generated_at": timezone.now().isoformat(),
        "notice": {"current_version": NOTICE_VERSION, "purposes": list(PURPOSE_CODES)},
        "account": None,
        "participations": [
            {
                "participant_id": p.pk,
                "display_name": p.display_name,
                "session": p.session.title,
                "session_code": p.session.code,
                "entity": p.session.entity.name,
                "joined_at": _iso(p.joined_at),
                "consent_version": p.consent_version,
                "consented_at": _iso(p.consented_at),
                "removed_at": _iso(p.removed_at),
            }
            for p in participants
        ],
        "consent_records": [
            {
                "notice_version": c.notice_version,
                "purposes": c.purposes,
                "granted_at": _iso(c.granted_at),
                "withdrawn_at": _iso(c.withdrawn_at),
                "session": c.session.title if c.session else None,
            }
            for c in ConsentRecord.objects.filter(mine).select_related("session")
        ],
        "notes": [
            {
                "session": n.canvas.activity.session.title,
                "activity": n.canvas.activity.title,
                "text": n.text,
                "zone": n.zone,
                "created": _iso(n.created),
                "deleted": n.deleted,
            }
            for n in CanvasNote.objects.filter(author__in=all_keys)
            .select_related("canvas__activity__session")
            .order_by("created", "pk")
        ],
        "questions": [
            {
                "session": q.activity.session.title,
                "activity": q.activity.title,
                "text": q.text,
                "status": q.status,
                "created": _iso(q.created),
            }
            for q in Question.objects.filter(participant_id__in=ids)
            .select_related("activity__session")
            .order_by("created", "pk")
        ],
        "questions_supported": sorted(
            QuestionVote.objects.filter(voter__in=all_keys).values_list("question_id", flat=True)
        ),
        "statements_and_answers": [
            {
                "poll": s.poll.title,
                "kind": s.kind,
                "text": s.text,
                "status": s.status,
                "created": _iso(s.created),
            }
            for s in PollSubmission.objects.filter(written).select_related("poll").order_by("pk")
        ],
        "responses": [
            {"ref": r.ref, "kind": r.kind, "text": r.text, "status": r.status, "reason": r.reason}
            for r in ContributionResponse.objects.filter(participant_key__in=all_keys).order_by(
                "pk"
            )
        ],
        "votes": (
            "Los votos son secretos: la plataforma no guarda ningún vínculo entre usted y "
            "el contenido de su voto, por eso no aparecen aquí."
        ),
    }
    if signed_in:
        data["account"] = {
            "email": user.email,
            "full_name": user.full_name,
            "date_joined": _iso(user.date_joined),
            "roles": sorted(
                f"{m.entity.name}: {m.role}" for m in user.memberships.select_related("entity")
            ),
        }
    return data


# --- anonymisation -------------------------------------------------------------------------


def _anonymise(participant_id: int, reason: str, now: dt.datetime) -> bool:
    """Anonymise one participant (in the caller's transaction). False if it already was."""
    participant = Participant.objects.select_for_update().filter(pk=participant_id).first()
    if participant is None or Anonymisation.objects.filter(participant_id=participant_id).exists():
        return False
    # N is the participant's order of arrival in the session: stable, so running twice
    # gives the same name, and unique within the session.
    number = Participant.objects.filter(
        session_id=participant.session_id, pk__lte=participant.pk
    ).count()
    Participant.objects.filter(pk=participant.pk).update(
        display_name=ANONYMOUS_NAME.format(n=number),
        user=None,
        # A new token: every cookie or remembered link to this participant stops working.
        token=secrets.token_urlsafe(32),
    )
    Anonymisation.objects.create(participant=participant, number=number, reason=reason, at=now)
    ConsentRecord.objects.filter(participant=participant, withdrawn_at__isnull=True).update(
        withdrawn_at=now
    )
    ConsentRecord.objects.filter(participant=participant).update(user=None, address_hash="")
    # The statement or answer stays (it is a contribution); its link to the account goes.
    PollSubmission.objects.filter(participant=participant).update(author=None)
    return True


@dataclass(frozen=True)
class Erasure:
    participants: int
    account_closed: bool


def closes_account(user: User) -> bool:
    """Accounts of the team answer for public functions (and the audit log points at
    them): only a citizen's own account is closed on request."""
    if user.is_staff or user.is_superuser:
        return False
    return not Membership.objects.filter(user=user).exclude(role=Role.CITIZEN).exists()


def personal_data_erase(*, keys: Iterable[str], user: User | None = None) -> Erasure:
    """Delete the subject's personal data: anonymise each of their participants,
    withdraw consent, and close a citizen-only account (email and name replaced, no
    password, inactive). Contributions stay under their opaque keys."""
    ids, _keys = _subject(keys, user)
    now = timezone.now()
    closed = False
    with transaction.atomic():
        count = sum(_anonymise(pk, AnonymisationReason.REQUEST, now) for pk in ids)
        if user is not None and user.is_authenticated:
            ConsentRecord.objects.filter(user=user, withdrawn_at__isnull=True).update(
                withdrawn_at=now
            )
            ConsentRecord.objects.filter(user=user).update(user=None, address_hash="")
            PollSubmission.objects.filter(author=user).update(author=None)
            if closes_account(user):
                locked = User.objects.select_for_update().get(pk=user.pk)
                locked.email = f"suprimido-{locked.pk}@cocrea.invalid"
                locked.full_name = ""
                locked.is_active = False
                locked.set_unusable_password()
                locked.save(update_fields=["email", "full_name", "is_active", "password"])
                locked.memberships.all().delete()
                closed = True
        # Counts only: the log must not keep who asked (that is the point of asking).
        audit.record(None, "privacy.erase", participants=count, account_closed=closed)
    return Erasure(participants=count, account_closed=closed)


def anonymise_expired(*, days: int | None = None, now: dt.datetime | None = None) -> int:
    """Anonymise the participants of sessions ended more than ``days`` ago (the
    ``PARTICIPANT_RETENTION_DAYS`` setting by default). Idempotent: the already
    anonymised are skipped. Returns how many were anonymised now."""
    days = retention_days() if days is None else days
    if days <= 0:
        return 0  # 0 disables the rule (e.g. an entity whose own retention rule differs)
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=days)
    ids = list(
        Participant.objects.filter(
            session__status=SessionStatus.ENDED,
            session__ended_at__lt=cutoff,
            anonymisation__isnull=True,
        ).values_list("pk", flat=True)
    )
    done = 0
    # Batches: one transaction per hundred keeps locks short on a busy database.
    for start in range(0, len(ids), 100):
        with transaction.atomic():
            batch = ids[start : start + 100]
            done += sum(_anonymise(pk, AnonymisationReason.RETENTION, now) for pk in batch)
    if done:
        audit.record(None, "privacy.retention", participants=done, days=days)
    return done
