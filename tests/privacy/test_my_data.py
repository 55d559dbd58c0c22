"""«Mis datos»: the download (never ballots) and the deletion that anonymises without
changing any result."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from canvases.models import Canvas
from canvases.selectors import canvas_data
from cocrea.accounts.models import User
from cocrea.audit.models import AuditEvent
from cocrea.policy.models import ContributionResponse, ResponseStatus
from cocrea.policy.selectors.responses import REMEMBER_COOKIE
from cocrea.privacy.models import Anonymisation, ConsentRecord
from cocrea.privacy.services import consent_record, personal_data_erase
from sessions import live
from sessions.cookies import cookie_name
from sessions.models import Participant
from tests.conftest import PASSWORD
from tests.privacy.conftest import client_of
from voting.live import result_data

pytestmark = pytest.mark.django_db


def _board(canvas_id: int) -> dict:
    data = canvas_data(Canvas.objects.get(pk=canvas_id))
    return data["board"]


def test_download_has_my_data_and_no_ballot(workshop):
    ana = workshop.people[0]
    consent_record(participant=ana, address="198.51.100.1")
    response = client_of(ana).get(reverse("privacy:download"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert [p["display_name"] for p in data["participations"]] == ["Ana Pérez Quintero"]
    assert [n["text"] for n in data["notes"]] == ["Más luz en el parque"]
    assert [q["text"] for q in data["questions"]] == ["¿Quién decide?"]
    assert data["consent_records"][0]["notice_version"] == ana.consent_version
    # Nobody else's data, and nothing of the ballot: no option key, no receipt.
    text = response.content.decode()
    assert "Beto" not in text and "Bancas" not in text
    assert "receipt" not in text and '"a"' not in text and "Alumbrado" not in text
    assert "secretos" in data["votes"]


def test_a_visitor_without_cookies_sees_how_to_be_recognised(client):
    page = client.get(reverse("privacy:my_data"))
    assert page.status_code == 200
    assert "No encontramos datos suyos" in page.content.decode()
    assert client.get(reverse("privacy:download")).status_code == 302


def test_delete_needs_confirmation_and_csrf(workshop):
    ana = workshop.people[0]
    browser = client_of(ana)
    browser.handler.enforce_csrf_checks = True
    assert browser.post(reverse("privacy:delete"), {"confirm": "on"}).status_code == 403
    browser.handler.enforce_csrf_checks = False
    page = browser.post(reverse("privacy:delete"), {})
    assert page.status_code == 400
    assert "Marque la casilla" in page.content.decode()
    ana.refresh_from_db()
    assert ana.display_name == "Ana Pérez Quintero"


def test_delete_anonymises_and_keeps_every_result(workshop, bob):
    ana, beto, _carla = workshop.people
    consent_record(participant=ana, address="198.51.100.1")
    ContributionResponse.objects.create(
        process=workshop.session.stage.process,
        session=workshop.session,
        kind="note",
        ref="note:1",
        participant_key=f"p:{ana.pk}",
        text="Más luz en el parque",
        status=ResponseStatus.INCORPORATED,
        reason="Incluida.",
        updated_by=bob,
    )
    tally_before = result_data(workshop.poll)
    board_before = _board(workshop.canvas_id)

    browser = client_of(ana)
    browser.cookies[REMEMBER_COOKIE] = "x"
    old_cookie = browser.cookies[cookie_name(workshop.session.code)].value
    page = browser.get(reverse("privacy:delete"))
    assert "no se puede deshacer" in page.content.decode()
    response = browser.post(reverse("privacy:delete"), {"confirm": "on"})
    assert response.status_code == 302
    # Cookies cleared in the browser.
    assert response.cookies[cookie_name(workshop.session.code)]["max-age"] == 0
    assert response.cookies[REMEMBER_COOKIE]["max-age"] == 0

    ana.refresh_from_db()
    assert ana.display_name == "Participante anónimo 1"
    assert ana.user_id is None
    assert Anonymisation.objects.get(participant=ana).reason == "request"
    record = ConsentRecord.objects.get(participant=ana)
    assert record.withdrawn_at is not None and record.address_hash == ""
    # Others untouched.
    beto.refresh_from_db()
    assert beto.display_name == "Beto Ramírez Ossa"
    # Results unchanged: the tally and the canvas read the same.
    assert result_data(workshop.poll) == tally_before
    assert _board(workshop.canvas_id) == board_before
    assert ContributionResponse.objects.get(ref="note:1").participant_key == f"p:{ana.pk}"
    # The old cookie no longer proves anything: the token changed.
    stale = Client()
    stale.cookies[cookie_name(workshop.session.code)] = old_cookie
    assert stale.get(reverse("privacy:download")).status_code == 302
    # The audit log knows an erasure happened, not who asked.
    event = AuditEvent.objects.get(action="privacy.erase")
    assert event.detail == {"participants": 1, "account_closed": False}
    assert "Ana" not in json.dumps(event.detail)


def test_erasure_is_idempotent(workshop):
    ana = workshop.people[0]
    first = personal_data_erase(keys=[f"p:{ana.pk}"])
    again = personal_data_erase(keys=[f"p:{ana.pk}"])
    assert (first.participants, again.participants) == (1, 0)
    ana.refresh_from_db()
    assert ana.display_name == "Participante anónimo 1"


def test_a_signed_in_citizen_deletes_data_and_closes_the_account(workshop, carol, client):
    workshop.session.require_account = True
    workshop.session.save(update_fields=["require_account"])
    joined = live.participant_join(
        session=workshop.session, display_name="Carol C.", consent=True, user=carol
    )
    consent_record(participant=joined, user=carol)
    client.login(email=carol.email, password=PASSWORD)
    data = json.loads(client.get(reverse("privacy:download")).content)
    assert data["account"]["email"] == "carol@example.org"
    assert [p["display_name"] for p in data["participations"]] == ["Carol C."]
    page = client.get(reverse("privacy:delete")).content.decode()
    assert "Su cuenta ciudadana se cierra" in page
    assert client.post(reverse("privacy:delete"), {"confirm": "on"}).status_code == 302
    carol.refresh_from_db()
    joined.refresh_from_db()
    assert not carol.is_active and carol.email.endswith("@cocrea.invalid")
    assert carol.full_name == "" and not carol.has_usable_password()
    assert joined.user_id is None and joined.display_name.startswith("Participante anónimo")
    assert not ConsentRecord.objects.filter(user=carol).exists()
    assert not User.objects.filter(email="carol@example.org").exists()


def test_team_accounts_are_not_closed(workshop, alice, client):
    client.login(email=alice.email, password=PASSWORD)
    assert client.post(reverse("privacy:delete"), {"confirm": "on"}).status_code == 302
    alice.refresh_from_db()
    assert alice.is_active and alice.email == "alice@example.org"


def test_participant_rows_stay_so_keys_stay_opaque(workshop):
    ana = workshop.people[0]
    personal_data_erase(keys=[f"p:{ana.pk}"])
    assert Participant.objects.filter(pk=ana.pk).exists()
