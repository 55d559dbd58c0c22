"""Named permission rules about entities and roles. Views, the API and (later) the
WebSocket consumers all ask these functions, never the models directly."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from cocrea.accounts.models import Entity, Role, User
from cocrea.accounts.selectors import user_roles_in

STAFF_ROLES = {Role.FACILITATOR, Role.OFFICIAL}


def is_entity_staff(user: User | AnonymousUser, entity: Entity) -> bool:
    """Facilitators and officials of the entity, and platform staff, may manage its work."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return bool(user_roles_in(user, entity) & STAFF_ROLES)


def can_facilitate(user: User | AnonymousUser, entity: Entity) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_staff or Role.FACILITATOR in user_roles_in(user, entity)


def can_act_as_official(user: User | AnonymousUser, entity: Entity) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_staff or Role.OFFICIAL in user_roles_in(user, entity)
