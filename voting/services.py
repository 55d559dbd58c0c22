"""Writes for polls: the lifecycle (draft → open → closed → published), casting and
changing ballots.

Casting stores a :class:`Participation` (who) and a :class:`Ballot` (what) in one
transaction, under the poll's row lock so the hash chain grows one ballot at a time.
The unique constraint on (poll, voter_key) is what guarantees one vote per voter, even
when the same voter submits from two connections at once.

Idempotent retries and the secret ballot
----------------------------------------
A retried submission (same ``op_id``) must get the same receipt code back, so the code
has to be stored somewhere next to the voter's key — and that record *links the voter
to their ballot* (the ballot's receipt hash is the salted hash of that code). We accept
that link only while it is useful, and bound it:

- it lives in ``ProcessedOp`` (stream ``poll:<id>``, actor = voter key), the project's
  idempotency table, not in any voting table;
- a record older than :data:`RETRY_WINDOW` is useless for retries and is deleted at the
  next cast in the poll;
- closing (and resetting) the poll deletes every record of the poll, so once the poll is
  closed no stored data links a voter to a ballot.

Caller rule: send a random ``op_id`` (a UUID), as the realtime protocol does.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocrea.accounts.models import Entity, Role, User
from cocrea.accounts.rules import is_entity_staff
from cocrea.accounts.selectors import user_roles_in
from cocrea.audit import services as audit
from cocrea.realtime.models import ProcessedOp
from cocrea.realtime.retry import retry_transient
from sessions.models import Activity, ActivityKind
from voting import codes as voting_codes
from voting import receipts
from voting.live import counts_add
from voting.methods import METHODS, BallotError
from voting.models import (
    Ballot,
    Eligibility,
    Participation,
    Poll,
    PollAudit,
    PollAuditAction,
    PollOption,
    PollStatus,
    ResultsVisibility,
    VotingCode,
)

RETRY_WINDOW = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class OptionInput:
    key: str
    label: str
    cost: int | None = None


# --- the method's view of a poll -------------------------------------------------------


def method_options(poll: Poll, options: Sequence[PollOption] | None = None) -> Any:
    """What the method takes as its options: keys in order, or for budgeting the
    ``{project: cost}`` mapping."""
    rows = list(options) if options is not None else list(poll.options.order_by("order"))
    if poll.method == "budget":
        return {row.key: row.cost for row in rows}
    return [row.key for row in rows]


def _accepted(function: Any, params: Mapping[str, Any]) -> dict[str, Any]:
    """The subset of ``params`` that ``function`` takes (validate_ballot takes fewer
    parameters than tally: no ``seats``, no ``rule``…)."""
    signature = inspect.signature(function)
    if any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values()):
        return dict(params)
    return {k: v for k, v in params.items() if k in signature.parameters}


def validate_content(poll: Poll, content: Any, options: Any | None = None) -> None:
    """Run the method's ``validate_ballot``; a :class:`BallotError` becomes a
    ``ValidationError`` whose ``code`` is the method's code (``too_many_choices``…)."""
    method = METHODS[poll.method]
    opts = options if options is not None else method_options(poll)
    try:
        method.validate_ballot(
            content, opts, **_accepted(method.module.validate_ballot, poll.settings)
        )
    except BallotError as exc:
        raise ValidationError(
            _("Voto no válido: %(reason)s."),
            code=exc.code,
            params={**exc.detail, "field": exc.field, "reason": str(exc)},
        ) from exc
    except TypeError as exc:  # content of a shape the method cannot even read
        raise ValidationError(
            _("Voto no válido: %(reason)s."),
            code="invalid_ballot",
            params={"field": "ballot", "reason": "invalid_ballot"},
        ) from exc


def _check_configuration(method: str, settings: Mapping[str, Any], options: Any) -> None:
    """A tally of no ballots raises for bad parameters and bad options."""
    try:
        METHODS[method].tally([], options, **settings)
    except BallotError as exc:
        raise ValidationError(
            _("La configuración de la votación no es válida: %(reason)s.") % {"reason": str(exc)},
            code=exc.code,
        ) from exc
    except TypeError as exc:
        raise ValidationError(
            _("La configuración de la votación no es válida: %(reason)s.") % {"reason": str(exc)},
            code="invalid_parameter",
        ) from exc


# --- lifecycle -------------------------------------------------------------------------


def _audit(poll: Poll, action: str, actor: User | None, **detail: Any) -> None:
    PollAudit.objects.create(poll=poll, action=action, actor=actor, detail=detail)
    audit.record(actor, f"poll.{action}", poll, **detail)  # the cross-app log, same transaction


def _replace_options(poll: Poll, options: Sequence[OptionInput]) -> None:
    poll.options.all().delete()
    keys = [o.key for o in options]
    if len(set(keys)) != len(keys):
        raise ValidationError({"options": [_("Dos opciones tienen la misma clave.")]})
    PollOption.objects.bulk_create(
        PollOption(poll=poll, key=o.key, label=o.label, order=i, cost=o.cost)
        for i, o in enumerate(options, start=1)
    )


def poll_create(
    *,
    entity: Entity,
    title: str,
    method: str,
    options: Sequence[OptionInput] = (),
    settings: Mapping[str, Any] | None = None,
    activity: Activity | None = None,
    results_visibility: str = ResultsVisibility.AFTER_CLOSE,
    eligibility: str = Eligibility.SESSION,
    allow_change: bool = False,
    created_by: User | None = None,
) -> Poll:
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("Una votación necesita un título.")]
    if method not in METHODS:
        errors["method"] = [_("Método de votación desconocido.")]
    if activity is not None:
        if activity.kind != ActivityKind.POLL:
            errors["activity"] = [_("La actividad no es de tipo votación.")]
        elif activity.session.entity.pk != entity.pk:
            errors["activity"] = [_("La actividad pertenece a otra entidad.")]
    elif eligibility == Eligibility.SESSION:
        errors["eligibility"] = [
            _("Solo una votación dentro de una sesión puede limitarse a sus participantes.")
        ]
    if results_visibility not in ResultsVisibility.values:
        errors["results_visibility"] = [_("Visibilidad de resultados desconocida.")]
    if eligibility not in Eligibility.values:
        errors["eligibility"] = [_("Regla de elegibilidad desconocida.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        poll = Poll.objects.create(
            entity=entity,
            activity=activity,
            title=title.strip(),
            method=method,
            settings=dict(settings or {}),
            results_visibility=results_visibility,
            eligibility=eligibility,
            allow_change=allow_change,
            created_by=created_by,
        )
        _replace_options(poll, options)
        _audit(poll, PollAuditAction.CREATE, created_by)
    return poll


def _locked(poll: Poll) -> Poll:
    return Poll.objects.select_for_update().get(pk=poll.pk)


def _frozen_error() -> ValidationError:
    return ValidationError(
        _("La votación ya se abrió: sus opciones y parámetros no se pueden cambiar."),
        code="frozen",
    )


def poll_configure(
    *,
    poll: Poll,
    actor: User | None = None,
    title: str | None = None,
    settings: Mapping[str, Any] | None = None,
    options: Sequence[OptionInput] | None = None,
    results_visibility: str | None = None,
    allow_change: bool | None = None,
) -> Poll:
    """Edit a draft poll. Once opened, a poll's configuration is frozen."""
    with transaction.atomic():
        locked = _locked(poll)
        if locked.status != PollStatus.DRAFT:
            raise _frozen_error()
        if title is not None:
            if not title.strip():
                raise ValidationError({"title": [_("Una votación necesita un título.")]})
            locked.title = title.strip()
        if settings is not None:
            locked.settings = dict(settings)
        if results_visibility is not None:
            if results_visibility not in ResultsVisibility.values:
                raise ValidationError(
                    {"results_visibility": [_("Visibilidad de resultados desconocida.")]}
                )
            locked.results_visibility = results_visibility
        if allow_change is not None:
            locked.allow_change = allow_change
        locked.save()
        if options is not None:
            _replace_options(locked, options)
        _audit(locked, PollAuditAction.CONFIGURE, actor)
    poll.refresh_from_db()
    return poll


def _transition(
    poll: Poll, *, source: str, target: str, action: str, actor: User | None, stamp: str
) -> Poll:
    with transaction.atomic():
        locked = _locked(poll)
        if locked.status != source:
            raise ValidationError(
                _("No se puede pasar la votación de «%(source)s» a «%(target)s».")
                % {"source": locked.get_status_display(), "target": PollStatus(target).label},
                code="bad_status",
            )
        if target == PollStatus.OPEN:
            _check_configuration(locked.method, locked.settings, method_options(locked))
        if target == PollStatus.CLOSED:
            # The retry records link voters to receipts: they must not outlive the vote.
            ProcessedOp.objects.filter(stream=locked.stream).delete()
        locked.status = target
        setattr(locked, stamp, timezone.now())
        locked.save(update_fields=["status", stamp])
        _audit(locked, action, actor)
    poll.refresh_from_db()
    return poll


def poll_open(*, poll: Poll, actor: User | None = None) -> Poll:
    """Start the vote; from here on options and settings are frozen."""
    return _transition(
        poll,
        source=PollStatus.DRAFT,
        target=PollStatus.OPEN,
        action=PollAuditAction.OPEN,
        actor=actor,
        stamp="opened_at",
    )


def poll_close(*, poll: Poll, actor: User | None = None) -> Poll:
    """End the vote and delete every retry record (the only voter ↔ receipt link)."""
    return _transition(
        poll,
        source=PollStatus.OPEN,
        target=PollStatus.CLOSED,
        action=PollAuditAction.CLOSE,
        actor=actor,
        stamp="closed_at",
    )


def poll_publish(*, poll: Poll, actor: User | None = None) -> Poll:
    return _transition(
        poll,
        source=PollStatus.CLOSED,
        target=PollStatus.PUBLISHED,
        action=PollAuditAction.PUBLISH,
        actor=actor,
        stamp="published_at",
    )


def poll_reset(*, poll: Poll, actor: User | None = None, reason: str = "") -> Poll:
    """Discard every vote and return the poll to draft, so it can be edited again.

    Audited with the number of ballots and participations discarded; a new salt makes
    the old receipt codes meaningless."""
    with transaction.atomic():
        locked = _locked(poll)
        ballots, _n = Ballot.objects.filter(poll=locked).delete()
        participations, _n = Participation.objects.filter(poll=locked).delete()
        ProcessedOp.objects.filter(stream=locked.stream).delete()
        previous = locked.status
        locked.status = PollStatus.DRAFT
        locked.salt = receipts.sha256(receipts.new_code() + locked.salt)
        locked.opened_at = locked.closed_at = locked.published_at = None
        locked.live_counts = {}
        locked.results_pending = False
        locked.save()
        # Code hashes are keyed with the old salt: every printed code stops working, so
        # say so in the data (and the management page) instead of leaving dead rows
        # that look valid.
        voided = VotingCode.objects.filter(poll=locked, void=False).update(void=True)
        _audit(
            locked,
            PollAuditAction.RESET,
            actor,
            reason=reason,
            previous_status=previous,
            ballots=ballots,
            participations=participations,
            **({"codes_voided": voided} if voided else {}),
        )
    poll.refresh_from_db()
    return poll


# --- casting -----------------------------------------------------------------------------


def _stored_receipt(poll: Poll, voter_key: str, op_id: str | None) -> str | None:
    if op_id is None:
        return None
    stored = ProcessedOp.objects.filter(stream=poll.stream, actor=voter_key, op_id=op_id).first()
    return stored.result.get("receipt") if stored is not None else None


def _check_open(poll: Poll) -> None:
    if poll.status == PollStatus.DRAFT:
        raise ValidationError(_("La votación aún no está abierta."), code="not_open")
    if poll.status != PollStatus.OPEN:
        raise ValidationError(_("La votación ya cerró."), code="closed")


def _append(poll: Poll, content: Any, code: str, replaces: str = "") -> Ballot:
    """Add a ballot at the end of the chain; the caller holds the poll's row lock."""
    last = Ballot.objects.filter(poll=poll).order_by("-position").only("position", "chain_hash")
    tail = last.first()
    position, previous = (tail.position, tail.chain_hash) if tail else (0, receipts.GENESIS)
    receipt = receipts.receipt_hash(poll.salt, code)
    # Stored as it will be read back, so the chain hash is over what the bulletin shows.
    content = json.loads(receipts.canonical(content))
    return Ballot.objects.create(
        poll=poll,
        position=position + 1,
        content=content,
        receipt_hash=receipt,
        replaces=replaces,
        chain_hash=receipts.chain_hash(previous, receipt, content, replaces),
    )


def _count(poll: Poll, content: Any, sign: int = 1) -> None:
    """Keep the running counters (voting.live) in the ballot's transaction; the caller
    holds the poll's row lock."""
    keys = [] if poll.live_counts else poll.options.order_by("order").values_list("key", flat=True)
    poll.live_counts = counts_add(poll.live_counts, poll.method, keys, content, sign)
    poll.results_pending = True
    poll.save(update_fields=["live_counts", "results_pending"])


def _remember(poll: Poll, voter_key: str, op_id: str | None, code: str) -> None:
    if op_id is None:
        return
    ProcessedOp.objects.filter(
        stream=poll.stream, created__lt=timezone.now() - RETRY_WINDOW
    ).delete()
    ProcessedOp.objects.create(
        stream=poll.stream, actor=voter_key, op_id=op_id, result={"receipt": code}
    )


# Whole-transaction retries on lock/serialization errors (cocrea.realtime.retry): safe,
# as a rerun that finds the vote committed answers from its op_id or the participation.
@retry_transient
def ballot_cast(*, poll: Poll, voter_key: str, content: Any, op_id: str | None = None) -> str:
    """Record one vote; returns the voter's receipt code (shown once, never stored
    beyond the retry window).

    Raises ``ValidationError`` with code ``not_open``, ``closed``, ``already_voted`` or
    the method's ballot code (``too_many_choices``, ``unknown_option``…)."""
    stored = _stored_receipt(poll, voter_key, op_id)
    if stored is not None:
        return stored
    try:
        with transaction.atomic():
            locked = _locked(poll)
            _check_open(locked)
            validate_content(locked, content)
            code = receipts.new_code()
            Participation.objects.create(poll=locked, voter_key=voter_key)
            ballot = _append(locked, content, code)
            _count(locked, ballot.content)
            _remember(locked, voter_key, op_id, code)
    except IntegrityError:
        # Same voter from another connection, first: answer a retry as it was answered.
        stored = _stored_receipt(poll, voter_key, op_id)
        if stored is not None:
            return stored
        raise ValidationError(_("Usted ya votó en esta votación."), code="already_voted") from None
    return code


@retry_transient
def ballot_change(
    *, poll: Poll, voter_key: str, receipt_code: str, content: Any, op_id: str | None = None
) -> str:
    """Replace one's ballot, proving ownership with its receipt code; returns a new code.

    The old ballot stays in the bulletin marked superseded; the new one is appended to
    the chain naming the receipt hash it replaces. Nothing links either to the voter: we
    only check that ``voter_key`` has voted and that the code opens a live ballot."""
    stored = _stored_receipt(poll, voter_key, op_id)
    if stored is not None:
        return stored
    with transaction.atomic():
        locked = _locked(poll)
        _check_open(locked)
        if not locked.allow_change:
            raise ValidationError(
                _("Esta votación no permite cambiar el voto."), code="change_not_allowed"
            )
        if not Participation.objects.filter(poll=locked, voter_key=voter_key).exists():
            raise ValidationError(_("Usted aún no ha votado."), code="not_voted")
        validate_content(locked, content)
        old_hash = receipts.receipt_hash(locked.salt, receipt_code)
        old = Ballot.objects.filter(poll=locked, receipt_hash=old_hash, superseded=False)
        old_content = old.values_list("content", flat=True).first()
        updated = old.update(superseded=True)
        if updated != 1:
            raise ValidationError(
                _("El código de comprobante no corresponde a un voto vigente."),
                code="bad_receipt",
            )
        code = receipts.new_code()
        ballot = _append(locked, content, code, replaces=old_hash)
        _count(locked, old_content, sign=-1)
        _count(locked, ballot.content)
        _remember(locked, voter_key, op_id, code)
    return code


# --- voting outside a live session -------------------------------------------------------

MAX_CODES = 2000


@dataclass(frozen=True)
class IssuedCodes:
    """A batch just created. ``codes`` (printed form) exist only here: they are never
    stored, so they must be printed or handed out now."""

    batch: int
    codes: list[str]


def _require_manager(actor: User | None, poll: Poll) -> None:
    if actor is None or not is_entity_staff(actor, poll.entity):
        raise PermissionDenied(
            _("Solo el equipo facilitador o funcionario de la entidad puede hacer esto.")
        )


def codes_issue(*, poll: Poll, count: int, actor: User | None) -> IssuedCodes:
    """Create ``count`` one-time codes (a new batch) for a poll voted with codes.

    Allowed while the poll is a draft or open, for the entity's facilitators and
    officials. Stores only the codes' hashes; the audit records the batch number and
    how many codes it holds, never a code."""
    _require_manager(actor, poll)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_CODES:
        raise ValidationError(
            {
                "count": [
                    ValidationError(
                        _("Indique cuántos códigos generar: entre 1 y %(max)d."),
                        code="invalid_count",
                        params={"max": MAX_CODES},
                    )
                ]
            }
        )
    with transaction.atomic():
        locked = _locked(poll)
        if locked.eligibility != Eligibility.CODES:
            raise ValidationError(
                _("Esta votación no usa códigos de votación."), code="not_codes_poll"
            )
        if locked.status not in (PollStatus.DRAFT, PollStatus.OPEN):
            raise ValidationError(
                _("Solo se generan códigos con la votación en borrador o abierta."),
                code="bad_status",
            )
        last = VotingCode.objects.filter(poll=locked).order_by("-batch").first()
        batch = (last.batch if last else 0) + 1
        plain: dict[str, str] = {}
        # 60-bit codes practically never collide; the set only guards the batch itself
        # (the unique constraint guards the poll).
        while len(plain) < count:
            compact = voting_codes.new_compact()
            plain[voting_codes.code_hash(locked.salt, compact)] = voting_codes.grouped(compact)
        VotingCode.objects.bulk_create(
            VotingCode(poll=locked, code_hash=digest, batch=batch) for digest in plain
        )
        _audit(locked, PollAuditAction.CODES, actor, batch=batch, count=count)
    return IssuedCodes(batch=batch, codes=list(plain.values()))


def codes_void(*, poll: Poll, batch: int, actor: User | None) -> int:
    """Void the codes of a batch (a lost sheet); returns how many were still live.

    Ballots already cast with them stay counted: nothing links a code to its ballot, and
    the vote was legitimate when cast."""
    _require_manager(actor, poll)
    with transaction.atomic():
        locked = _locked(poll)
        rows = VotingCode.objects.filter(poll=locked, batch=batch)
        if not rows.exists():
            raise ValidationError(
                {"batch": [ValidationError(_("No existe ese lote de códigos."), code="no_batch")]}
            )
        voided = rows.filter(void=False).update(void=True)
        _audit(locked, PollAuditAction.VOID_CODES, actor, batch=batch, count=voided)
    return voided


def _invalid_code() -> ValidationError:
    return ValidationError(
        _("El código no es válido para esta votación. Revise que lo copió bien."),
        code="invalid_code",
        params={"field": "code"},
    )


def code_lookup(poll: Poll, raw: str) -> VotingCode:
    """The live (not voided) code of this poll that ``raw`` names, or ``invalid_code``.
    A code of another poll, a voided one, an unknown one and a malformed one are the
    same error on purpose: the answer must not help anyone guess."""
    compact = voting_codes.normalise(raw or "")
    if compact is None or poll.eligibility != Eligibility.CODES:
        raise _invalid_code()
    found = VotingCode.objects.filter(
        poll=poll, code_hash=voting_codes.code_hash(poll.salt, compact), void=False
    ).first()
    if found is None:
        raise _invalid_code()
    return found


def code_voter_key(code: VotingCode) -> str:
    return f"c:{code.pk}"


@retry_transient
def ballot_cast_with_code(*, poll: Poll, code: str, content: Any, op_id: str | None = None) -> str:
    """Cast a ballot spending a one-time code; returns the receipt code.

    The code is checked under the poll's row lock, in the ballot's transaction, so a
    batch voided meanwhile cannot slip through; two submissions of one code race on the
    participation's unique constraint and one gets ``already_voted``."""
    with transaction.atomic():
        locked = _locked(poll)
        found = code_lookup(locked, code)
        return ballot_cast(
            poll=locked, voter_key=code_voter_key(found), content=content, op_id=op_id
        )


def user_voter_key(user: User) -> str:
    return f"u:{user.pk}"


def _citizen_key(poll: Poll, user: User) -> str:
    """The voter key of a citizen of the poll's entity; anyone else gets
    ``PermissionDenied``."""
    if poll.eligibility != Eligibility.ENTITY:
        raise PermissionDenied(_("Esta votación no se vota con una cuenta de la entidad."))
    if not user.is_authenticated or Role.CITIZEN not in user_roles_in(user, poll.entity):
        raise PermissionDenied(
            _("Solo la ciudadanía registrada en %(entity)s puede votar aquí.")
            % {"entity": poll.entity.name}
        )
    return user_voter_key(user)


@retry_transient
def ballot_change_with_code(
    *, poll: Poll, code: str, receipt_code: str, content: Any, op_id: str | None = None
) -> str:
    """Replace the ballot a voting code cast, proving it with the receipt; the code is
    checked under the poll's row lock, as when casting."""
    with transaction.atomic():
        locked = _locked(poll)
        voter_key = code_voter_key(code_lookup(locked, code))
        return ballot_change(
            poll=locked,
            voter_key=voter_key,
            receipt_code=receipt_code,
            content=content,
            op_id=op_id,
        )


def ballot_change_as_citizen(
    *, poll: Poll, user: User, receipt_code: str, content: Any, op_id: str | None = None
) -> str:
    return ballot_change(
        poll=poll,
        voter_key=_citizen_key(poll, user),
        receipt_code=receipt_code,
        content=content,
        op_id=op_id,
    )


def ballot_cast_as_citizen(
    *, poll: Poll, user: User, content: Any, op_id: str | None = None
) -> str:
    """Cast a ballot in a poll open to the entity's registered citizens; returns the
    receipt code. Anyone else gets ``PermissionDenied``."""
    return ballot_cast(poll=poll, voter_key=_citizen_key(poll, user), content=content, op_id=op_id)
