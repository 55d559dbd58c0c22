"""The poll management API (/api/v1/polls/): permissions and every action."""

from __future__ import annotations

import io
import re

import pytest
import yaml
from openapi_spec_validator import validate
from pypdf import PdfReader

from voting import codes, services
from voting.models import (
    Eligibility,
    Participation,
    PollAudit,
    PollAuditAction,
    PollStatus,
    VotingCode,
)
from voting.services import OptionInput

API = "/api/v1/polls"
CODE_RE = re.compile(r"\b[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}\b")

NEW_POLL = {
    "entity": "alcaldia-de-buenaventura",
    "title": "Consulta: ¿qué parque arreglamos?",
    "method": "approval",
    "options": [{"key": "a", "label": "Parque norte"}, {"key": "b", "label": "Parque sur"}],
    "settings": {"min_choices": 1, "max_choices": 1},
    "eligibility": "codes",
    "results_visibility": "after_close",
}


def make_poll(entity, eligibility=Eligibility.CODES, **kwargs):
    return services.poll_create(
        entity=entity,
        title="Consulta",
        method="single",
        options=[OptionInput("a", "A"), OptionInput("b", "B")],
        eligibility=eligibility,
        **kwargs,
    )


def post(client, url, data=None, **extra):
    return client.post(url, data or {}, content_type="application/json", **extra)


@pytest.mark.django_db
def test_anonymous_is_refused(client, entity):
    poll = make_poll(entity)
    assert client.get(f"{API}/").status_code == 403
    assert client.get(f"{API}/{poll.pk}/").status_code == 403
    assert post(client, f"{API}/", NEW_POLL).status_code == 403


@pytest.mark.django_db
def test_list_and_retrieve_only_the_callers_entities(client, entity, other_entity, alice, oscar):
    mine = make_poll(entity)
    theirs = make_poll(other_entity)
    client.force_login(alice)
    body = client.get(f"{API}/").json()
    assert [p["id"] for p in body["results"]] == [mine.pk]
    detail = client.get(f"{API}/{mine.pk}/").json()
    assert detail["entity"] == entity.slug
    assert detail["status"] == "draft"
    assert detail["eligibility"] == "codes"
    assert detail["options"] == [
        {"key": "a", "label": "A", "cost": None},
        {"key": "b", "label": "B", "cost": None},
    ]
    assert detail["ballot_url"] == f"http://testserver/votaciones/{mine.pk}/votar/"
    assert detail["ballots"] == 0
    assert client.get(f"{API}/{theirs.pk}/").status_code == 404
    for verb in ("open", "close", "publish", "reset", "codes"):
        assert post(client, f"{API}/{theirs.pk}/{verb}/", {"count": 1}).status_code == 404
    assert (
        client.patch(f"{API}/{theirs.pk}/", {}, content_type="application/json").status_code == 404
    )
    client.force_login(oscar)
    assert [p["id"] for p in client.get(f"{API}/").json()["results"]] == [theirs.pk]


@pytest.mark.django_db
def test_citizens_see_no_polls_to_manage(client, entity, carol):
    poll = make_poll(entity)
    client.force_login(carol)
    assert client.get(f"{API}/").json()["results"] == []
    assert client.get(f"{API}/{poll.pk}/").status_code == 404
    assert post(client, f"{API}/", NEW_POLL).status_code == 403


@pytest.mark.django_db
def test_create_for_own_entity_only(client, entity, other_entity, bob):
    client.force_login(bob)
    response = post(client, f"{API}/", NEW_POLL)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["title"] == NEW_POLL["title"]
    assert body["status"] == "draft"
    assert [o["key"] for o in body["options"]] == ["a", "b"]
    assert PollAudit.objects.filter(poll_id=body["id"], action=PollAuditAction.CREATE).exists()
    foreign = post(client, f"{API}/", {**NEW_POLL, "entity": other_entity.slug})
    assert foreign.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"method": "coin"}, "method"),
        ({"entity": "nowhere"}, "entity"),
        ({"eligibility": "session"}, "eligibility"),
        ({"eligibility": "everyone"}, "eligibility"),
        ({"options": [{"key": "a b", "label": "x"}]}, "options"),
        ({"options": [{"key": "a", "label": "x"}, {"key": "a", "label": "y"}]}, "options"),
        ({"results_visibility": "never"}, "results_visibility"),
    ],
)
def test_create_names_the_bad_field(client, entity, alice, change, field):
    client.force_login(alice)
    response = post(client, f"{API}/", {**NEW_POLL, **change})
    assert response.status_code == 400
    assert field in response.json()
    assert not PollAudit.objects.exists()


@pytest.mark.django_db
def test_configure_draft_only(client, entity, alice):
    poll = make_poll(entity)
    client.force_login(alice)
    url = f"{API}/{poll.pk}/"
    response = client.patch(
        url,
        {
            "title": "Nuevo título",
            "options": [{"key": "x", "label": "Equis"}],
            "allow_change": True,
        },
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["title"] == "Nuevo título"
    assert [o["key"] for o in response.json()["options"]] == ["x"]
    assert response.json()["allow_change"] is True
    bad = client.patch(url, {"title": "  "}, content_type="application/json")
    assert bad.status_code == 400 and "title" in bad.json()
    client.patch(
        url,
        {"options": [{"key": "a", "label": "A"}, {"key": "b", "label": "B"}]},
        content_type="application/json",
    )
    assert post(client, f"{url}open/").status_code == 200
    frozen = client.patch(url, {"title": "Otro"}, content_type="application/json")
    assert frozen.status_code == 409 and frozen.json()["code"] == "frozen"


@pytest.mark.django_db
def test_lifecycle_actions(client, entity, alice):
    poll = make_poll(entity)
    client.force_login(alice)
    url = f"{API}/{poll.pk}/"
    wrong = post(client, f"{url}close/")
    assert wrong.status_code == 409 and wrong.json()["code"] == "bad_status"
    assert post(client, f"{url}open/").json()["status"] == "open"
    code = services.codes_issue(poll=poll, count=1, actor=alice).codes[0]
    services.ballot_cast_with_code(poll=poll, code=code, content="a")
    assert client.get(url).json()["ballots"] == 1
    assert post(client, f"{url}close/").json()["status"] == "closed"
    assert post(client, f"{url}publish/").json()["status"] == "published"
    reset = post(client, f"{url}reset/", {"reason": "Error en las opciones"})
    assert reset.status_code == 200
    assert reset.json()["status"] == "draft" and reset.json()["ballots"] == 0
    audit = PollAudit.objects.get(poll=poll, action=PollAuditAction.RESET)
    assert audit.detail["reason"] == "Error en las opciones" and audit.actor == alice
    actions = list(PollAudit.objects.filter(poll=poll).values_list("action", flat=True))
    assert actions == ["create", "open", "codes", "close", "publish", "reset"]
    too_long = post(client, f"{url}reset/", {"reason": "x" * 501})
    assert too_long.status_code == 400 and "reason" in too_long.json()


@pytest.mark.django_db
def test_issue_codes_as_json_once(client, entity, alice):
    poll = make_poll(entity)
    client.force_login(alice)
    response = post(client, f"{API}/{poll.pk}/codes/", {"count": 5})
    assert response.status_code == 201
    body = response.json()
    assert body["batch"] == 1 and body["count"] == 5 and len(set(body["codes"])) == 5
    stored = set(VotingCode.objects.filter(poll=poll).values_list("code_hash", flat=True))
    assert stored == {codes.code_hash(poll.salt, codes.normalise(c)) for c in body["codes"]}
    batches = client.get(f"{API}/{poll.pk}/codes/").json()
    assert batches == [{"batch": 1, "count": 5, "used": 0, "void": False}]
    for count in (0, 2001, "many", None):
        bad = post(client, f"{API}/{poll.pk}/codes/", {"count": count})
        assert bad.status_code == 400 and "count" in bad.json()
    assert VotingCode.objects.count() == 5


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["query", "accept"])
def test_issue_codes_as_pdf(client, entity, alice, how):
    poll = make_poll(entity)
    client.force_login(alice)
    if how == "query":
        response = post(client, f"{API}/{poll.pk}/codes/?format=pdf", {"count": 3})
    else:
        response = post(
            client, f"{API}/{poll.pk}/codes/", {"count": 3}, HTTP_ACCEPT="application/pdf"
        )
    assert response.status_code == 201
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    printed = set(CODE_RE.findall(text))
    assert len(printed) == 3
    stored = set(VotingCode.objects.filter(poll=poll).values_list("code_hash", flat=True))
    assert stored == {codes.code_hash(poll.salt, codes.normalise(c)) for c in printed}


@pytest.mark.django_db
def test_codes_errors_come_back_as_json_even_when_pdf_was_asked(client, entity, alice):
    entity_poll = make_poll(entity, Eligibility.ENTITY)
    client.force_login(alice)
    response = post(client, f"{API}/{entity_poll.pk}/codes/?format=pdf", {"count": 3})
    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_codes_poll"
    bad = post(
        client, f"{API}/{entity_poll.pk}/codes/", {"count": 0}, HTTP_ACCEPT="application/pdf"
    )
    assert bad.status_code == 400 and "count" in bad.json()


@pytest.mark.django_db
def test_void_a_batch(client, entity, alice):
    poll = services.poll_open(poll=make_poll(entity))
    client.force_login(alice)
    issued = post(client, f"{API}/{poll.pk}/codes/", {"count": 3}).json()
    services.ballot_cast_with_code(poll=poll, code=issued["codes"][0], content="b")
    response = post(client, f"{API}/{poll.pk}/codes/void/", {"batch": 1})
    assert response.status_code == 200 and response.json() == {"batch": 1, "voided": 3}
    assert client.get(f"{API}/{poll.pk}/codes/").json() == [
        {"batch": 1, "count": 3, "used": 1, "void": True}
    ]
    missing = post(client, f"{API}/{poll.pk}/codes/void/", {"batch": 2})
    assert missing.status_code == 400 and "batch" in missing.json()
    assert post(client, f"{API}/{poll.pk}/codes/void/", {}).status_code == 400
    assert Participation.objects.filter(poll=poll).count() == 1


@pytest.mark.django_db
def test_api_writes_need_csrf_with_session_auth(entity, alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    poll = make_poll(entity)
    assert post(client, f"{API}/{poll.pk}/open/").status_code == 403
    poll.refresh_from_db()
    assert poll.status == PollStatus.DRAFT


@pytest.mark.django_db
def test_schema_documents_the_polls_api(client):
    spec = yaml.safe_load(client.get("/api/schema/").content)
    validate(spec)
    paths = spec["paths"]
    for path in (
        "/api/v1/polls/",
        "/api/v1/polls/{id}/",
        "/api/v1/polls/{id}/codes/",
        "/api/v1/polls/{id}/codes/void/",
        "/api/v1/polls/{id}/open/",
        "/api/v1/polls/{id}/close/",
        "/api/v1/polls/{id}/publish/",
        "/api/v1/polls/{id}/reset/",
    ):
        assert path in paths, path
    created = paths["/api/v1/polls/{id}/codes/"]["post"]["responses"]["201"]["content"]
    assert {"application/json", "application/pdf"} <= set(created)
