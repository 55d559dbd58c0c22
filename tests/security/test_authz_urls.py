"""The authorization matrix over HTTP: every named URL pattern × every role.

The patterns come from the URL configuration itself, so a new endpoint without an
entry in ``authz_table.TABLE`` fails here. Each request runs in a savepoint that is
rolled back, so every role meets the same world (a facilitator's POST does not change
what the official's request finds)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sessions.models import Process, ProcessStatus
from tests.security.authz_table import TABLE, Req
from tests.security.conftest import ROLES, Side, World

# Not in the matrix, on purpose:
# - "admin:": Django's admin checks is_staff and model permissions itself; one test
#   below pins that only staff gets in.
# - "set_language": switches the interface language for anyone; no data, no role.
SKIPPED_NAMESPACES = ("admin",)
SKIPPED_NAMES = {"set_language"}


def named_patterns(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[str]:
    """Every ``namespace:name`` the URL configuration can reverse."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from named_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def covered_names() -> set[str]:
    return {
        name
        for name in named_patterns()
        if name.split(":")[0] not in SKIPPED_NAMESPACES and name not in SKIPPED_NAMES
    }


def test_every_pattern_has_an_entry() -> None:
    names = covered_names()
    missing = sorted(names - set(TABLE))
    stale = sorted(set(TABLE) - names)
    assert not missing, f"URL patterns without an authorization entry: {missing}"
    assert not stale, f"authorization entries for URL patterns that no longer exist: {stale}"


def outcome(response: HttpResponse) -> str:
    status = response.status_code
    if status == 405:
        return "method"
    if status in (401, 403, 404):
        return "deny"
    if status in (400, 409, 422):
        return "bad"
    if status == 429:
        return "limited"
    if 300 <= status < 400:
        location = response.get("Location", "")
        return "login" if location.split("?")[0].endswith(resolve_url(settings.LOGIN_URL)) else "ok"
    if 200 <= status < 300:
        return "ok"
    return f"status {status}"


def send(client: Client, req: Req, url: str, side: Side) -> HttpResponse:
    """One request whose effects are rolled back."""
    data = req.data(side) if callable(req.data) else req.data
    with transaction.atomic():
        method = getattr(client, req.method.lower())
        if req.method == "GET":
            response = method(url)
        elif req.json:
            response = method(url, json.dumps(data), content_type="application/json")
        else:
            response = method(url, data)
        transaction.set_rollback(True)
    cache.clear()  # rate-limit counters must not leak from one request to the next
    return response


def url_for(name: str, side: Side) -> str:
    return reverse(name, kwargs=TABLE[name].kwargs(side))


@pytest.fixture(autouse=True)
def _keep_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    # /healthz closes a connection that is not in autocommit mode, which is what every
    # rolled-back request here runs in; the test's own transaction must survive it.
    monkeypatch.setattr(BaseDatabaseWrapper, "close_if_unusable_or_obsolete", lambda self: None)


@pytest.mark.parametrize("name", sorted(TABLE))
def test_matrix(world: World, clients: dict[str, Client], name: str) -> None:
    url = url_for(name, world.a)
    wrong = []
    for req in TABLE[name].requests:
        for role, expected in zip(ROLES, req.expect, strict=True):
            got = outcome(send(clients[role], req, url, world.a))
            if got != expected:
                wrong.append(f"{req.method} {url} as {role}: expected {expected}, got {got}")
    assert not wrong, "\n".join(wrong)


# --- object level: ids of the other entity's objects ----------------------------------

# Kwargs that name no object (formats, numbers relative to their parent object).
NOT_OBJECTS = {"fmt", "number"}
# Objects nested under a process, session or entity in a URL, swapped in one at a time.
INNER = ("item", "plan", "commitment", "milestone", "assessment", "canvas")


def test_other_entity_objects_as_outsider(world: World, clients: dict[str, Client]) -> None:
    """A's facilitator and official, sent to entity B's objects (in the URL or the
    body), get exactly what an outsider gets on A's objects (the ``foreign`` column):
    public pages stay public, everything else is refused — never the team's view."""
    wrong = []
    for name, entry in sorted(TABLE.items()):
        names_objects = set(entry.kwargs(world.b)) - NOT_OBJECTS
        # A body built from the side names objects too (the API's "entity").
        if not names_objects and not any(callable(r.data) for r in entry.requests):
            continue
        url = url_for(name, world.b)
        for req in entry.requests:
            expected = req.expect[ROLES.index("foreign")]
            for role in ("facilitator", "official"):
                got = outcome(send(clients[role], req, url, world.b))
                if got != expected:
                    wrong.append(f"{req.method} {url} ({name}) as A's {role}: {got}")
    assert not wrong, "\n".join(wrong)


def test_other_entity_ids_inside_own_urls(world: World, clients: dict[str, Client]) -> None:
    """A URL of A's process, session or entity holding the id of one of B's objects
    (item, plan, commitment, milestone, assessment, canvas) is refused to everyone,
    A's team and staff included: the object is looked up inside its parent."""
    wrong = []
    checked = 0
    for name, entry in sorted(TABLE.items()):
        own = entry.kwargs(world.a)
        for inner in INNER:
            mixed = replace(world.a, **{inner: getattr(world.b, inner)})
            kwargs = entry.kwargs(mixed)
            if kwargs == own:
                continue  # this URL does not name that kind of object
            checked += 1
            url = reverse(name, kwargs=kwargs)
            for req in entry.requests:
                for role in ("facilitator", "official", "staff"):
                    got = outcome(send(clients[role], req, url, mixed))
                    if got != "deny":
                        wrong.append(f"{req.method} {url} ({name}, B's {inner}) as {role}: {got}")
    assert checked >= 20, checked  # the swap really reached the nested-object URLs
    assert not wrong, "\n".join(wrong)


def test_draft_process_is_invisible_to_outsiders(world: World, clients: dict[str, Client]) -> None:
    """While A's process is a draft, nothing under it answers anyone outside A's team
    (sessions.rules.can_view_process): not its pages, exports, plans or API entry."""
    wrong = []
    with transaction.atomic():
        Process.objects.filter(pk=world.a.process.pk).update(status=ProcessStatus.DRAFT)
        for name, entry in sorted(TABLE.items()):
            if entry.kwargs(world.a).get("slug") != world.a.process.slug:
                continue
            url = url_for(name, world.a)
            for req in entry.requests:
                if req.method != "GET":
                    continue
                for role in ("anonymous", "participant", "citizen", "foreign"):
                    got = outcome(send(clients[role], req, url, world.a))
                    if got not in ("deny", "login"):
                        wrong.append(f"{req.method} {url} ({name}) as {role}: {got}")
        transaction.set_rollback(True)
    assert not wrong, "\n".join(wrong)


def test_admin_is_for_staff_only(world: World, clients: dict[str, Client]) -> None:
    """The admin (skipped by the matrix) lets staff in and sends everyone else,
    A's facilitator and official included, to sign in."""
    for role in ROLES:
        response = clients[role].get(reverse("admin:index"))
        if role == "staff":
            assert response.status_code == 200, role
        else:
            assert response.status_code == 302, role
            assert "login" in response["Location"], (role, response["Location"])
