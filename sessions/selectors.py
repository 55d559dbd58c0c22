"""Reads of processes."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet

from cocrea.accounts.models import Membership, Role, User
from sessions.models import Process, ProcessStatus, Stage


def processes_visible_to(user: User | AnonymousUser) -> QuerySet[Process]:
    qs = Process.objects.select_related(
        "entity", "primary_pillar", "secondary_pillar"
    ).prefetch_related(
        "lineamientos", Prefetch("stages", queryset=Stage.objects.select_related("level"))
    )
    if user.is_authenticated and user.is_staff:
        return qs
    visible = ~Q(status=ProcessStatus.DRAFT)
    if user.is_authenticated:
        team_entities = Membership.objects.filter(
            user=user, role__in=(Role.FACILITATOR, Role.OFFICIAL)
        ).values("entity")
        visible |= Q(entity__in=team_entities)
    return qs.filter(visible)


def process_by_slug(slug: str) -> Process:
    """Raises Process.DoesNotExist; the caller checks ``can_view_process``."""
    return (
        Process.objects.select_related("entity", "primary_pillar", "secondary_pillar")
        .prefetch_related(
            "lineamientos", Prefetch("stages", queryset=Stage.objects.select_related("level"))
        )
        .get(slug=slug)
    )
