"""Reads about people and their roles."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from cocrea.accounts.models import Entity, Membership, User


def user_roles_in(user: User | AnonymousUser, entity: Entity) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(Membership.objects.filter(user=user, entity=entity).values_list("role", flat=True))


def entities_of(user: User | AnonymousUser, *, roles: set[str] | None = None) -> list[Entity]:
    if not user.is_authenticated:
        return []
    memberships = Membership.objects.filter(user=user)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return list(Entity.objects.filter(pk__in=memberships.values("entity")).distinct())
