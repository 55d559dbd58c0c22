"""Voting outside a live session: who may vote (entity citizens, code holders), the
ballot page and its JSON endpoint."""

from __future__ import annotations

import json
import uuid

import pytest
from django.core.cache import cache
from django.test import Client

from cocrea.accounts.models import Role
from cocrea.accounts.services import membership_grant
from tests.voting.test_polls import race
from voting import selectors, services
from voting.models import Ballot, Eligibility, Participation, VotingCode
from voting.services import OptionInput

OPTIONS = [OptionInput("a", "Parque"), OptionInput("b", "Biblioteca"), OptionInput("c", "Vía")]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def make_poll(entity, eligibility, *, open_it=True, **kwargs):
    kwargs.setdefault("settings", {"min_choices": 1, "max_choices": 2})
    poll = services.poll_create(
        entity=entity,
        title="Consulta de prioridades",
        method="approval",
        options=OPTIONS,
        eligibility=eligibility,
        **kwargs,
    )
    return services.poll_open(poll=poll) if open_it else poll


def submit(client, poll, body, **extra):
    return client.post(
        f"/votaciones/{poll.pk}/votar/enviar/",
        json.dumps(body),
        content_type="application/json",
        **extra,
    )


def error_of(response) -> dict:
    return response.json()["error"]


# --- entity citizens ----------------------------------------------------------------------


@pytest.mark.django_db
def test_citizen_votes_once_and_gets_a_receipt(client, entity, carol):
    poll = make_poll(entity, Eligibility.ENTITY)
    client.force_login(carol)
    page = client.get(f"/votaciones/{poll.pk}/votar/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="ballot-poll"' in html and "ballot-page.js" in html
    assert 'id="live-i18n"' in html and "data-bl-submit" in html
    assert page.context["poll_data"]["voted"] is False
    assert [o["key"] for o in page.context["poll_data"]["options"]] == ["a", "b", "c"]

    response = submit(client, poll, {"ballot": ["a"], "op_id": str(uuid.uuid4())})
    assert response.status_code == 200
    receipt = response.json()["receipt"]
    assert selectors.receipt_counted(poll, receipt)
    assert Participation.objects.filter(poll=poll, voter_key=f"u:{carol.pk}").exists()

    again = submit(client, poll, {"ballot": ["b"], "op_id": str(uuid.uuid4())})
    assert again.status_code == 409
    assert error_of(again)["code"] == "already_voted"
    assert Ballot.objects.filter(poll=poll).count() == 1
    assert client.get(f"/votaciones/{poll.pk}/votar/").context["state"] == "voted"


@pytest.mark.django_db
def test_a_retry_with_the_same_op_id_gets_the_same_receipt(client, entity, carol):
    poll = make_poll(entity, Eligibility.ENTITY)
    client.force_login(carol)
    first = submit(client, poll, {"ballot": ["a"], "op_id": "op-1"}).json()["receipt"]
    second = submit(client, poll, {"ballot": ["a"], "op_id": "op-1"})
    assert second.status_code == 200 and second.json()["receipt"] == first
    assert Ballot.objects.filter(poll=poll).count() == 1


@pytest.mark.django_db
def test_entity_poll_needs_a_signed_in_citizen_of_that_entity(client, entity, alice, oscar):
    poll = make_poll(entity, Eligibility.ENTITY)
    page = client.get(f"/votaciones/{poll.pk}/votar/")
    assert page.status_code == 302 and "/cuenta/ingresar/" in page["Location"]
    anonymous = submit(client, poll, {"ballot": ["a"]})
    assert anonymous.status_code == 403 and error_of(anonymous)["code"] == "login_required"
    # A facilitator of the entity and a citizen of another entity are not its citizens.
    for person in (alice, oscar):
        client.force_login(person)
        page = client.get(f"/votaciones/{poll.pk}/votar/")
        assert page.status_code == 403
        assert "No puede votar con esta cuenta" in page.content.decode()
        response = submit(client, poll, {"ballot": ["a"]})
        assert response.status_code == 403 and error_of(response)["code"] == "forbidden"
    membership_grant(user=oscar, entity=entity, role=Role.CITIZEN)
    assert submit(client, poll, {"ballot": ["a"]}).status_code == 200
    assert not Participation.objects.filter(poll=poll, voter_key=f"u:{alice.pk}").exists()


@pytest.mark.django_db
def test_not_open_closed_and_invalid_ballots_are_named(client, entity, carol):
    draft = make_poll(entity, Eligibility.ENTITY, open_it=False)
    client.force_login(carol)
    response = submit(client, draft, {"ballot": ["a"]})
    assert response.status_code == 409 and error_of(response)["code"] == "not_open"
    assert client.get(f"/votaciones/{draft.pk}/votar/").context["state"] == "not_open"

    poll = make_poll(entity, Eligibility.ENTITY)
    too_many = submit(client, poll, {"ballot": ["a", "b", "c"]})
    assert too_many.status_code == 400
    assert error_of(too_many)["code"] == "too_many_choices"
    assert error_of(too_many)["message"]
    unknown = submit(client, poll, {"ballot": ["z"]})
    assert unknown.status_code == 400 and error_of(unknown)["code"] == "unknown_option"
    assert not Participation.objects.filter(poll=poll).exists()

    services.poll_close(poll=poll)
    closed = submit(client, poll, {"ballot": ["a"]})
    assert closed.status_code == 409 and error_of(closed)["code"] == "closed"
    assert client.get(f"/votaciones/{poll.pk}/votar/").context["state"] == "closed"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b"not json", "ballot"),
        (b"[]", "ballot"),
        (b'{"op_id": "x"}', "ballot"),
        (b'{"ballot": ["a"], "op_id": 5}', "op_id"),
        (json.dumps({"ballot": ["a"], "op_id": "x" * 65}).encode(), "op_id"),
    ],
)
def test_malformed_requests_name_the_field(client, entity, carol, raw, field):
    poll = make_poll(entity, Eligibility.ENTITY)
    client.force_login(carol)
    response = client.post(
        f"/votaciones/{poll.pk}/votar/enviar/", raw, content_type="application/json"
    )
    assert response.status_code == 400
    assert error_of(response)["field"] == field
    assert not Participation.objects.exists()


@pytest.mark.django_db
def test_submit_needs_csrf(entity, carol):
    client = Client(enforce_csrf_checks=True)
    client.force_login(carol)
    poll = make_poll(entity, Eligibility.ENTITY)
    assert submit(client, poll, {"ballot": ["a"]}).status_code == 403
    token = client.get(f"/votaciones/{poll.pk}/votar/").context["csrf_token"]
    response = submit(client, poll, {"ballot": ["a"]}, HTTP_X_CSRFTOKEN=str(token))
    assert response.status_code == 200


@pytest.mark.django_db
def test_session_polls_point_to_the_live_session(client, entity, carol, live_session):
    from sessions import live

    activity = live.activity_add(
        session=live_session,
        kind="poll",
        title="Votación",
        poll_spec={"method": "single", "options": [{"key": "a", "label": "A"}]},
    )
    poll = activity.poll
    client.force_login(carol)
    page = client.get(f"/votaciones/{poll.pk}/votar/")
    assert page.status_code == 200
    assert page.context["state"] == "session"
    assert 'href="/s/"' in page.content.decode()
    response = submit(client, poll, {"ballot": "a"})
    assert response.status_code == 403 and error_of(response)["code"] == "forbidden"


@pytest.mark.django_db
def test_unknown_poll_is_404(client):
    assert client.get("/votaciones/999/votar/").status_code == 404
    assert submit(client, type("P", (), {"pk": 999})(), {"ballot": "a"}).status_code == 404


# --- voting codes -------------------------------------------------------------------------


@pytest.mark.django_db
def test_code_holder_types_the_code_then_votes_once(client, entity, alice):
    poll = make_poll(entity, Eligibility.CODES)
    issued = services.codes_issue(poll=poll, count=2, actor=alice)
    code = issued.codes[0]
    form = client.get(f"/votaciones/{poll.pk}/votar/")
    assert form.context["state"] == "code_form"
    assert 'for="voting-code"' in form.content.decode()

    typed = code.lower().replace("-", " ")
    step = client.post(f"/votaciones/{poll.pk}/votar/", {"code": typed})
    assert step.status_code == 200 and step.context["state"] == "ballot"
    assert 'id="ballot-code"' in step.content.decode()

    response = submit(client, poll, {"ballot": ["b"], "op_id": "o1", "code": typed})
    assert response.status_code == 200
    voting_code = services.code_lookup(poll, code)
    assert Participation.objects.filter(poll=poll, voter_key=f"c:{voting_code.pk}").exists()
    assert selectors.receipt_counted(poll, response.json()["receipt"])

    again = submit(client, poll, {"ballot": ["a"], "op_id": "o2", "code": code})
    assert again.status_code == 409 and error_of(again)["code"] == "already_voted"
    used = client.post(f"/votaciones/{poll.pk}/votar/", {"code": code})
    assert used.status_code == 409 and "Ya se votó con este código" in used.content.decode()
    # The other code of the batch still works.
    other = submit(client, poll, {"ballot": ["a"], "code": issued.codes[1]})
    assert other.status_code == 200
    assert Ballot.objects.filter(poll=poll).count() == 2


@pytest.mark.django_db
def test_voided_foreign_and_unknown_codes_are_invalid(client, entity, alice):
    poll = make_poll(entity, Eligibility.CODES)
    other = make_poll(entity, Eligibility.CODES)
    voided = services.codes_issue(poll=poll, count=1, actor=alice).codes[0]
    services.codes_void(poll=poll, batch=1, actor=alice)
    foreign = services.codes_issue(poll=other, count=1, actor=alice).codes[0]
    for raw in (voided, foreign, "ABCD-EFGH-JKLM", "", None, 12):
        response = submit(client, poll, {"ballot": ["a"], "code": raw})
        assert response.status_code == 400
        assert error_of(response) | {"message": ""} == {
            "code": "invalid_code",
            "field": "code",
            "message": "",
        }
    page = client.post(f"/votaciones/{poll.pk}/votar/", {"code": foreign})
    assert page.status_code == 400
    assert 'aria-invalid="true"' in page.content.decode()
    assert not Participation.objects.exists()


@pytest.mark.django_db
def test_wrong_codes_are_rate_limited_per_address(client, entity, alice):
    poll = make_poll(entity, Eligibility.CODES)
    good = services.codes_issue(poll=poll, count=1, actor=alice).codes[0]
    for _ in range(20):
        response = client.post(f"/votaciones/{poll.pk}/votar/", {"code": "ABCD-EFGH-JKLM"})
        assert response.status_code == 400
    limited = client.post(f"/votaciones/{poll.pk}/votar/", {"code": "ABCD-EFGH-JKLM"})
    assert limited.status_code == 429
    blocked = submit(client, poll, {"ballot": ["a"], "code": good})
    assert blocked.status_code == 429 and error_of(blocked)["code"] == "rate_limited"
    # Another address is not affected.
    elsewhere = submit(client, poll, {"ballot": ["a"], "code": good}, REMOTE_ADDR="10.0.0.9")
    assert elsewhere.status_code == 200


@pytest.mark.django_db
def test_code_polls_do_not_accept_accounts_and_entity_polls_do_not_accept_codes(
    client, entity, alice, carol
):
    code_poll = make_poll(entity, Eligibility.CODES)
    client.force_login(carol)
    response = submit(client, code_poll, {"ballot": ["a"]})
    assert response.status_code == 400 and error_of(response)["code"] == "invalid_code"
    entity_poll = make_poll(entity, Eligibility.ENTITY)
    with pytest.raises(Exception) as caught:
        services.code_lookup(entity_poll, "ABCD-EFGH-JKLM")
    assert caught.value.error_list[0].code == "invalid_code"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_concurrent_submissions_of_one_code_store_one_ballot(entity, alice):
    poll = make_poll(entity, Eligibility.CODES)
    code = services.codes_issue(poll=poll, count=1, actor=alice).codes[0]

    def post(i: int):
        client = Client(REMOTE_ADDR=f"10.1.0.{i}")
        return submit(client, poll, {"ballot": [["a"], ["b"]][i % 2], "code": code})

    responses = race(*[lambda i=i: post(i) for i in range(20)])
    statuses = sorted(getattr(r, "status_code", r) for r in responses)
    assert statuses == [200] + [409] * 19, statuses
    assert all(error_of(r)["code"] == "already_voted" for r in responses if r.status_code == 409)
    assert Participation.objects.filter(poll=poll).count() == 1
    assert Ballot.objects.filter(poll=poll).count() == 1
    assert selectors.verify_chain(selectors.bulletin(poll))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_voiding_a_batch_while_its_codes_are_being_used_never_half_writes(entity, alice):
    poll = make_poll(entity, Eligibility.CODES)
    codes = services.codes_issue(poll=poll, count=10, actor=alice).codes
    jobs = [
        lambda c=c: services.ballot_cast_with_code(poll=poll, code=c, content=["a"]) for c in codes
    ]
    jobs.append(lambda: services.codes_void(poll=poll, batch=1, actor=alice))
    results = race(*jobs)
    receipts = [r for r in results[:-1] if isinstance(r, str)]
    assert Ballot.objects.filter(poll=poll).count() == len(receipts)
    assert Participation.objects.filter(poll=poll).count() == len(receipts)
    assert VotingCode.objects.filter(poll=poll, void=False).count() == 0
    assert selectors.verify_chain(selectors.bulletin(poll))
