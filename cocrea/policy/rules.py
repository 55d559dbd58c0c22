"""Who may do what with a process's policy documents. Pages and services ask these, never
the roles directly."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from cocrea.accounts.models import User
from cocrea.accounts.rules import can_act_as_official, is_entity_staff
from sessions.models import Process


def can_view_policy(user: User | AnonymousUser, process: Process) -> bool:
    """The entity's facilitators and officials (and staff) see drafts and plans before
    they are published; everyone sees what is published."""
    return is_entity_staff(user, process.entity)


def can_edit_policy(user: User | AnonymousUser, process: Process) -> bool:
    """Writing, reviewing and publishing is the officials' job: they answer for it."""
    return can_act_as_official(user, process.entity)


def can_comment_policy(user: User | AnonymousUser, process: Process) -> bool:
    """The whole team (facilitators included) may comment on draft items."""
    return is_entity_staff(user, process.entity)
