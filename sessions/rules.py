"""Named permission rules for processes (and, later, live sessions). The HTML views
and the API both call these; nothing else decides who may do what."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from cocrea.accounts.models import Entity, User
from cocrea.accounts.rules import can_facilitate, is_entity_staff
from sessions.cookies import CookieError, cookie_name, participant_from_cookie
from sessions.models import LiveSession, Process, ProcessStatus


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


def belongs_to_session(
    user: User | AnonymousUser, cookies: dict[str, str], session: LiveSession
) -> bool:
    """Whether the visitor already takes part in ``session``: its facilitator, or a
    participant whose cookie is valid for it. Such visitors pass the unknown-code
    limit, so one device guessing codes on a venue's Wi-Fi does not lock out the
    room; a cookie merely named like the code proves nothing."""
    if can_facilitate(user, session.entity):
        return True
    try:
        participant_from_cookie(cookies.get(cookie_name(session.code)), session_id=session.pk)
    except CookieError:
        return False
    return True
