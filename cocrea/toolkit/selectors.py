"""Reads of the HAGA toolkit."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from cocrea.toolkit.filters import ExperienceFilters
from cocrea.toolkit.models import (
    CanvasZone,
    DecalogoTip,
    Experience,
    ExperienceKind,
    Level,
    Lineamiento,
    Methodology,
    MethodologyStep,
    Pillar,
)
from cocrea.toolkit.text import search_terms


def pillars() -> QuerySet[Pillar]:
    return Pillar.objects.all()


def levels() -> QuerySet[Level]:
    return Level.objects.all()


def lineamientos() -> QuerySet[Lineamiento]:
    return Lineamiento.objects.all()


def decalogo() -> QuerySet[DecalogoTip]:
    return DecalogoTip.objects.all()


def methodologies() -> QuerySet[Methodology]:
    return Methodology.objects.prefetch_related(
        "levels",
        "pillars",
        "lineamientos",
        Prefetch("steps", queryset=MethodologyStep.objects.order_by("order")),
        Prefetch("zones", queryset=CanvasZone.objects.order_by("order")),
    )


def methodologies_with_canvas() -> QuerySet[Methodology]:
    """Methodologies that ship a canvas template (zones), for canvas activities."""
    return Methodology.objects.filter(zones__isnull=False).distinct().order_by("name")


def methodology_by_slug(slug: str) -> Methodology | None:
    return Methodology.objects.filter(slug=slug).first()


def experience_vocabulary() -> dict[str, list[str]]:
    """Valid codes for each repository filter, as the filter parser wants them."""
    return {
        "pillar": list(Pillar.objects.values_list("code", flat=True)),
        "level": list(Level.objects.values_list("code", flat=True)),
        "lineamiento": list(Lineamiento.objects.values_list("code", flat=True)),
        "country": sorted(set(Experience.objects.values_list("country", flat=True))),
        "kind": list(ExperienceKind.values),
    }


def experiences(filters: ExperienceFilters | None = None) -> QuerySet[Experience]:
    qs = Experience.objects.select_related("pillar", "second_pillar", "level").prefetch_related(
        "lineamientos"
    )
    if filters is None:
        return qs
    if filters.pillar:
        # An experience belongs to a pillar whether it is its first or second one.
        qs = qs.filter(Q(pillar__code=filters.pillar) | Q(second_pillar__code=filters.pillar))
    if filters.level:
        qs = qs.filter(level__code=filters.level)
    if filters.lineamiento:
        qs = qs.filter(lineamientos__code=filters.lineamiento)
    if filters.country:
        qs = qs.filter(country=filters.country)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    for term in filters.terms:
        qs = qs.filter(search_text__contains=term)
    return qs.distinct()


def methodology_search(query: str) -> QuerySet[Methodology]:
    qs = methodologies()
    for term in search_terms(query):
        qs = qs.filter(search_text__contains=term)
    return qs
