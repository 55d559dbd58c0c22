"""Writing the audit log. ``record`` is called by write services right after the
action succeeds, inside their transaction when they have one, so an action and its
trace commit together or not at all."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import models

from cocrea.accounts.models import Entity, Membership, User
from cocrea.audit.models import AuditEvent

logger = logging.getLogger(__name__)

# Keys that would carry a citizen's personal data (or a secret) into the log. They are
# dropped, whoever passes them: the log is read by staff of every entity, and a
# deleted participant must not live on here (Ley 1581, supresión).
PERSONAL_KEYS = frozenset(
    {
        "display_name",
        "name",
        "full_name",
        "email",
        "text",
        "ip",
        "token",
        "receipt",
        "ballot",
        "content",
        "code",
        "codes",
        "password",
    }
)

# Facilitator commands of a live session worth a trace (who started or ended it, who
# moderated or removed whom). Poll lifecycle commands are left out on purpose: the
# voting services record them, with the poll as the object, whatever the entry point.
SESSION_COMMANDS = frozenset(
    {
        "session.start",
        "session.pause",
        "session.resume",
        "session.end",
        "participant.remove",
        "qa.moderate",
        "poll.moderate",
        "results.hide",
        "results.reveal",
        "input.lock",
        "input.unlock",
    }
)
# The ids and codes a command's data may contribute to its event.
COMMAND_DETAIL_KEYS = (
    "activity_id",
    "participant_id",
    "question_id",
    "submission_id",
    "status",
    "decision",
)

Actor = User | AnonymousUser | int | None


def _user(actor: Actor) -> User | None:
    if isinstance(actor, User):
        return actor
    if isinstance(actor, int):
        return User.objects.filter(pk=actor).first()
    return None  # anonymous or a system task


def _entity_of(obj: Any) -> Entity | None:
    """The entity an object belongs to, following the usual paths; None when unclear."""
    if obj is None:
        return None
    if isinstance(obj, Entity):
        return obj
    for path in ("entity", "process", "plan", "draft", "poll", "session", "stage"):
        try:
            value = getattr(obj, path, None)
        except Exception:  # a broken relation must not cost the action its trace
            value = None
        if value is None:
            continue
        if isinstance(value, Entity):
            return value
        found = _entity_of(value) if path != "entity" else None
        if found is not None:
            return found
    return None


def role_of(user: User | None, entity: Entity | None) -> str:
    """The actor's roles at the time, as a short text (``facilitator,official``,
    ``staff``, ``system``)."""
    if user is None:
        return "system"
    roles: list[str] = []
    if entity is not None:
        roles = sorted(
            Membership.objects.filter(user=user, entity=entity).values_list("role", flat=True)
        )
    if user.is_staff:
        roles.append("staff")
    return ",".join(roles) or "none"


def _clean(value: Any, depth: int = 0) -> Any:
    """A JSON-safe copy: model instances become their pk, unknown objects their text."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if depth > 3:
        return str(value)
    if isinstance(value, Mapping):
        return {
            str(k): _clean(v, depth + 1) for k, v in value.items() if str(k) not in PERSONAL_KEYS
        }
    if isinstance(value, list | tuple | set | frozenset):
        return [_clean(v, depth + 1) for v in value]
    return str(value)


def record(
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    entity: Entity | None = None,
    **detail: Any,
) -> AuditEvent:
    """Append one event: ``action`` is a dotted code (``poll.open``, ``plan.publish``),
    ``obj`` what it acted on, ``entity`` the owner (found from ``obj`` when omitted).
    Personal keys in ``detail`` are dropped (see :data:`PERSONAL_KEYS`)."""
    user = _user(actor)
    if entity is None:
        entity = _entity_of(obj)
    dropped = sorted(k for k in detail if k in PERSONAL_KEYS)
    if dropped:
        logger.warning("audit.record(%s) dropped personal keys %s", action, dropped)
    return AuditEvent.objects.create(
        actor=user,
        role=role_of(user, entity),
        action=action,
        entity=entity,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        detail=_clean(detail),
    )


def record_session_command(
    *, session: models.Model, role: str, user_id: int | None, type: str, data: Mapping[str, Any]
) -> AuditEvent | None:
    """Record a facilitator command of a live session when it is one worth a trace.
    Participants' own commands (notes, questions, votes) are never logged here: they
    are citizens' contributions, not actions of the team."""
    if role != "facilitator" or type not in SESSION_COMMANDS:
        return None
    detail = {k: data[k] for k in COMMAND_DETAIL_KEYS if k in data}
    return record(user_id, f"session.command.{type}", session, **detail)
