"""Writes of the reasoned response (OGP): what became of each contribution and why.

A response is keyed by (process, ref), with ``ref`` in :class:`ItemSource`'s naming. The
contribution itself is looked up through ``cocrea.policy.sources`` every time, so a
response can only ever be written for something a participant really contributed to
*this* process, and the author key and text stored with it come from the source, never
from the request."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cocrea.accounts.models import User
from cocrea.audit import services as audit
from cocrea.policy.models import Commitment, ContributionResponse, DraftItem, ResponseStatus
from cocrea.policy.rules import can_edit_policy
from cocrea.policy.sources import Output, OutputNotFound, output_by_ref, process_of_ref
from sessions.models import Process

# What a participant contributes. Poll results are the group's, not anyone's own
# contribution: they feed draft items but get no reasoned response of their own.
CONTRIBUTION_KINDS = frozenset({"note", "cluster", "statement", "question", "answer"})

REASON_MAX = 4000
REF_MAX = 120
BULK_MAX = 500


@dataclass(frozen=True)
class _Plan:
    """A validated response, ready to write."""

    output: Output
    status: str
    item: DraftItem | None
    commitment: Commitment | None
    merged_into: str
    reason: str


def _check_actor(actor: User | AnonymousUser | None, process: Process) -> User:
    if actor is None or not can_edit_policy(actor, process):
        raise PermissionDenied(_("Solo el equipo de funcionarios del proceso puede responder."))
    assert isinstance(actor, User)  # can_edit_policy refuses anonymous visitors
    return actor


def _contribution(process: Process, ref: str, field: str) -> Output:
    ref = (ref or "").strip()
    if not ref:
        raise ValidationError({field: [_("Indique el aporte.")]})
    if len(ref) > REF_MAX:
        # Longer than any ref can be (the column's size): not worth a lookup or an echo.
        raise ValidationError({field: [_("Esa referencia de aporte no es válida.")]})
    try:
        output = output_by_ref(process, ref)
    except OutputNotFound:
        owner = process_of_ref(ref)
        if owner is not None and owner.entity_id != process.entity_id:
            # Someone is reaching into another entity's participation: refuse outright.
            raise PermissionDenied(_("Ese aporte pertenece a otra entidad.")) from None
        raise ValidationError(
            {field: [_("«%(ref)s» no es un aporte de este proceso.") % {"ref": ref}]}
        ) from None
    if output.kind not in CONTRIBUTION_KINDS:
        raise ValidationError(
            {field: [_("«%(ref)s» es un resultado de votación, no un aporte.") % {"ref": ref}]}
        )
    return output


def _resolve_item(process: Process, item: DraftItem | int | str | None) -> DraftItem | None:
    if item in (None, ""):
        return None
    if not isinstance(item, DraftItem):
        try:
            item = DraftItem.objects.select_related("draft__process").get(pk=int(item))
        except (DraftItem.DoesNotExist, ValueError, TypeError):
            raise ValidationError({"item": [_("Ese ítem del borrador no existe.")]}) from None
    owner = item.draft.process
    if owner.entity_id != process.entity_id:
        raise PermissionDenied(_("Ese ítem pertenece a otra entidad."))
    if owner.pk != process.pk:
        raise ValidationError({"item": [_("Ese ítem es del borrador de otro proceso.")]})
    if item.removed:
        raise ValidationError({"item": [_("Ese ítem fue retirado del borrador.")]})
    return item


def _resolve_commitment(
    process: Process, commitment: Commitment | int | str | None
) -> Commitment | None:
    if commitment in (None, ""):
        return None
    if not isinstance(commitment, Commitment):
        try:
            commitment = Commitment.objects.select_related("plan__process").get(pk=int(commitment))
        except (Commitment.DoesNotExist, ValueError, TypeError):
            raise ValidationError({"commitment": [_("Ese compromiso no existe.")]}) from None
    owner = commitment.plan.process
    if owner.entity_id != process.entity_id:
        raise PermissionDenied(_("Ese compromiso pertenece a otra entidad."))
    if owner.pk != process.pk:
        raise ValidationError(
            {"commitment": [_("Ese compromiso es del plan de acción de otro proceso.")]}
        )
    return commitment


def _validate(
    process: Process,
    output: Output,
    status: str,
    *,
    item: DraftItem | int | str | None,
    commitment: Commitment | int | str | None,
    merged_into: str,
    reason: str,
) -> _Plan:
    """The response to write for ``output``, or ValidationError naming the field.

    Fields that do not apply to the status are cleared, so a contribution moved from
    "merged" back to "pending" does not keep pointing somewhere."""
    if status not in ResponseStatus.values:
        raise ValidationError({"status": [_("Elija un estado válido.")]})
    reason = (reason or "").strip()
    merged_into = (merged_into or "").strip()
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": [_("La razón admite hasta %(max)d caracteres.") % {"max": REASON_MAX}]}
        )
    if status == ResponseStatus.PENDING:
        return _Plan(output, status, None, None, "", "")
    if status == ResponseStatus.NOT_INCORPORATED:
        if not reason:
            raise ValidationError(
                {
                    "reason": [
                        _(
                            "Escriba la razón por la que no se incorpora: es lo que leerá "
                            "quien lo aportó."
                        )
                    ]
                }
            )
        return _Plan(output, status, None, None, "", reason)
    if status == ResponseStatus.INCORPORATED:
        resolved_item = _resolve_item(process, item)
        resolved_commitment = _resolve_commitment(process, commitment)
        if resolved_item is None and resolved_commitment is None:
            raise ValidationError(
                {"item": [_("Indique en qué ítem del borrador o compromiso se incorporó.")]}
            )
        # The reason is optional here: an explanation of how it was used helps.
        return _Plan(output, status, resolved_item, resolved_commitment, "", reason)
    # merged
    if not merged_into:
        raise ValidationError({"merged_into": [_("Indique el aporte al que se une.")]})
    if merged_into == output.ref:
        raise ValidationError({"merged_into": [_("Un aporte no puede unirse a sí mismo.")]})
    _contribution(process, merged_into, "merged_into")
    return _Plan(output, status, None, None, merged_into, reason)


def _write(process: Process, plan: _Plan, actor: User) -> ContributionResponse:
    output = plan.output
    response, _created = ContributionResponse.objects.update_or_create(
        process=process,
        ref=output.ref,
        defaults={
            # Taken from the source so the participant can find it by their key and
            # read what they wrote even if the note is later deleted.
            "session": output.session,
            "kind": output.kind,
            "participant_key": output.author_key,
            "text": output.text,
            "status": plan.status,
            "item": plan.item,
            "commitment": plan.commitment,
            "merged_into": plan.merged_into,
            "reason": plan.reason,
            "updated_by": actor,
        },
    )
    audit.record(actor, "response.set", response, ref=output.ref, status=plan.status)
    return response


def response_set(
    process: Process,
    ref: str,
    status: str,
    *,
    item: DraftItem | int | str | None = None,
    commitment: Commitment | int | str | None = None,
    merged_into: str = "",
    reason: str = "",
    actor: User | AnonymousUser | None,
) -> ContributionResponse:
    """Record what became of one contribution of ``process``.

    Raises PermissionDenied when ``actor`` may not edit the process's policy or points
    at another entity's item or commitment; ValidationError naming the field (``ref``,
    ``status``, ``item``, ``commitment``, ``merged_into``, ``reason``) otherwise. Nothing
    is written on refusal."""
    user = _check_actor(actor, process)
    output = _contribution(process, ref, "ref")
    plan = _validate(
        process,
        output,
        status,
        item=item,
        commitment=commitment,
        merged_into=merged_into,
        reason=reason,
    )
    with transaction.atomic():
        return _write(process, plan, user)


def response_set_many(
    process: Process,
    refs: Iterable[str],
    status: str,
    *,
    item: DraftItem | int | str | None = None,
    commitment: Commitment | int | str | None = None,
    merged_into: str = "",
    reason: str = "",
    actor: User | AnonymousUser | None,
) -> list[ContributionResponse]:
    """The same response for several contributions, all or nothing: if any ref is
    refused, none is written and the error (under ``refs``) lists every bad ref."""
    user = _check_actor(actor, process)
    wanted = list(dict.fromkeys(r.strip() for r in refs if r and r.strip()))
    if not wanted:
        raise ValidationError({"refs": [_("Seleccione al menos un aporte.")]})
    if len(wanted) > BULK_MAX:
        raise ValidationError(
            {"refs": [_("Seleccione como máximo %(max)d aportes a la vez.") % {"max": BULK_MAX}]}
        )
    outputs: list[Output] = []
    bad: list[str] = []
    for ref in wanted:
        try:
            outputs.append(_contribution(process, ref, "refs"))
        except ValidationError as exc:
            bad.extend(exc.message_dict["refs"])
    if bad:
        raise ValidationError({"refs": bad})
    if status == ResponseStatus.MERGED and merged_into.strip() in wanted:
        raise ValidationError(
            {"merged_into": [_("El aporte al que se unen no puede estar entre los seleccionados.")]}
        )
    # The checks do not depend on which contribution (the self-merge case is refused
    # above), so validate once and reuse the result for every selected contribution.
    first = _validate(
        process,
        outputs[0],
        status,
        item=item,
        commitment=commitment,
        merged_into=merged_into,
        reason=reason,
    )
    plans = [replace(first, output=output) for output in outputs]
    with transaction.atomic():
        return [_write(process, plan, user) for plan in plans]
