"""What a process's page says about its policy documents: the team's working links, and
for everyone what has been published."""

from __future__ import annotations

from dataclasses import dataclass, field

from cocrea.accounts.models import User
from cocrea.policy.models import ActionPlan, DraftVersion
from cocrea.policy.rules import can_view_policy
from sessions.models import LiveSession, Process, SessionStatus


@dataclass
class PolicyOverview:
    team: bool
    draft_version: DraftVersion | None
    published_plans: list[ActionPlan] = field(default_factory=list)
    ended_sessions: list[LiveSession] = field(default_factory=list)


def policy_overview(process: Process, user: User) -> PolicyOverview:
    team = can_view_policy(user, process)
    version = DraftVersion.objects.filter(draft__process=process).order_by("-number").first()
    plans = list(
        ActionPlan.objects.filter(process=process, versions__isnull=False)
        .distinct()
        .order_by("-created", "-pk")
    )
    ended = (
        list(
            LiveSession.objects.filter(stage__process=process, status=SessionStatus.ENDED)
            .select_related("level")
            .order_by("-created")
        )
        if team
        else []
    )
    return PolicyOverview(team, version, plans, ended)
