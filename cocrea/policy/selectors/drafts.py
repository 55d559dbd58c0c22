"""Reads of lineamiento drafts for the pages and for the plans, responses and exports
work: the draft of a process, its items grouped by lineamiento and pillar with their
sources, one item's trace (sources, history, comments), and the published versions."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cocrea.policy.models import (
    Draft,
    DraftItem,
    DraftVersion,
    ItemChange,
    ItemComment,
    ItemSource,
)
from cocrea.toolkit.models import Lineamiento, Pillar
from sessions.models import Process


@dataclass
class SourceGroup:
    """The sources of one item that came from one session, summarised for a line such as
    "Taller X · nivel Colaborar · 3 notas · 12 participantes"."""

    session_title: str
    level_name: str
    sources: list[ItemSource]
    # Sums the participants of each source: the people behind two notes of one session
    # may overlap, so this is an upper bound, and the page says so.
    participants: int = 0

    @property
    def counts(self) -> str:
        per_kind: OrderedDict[str, int] = OrderedDict()
        for source in self.sources:
            per_kind[source.kind] = per_kind.get(source.kind, 0) + 1
        return " · ".join(kind_count(kind, n) for kind, n in per_kind.items())


def kind_count(kind: str, n: int) -> str:
    words = {
        "note": lambda: ngettext("%(n)s nota", "%(n)s notas", n),
        "cluster": lambda: ngettext("%(n)s grupo de notas", "%(n)s grupos de notas", n),
        "poll": lambda: ngettext("%(n)s votación", "%(n)s votaciones", n),
        "question": lambda: ngettext("%(n)s pregunta", "%(n)s preguntas", n),
        "statement": lambda: ngettext("%(n)s afirmación", "%(n)s afirmaciones", n),
        "answer": lambda: ngettext("%(n)s respuesta abierta", "%(n)s respuestas abiertas", n),
    }
    return (words[kind]() if kind in words else f"%(n)s {kind}") % {"n": n}


def source_groups(sources: list[ItemSource]) -> list[SourceGroup]:
    groups: OrderedDict[Any, SourceGroup] = OrderedDict()
    for source in sources:
        key = source.session_id or f"gone:{source.pk}"
        if key not in groups:
            groups[key] = SourceGroup(
                session_title=source.session.title if source.session_id else _("Sesión borrada"),
                level_name=source.level.tr("name") if source.level_id else "",
                sources=[],
            )
        groups[key].sources.append(source)
        groups[key].participants += source.participants
    return list(groups.values())


@dataclass
class PillarGroup:
    pillar: Pillar | None
    items: list[DraftItem] = field(default_factory=list)


@dataclass
class LineamientoGroup:
    lineamiento: Lineamiento
    pillars: list[PillarGroup] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(p.items) for p in self.pillars)


def _sources() -> Prefetch:
    return Prefetch(
        "sources",
        queryset=ItemSource.objects.select_related("session", "level").order_by("pk"),
    )


def draft_of(process: Process) -> Draft | None:
    return Draft.objects.filter(process=process).select_related("process").first()


def items_of(draft: Draft, *, removed: bool = False) -> QuerySet[DraftItem]:
    """The draft's items with their sources, in lineamiento, pillar and draft order."""
    return (
        DraftItem.objects.filter(draft=draft, removed=removed)
        .select_related("lineamiento", "pillar", "created_by")
        .prefetch_related(_sources())
        .order_by("lineamiento__order", "pillar__order", "order", "pk")
    )


def items_by_lineamiento(draft: Draft) -> list[LineamientoGroup]:
    """The four lineamientos in their order (empty ones included, so a page shows where
    nothing is written yet), each with its items by pillar (items with no pillar last).
    Each item carries ``source_groups`` for the trace next to its text."""
    groups = [LineamientoGroup(lineamiento=lin) for lin in Lineamiento.objects.order_by("order")]
    by_code = {g.lineamiento.pk: g for g in groups}
    items = list(items_of(draft))
    items.sort(
        key=lambda i: (
            i.lineamiento.order,
            i.pillar is None,
            i.pillar.order if i.pillar else 0,
            i.order,
            i.pk,
        )
    )
    for item in items:
        item.source_groups = source_groups(list(item.sources.all()))
        group = by_code[item.lineamiento_id]
        if not group.pillars or group.pillars[-1].pillar != item.pillar:
            group.pillars.append(PillarGroup(pillar=item.pillar))
        group.pillars[-1].items.append(item)
    return groups


@dataclass
class ItemDetail:
    item: DraftItem
    sources: list[ItemSource]
    source_groups: list[SourceGroup]
    history: list[ItemChange]
    comments: list[ItemComment]


def item_of(draft: Draft, item_id: int) -> DraftItem | None:
    """An item of ``draft`` (removed ones included: their page shows the history)."""
    return (
        DraftItem.objects.filter(draft=draft, pk=item_id)
        .select_related("draft__process", "lineamiento", "pillar", "created_by")
        .first()
    )


def item_detail(item: DraftItem) -> ItemDetail:
    sources = list(item.sources.select_related("session", "level").order_by("pk"))
    return ItemDetail(
        item=item,
        sources=sources,
        source_groups=source_groups(sources),
        history=list(item.changes.select_related("actor").order_by("created", "pk")),
        comments=list(item.comments.select_related("author").order_by("created", "pk")),
    )


def versions(draft: Draft) -> list[DraftVersion]:
    """Published versions, newest first."""
    return list(
        DraftVersion.objects.filter(draft=draft).select_related("published_by").order_by("-number")
    )


def version_of(draft: Draft, number: int) -> DraftVersion | None:
    return DraftVersion.objects.filter(draft=draft, number=number).first()


def latest_version(process: Process) -> DraftVersion | None:
    """The newest published version of the process's draft (what the public sees)."""
    return DraftVersion.objects.filter(draft__process=process).order_by("-number").first()


@dataclass
class OutputRow:
    output: Any  # cocrea.policy.sources.Output
    used_in: list[DraftItem] = field(default_factory=list)


@dataclass
class ActivityOutputs:
    title: str
    outputs: list[OutputRow]
    key: tuple[int, str] = (0, "")


@dataclass
class SessionOutputs:
    session: Any
    activities: list[ActivityOutputs] = field(default_factory=list)


def outputs_by_session(process: Process, draft: Draft | None = None) -> list[SessionOutputs]:
    """The process's outputs (``cocrea.policy.sources``) grouped by session, then by
    activity, in agenda order; each with the items of ``draft`` already made from it."""
    from cocrea.policy.sources import outputs_of_process

    used = used_refs(draft)
    groups: list[SessionOutputs] = []
    for output in outputs_of_process(process):
        if not groups or groups[-1].session.pk != output.session.pk:
            groups.append(SessionOutputs(session=output.session))
        activities = groups[-1].activities
        key = (output.activity_order, output.activity_title)
        if not activities or activities[-1].key != key:
            activities.append(ActivityOutputs(title=output.activity_title, outputs=[], key=key))
        activities[-1].outputs.append(OutputRow(output=output, used_in=used.get(output.ref, [])))
    return groups


def used_refs(draft: Draft | None) -> dict[str, list[DraftItem]]:
    """ref -> the (non-removed) items of ``draft`` already promoted from it."""
    if draft is None:
        return {}
    used: dict[str, list[DraftItem]] = {}
    for source in ItemSource.objects.filter(item__draft=draft, item__removed=False).select_related(
        "item"
    ):
        used.setdefault(source.ref, []).append(source.item)
    return used
