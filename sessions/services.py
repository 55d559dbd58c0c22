"""Writes for participatory processes. Each runs in one transaction: a process is
created with all its stages or not at all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cocrea.accounts.models import Entity, User
from cocrea.audit import services as audit
from cocrea.toolkit.models import Level, Lineamiento, Pillar
from sessions.models import Process, ProcessStatus, Stage

# Which status changes make sense: a draft goes live, a live process closes, and a
# closed one may be reopened (e.g. to add a follow-up stage) but never back to draft,
# because people have already taken part in it.
STATUS_TRANSITIONS: dict[str, set[str]] = {
    ProcessStatus.DRAFT: {ProcessStatus.ACTIVE},
    ProcessStatus.ACTIVE: {ProcessStatus.CLOSED},
    ProcessStatus.CLOSED: {ProcessStatus.ACTIVE},
}


@dataclass(frozen=True)
class StageInput:
    name: str
    level: Level
    description: str = ""
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


def _validate_stages(stages: Sequence[StageInput]) -> None:
    errors: dict[str, list[str]] = {}
    for index, stage in enumerate(stages, start=1):
        if not stage.name.strip():
            errors.setdefault("stages", []).append(
                _("La etapa %(n)d necesita un nombre.") % {"n": index}
            )
        if stage.starts_on and stage.ends_on and stage.ends_on < stage.starts_on:
            errors.setdefault("stages", []).append(
                _("La etapa %(n)d termina antes de empezar.") % {"n": index}
            )
    if errors:
        raise ValidationError(errors)


def _create_stages(process: Process, stages: Sequence[StageInput]) -> None:
    Stage.objects.bulk_create(
        Stage(
            process=process,
            order=order,
            name=stage.name.strip(),
            description=stage.description,
            level=stage.level,
            starts_on=stage.starts_on,
            ends_on=stage.ends_on,
        )
        for order, stage in enumerate(stages, start=1)
    )


def _slug_candidates(title: str) -> Iterator[str]:
    base = slugify(title)[:200] or "proceso"
    yield base
    for _attempt in range(8):
        yield f"{base}-{get_random_string(5, 'abcdefghijkmnpqrstuvwxyz23456789')}"


def _insert_with_free_slug(candidates: Iterable[str], **fields: object) -> Process:
    """Insert with the first free slug. Checking first and inserting later would race
    (two facilitators creating "Presupuesto 2027" at once): the unique index decides,
    and a loser retries with the next candidate inside its own savepoint."""
    for candidate in candidates:
        if Process.objects.filter(slug=candidate).exists():
            continue
        try:
            with transaction.atomic():
                return Process.objects.create(slug=candidate, **fields)
        except IntegrityError:
            continue
    raise ValidationError({"slug": [_("Ya existe un proceso con ese identificador.")]})


def process_create(
    *,
    entity: Entity,
    title: str,
    primary_pillar: Pillar,
    description: str = "",
    secondary_pillar: Pillar | None = None,
    lineamientos: Sequence[Lineamiento] = (),
    stages: Sequence[StageInput] = (),
    created_by: User | None = None,
    slug: str | None = None,
) -> Process:
    if secondary_pillar is not None and secondary_pillar.pk == primary_pillar.pk:
        raise ValidationError(
            {"secondary_pillar": [_("El pilar secundario debe ser distinto del principal.")]}
        )
    if not title.strip():
        raise ValidationError({"title": [_("Un proceso necesita un título.")]})
    _validate_stages(stages)
    with transaction.atomic():
        process = _insert_with_free_slug(
            [slug] if slug else _slug_candidates(title),
            entity=entity,
            title=title.strip(),
            description=description,
            primary_pillar=primary_pillar,
            secondary_pillar=secondary_pillar,
            created_by=created_by,
        )
        process.lineamientos.set(lineamientos)
        _create_stages(process, stages)
        audit.record(created_by, "process.create", process)
    return process


def process_update(
    *,
    process: Process,
    title: str | None = None,
    description: str | None = None,
    primary_pillar: Pillar | None = None,
    secondary_pillar: Pillar | None = None,
    clear_secondary_pillar: bool = False,
    lineamientos: Sequence[Lineamiento] | None = None,
    stages: Sequence[StageInput] | None = None,
) -> Process:
    """Change what is given; ``stages`` replaces the whole list when present."""
    with transaction.atomic():
        locked = Process.objects.select_for_update().get(pk=process.pk)
        if locked.status == ProcessStatus.CLOSED:
            raise ValidationError({"status": [_("Un proceso cerrado no se puede editar.")]})
        if title is not None:
            if not title.strip():
                raise ValidationError({"title": [_("Un proceso necesita un título.")]})
            locked.title = title.strip()
        if description is not None:
            locked.description = description
        if primary_pillar is not None:
            locked.primary_pillar = primary_pillar
        if clear_secondary_pillar:
            locked.secondary_pillar = None
        elif secondary_pillar is not None:
            locked.secondary_pillar = secondary_pillar
        if locked.secondary_pillar_id and locked.secondary_pillar_id == locked.primary_pillar_id:
            raise ValidationError(
                {"secondary_pillar": [_("El pilar secundario debe ser distinto del principal.")]}
            )
        locked.save()
        if lineamientos is not None:
            locked.lineamientos.set(lineamientos)
        if stages is not None:
            _validate_stages(stages)
            locked.stages.all().delete()
            _create_stages(locked, stages)
    return locked


def process_set_status(*, process: Process, status: str) -> Process:
    if status not in ProcessStatus.values:
        raise ValidationError({"status": [_("Estado desconocido «%(s)s».") % {"s": status}]})
    with transaction.atomic():
        # Locked so two facilitators pressing "activate" and "close" at once are
        # applied one after the other against the real current status.
        locked = Process.objects.select_for_update().get(pk=process.pk)
        if status == locked.status:
            return locked
        if status not in STATUS_TRANSITIONS[locked.status]:
            raise ValidationError(
                {
                    "status": [
                        _("Un proceso no puede pasar de «%(a)s» a «%(b)s».")
                        % {"a": locked.get_status_display(), "b": ProcessStatus(status).label}
                    ]
                }
            )
        if status == ProcessStatus.ACTIVE and not locked.stages.exists():
            raise ValidationError(
                {"status": [_("Agregue al menos una etapa antes de activar el proceso.")]}
            )
        locked.status = status
        locked.save(update_fields=["status", "updated"])
        audit.record(None, "process.status", locked, status=status)  # no actor is passed in
    return locked
