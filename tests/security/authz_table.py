"""The expected authorization matrix: every named URL pattern × every role.

One entry per URL name (``namespace:name``): how to build its kwargs from one side of
the world (``tests/security/conftest.py``; the roles act towards side A), and one or
more requests (the method the endpoint really uses), each with the expected outcome
for the 7 roles, in the order of :data:`ROLES`:

    anonymous  participant  citizen  foreign  facilitator  official  staff

``participant`` holds A's session cookie and no account; ``citizen`` is A's registered
citizen; ``foreign`` is B's facilitator; ``staff`` is platform staff (``is_staff``).

Outcome classes (see ``test_authz_urls.outcome``):

- ``ok``: 2xx, or a redirect that is not to the login page (allowed);
- ``bad``: 400, allowed past the permission check but the (empty) input is refused;
- ``login``: a redirect to the login page;
- ``deny``: 401, 403 or 404;
- ``method``: 405.

A new URL pattern without an entry here fails ``test_every_pattern_has_an_entry``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.security.conftest import ROLES, Side

Kwargs = Callable[[Side], dict[str, Any]]


@dataclass(frozen=True)
class Req:
    method: str
    expect: tuple[str, ...]
    # The body, or a function of the side the URL was built from (ids must match it).
    data: dict[str, Any] | Callable[[Side], dict[str, Any]] = field(default_factory=dict)
    json: bool = False  # send ``data`` as a JSON body (the API)


@dataclass(frozen=True)
class Entry:
    kwargs: Kwargs
    requests: tuple[Req, ...]


def E(spec: str) -> tuple[str, ...]:
    """``E("deny deny ok ...")``: seven outcomes in ROLES order."""
    outcomes = tuple(spec.split())
    assert len(outcomes) == len(ROLES), spec
    return outcomes


def get(spec: str) -> Req:
    return Req("GET", E(spec))


def post(spec: str, data: dict[str, Any] | Callable[[Side], dict[str, Any]] | None = None) -> Req:
    return Req("POST", E(spec), data or {})


def api(
    method: str, spec: str, data: dict[str, Any] | Callable[[Side], dict[str, Any]] | None = None
) -> Req:
    return Req(method, E(spec), data or {}, json=True)


def entry(kwargs: Kwargs | None, *requests: Req) -> Entry:
    return Entry(kwargs or (lambda s: {}), requests)


ALL_OK = "ok ok ok ok ok ok ok"

# --- kwargs from one side of the world ---------------------------------------------------


def process(s: Side) -> dict[str, Any]:
    return {"slug": s.process.slug}


def entity(s: Side) -> dict[str, Any]:
    return {"slug": s.entity.slug}


def code(s: Side) -> dict[str, Any]:
    return {"code": s.session.code}


def item(s: Side) -> dict[str, Any]:
    return {"slug": s.process.slug, "item_id": s.item.pk}


def plan(s: Side) -> dict[str, Any]:
    return {"slug": s.process.slug, "pk": s.plan.pk}


def commitment(s: Side) -> dict[str, Any]:
    return {**plan(s), "number": s.commitment.number}


def entity_poll(s: Side) -> dict[str, Any]:
    return {"poll_id": s.entity_poll.pk}


def session_poll(s: Side) -> dict[str, Any]:
    return {"poll_id": s.session_poll.pk}


def api_poll(s: Side) -> dict[str, Any]:
    return {"pk": s.entity_poll.pk}


def methodology(s: Side) -> dict[str, Any]:
    from cocrea.toolkit.models import Methodology

    return {"slug": Methodology.objects.order_by("pk").values_list("slug", flat=True).first()}


def experience(s: Side) -> dict[str, Any]:
    from cocrea.toolkit.models import Experience

    return {"slug": Experience.objects.order_by("pk").values_list("slug", flat=True).first()}


def process_input(s: Side) -> dict[str, Any]:
    return {
        "entity": s.entity.slug,
        "title": "Nuevo proceso",
        "primary_pillar": "participacion",
        "stages": [{"name": "Taller", "level": "consultar"}],
    }


def poll_input(s: Side) -> dict[str, Any]:
    return {
        "entity": s.entity.slug,
        "title": "Consulta",
        "method": "single",
        "options": [{"key": "a", "label": "A"}, {"key": "b", "label": "B"}],
        "eligibility": "codes",
    }


TABLE: dict[str, Entry] = {
    "api-docs": entry(
        None,
        get(ALL_OK),
    ),
    "api-root": entry(
        None,
        get(ALL_OK),
    ),
    "assessment:detail": entry(
        lambda s: {**entity(s), "pk": s.assessment.pk},
        get("deny deny deny deny ok ok ok"),
        post("deny deny deny deny deny ok ok"),
    ),
    "assessment:list": entry(
        entity,
        get("deny deny deny deny ok ok ok"),
    ),
    "assessment:progress": entry(
        entity,
        get("deny deny deny deny ok ok ok"),
    ),
    "assessment:public_stages": entry(
        None,
        get(ALL_OK),
    ),
    "assessment:report": entry(
        lambda s: {**entity(s), "pk": s.assessment.pk},
        get("deny deny deny deny ok ok ok"),
    ),
    "assessment:start": entry(
        entity,
        post("deny deny deny deny deny ok ok"),
    ),
    "assessment:start_process": entry(
        entity,
        post("deny deny deny deny bad bad bad"),
    ),
    "assessment:visibility": entry(
        entity,
        post("deny deny deny deny deny ok ok"),
    ),
    "canvases:export": entry(
        lambda s: {**code(s), "activity_id": s.canvas.activity_id, "fmt": "json"},
        get("login login deny deny ok ok ok"),
    ),
    "decalogo-detail": entry(
        lambda s: {"number": 1},
        get(ALL_OK),
    ),
    "decalogo-list": entry(
        None,
        get(ALL_OK),
    ),
    "experience-detail": entry(
        experience,
        get(ALL_OK),
    ),
    "experience-list": entry(
        None,
        get(ALL_OK),
    ),
    "healthz": entry(
        None,
        get(ALL_OK),
    ),
    "level-detail": entry(
        lambda s: {"code": "colaborar"},
        get(ALL_OK),
    ),
    "level-list": entry(
        None,
        get(ALL_OK),
    ),
    "lineamiento-detail": entry(
        lambda s: {"code": s.item.lineamiento.code},
        get(ALL_OK),
    ),
    "lineamiento-list": entry(
        None,
        get(ALL_OK),
    ),
    "live:activity_create": entry(
        code,
        post("login login deny deny bad deny bad"),
    ),
    "live:console": entry(
        code,
        get("login login deny deny ok deny ok"),
    ),
    "live:enter": entry(
        None,
        get(ALL_OK),
        post("ok ok ok ok ok ok ok", lambda s: {"code": s.session.code}),
    ),
    "live:join": entry(
        code,
        get(ALL_OK),
        post("bad bad bad bad bad bad bad"),
    ),
    "live:projector": entry(
        code,
        get("login login deny deny ok deny ok"),
    ),
    "live:qr": entry(
        code,
        get(ALL_OK),
    ),
    "live:session_create": entry(
        process,
        post("login login deny deny bad deny bad"),
    ),
    "login": entry(
        None,
        get(ALL_OK),
        post("ok ok ok ok ok ok ok"),
    ),
    "logout": entry(
        None,
        post("ok ok ok ok ok ok ok"),
    ),
    "methodology-detail": entry(
        methodology,
        get(ALL_OK),
    ),
    "methodology-list": entry(
        None,
        get(ALL_OK),
    ),
    "pillar-detail": entry(
        lambda s: {"code": "participacion"},
        get(ALL_OK),
    ),
    "pillar-list": entry(
        None,
        get(ALL_OK),
    ),
    "policy:commitment_create": entry(
        plan,
        post("deny deny deny deny deny bad bad"),
    ),
    "policy:commitment_edit": entry(
        commitment,
        post("deny deny deny deny deny ok ok"),
    ),
    "policy:draft": entry(
        process,
        get(ALL_OK),
    ),
    "policy:draft_build": entry(
        process,
        get("deny deny deny deny deny ok ok"),
        post("deny deny deny deny deny ok ok"),
    ),
    "policy:draft_create": entry(
        process,
        post("deny deny deny deny ok ok ok"),
    ),
    "policy:draft_export": entry(
        lambda s: {**process(s), "fmt": "csv"},
        get(ALL_OK),
    ),
    "policy:draft_item": entry(
        item,
        get("deny deny deny deny ok ok ok"),
    ),
    "policy:draft_item_comment": entry(
        item,
        post("deny deny deny deny bad bad bad"),
    ),
    "policy:draft_item_edit": entry(
        item,
        post("deny deny deny deny deny bad bad"),
    ),
    "policy:draft_item_remove": entry(
        item,
        post("deny deny deny deny deny ok ok"),
    ),
    "policy:draft_item_status": entry(
        item,
        post("deny deny deny deny bad bad bad"),
    ),
    "policy:draft_publish": entry(
        process,
        post("deny deny deny deny deny ok ok"),
    ),
    "policy:draft_version": entry(
        lambda s: {**process(s), "number": 1},
        get(ALL_OK),
    ),
    "policy:draft_version_export": entry(
        lambda s: {**process(s), "number": 1, "fmt": "csv"},
        get(ALL_OK),
    ),
    "policy:draft_working_export": entry(
        lambda s: {**process(s), "fmt": "csv"},
        get("deny deny deny deny ok ok ok"),
    ),
    "policy:draft_write": entry(
        process,
        get("deny deny deny deny deny ok ok"),
        post("deny deny deny deny deny bad bad"),
    ),
    "policy:milestone_add": entry(
        commitment,
        post("deny deny deny deny deny bad bad"),
    ),
    "policy:milestone_done": entry(
        lambda s: {**commitment(s), "milestone": s.milestone.pk},
        post("deny deny deny deny deny ok ok"),
    ),
    "policy:my_contributions": entry(
        None,
        get(ALL_OK),
    ),
    "policy:my_contributions_forget": entry(
        None,
        post("ok ok ok ok ok ok ok"),
    ),
    "policy:my_contributions_remember": entry(
        None,
        post("ok ok ok ok ok ok ok"),
    ),
    "policy:plan": entry(
        plan,
        get(ALL_OK),
    ),
    "policy:plan_accountability": entry(
        plan,
        get(ALL_OK),
    ),
    "policy:plan_export": entry(
        lambda s: {**process(s), "plan_id": s.plan.pk, "fmt": "csv"},
        get(ALL_OK),
    ),
    "policy:plan_publish": entry(
        plan,
        post("deny deny deny deny deny bad bad"),
    ),
    "policy:plan_version": entry(
        plan,
        get(ALL_OK),
    ),
    "policy:plan_version_export": entry(
        lambda s: {**process(s), "plan_id": s.plan.pk, "number": 1, "fmt": "csv"},
        get(ALL_OK),
    ),
    "policy:plan_version_number": entry(
        lambda s: {**plan(s), "number": 1},
        get(ALL_OK),
    ),
    "policy:plan_working_export": entry(
        lambda s: {**process(s), "plan_id": s.plan.pk, "fmt": "csv"},
        get("deny deny deny deny ok ok ok"),
    ),
    "policy:plans": entry(
        process,
        get("deny deny deny deny ok ok ok"),
        post("deny deny deny deny deny bad bad"),
    ),
    "policy:progress_add": entry(
        commitment,
        post("deny deny deny deny deny bad bad"),
    ),
    "policy:responses": entry(
        process,
        get(ALL_OK),
    ),
    "policy:responses_bulk": entry(
        process,
        post("deny deny deny deny deny bad bad"),
    ),
    "policy:responses_manage": entry(
        process,
        get("deny deny deny deny deny ok ok"),
        post("deny deny deny deny deny bad bad"),
    ),
    "policy:session_report": entry(
        lambda s: {**code(s), "fmt": "xlsx"},
        get("deny deny deny deny ok ok ok"),
    ),
    "poll-close": entry(
        api_poll,
        api("POST", "deny deny deny deny ok ok ok"),
    ),
    "poll-codes": entry(
        api_poll,
        get("deny deny deny deny ok ok ok"),
        api("POST", "deny deny deny deny bad bad bad"),
    ),
    "poll-detail": entry(
        api_poll,
        get("deny deny deny deny ok ok ok"),
        api("PATCH", "deny deny deny deny bad bad bad", {"title": "Otro"}),  # open: frozen
    ),
    "poll-list": entry(
        None,
        get("deny deny ok ok ok ok ok"),
        api("POST", "deny deny deny deny ok ok ok", poll_input),
    ),
    "poll-open": entry(
        api_poll,
        api("POST", "deny deny deny deny bad bad bad"),
    ),
    "poll-publish": entry(
        api_poll,
        api("POST", "deny deny deny deny bad bad bad"),
    ),
    "poll-reset": entry(
        api_poll,
        api("POST", "deny deny deny deny ok ok ok"),
    ),
    "poll-void-codes": entry(
        api_poll,
        api("POST", "deny deny deny deny bad bad bad"),
    ),
    "process-detail": entry(
        process,
        get(ALL_OK),
        api("PATCH", "deny deny deny deny ok ok ok", {"title": "Otro"}),
    ),
    "process-list": entry(
        None,
        get(ALL_OK),
        # Valid input for the side's entity: only its team may create.
        api("POST", "deny deny deny deny ok ok ok", process_input),
    ),
    "process-set-status": entry(
        process,
        api("POST", "deny deny deny deny bad bad bad"),
        api("POST", "deny deny deny deny ok ok ok", {"status": "closed"}),
    ),
    "schema": entry(
        None,
        get(ALL_OK),
    ),
    "toolkit:decalogo": entry(
        None,
        get(ALL_OK),
    ),
    "toolkit:experience": entry(
        experience,
        get(ALL_OK),
    ),
    "toolkit:experiences": entry(
        None,
        get(ALL_OK),
    ),
    "toolkit:home": entry(
        None,
        get(ALL_OK),
    ),
    "toolkit:methodologies": entry(
        None,
        get(ALL_OK),
    ),
    "toolkit:methodology": entry(
        methodology,
        get(ALL_OK),
    ),
    "toolkit:process": entry(
        process,
        get(ALL_OK),
    ),
    "toolkit:processes": entry(
        None,
        get(ALL_OK),
    ),
    "voting:ballot": entry(
        entity_poll,
        get(ALL_OK),
        post("bad bad bad bad bad bad bad"),
    ),
    "voting:ballot_submit": entry(
        entity_poll,
        post("bad bad bad bad bad bad bad"),
    ),
    "voting:bulletin": entry(
        entity_poll,
        get("deny deny deny deny deny deny deny"),
    ),
    "voting:codes": entry(
        entity_poll,
        get("login login deny deny ok ok ok"),
    ),
    "voting:codes_sheet": entry(
        entity_poll,
        post("login login deny deny bad bad bad"),
    ),
    "voting:codes_void": entry(
        entity_poll,
        post("login login deny deny bad bad bad"),
    ),
    "voting:export": entry(
        lambda s: {**entity_poll(s), "fmt": "csv"},
        get("deny deny deny deny deny deny deny"),
    ),
    "voting:receipt": entry(
        entity_poll,
        get(ALL_OK),
        post("bad bad bad bad bad bad bad"),
    ),
    "voting:results": entry(
        entity_poll,
        get(ALL_OK),
    ),
    # The admin's login form sends everyone to ours.
    "admin-login": entry(None, get("login login login login login login login")),
    "audit:events": entry(None, get("deny deny deny deny deny deny ok")),
    "privacy:notice": entry(None, get(ALL_OK)),
    # The visitor's own data (account and participant cookies): nothing else to reach.
    "privacy:my_data": entry(None, get(ALL_OK)),
    "privacy:download": entry(None, get(ALL_OK)),
    "privacy:delete": entry(None, get(ALL_OK), post("ok bad bad bad bad bad bad")),
    "privacy:deleted": entry(None, get(ALL_OK)),
}


# --- the WebSocket: /ws/sessions/<code>/ of A's session -----------------------------------

# Who may open the socket at all. Officials and citizens join a session like anyone
# else, with a participant cookie; their account alone does not admit them.
WS_CONNECT: dict[str, str] = dict(
    zip(ROLES, E("refused open refused refused open refused open"), strict=True)
)
WS_ROLES = tuple(role for role, verdict in WS_CONNECT.items() if verdict == "open")

# Every message type × the roles that can open a socket (participant, facilitator,
# staff): "ok" (not refused as forbidden; it may still fail with another code) or
# "forbidden". The registry (sessions.live) and the non-command frames must all be here.
F = ("forbidden", "ok", "ok")  # facilitator commands
P = ("ok", "ok", "ok")  # everyone in the session
ONLY_PARTICIPANTS = ("ok", "forbidden", "forbidden")  # facilitators neither vote nor submit
WS_TABLE: dict[str, tuple[str, str, str]] = {
    "hello": P,
    "ping": P,
    "canvas.drag": P,
    "session.start": F,
    "session.pause": F,
    "session.resume": F,
    "session.end": F,
    "activity.goto": F,
    "timer.start": F,
    "timer.stop": F,
    "input.lock": F,
    "input.unlock": F,
    "results.hide": F,
    "results.reveal": F,
    "participant.remove": F,
    "qa.ask": P,
    "qa.upvote": P,
    "qa.moderate": F,
    "canvas.op": P,
    "canvas.settings": F,
    "poll.open": F,
    "poll.close": F,
    "poll.publish": F,
    "poll.vote": ONLY_PARTICIPANTS,
    "poll.submit": ONLY_PARTICIPANTS,
    "poll.moderate": F,
}

# Nothing here may ever be forbidden to someone and work on someone else's objects: the
# ids below are B's when the object-level test sends them.
NOBODY = 999_999_999


def ws_data(s: Side) -> dict[str, dict[str, Any]]:
    """Minimal valid data for every message type, with the ids of ``s``'s objects."""
    canvas, poll = s.canvas.activity_id, s.poll_activity.pk
    return {
        "hello": {},
        "ping": {},
        "canvas.drag": {"activity_id": canvas, "note": "n1", "x": 10, "y": 10},
        "session.start": {},
        "session.pause": {},
        "session.resume": {},
        "session.end": {},
        "activity.goto": {"activity_id": s.slide.pk},
        "timer.start": {"seconds": 60},
        "timer.stop": {},
        "input.lock": {},
        "input.unlock": {},
        "results.hide": {},
        "results.reveal": {},
        "participant.remove": {"participant_id": NOBODY},
        "qa.ask": {"text": "¿Hay acta?"},
        "qa.upvote": {"question_id": s.question.pk},
        "qa.moderate": {"question_id": s.question.pk, "status": "answered"},
        "canvas.op": {
            "activity_id": canvas,
            "op": {"op": "note.create", "key": "n9", "text": "Idea", "x": 5, "y": 5},
        },
        "canvas.settings": {"activity_id": canvas, "dots_revealed": True},
        "poll.open": {"activity_id": poll},
        "poll.close": {"activity_id": poll},
        "poll.publish": {"activity_id": poll},
        "poll.vote": {"activity_id": poll, "ballot": "a"},
        "poll.submit": {"activity_id": poll, "text": "Otra opción"},
        "poll.moderate": {"activity_id": poll, "submission_id": NOBODY, "decision": "approve"},
    }


# Messages that name an object of the session: sent with B's ids on A's socket.
WS_OBJECT_MESSAGES = (
    "canvas.drag",
    "activity.goto",
    "qa.upvote",
    "qa.moderate",
    "canvas.op",
    "canvas.settings",
    "poll.open",
    "poll.close",
    "poll.publish",
    "poll.vote",
    "poll.submit",
    "poll.moderate",
)
