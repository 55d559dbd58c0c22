"""Writes about people, entities and roles."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from cocrea.accounts.models import Entity, Membership, Role, User
from cocrea.audit import services as audit


def entity_create(
    *,
    name: str,
    kind: str,
    department: str,
    municipality: str = "",
    divipola_code: str = "",
) -> Entity:
    entity = Entity(
        name=name,
        slug=slugify(name)[:200],
        kind=kind,
        department=department,
        municipality=municipality,
        divipola_code=divipola_code,
    )
    entity.full_clean()
    entity.save()
    return entity


def membership_grant(*, user: User, entity: Entity, role: str) -> Membership:
    """Give ``user`` a role in ``entity``; granting a role already held is a no-op."""
    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r}; expected one of {', '.join(Role.values)}.")
    try:
        with transaction.atomic():
            membership, _created = Membership.objects.get_or_create(
                user=user, entity=entity, role=role
            )
            if _created:  # who received which role; the granter is not passed in
                audit.record(
                    None, "membership.grant", membership, entity=entity, role=role, user_id=user.pk
                )
    except IntegrityError:  # a concurrent grant won the race: the role is held either way
        membership = Membership.objects.get(user=user, entity=entity, role=role)
    return membership
