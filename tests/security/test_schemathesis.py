"""Schemathesis against the app's own OpenAPI document (/api/schema/), every check on.

The schema is loaded from the WSGI application (no server, no network) and every
operation is driven with generated requests, valid and invalid (Schemathesis'
positive and negative modes), as an anonymous visitor and as a signed-in official of
the entity that owns the objects. Half the examples of an operation with a path
parameter point at a real object, so the handlers past the 404 are reached too.
Every response must be what the schema documents: no 5xx, documented status codes,
bodies and content types matching, invalid input refused, valid input accepted."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.generation import GenerationMode

from cocrea.accounts.models import User
from cocrea.toolkit.models import Level, Pillar
from sessions.models import Process
from sessions.services import StageInput, process_create
from voting import services as voting
from voting.models import Eligibility, Poll

pytestmark = pytest.mark.django_db

# Per operation, mode (valid/invalid), caller and target (random or real object):
# 28 operations, ~1,000 requests, 35–45 s on 2 shared cores. Derandomized, so a
# failure is reproducible.
EXAMPLES = 6
CSRF = "s" * 32  # a fixed CSRF secret: the cookie and the header must agree

# Inputs that name other objects by key (an entity's slug, a pillar's code, a country
# some experience has) or whose settings depend on the method: a schema cannot say
# which strings exist in the data, so a schema-valid input naming none is rightly a
# 400 naming the field (as README documents). Only the "valid input is accepted"
# check is off for these; every other check still runs on them.
REFERENCES = {
    ("POST", "/api/v1/processes/"),
    ("POST", "/api/v1/polls/"),
    ("GET", "/api/v1/toolkit/experiences/"),
}


@dataclass
class Objects:
    process: Process
    poll: Poll
    official: User


@pytest.fixture
def objects(entity, bob) -> Objects:
    """A public process and a draft entity poll of ``entity``, whose official is bob."""
    process = process_create(
        entity=entity,
        title="Presupuesto participativo 2027",
        primary_pillar=Pillar.objects.get(code="participacion"),
        stages=[StageInput(name="Taller", level=Level.objects.get(code="consultar"))],
        created_by=bob,
    )
    Process.objects.filter(pk=process.pk).update(status="active")
    poll = voting.poll_create(
        entity=entity,
        title="Consulta",
        method="single",
        options=[voting.OptionInput("a", "A"), voting.OptionInput("b", "B")],
        eligibility=Eligibility.CODES,
        created_by=bob,
    )
    return Objects(process=process, poll=poll, official=bob)


@pytest.fixture
def schema(db) -> Iterator[schemathesis.schemas.BaseSchema]:
    # As Django's test client does: a request must not close the connection that
    # holds the test's transaction (close_old_connections sees autocommit off).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def all_checks() -> list[Any]:
    """Every check Schemathesis has (14 in 4.x), a future one included."""
    load_all_checks()
    return CHECKS.get_all()


def operations(schema: schemathesis.schemas.BaseSchema) -> Iterator[Any]:
    for result in schema.get_all_operations():
        yield result.ok()


def official_headers(official: User) -> dict[str, str]:
    client = Client()
    client.force_login(official)
    session = client.cookies["sessionid"].value
    # DRF's session authentication checks CSRF on writes, as a browser would send it.
    return {"Cookie": f"sessionid={session}; csrftoken={CSRF}", "X-CSRFToken": CSRF}


def real_path_parameters(operation: Any, objects: Objects) -> dict[str, Any] | None:
    names = {p.name for p in operation.path_parameters}
    if not names:
        return None
    known = {
        "id": objects.poll.pk,
        "slug": objects.process.slug,
        "code": "consultar",
        "number": 1,
    }
    for fragment, name, value in (
        ("/methodologies/", "slug", "mapa-de-actores"),
        ("/experiences/", "slug", "open-government-partnership"),
        ("/pillars/", "code", "participacion"),
        ("/lineamientos/", "code", "datos-abiertos"),
    ):
        if fragment in operation.path:
            known[name] = value
    return {name: known[name] for name in names if name in known} or None


def drive(operation: Any, headers: dict[str, str], path_parameters: dict | None) -> None:
    checks = all_checks()
    if (operation.method.upper(), operation.path) in REFERENCES:
        checks = [c for c in checks if c is not CHECKS.get_one("positive_data_acceptance")]
    modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    strategy = st.one_of(
        *(operation.as_strategy(mode, path_parameters=path_parameters) for mode in modes)
    )

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES * 2,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def test(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=checks)

    test()


def run_all(schema: Any, objects: Objects, headers: dict[str, str]) -> None:
    failures: list[str] = []
    for operation in operations(schema):
        for target in (None, real_path_parameters(operation, objects)):
            try:
                drive(operation, headers, target)
            except (AssertionError, BaseExceptionGroup) as exc:  # report every operation
                failures.append(f"{operation.method.upper()} {operation.path} {target}: {exc}")
            if not operation.path_parameters:
                break
    assert not failures, "\n\n".join(failures)


def test_schema_as_anonymous(schema, objects: Objects) -> None:
    run_all(schema, objects, {})


def test_schema_as_official(schema, objects: Objects) -> None:
    run_all(schema, objects, official_headers(objects.official))
