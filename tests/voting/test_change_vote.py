"""Changing one's vote on the HTTP ballot endpoint (polls with ``allow_change``): only
with one's own live receipt, for citizens and for code holders, and the answer is a
new receipt."""

from __future__ import annotations

import uuid

import pytest
from django.core.cache import cache

from cocrea.accounts.models import Role, User
from cocrea.accounts.services import membership_grant
from tests.voting.test_eligibility import error_of, make_poll, submit
from voting import selectors, services
from voting.models import Ballot, Eligibility, Participation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def op() -> str:
    return str(uuid.uuid4())


def approvals(poll) -> dict[str, int]:
    poll.refresh_from_db()
    options = poll.live_counts["options"]
    return {key: row["approvals"] for key, row in options.items()}


def test_citizen_changes_the_vote_with_the_receipt(client, entity, carol):
    poll = make_poll(entity, Eligibility.ENTITY, allow_change=True)
    client.force_login(carol)
    first = submit(client, poll, {"ballot": ["a"], "op_id": op()}).json()["receipt"]

    response = submit(client, poll, {"ballot": ["b", "c"], "op_id": op(), "receipt": first})
    assert response.status_code == 200
    body = response.json()
    assert body["changed"] is True and body["receipt"] not in ("", first)
    assert not selectors.receipt_counted(poll, first)
    assert selectors.receipt_counted(poll, body["receipt"])
    assert approvals(poll) == {"a": 0, "b": 1, "c": 1}
    assert Participation.objects.filter(poll=poll).count() == 1
    old, new = selectors.bulletin(poll)
    assert old["superseded"] is True and new["superseded"] is False
    assert new["replaces"] == old["receipt_hash"]

    # The old receipt no longer opens a live ballot: it cannot change the vote again.
    stale = submit(client, poll, {"ballot": ["a"], "op_id": op(), "receipt": first})
    assert stale.status_code == 400
    assert (error_of(stale)["code"], error_of(stale)["field"]) == ("bad_receipt", "receipt")
    assert approvals(poll) == {"a": 0, "b": 1, "c": 1}


def test_a_retried_change_gets_the_same_new_receipt(client, entity, carol):
    poll = make_poll(entity, Eligibility.ENTITY, allow_change=True)
    client.force_login(carol)
    first = submit(client, poll, {"ballot": ["a"], "op_id": op()}).json()["receipt"]
    change = {"ballot": ["b"], "op_id": op(), "receipt": first}
    new = submit(client, poll, change).json()["receipt"]
    again = submit(client, poll, change)
    assert again.status_code == 200 and again.json()["receipt"] == new
    assert Ballot.objects.filter(poll=poll).count() == 2


def test_wrong_receipt_missing_receipt_and_no_vote_store_nothing(client, entity, carol):
    poll = make_poll(entity, Eligibility.ENTITY, allow_change=True)
    client.force_login(carol)
    mine = submit(client, poll, {"ballot": ["a"], "op_id": op()}).json()["receipt"]
    for receipt, code in [("NO-ES-MIO", "bad_receipt"), ("  ", "invalid_request")]:
        response = submit(client, poll, {"ballot": ["b"], "op_id": op(), "receipt": receipt})
        assert response.status_code == 400
        assert (error_of(response)["code"], error_of(response)["field"]) == (code, "receipt")
    # Someone else's receipt is no use to a voter who has not voted.
    dani = User.objects.create_user(email="dani@example.org", password="x", full_name="Dani")
    membership_grant(user=dani, entity=entity, role=Role.CITIZEN)
    client.force_login(dani)
    response = submit(client, poll, {"ballot": ["b"], "op_id": op(), "receipt": mine})
    assert (error_of(response)["code"], error_of(response)["field"]) == ("not_voted", "receipt")
    assert Ballot.objects.filter(poll=poll).count() == 1
    assert selectors.receipt_counted(poll, mine)
    assert approvals(poll) == {"a": 1, "b": 0, "c": 0}


def test_change_needs_allow_change_and_an_open_poll(client, entity, carol):
    fixed = make_poll(entity, Eligibility.ENTITY)
    client.force_login(carol)
    receipt = submit(client, fixed, {"ballot": ["a"], "op_id": op()}).json()["receipt"]
    response = submit(client, fixed, {"ballot": ["b"], "op_id": op(), "receipt": receipt})
    assert response.status_code == 400
    assert (error_of(response)["code"], error_of(response)["field"]) == (
        "change_not_allowed",
        "receipt",
    )

    poll = make_poll(entity, Eligibility.ENTITY, allow_change=True)
    receipt = submit(client, poll, {"ballot": ["a"], "op_id": op()}).json()["receipt"]
    services.poll_close(poll=poll)
    response = submit(client, poll, {"ballot": ["b"], "op_id": op(), "receipt": receipt})
    assert response.status_code == 409 and error_of(response)["code"] == "closed"
    assert selectors.receipt_counted(poll, receipt)
    assert Ballot.objects.filter(poll=poll).count() == 1


def test_only_citizens_of_the_entity_may_change(client, entity, carol, oscar):
    poll = make_poll(entity, Eligibility.ENTITY, allow_change=True)
    client.force_login(carol)
    receipt = submit(client, poll, {"ballot": ["a"], "op_id": op()}).json()["receipt"]
    client.force_login(oscar)
    response = submit(client, poll, {"ballot": ["b"], "op_id": op(), "receipt": receipt})
    assert response.status_code == 403 and error_of(response)["code"] == "forbidden"
    client.logout()
    response = submit(client, poll, {"ballot": ["b"], "op_id": op(), "receipt": receipt})
    assert response.status_code == 403 and error_of(response)["code"] == "login_required"
    assert selectors.receipt_counted(poll, receipt)


def test_code_holder_changes_the_vote_with_code_and_receipt(client, entity, alice):
    poll = make_poll(entity, Eligibility.CODES, allow_change=True)
    code, other = services.codes_issue(poll=poll, count=2, actor=alice).codes
    first = submit(client, poll, {"ballot": ["a"], "op_id": op(), "code": code}).json()["receipt"]

    # The receipt alone is not enough: the change is made with the code that voted.
    unused = submit(client, poll, {"ballot": ["b"], "op_id": op(), "code": other, "receipt": first})
    assert error_of(unused)["code"] == "not_voted"
    wrong = submit(client, poll, {"ballot": ["b"], "op_id": op(), "code": "X", "receipt": first})
    assert error_of(wrong)["code"] == "invalid_code"

    response = submit(
        client, poll, {"ballot": ["b"], "op_id": op(), "code": code, "receipt": first}
    )
    assert response.status_code == 200 and response.json()["changed"] is True
    assert selectors.receipt_counted(poll, response.json()["receipt"])
    assert not selectors.receipt_counted(poll, first)
    assert approvals(poll) == {"a": 0, "b": 1, "c": 0}
