"""Writes of a process's lineamiento draft: items written by the team or promoted from
session outputs (with their sources), their history, comments and review, and the
published versions.

Every write checks the actor with :mod:`cocrea.policy.rules` (``PermissionDenied``) and
validates everything before touching the database (``ValidationError`` naming the
field), so a refused write leaves nothing behind. Each change to an item is recorded as
an :class:`ItemChange` (who, when, before and after); a published :class:`DraftVersion`
is never modified: publishing again makes the next number.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from canvases.models import CanvasNote
from cocrea.accounts.models import User
from cocrea.audit import services as audit
from cocrea.policy.models import (
    ContributionResponse,
    Draft,
    DraftItem,
    DraftVersion,
    ItemChange,
    ItemComment,
    ItemOrigin,
    ItemSource,
    ResponseStatus,
    ReviewStatus,
    SourceKind,
)
from cocrea.policy.rules import can_comment_policy, can_edit_policy
from cocrea.policy.sources import Output, OutputNotFound, output_by_ref, process_of_ref
from cocrea.toolkit.models import Lineamiento, Pillar
from sessions.models import Process

TITLE_MAX = 200
TEXT_MAX = 10_000
COMMENT_MAX = 2_000
REFS_MAX = 100

Actor = User | AnonymousUser | None

# The review workflow: which status may follow which. Approving is the officials' call;
# the rest of the team may send an item to review or take it back to draft.
TRANSITIONS: dict[str, frozenset[str]] = {
    ReviewStatus.DRAFT: frozenset({ReviewStatus.IN_REVIEW}),
    ReviewStatus.IN_REVIEW: frozenset({ReviewStatus.APPROVED, ReviewStatus.DRAFT}),
    ReviewStatus.APPROVED: frozenset(),
}


class ForbiddenSource(PermissionDenied):
    """A ref names an output of another process (possibly another entity's)."""

    code = "forbidden"

    def __init__(self, ref: str) -> None:
        self.ref = ref
        super().__init__(
            _("«%(ref)s» pertenece a otro proceso: no se puede usar aquí.") % {"ref": ref}
        )


# --- checks ---------------------------------------------------------------------------


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _require_edit(actor: Actor, process: Process) -> None:
    _require(
        actor is not None and can_edit_policy(actor, process),
        _("Solo los funcionarios de la entidad pueden modificar el borrador."),
    )


def _resolve_lineamiento(value: Lineamiento | str | int | None) -> Lineamiento:
    if isinstance(value, Lineamiento):
        return value
    found = None
    if value not in (None, ""):
        text = str(value).strip()
        found = Lineamiento.objects.filter(code=text).first()
        if found is None and text.isdigit():
            found = Lineamiento.objects.filter(pk=int(text)).first()
    if found is None:
        message = (
            _("Elija el lineamiento.") if value in (None, "") else _("Ese lineamiento no existe.")
        )
        raise ValidationError({"lineamiento": [message]}, code="invalid")
    return found


def _resolve_pillar(value: Pillar | str | int | None) -> Pillar | None:
    if isinstance(value, Pillar) or value in (None, ""):
        return value or None
    text = str(value).strip()
    found = Pillar.objects.filter(code=text).first()
    if found is None and text.isdigit():
        found = Pillar.objects.filter(pk=int(text)).first()
    if found is None:
        raise ValidationError({"pillar": [_("Ese pilar no existe.")]}, code="invalid")
    return found


def _clean_fields(
    lineamiento: Any, pillar: Any, title: Any, text: Any
) -> tuple[Lineamiento, Pillar | None, str, str]:
    """All field errors at once, so a form shows every one of them."""
    errors: dict[str, list[str]] = {}
    resolved_lineamiento = resolved_pillar = None
    try:
        resolved_lineamiento = _resolve_lineamiento(lineamiento)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        resolved_pillar = _resolve_pillar(pillar)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    title = str(title or "").strip()
    if not title:
        errors["title"] = [_("El ítem necesita un título.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [
            _("El título admite hasta %(max)s caracteres (tiene %(n)s).")
            % {"max": TITLE_MAX, "n": len(title)}
        ]
    text = str(text or "").strip()
    if len(text) > TEXT_MAX:
        errors["text"] = [
            _("El texto admite hasta %(max)s caracteres (tiene %(n)s).")
            % {"max": TEXT_MAX, "n": len(text)}
        ]
    if errors:
        raise ValidationError(errors, code="invalid")
    assert resolved_lineamiento is not None
    return resolved_lineamiento, resolved_pillar, title, text


def _check_item_open(item: DraftItem) -> None:
    if item.removed:
        raise ValidationError({"item": [_("Este ítem fue retirado del borrador.")]}, code="removed")


def _fields(item: DraftItem) -> dict[str, str]:
    """An item's editable content as history records it."""
    return {
        "lineamiento": item.lineamiento.code,
        "pillar": item.pillar.code if item.pillar_id else "",
        "title": item.title,
        "text": item.text,
    }


def _record(item: DraftItem, actor: Actor, action: str, before: dict, after: dict) -> ItemChange:
    return ItemChange.objects.create(
        item=item,
        actor=actor if isinstance(actor, User) else None,
        action=action,
        before=before,
        after=after,
    )


def _next_order(draft: Draft, lineamiento: Lineamiento) -> int:
    top = DraftItem.objects.filter(draft=draft, lineamiento=lineamiento).aggregate(m=Max("order"))
    return (top["m"] or 0) + 1


def _user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


# --- drafts and items -------------------------------------------------------------------


def draft_get_or_create(process: Process, actor: Actor) -> Draft:
    """The process's draft, made on first use by an official."""
    existing = Draft.objects.filter(process=process).first()
    if existing is not None:
        return existing
    _require_edit(actor, process)
    try:
        with transaction.atomic():
            return Draft.objects.create(
                process=process,
                title=(_("Lineamientos: %(title)s") % {"title": process.title})[:200],
                created_by=_user(actor),
            )
    except IntegrityError:  # two officials opened it at once: one row wins
        return Draft.objects.get(process=process)


def item_write(
    draft: Draft,
    lineamiento: Lineamiento | str | None,
    pillar: Pillar | str | None,
    title: str,
    text: str,
    actor: Actor,
) -> DraftItem:
    """An item written by the team, with no source."""
    _require_edit(actor, draft.process)
    lineamiento, pillar, title, text = _clean_fields(lineamiento, pillar, title, text)
    with transaction.atomic():
        item = DraftItem.objects.create(
            draft=draft,
            lineamiento=lineamiento,
            pillar=pillar,
            title=title,
            text=text,
            origin=ItemOrigin.WRITTEN,
            order=_next_order(draft, lineamiento),
            created_by=_user(actor),
        )
        _record(item, actor, "create", {}, _fields(item))
    return item


def _outputs(process: Process, refs: Iterable[str]) -> list[Output]:
    """The outputs ``refs`` name, each checked to be this process's; duplicates once."""
    if isinstance(refs, str):
        refs = [refs]
    cleaned: list[str] = []
    for ref in refs or []:
        ref = str(ref).strip()
        if ref and ref not in cleaned:
            cleaned.append(ref)
    if not cleaned:
        raise ValidationError(
            {"refs": [_("Elija al menos un resultado de las sesiones.")]}, code="required"
        )
    if len(cleaned) > REFS_MAX:
        raise ValidationError(
            {"refs": [_("Un ítem admite hasta %(max)s fuentes.") % {"max": REFS_MAX}]},
            code="invalid",
        )
    outputs = []
    for ref in cleaned:
        try:
            outputs.append(output_by_ref(process, ref))
        except OutputNotFound:
            owner = process_of_ref(ref)
            if owner is not None and owner.pk != process.pk:
                raise ForbiddenSource(ref) from None
            raise ValidationError(
                {"refs": [_("«%(ref)s» no es un resultado de este proceso.") % {"ref": ref}]},
                code="not_found",
            ) from None
    return outputs


def _mark_incorporated(process: Process, output: Output, item: DraftItem) -> None:
    """The source's reasoned response says it was incorporated into ``item`` — unless an
    official already answered it: their written response is not ours to overwrite.

    A poll result is nobody's contribution (ballots are secret), so it gets no response.
    A cluster's notes each get one too: their authors follow their own notes, not the
    group's name."""
    if output.kind == SourceKind.POLL:
        return
    if output.kind == SourceKind.CLUSTER:
        _, canvas_id, cluster = output.ref.split(":", 2)
        members = CanvasNote.objects.filter(
            canvas_id=int(canvas_id), cluster=cluster, deleted=False
        ).values_list("pk", flat=True)
        for pk in members:
            _mark_incorporated(process, output_by_ref(process, f"note:{pk}"), item)
    existing = (
        ContributionResponse.objects.select_for_update()
        .filter(process=process, ref=output.ref)
        .first()
    )
    if existing is not None and (
        existing.updated_by_id is not None or existing.status != ResponseStatus.PENDING
    ):
        return
    ContributionResponse.objects.update_or_create(
        process=process,
        ref=output.ref,
        defaults={
            "session": output.session,
            "kind": output.kind,
            "participant_key": output.author_key,
            "text": output.text,
            "status": ResponseStatus.INCORPORATED,
            "item": item,
        },
    )


def item_promote(
    draft: Draft,
    refs: Iterable[str],
    lineamiento: Lineamiento | str | None,
    pillar: Pillar | str | None,
    title: str,
    text: str,
    actor: Actor,
) -> DraftItem:
    """One item from one or several session outputs, each recorded as a source with what
    it said now (a poll's result included)."""
    process = draft.process
    _require_edit(actor, process)
    # Every field error at once (the sources' too); a forbidden ref refuses outright.
    errors: dict[str, list[str]] = {}
    try:
        lineamiento, pillar, title, text = _clean_fields(lineamiento, pillar, title, text)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        outputs = _outputs(process, refs)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors, code="invalid")
    with transaction.atomic():
        item = DraftItem.objects.create(
            draft=draft,
            lineamiento=lineamiento,
            pillar=pillar,
            title=title,
            text=text,
            origin=outputs[0].kind,
            order=_next_order(draft, lineamiento),
            created_by=_user(actor),
        )
        for output in outputs:
            ItemSource.objects.create(
                item=item,
                kind=output.kind,
                ref=output.ref,
                session=output.session,
                level=output.level,
                participants=output.participants,
                snapshot=output.snapshot,
            )
            _mark_incorporated(process, output, item)
        _record(item, actor, "promote", {}, {**_fields(item), "sources": [o.ref for o in outputs]})
        audit.record(actor, "draft.item.promote", item, sources=len(outputs))
    return item


EDITABLE = ("lineamiento", "pillar", "title", "text")


def item_edit(item: DraftItem, actor: Actor, **changes: Any) -> DraftItem:
    """Change an item's lineamiento, pillar, title or text; records what changed. An edit
    that changes nothing records nothing. Changing an approved or in-review item sends it
    back to draft: what was reviewed is no longer what it says."""
    _require_edit(actor, item.draft.process)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(
            {name: [_("Este campo no se puede editar.")] for name in sorted(unknown)},
            code="invalid",
        )
    _check_item_open(item)
    merged = {
        "lineamiento": changes.get("lineamiento", item.lineamiento),
        "pillar": changes.get("pillar", item.pillar),
        "title": changes.get("title", item.title),
        "text": changes.get("text", item.text),
    }
    lineamiento, pillar, title, text = _clean_fields(**merged)
    with transaction.atomic():
        locked = DraftItem.objects.select_for_update(of=("self",)).select_related(
            "lineamiento", "pillar"
        )
        locked_item = locked.get(pk=item.pk)
        _check_item_open(locked_item)
        before_all = _fields(locked_item)
        locked_item.lineamiento, locked_item.pillar = lineamiento, pillar
        locked_item.title, locked_item.text = title, text
        after_all = _fields(locked_item)
        changed = [k for k in EDITABLE if before_all[k] != after_all[k]]
        if not changed:
            return locked_item
        before = {k: before_all[k] for k in changed}
        after = {k: after_all[k] for k in changed}
        update = ["lineamiento", "pillar", "title", "text", "updated"]
        if locked_item.status != ReviewStatus.DRAFT:
            before["status"], after["status"] = locked_item.status, ReviewStatus.DRAFT
            locked_item.status = ReviewStatus.DRAFT
            update.append("status")
        if "lineamiento" in changed:
            locked_item.order = _next_order(locked_item.draft, lineamiento)
            update.append("order")
        locked_item.save(update_fields=update)
        _record(locked_item, actor, "edit", before, after)
    return locked_item


def item_remove(item: DraftItem, actor: Actor) -> DraftItem:
    """Take an item out of the draft. Kept (with its history and sources), not deleted."""
    _require_edit(actor, item.draft.process)
    with transaction.atomic():
        locked = DraftItem.objects.select_for_update().get(pk=item.pk)
        _check_item_open(locked)
        locked.removed = True
        locked.save(update_fields=["removed", "updated"])
        _record(locked, actor, "remove", {"removed": False}, {"removed": True})
    return locked


def item_comment(item: DraftItem, text: str, actor: Actor) -> ItemComment:
    _require(
        actor is not None and can_comment_policy(actor, item.draft.process),
        _("Solo el equipo de la entidad puede comentar el borrador."),
    )
    _check_item_open(item)
    text = str(text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Escriba el comentario.")]}, code="required")
    if len(text) > COMMENT_MAX:
        raise ValidationError(
            {
                "text": [
                    _("El comentario admite hasta %(max)s caracteres (tiene %(n)s).")
                    % {"max": COMMENT_MAX, "n": len(text)}
                ]
            },
            code="invalid",
        )
    return ItemComment.objects.create(item=item, author=_user(actor), text=text)


def item_set_status(item: DraftItem, status: str, actor: Actor) -> DraftItem:
    """Move an item through draft → in review → approved (or back to draft from review)."""
    process = item.draft.process
    _require(
        actor is not None and can_comment_policy(actor, process),
        _("Solo el equipo de la entidad puede revisar el borrador."),
    )
    if status not in ReviewStatus.values:
        raise ValidationError({"status": [_("Ese estado no existe.")]}, code="invalid")
    if status == ReviewStatus.APPROVED:
        _require(
            can_edit_policy(actor, process),  # type: ignore[arg-type]
            _("Solo un funcionario de la entidad puede aprobar un ítem."),
        )
    with transaction.atomic():
        locked = DraftItem.objects.select_for_update().get(pk=item.pk)
        _check_item_open(locked)
        if status not in TRANSITIONS[locked.status]:
            raise ValidationError(
                {
                    "status": [
                        _("Un ítem «%(from)s» no puede pasar a «%(to)s».")
                        % {
                            "from": ReviewStatus(locked.status).label,
                            "to": ReviewStatus(status).label,
                        }
                    ]
                },
                code="invalid_transition",
            )
        before = locked.status
        locked.status = status
        locked.save(update_fields=["status", "updated"])
        _record(locked, actor, "status", {"status": before}, {"status": status})
        audit.record(actor, "draft.item.status", locked, before=before, status=status)
    return locked


# --- publishing -------------------------------------------------------------------------


def _source_data(source: ItemSource) -> dict[str, Any]:
    return {
        "kind": source.kind,
        "ref": source.ref,
        "session": source.session.title if source.session_id else "",
        "session_id": source.session_id,
        "level": source.level.code if source.level_id else "",
        "level_name": source.level.name if source.level_id else "",
        "participants": source.participants,
        "snapshot": source.snapshot,
    }


def draft_snapshot(draft: Draft) -> dict[str, Any]:
    """The draft as a version freezes it: non-removed items grouped by lineamiento (in
    the lineamientos' order) and pillar, each with its sources as recorded."""
    items = (
        DraftItem.objects.filter(draft=draft, removed=False)
        .select_related("lineamiento", "pillar")
        .prefetch_related("sources__session", "sources__level")
        .order_by("lineamiento__order", "pillar__order", "order", "pk")
    )
    groups: list[dict[str, Any]] = []
    for item in items:
        if not groups or groups[-1]["code"] != item.lineamiento.code:
            groups.append(
                {"code": item.lineamiento.code, "name": item.lineamiento.name, "pillars": []}
            )
        pillars = groups[-1]["pillars"]
        pillar_code = item.pillar.code if item.pillar_id else ""
        if not pillars or pillars[-1]["code"] != pillar_code:
            pillars.append(
                {
                    "code": pillar_code,
                    "name": item.pillar.name if item.pillar_id else "",
                    "items": [],
                }
            )
        pillars[-1]["items"].append(
            {
                "id": item.pk,
                "title": item.title,
                "text": item.text,
                "origin": item.origin,
                "status": item.status,
                "sources": [_source_data(s) for s in item.sources.all()],
            }
        )
    process = draft.process
    return {
        "title": draft.title,
        "process": {"slug": process.slug, "title": process.title},
        "lineamientos": groups,
    }


def draft_publish(draft: Draft, actor: Actor) -> DraftVersion:
    """Freeze the draft as its next numbered version. Earlier versions stay as they were."""
    _require(
        actor is not None and can_edit_policy(actor, draft.process),
        _("Solo un funcionario de la entidad puede publicar el borrador."),
    )
    with transaction.atomic():
        # The row lock serialises publishers: each takes the number, then moves it on.
        locked = Draft.objects.select_for_update().select_related("process").get(pk=draft.pk)
        snapshot = draft_snapshot(locked)
        if not snapshot["lineamientos"]:
            raise ValidationError(
                {"draft": [_("El borrador no tiene ítems: no hay nada que publicar.")]},
                code="empty",
            )
        number = locked.next_version
        snapshot["number"] = number
        snapshot["published_at"] = timezone.now().isoformat()
        version = DraftVersion.objects.create(
            draft=locked, number=number, snapshot=snapshot, published_by=_user(actor)
        )
        Draft.objects.filter(pk=locked.pk).update(next_version=F("next_version") + 1)
        audit.record(actor, "draft.publish", version, number=number)
    draft.next_version = number + 1
    return version
