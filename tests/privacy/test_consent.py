"""Consent records at join: notice version, purposes, time; a keyed hash, never the IP."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cocrea.privacy.models import ConsentRecord
from cocrea.privacy.services import address_hash
from sessions.models import Participant
from sessions.notice import NOTICE_VERSION, PURPOSE_CODES

pytestmark = pytest.mark.django_db


def test_joining_with_consent_stores_the_proof(client, workshop):
    code = workshop.session.code
    response = client.post(
        reverse("live:join", args=[code]),
        {"display_name": "Dora", "consent": "on"},
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 302
    participant = Participant.objects.get(display_name="Dora")
    record = ConsentRecord.objects.get(participant=participant)
    assert record.notice_version == NOTICE_VERSION
    assert record.purposes == list(PURPOSE_CODES)
    assert record.withdrawn_at is None
    assert record.session_id == workshop.session.pk
    assert record.granted_at == participant.consented_at
    # The address is kept only as a keyed hash: never the raw address.
    assert record.address_hash == address_hash("203.0.113.7")
    assert "203.0.113.7" not in str(ConsentRecord.objects.filter(pk=record.pk).values().get())


def test_no_consent_no_participant_and_no_record(client, workshop):
    response = client.post(
        reverse("live:join", args=[workshop.session.code]), {"display_name": "Eva"}
    )
    assert response.status_code == 400
    assert not ConsentRecord.objects.exists()


def test_join_page_shows_purposes_and_links_to_the_notice(client, workshop):
    page = client.get(reverse("live:join", args=[workshop.session.code])).content.decode()
    assert NOTICE_VERSION in page
    assert "trazabilidad" in page
    assert reverse("privacy:notice") in page
    assert reverse("privacy:my_data") in page


def test_notice_page_shows_the_current_version(client):
    page = client.get(reverse("privacy:notice"))
    assert page.status_code == 200
    assert NOTICE_VERSION in page.content.decode()


def test_address_hash_is_keyed_not_a_bare_sha256():
    import hashlib

    assert address_hash("203.0.113.7") != hashlib.sha256(b"203.0.113.7").hexdigest()
    assert address_hash("") == ""
