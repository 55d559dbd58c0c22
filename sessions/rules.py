"""Named permission rules for processes (and, later, live sessions). The HTML views
and the API both call these; nothing else decides who may do what."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from cocrea.accounts.models import Entity, User
from cocrea.accounts.rules import is_entity_staff
from sessions.models import Process, ProcessStatus


def can_view_process(user: User | AnonymousUser, process: Process) -> bool:
    """Active and closed processes are public; drafts only for the entity's team."""
    if process.status != ProcessStatus.DRAFT:
        return True
    return is_entity_staff(user, process.entity)


def can_create_process(user: User | AnonymousUser, entity: Entity) -> bool:
    return is_entity_staff(user, entity)


def can_edit_process(user: User | AnonymousUser, process: Process) -> bool:
    """Closed processes are part of the public record: they can no longer be edited,
    only reopened by changing their status."""
    return is_entity_staff(user, process.entity) and process.status != ProcessStatus.CLOSED


def can_change_process_status(user: User | AnonymousUser, process: Process) -> bool:
    return is_entity_staff(user, process.entity)
