"""Reads of action plans: the team's working copy, the frozen published versions, and
the public accountability view (progress of what was published)."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from cocrea.policy.models import (
    ActionPlan,
    Commitment,
    Completion,
    DraftItem,
    ItemSource,
    Milestone,
    PlanVersion,
    ProgressUpdate,
    ReviewStatus,
)
from cocrea.policy.services.plans import (
    ACTOR_GROUPS,
    SDG_NAMES,
    completion_step,
    editorial,
    plan_snapshot,
)
from cocrea.toolkit.models import Level, Lineamiento
from sessions.models import Process

COMPLETION_STEPS = len(Completion.values) - 1


def plans_of(process: Process) -> QuerySet[ActionPlan]:
    return (
        ActionPlan.objects.filter(process=process)
        .annotate(commitment_count=Count("commitments", distinct=True))
        .prefetch_related("versions")
        .order_by("-created", "-pk")
    )


def plan_of(process: Process, pk: int) -> ActionPlan:
    """Raises ActionPlan.DoesNotExist; a plan is only reachable under its process."""
    return ActionPlan.objects.select_related("process__entity").get(process=process, pk=pk)


def commitment_of(plan: ActionPlan, number: int) -> Commitment:
    """Raises Commitment.DoesNotExist."""
    return Commitment.objects.select_related("plan__process__entity").get(plan=plan, number=number)


def milestone_of(commitment: Commitment, pk: int) -> Milestone:
    """Raises Milestone.DoesNotExist."""
    return Milestone.objects.select_related("commitment__plan__process__entity").get(
        commitment=commitment, pk=pk
    )


def _sources() -> Prefetch:
    return Prefetch("sources", queryset=ItemSource.objects.select_related("session", "level"))


def approved_items(process: Process) -> QuerySet[DraftItem]:
    """The draft items a commitment may come from, with their sources."""
    return (
        DraftItem.objects.filter(
            draft__process=process, status=ReviewStatus.APPROVED, removed=False
        )
        .select_related("lineamiento", "pillar")
        .prefetch_related(_sources())
    )


def items_by_ids(ids: Iterable[int]) -> list[DraftItem]:
    """Draft items by id in the given order; ids that name no item are left out (the
    caller compares lengths to report them)."""
    wanted = list(dict.fromkeys(ids))
    found = {i.pk: i for i in DraftItem.objects.filter(pk__in=wanted)}
    return [found[pk] for pk in wanted if pk in found]


@dataclass
class PlanDetail:
    plan: ActionPlan
    commitments: list[Commitment]
    versions: list[PlanVersion]
    latest: PlanVersion | None
    # The working copy differs from the latest version in something other than progress.
    unpublished_changes: bool
    # Per commitment id, the items it came from with their sources, as a snapshot has
    # them (so one template shows the trace of the working copy and of a version).
    traces: dict[int, list[dict[str, Any]]]


def plan_detail(plan: ActionPlan) -> PlanDetail:
    commitments = list(
        plan.commitments.order_by("number").prefetch_related(
            "milestones",
            Prefetch(
                "updates",
                queryset=ProgressUpdate.objects.select_related("author").order_by(
                    "-created", "-pk"
                ),
            ),
            Prefetch(
                "items",
                queryset=DraftItem.objects.select_related("lineamiento", "pillar")
                .prefetch_related(_sources())
                .order_by("pk"),
            ),
        )
    )
    versions = list(plan.versions.select_related("published_by").order_by("-number"))
    latest = versions[0] if versions else None
    working = plan_snapshot(plan)
    unpublished = latest is not None and editorial(working) != editorial(latest.snapshot)
    traces = {c["id"]: c["items"] for c in present(working)["commitments"]}
    return PlanDetail(plan, commitments, versions, latest, unpublished, traces)


def published_version(plan: ActionPlan, number: int | None = None) -> PlanVersion | None:
    """A published version by number, or the latest one; None when there is none."""
    versions = plan.versions.select_related("published_by")
    if number is None:
        return versions.order_by("-number").first()
    return versions.filter(number=number).first()


# --- presenting snapshots --------------------------------------------------------------


def _names(snapshot: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """IAP2 levels and lineamientos named in a snapshot, by code, in the active language."""
    items = [i for c in snapshot.get("commitments", []) for i in c.get("items", [])]
    level_codes = {s["level"]["code"] for i in items for s in i["sources"] if s.get("level")}
    lineamiento_codes = {i["lineamiento"]["code"] for i in items if i.get("lineamiento")}
    return (
        {lv.code: lv.tr("name") for lv in Level.objects.filter(code__in=level_codes)},
        {ln.code: ln.tr("name") for ln in Lineamiento.objects.filter(code__in=lineamiento_codes)},
    )


def present(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A copy of a version's snapshot with labels in the active language: completion,
    SDG names, actor groups and IAP2 levels (the snapshot itself stores codes)."""
    view = copy.deepcopy(snapshot)
    levels, lineamientos = _names(view)
    labels = dict(Completion.choices)
    for c in view.get("commitments", []):
        c["completion_label"] = str(labels.get(c.get("completion"), c.get("completion")))
        c["completion_step"] = completion_step(c["completion"])
        c["sdg_list"] = [{"number": n, "name": str(SDG_NAMES.get(n, n))} for n in c["sdgs"]]
        c["actor_list"] = [
            {"group": str(label), "names": c["other_actors"].get(key, [])}
            for key, label in ACTOR_GROUPS.items()
            if c["other_actors"].get(key)
        ]
        for item in c.get("items", []):
            if item.get("lineamiento"):
                code = item["lineamiento"]["code"]
                item["lineamiento"]["label"] = lineamientos.get(code, item["lineamiento"]["name"])
            for s in item.get("sources", []):
                if s.get("level"):
                    s["level"]["label"] = levels.get(s["level"]["code"], s["level"]["name"])
    return view


@dataclass
class CommitmentProgress:
    number: int
    title: str
    completion: str
    completion_label: str
    step: int
    milestones: list[Milestone]
    milestones_done: int
    updates: list[ProgressUpdate]
    items: list[dict[str, Any]] = field(default_factory=list)

    @property
    def milestones_total(self) -> int:
        return len(self.milestones)


@dataclass
class Accountability:
    plan: ActionPlan
    version: PlanVersion
    commitments: list[CommitmentProgress]
    steps: int = COMPLETION_STEPS


def accountability(plan: ActionPlan) -> Accountability | None:
    """What was published (the latest version's commitments, milestones and trace) with
    its live progress: completion, milestones done, the dated updates. Edits not yet
    published stay out; None when the plan was never published."""
    version = published_version(plan)
    if version is None:
        return None
    view = present(version.snapshot)
    ids = [c["id"] for c in view["commitments"]]
    live = {
        c.pk: c
        for c in Commitment.objects.filter(plan=plan, pk__in=ids).prefetch_related(
            "milestones",
            Prefetch(
                "updates",
                queryset=ProgressUpdate.objects.select_related("author").order_by(
                    "-created", "-pk"
                ),
            ),
        )
    }
    labels = dict(Completion.choices)
    rows = []
    for data in view["commitments"]:
        current = live.get(data["id"])
        published_milestones = {m["id"] for m in data["milestones"]}
        completion = current.completion if current else data["completion"]
        milestones = (
            [m for m in current.milestones.all() if m.pk in published_milestones] if current else []
        )
        rows.append(
            CommitmentProgress(
                number=data["number"],
                title=data["title"],
                completion=completion,
                completion_label=str(labels[completion]),
                step=completion_step(completion),
                milestones=milestones,
                milestones_done=sum(1 for m in milestones if m.done),
                updates=list(current.updates.all()) if current else [],
                items=data["items"],
            )
        )
    return Accountability(plan=plan, version=version, commitments=rows)
