"""Who may do what with an entity's self-assessments. Pages and services ask these,
never the roles directly."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from cocrea.accounts.models import Entity, User
from cocrea.accounts.rules import can_act_as_official, is_entity_staff


def can_view_assessments(user: User | AnonymousUser, entity: Entity) -> bool:
    """The entity's team (facilitators and officials) follows the self-assessment: the
    facilitators are the ones who later run the processes it recommends."""
    return is_entity_staff(user, entity)


def can_edit_assessments(user: User | AnonymousUser, entity: Entity) -> bool:
    """Answering, scoring and publishing the stage commit the entity: officials answer
    for it, so only they may write."""
    return can_act_as_official(user, entity)
