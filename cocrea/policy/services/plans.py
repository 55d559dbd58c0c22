"""Writes for OGP action plans: plans, commitments built from approved draft items,
milestones, progress updates, and publishing as frozen numbered versions.

Publishing never overwrites: a published plan keeps a working copy that officials may
keep editing, and each publication freezes a new :class:`PlanVersion`. Progress
(updates, completion, milestones done) is what accountability reports, so it is
recorded on published plans too, straight away.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cocrea.accounts.models import User
from cocrea.audit import services as audit
from cocrea.policy.models import (
    ActionPlan,
    Commitment,
    Completion,
    ContributionResponse,
    DraftItem,
    ItemSource,
    Milestone,
    PlanStatus,
    PlanVersion,
    ProgressUpdate,
    ReviewStatus,
)
from cocrea.policy.rules import can_edit_policy
from sessions.models import Process

# The 17 Sustainable Development Goals, by number (the UN's official Spanish names).
SDG_NAMES: dict[int, Any] = {
    1: gettext_lazy("Fin de la pobreza"),
    2: gettext_lazy("Hambre cero"),
    3: gettext_lazy("Salud y bienestar"),
    4: gettext_lazy("Educación de calidad"),
    5: gettext_lazy("Igualdad de género"),
    6: gettext_lazy("Agua limpia y saneamiento"),
    7: gettext_lazy("Energía asequible y no contaminante"),
    8: gettext_lazy("Trabajo decente y crecimiento económico"),
    9: gettext_lazy("Industria, innovación e infraestructura"),
    10: gettext_lazy("Reducción de las desigualdades"),
    11: gettext_lazy("Ciudades y comunidades sostenibles"),
    12: gettext_lazy("Producción y consumo responsables"),
    13: gettext_lazy("Acción por el clima"),
    14: gettext_lazy("Vida submarina"),
    15: gettext_lazy("Vida de ecosistemas terrestres"),
    16: gettext_lazy("Paz, justicia e instituciones sólidas"),
    17: gettext_lazy("Alianzas para lograr los objetivos"),
}

# The four groups of "other actors" in the OGP template, in the template's order.
ACTOR_GROUPS: dict[str, Any] = {
    "government": gettext_lazy("Gobierno"),
    "civil_society": gettext_lazy("Sociedad civil"),
    "private": gettext_lazy("Sector privado"),
    "multilateral": gettext_lazy("Organismos multilaterales"),
}

RELEVANCE_FIELDS = (
    "relevance_transparency",
    "relevance_participation",
    "relevance_accountability",
    "relevance_innovation",
)

# Free-text fields of a commitment and their maximum length (the model's for
# CharFields; a generous bound for TextFields so one paste cannot bloat a version).
TEXT_LIMIT = 10_000
COMMITMENT_TEXT_FIELDS: dict[str, int] = {
    "title": 200,
    "lead_agency": 200,
    "problem": TEXT_LIMIT,
    "baseline": TEXT_LIMIT,
    "objective": TEXT_LIMIT,
    "expected_results": TEXT_LIMIT,
    "how_it_helps": TEXT_LIMIT,
    **{name: TEXT_LIMIT for name in RELEVANCE_FIELDS},
    "budget": 200,
    "development_plan": 300,
}
COMMITMENT_FIELDS = frozenset(
    {*COMMITMENT_TEXT_FIELDS, "start", "end", "other_actors", "sdgs", "completion"}
)

# Completion is ordinal (OGP's IRM scale): its position is what a progress bar shows.
COMPLETION_ORDER: tuple[str, ...] = tuple(Completion.values)


def completion_step(completion: str) -> int:
    """0 for "not started" up to 3 for "completed"."""
    return COMPLETION_ORDER.index(completion)


# --- validation (pure) -----------------------------------------------------------------


def _check_dates(
    errors: dict[str, list[str]], start: dt.date | None, end: dt.date | None, *, field: str
) -> None:
    if start is not None and end is not None and end < start:
        errors.setdefault(field, []).append(
            _("La fecha de fin no puede ser anterior a la de inicio.")
        )


def _clean_commitment_fields(
    changes: Mapping[str, Any],
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict[str, Any]:
    """Normalise and validate commitment fields; ValidationError keyed by field, all
    problems at once. ``start``/``end`` are the stored dates the changed ones meet."""
    unknown = set(changes) - COMMITMENT_FIELDS
    if unknown:
        raise ValueError(f"Unknown commitment fields: {', '.join(sorted(unknown))}")
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for name, limit in COMMITMENT_TEXT_FIELDS.items():
        if name not in changes:
            continue
        value = changes[name]
        if not isinstance(value, str):
            errors[name] = [_("Este campo debe ser un texto.")]
            continue
        value = value.strip()
        if len(value) > limit:
            errors[name] = [
                _("Este campo admite como máximo %(limit)d caracteres.") % {"limit": limit}
            ]
        clean[name] = value
    if "title" in clean and not clean["title"]:
        errors["title"] = [_("El compromiso necesita un nombre.")]
    for name in ("start", "end"):
        if name in changes:
            value = changes[name]
            if value is not None and not isinstance(value, dt.date):
                errors[name] = [_("Escriba una fecha válida (AAAA-MM-DD).")]
            else:
                clean[name] = value
    if "sdgs" in changes:
        sdgs = changes["sdgs"]
        if not isinstance(sdgs, list | tuple) or not all(
            isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 17 for n in sdgs
        ):
            errors["sdgs"] = [_("Los ODS son números enteros del 1 al 17.")]
        else:
            clean["sdgs"] = sorted(set(sdgs))
    if "completion" in changes:
        if changes["completion"] not in Completion.values:
            errors["completion"] = [_("Elija un nivel de cumplimiento de la lista.")]
        else:
            clean["completion"] = changes["completion"]
    if "other_actors" in changes:
        actors = changes["other_actors"]
        if (
            not isinstance(actors, dict)
            or set(actors) - set(ACTOR_GROUPS)
            or not all(
                isinstance(v, list) and all(isinstance(x, str) for x in v) for v in actors.values()
            )
        ):
            errors["other_actors"] = [
                _(
                    "Los otros actores son listas de nombres por grupo (gobierno, sociedad civil, "
                    "sector privado, multilaterales)."
                )
            ]
        else:
            clean["other_actors"] = {
                group: [x.strip() for x in actors.get(group, []) if x.strip()]
                for group in ACTOR_GROUPS
            }
            if any(len(x) > 200 for names in clean["other_actors"].values() for x in names):
                errors["other_actors"] = [_("Cada actor admite como máximo 200 caracteres.")]
    if "start" not in errors and "end" not in errors:
        _check_dates(errors, clean.get("start", start), clean.get("end", end), field="end")
    if errors:
        raise ValidationError(errors)
    return clean


def _require_editor(actor: User, process: Process) -> None:
    if not can_edit_policy(actor, process):
        raise PermissionDenied(_("Solo los funcionarios de la entidad pueden editar sus planes."))


# --- plans ---------------------------------------------------------------------------


def plan_create(
    *,
    process: Process,
    title: str,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    actor: User,
) -> ActionPlan:
    _require_editor(actor, process)
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("El plan necesita un título.")]
    elif len(title) > 200:
        errors["title"] = [_("El título admite como máximo 200 caracteres.")]
    _check_dates(errors, period_start, period_end, field="period_end")
    if errors:
        raise ValidationError(errors)
    return ActionPlan.objects.create(
        process=process,
        title=title,
        period_start=period_start,
        period_end=period_end,
        created_by=actor,
    )


# --- commitments ---------------------------------------------------------------------


def _check_items(plan: ActionPlan, items: Sequence[DraftItem]) -> list[DraftItem]:
    """The items, fresh from the database, once each; raises if any cannot feed ``plan``."""
    ids = list(dict.fromkeys(item.pk for item in items))
    if not ids:
        raise ValidationError({"items": [_("Elija al menos un ítem aprobado del borrador.")]})
    fresh = {
        item.pk: item
        for item in DraftItem.objects.select_related("draft__process").filter(pk__in=ids)
    }
    if len(fresh) != len(ids):
        raise ValidationError({"items": [_("Alguno de los ítems elegidos ya no existe.")]})
    ordered = [fresh[pk] for pk in ids]
    # Another entity's item: not a mistake to explain but an access to refuse.
    if any(i.draft.process.entity_id != plan.process.entity_id for i in ordered):
        raise PermissionDenied(_("Ese ítem pertenece a otra entidad."))
    wrong_process = [i.title for i in ordered if i.draft.process_id != plan.process_id]
    if wrong_process:
        raise ValidationError(
            {
                "items": [
                    _("Estos ítems son de otro proceso: %(titles)s.")
                    % {"titles": "; ".join(wrong_process)}
                ]
            }
        )
    not_approved = [i.title for i in ordered if i.status != ReviewStatus.APPROVED or i.removed]
    if not_approved:
        raise ValidationError(
            {
                "items": [
                    _("Solo los ítems aprobados pueden dar origen a un compromiso: %(titles)s.")
                    % {"titles": "; ".join(not_approved)}
                ]
            }
        )
    return ordered


def _prefill(items: Sequence[DraftItem]) -> dict[str, str]:
    """The problem from what the items say, the objective from what they propose."""
    problem = "\n\n".join(i.text.strip() for i in items if i.text.strip())
    objective = "\n".join(f"- {i.title}" for i in items)
    return {"problem": problem[:TEXT_LIMIT], "objective": objective[:TEXT_LIMIT]}


def commitment_create(
    *,
    plan: ActionPlan,
    title: str,
    items: Sequence[DraftItem],
    actor: User,
    **fields: Any,
) -> Commitment:
    """A commitment built from approved draft items of the plan's process.

    The items stay linked (the trace), and each contribution response that pointed at
    one of them now also points at the commitment, so the contributor can follow it."""
    _require_editor(actor, plan.process)
    chosen = _check_items(plan, items)
    values = {**_prefill(chosen), **fields}
    values["title"] = (title or "").strip() or chosen[0].title[:200]
    clean = _clean_commitment_fields(values)
    with transaction.atomic():
        # Lock the plan so two concurrent creations take distinct numbers.
        locked = ActionPlan.objects.select_for_update().get(pk=plan.pk)
        last = locked.commitments.aggregate(n=Max("number"))["n"] or 0
        commitment = Commitment.objects.create(plan=locked, number=last + 1, **clean)
        commitment.items.set(chosen)
        # Only responses not yet tied to a commitment: an earlier commitment keeps its
        # claim when an item feeds several.
        ContributionResponse.objects.filter(
            item__in=chosen, commitment__isnull=True, process=plan.process
        ).update(commitment=commitment, updated_by=actor)
        ActionPlan.objects.filter(pk=plan.pk).update(updated=timezone.now())
    return commitment


def commitment_edit(*, commitment: Commitment, actor: User, **changes: Any) -> Commitment:
    """Change some OGP fields of a commitment. On a published plan this edits the
    working copy; the published versions stay as they were until the next publish."""
    _require_editor(actor, commitment.plan.process)
    with transaction.atomic():
        locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
        clean = _clean_commitment_fields(changes, start=locked.start, end=locked.end)
        for name, value in clean.items():
            setattr(locked, name, value)
        locked.save()
    return locked


# --- milestones ----------------------------------------------------------------------


def _clean_milestone(
    deliverable: str, start: dt.date | None, end: dt.date | None, responsible: str
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    deliverable = (deliverable or "").strip()
    responsible = (responsible or "").strip()
    if not deliverable:
        errors["deliverable"] = [_("El hito necesita un entregable verificable.")]
    elif len(deliverable) > 300:
        errors["deliverable"] = [_("El entregable admite como máximo 300 caracteres.")]
    if len(responsible) > 200:
        errors["responsible"] = [_("El responsable admite como máximo 200 caracteres.")]
    _check_dates(errors, start, end, field="end")
    if errors:
        raise ValidationError(errors)
    return {"deliverable": deliverable, "start": start, "end": end, "responsible": responsible}


def milestone_add(
    *,
    commitment: Commitment,
    deliverable: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    responsible: str = "",
    actor: User,
) -> Milestone:
    _require_editor(actor, commitment.plan.process)
    clean = _clean_milestone(deliverable, start, end, responsible)
    with transaction.atomic():
        Commitment.objects.select_for_update().get(pk=commitment.pk)
        last = commitment.milestones.aggregate(n=Max("order"))["n"] or 0
        return Milestone.objects.create(commitment=commitment, order=last + 1, **clean)


def milestone_edit(
    *,
    milestone: Milestone,
    deliverable: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    responsible: str = "",
    actor: User,
) -> Milestone:
    _require_editor(actor, milestone.commitment.plan.process)
    clean = _clean_milestone(deliverable, start, end, responsible)
    Milestone.objects.filter(pk=milestone.pk).update(**clean)
    milestone.refresh_from_db()
    return milestone


def milestone_done(*, milestone: Milestone, actor: User, done: bool = True) -> Milestone:
    """Mark a milestone done (today) or not done. Allowed on published plans: it is
    progress, which accountability reports as it happens."""
    _require_editor(actor, milestone.commitment.plan.process)
    with transaction.atomic():
        locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if done and not locked.done:
            locked.done, locked.done_at = True, timezone.localdate()
        elif not done:
            locked.done, locked.done_at = False, None
        locked.save(update_fields=["done", "done_at"])
    return locked


# --- progress ------------------------------------------------------------------------


def progress_add(
    *, commitment: Commitment, text: str, completion: str, actor: User
) -> ProgressUpdate:
    """A dated report on a commitment; it also sets the commitment's completion level."""
    _require_editor(actor, commitment.plan.process)
    errors: dict[str, list[str]] = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = [_("Cuente el avance: el texto no puede quedar vacío.")]
    elif len(text) > TEXT_LIMIT:
        errors["text"] = [
            _("El avance admite como máximo %(limit)d caracteres.") % {"limit": TEXT_LIMIT}
        ]
    if completion not in Completion.values:
        errors["completion"] = [_("Elija un nivel de cumplimiento de la lista.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
        update = ProgressUpdate.objects.create(
            commitment=locked, text=text, completion=completion, author=actor
        )
        locked.completion = completion
        locked.save(update_fields=["completion", "updated"])
    commitment.completion = completion
    return update


# --- publishing ----------------------------------------------------------------------


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _source_data(source: ItemSource) -> dict[str, Any]:
    return {
        "kind": source.kind,
        "ref": source.ref,
        "session": (
            {"id": source.session_id, "title": source.session.title, "code": source.session.code}
            if source.session
            else None
        ),
        "level": ({"code": source.level.code, "name": source.level.name} if source.level else None),
        "participants": source.participants,
        "snapshot": source.snapshot,
    }


def _item_data(item: DraftItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "title": item.title,
        "text": item.text,
        "origin": item.origin,
        "lineamiento": {"code": item.lineamiento.code, "name": item.lineamiento.name},
        "pillar": {"code": item.pillar.code, "name": item.pillar.name} if item.pillar else None,
        "sources": [_source_data(s) for s in item.sources.all()],
    }


def _commitment_data(c: Commitment) -> dict[str, Any]:
    return {
        "id": c.pk,
        "number": c.number,
        "title": c.title,
        "start": _date(c.start),
        "end": _date(c.end),
        "lead_agency": c.lead_agency,
        "problem": c.problem,
        "baseline": c.baseline,
        "objective": c.objective,
        "expected_results": c.expected_results,
        "how_it_helps": c.how_it_helps,
        "relevance": {
            "transparency": c.relevance_transparency,
            "participation": c.relevance_participation,
            "accountability": c.relevance_accountability,
            "innovation": c.relevance_innovation,
        },
        "other_actors": {g: list(c.other_actors.get(g, [])) for g in ACTOR_GROUPS},
        "budget": c.budget,
        "development_plan": c.development_plan,
        "sdgs": list(c.sdgs),
        "completion": c.completion,
        "milestones": [
            {
                "id": m.pk,
                "deliverable": m.deliverable,
                "start": _date(m.start),
                "end": _date(m.end),
                "responsible": m.responsible,
                "done": m.done,
                "done_at": _date(m.done_at),
            }
            for m in c.milestones.all()
        ],
        "items": [_item_data(i) for i in c.items.all()],
    }


def plan_snapshot(plan: ActionPlan) -> dict[str, Any]:
    """The whole plan as JSON: every OGP field, milestones, and the items each
    commitment came from with their sources (as the sources were recorded)."""
    commitments = plan.commitments.prefetch_related(
        "milestones",
        "items__lineamiento",
        "items__pillar",
        "items__sources__session",
        "items__sources__level",
    ).order_by("number")
    return {
        "plan": {
            "id": plan.pk,
            "title": plan.title,
            "period_start": _date(plan.period_start),
            "period_end": _date(plan.period_end),
            "process": {"slug": plan.process.slug, "title": plan.process.title},
            "entity": plan.process.entity.name,
        },
        "commitments": [_commitment_data(c) for c in commitments],
    }


# Progress moves on after publishing without making the working copy "unpublished".
PROGRESS_KEYS = frozenset({"completion", "done", "done_at"})


def editorial(snapshot: Any) -> Any:
    """A snapshot without its progress fields: what an edit (not progress) changes."""
    if isinstance(snapshot, dict):
        return {k: editorial(v) for k, v in snapshot.items() if k not in PROGRESS_KEYS}
    if isinstance(snapshot, list):
        return [editorial(v) for v in snapshot]
    return snapshot


def _publish_errors(plan: ActionPlan) -> dict[str, list[str]]:
    """OGP asks each commitment to say what it commits to and why it matters for at
    least one of the four values; a plan without that cannot go public."""
    commitments = list(plan.commitments.order_by("number"))
    if not commitments:
        return {"commitments": [_("El plan necesita al menos un compromiso para publicarse.")]}
    problems = []
    for c in commitments:
        missing = []
        if not c.objective.strip():
            missing.append(_("el compromiso y objetivo"))
        if not any(getattr(c, f).strip() for f in RELEVANCE_FIELDS):
            missing.append(_("la relevancia para al menos un valor"))
        if missing:
            problems.append(
                _("Al compromiso %(number)d le falta %(missing)s.")
                % {"number": c.number, "missing": _(" y ").join(str(m) for m in missing)}
            )
    return {"commitments": problems} if problems else {}


def plan_publish(*, plan: ActionPlan, actor: User) -> PlanVersion:
    """Freeze the working copy as the next numbered version and mark the plan
    published. Earlier versions are never touched."""
    _require_editor(actor, plan.process)
    with transaction.atomic():
        # Lock only the plan row: two publishes at once must take distinct numbers.
        locked = ActionPlan.objects.select_for_update().get(pk=plan.pk)
        errors = _publish_errors(locked)
        if errors:
            raise ValidationError(errors)
        version = PlanVersion.objects.create(
            plan=locked,
            number=locked.next_version,
            snapshot=plan_snapshot(locked),
            published_by=actor,
        )
        locked.next_version += 1
        locked.status = PlanStatus.PUBLISHED
        locked.save(update_fields=["next_version", "status", "updated"])
        audit.record(actor, "plan.publish", version, number=version.number)
    plan.next_version, plan.status = locked.next_version, locked.status
    return version
