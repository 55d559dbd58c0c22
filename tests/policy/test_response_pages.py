"""The reasoned-response pages through Django's client: the public summary of a process,
the officials' page to answer, and "mis aportes" from the participant cookie."""

from __future__ import annotations

import re

import pytest
from django.core.signing import dumps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cocrea.policy.models import ContributionResponse, PlanVersion
from cocrea.policy.selectors.responses import REMEMBER_COOKIE, REMEMBER_MAX_AGE, remember_value
from cocrea.policy.services.responses import response_set
from sessions.cookies import SALT, cookie_name, sign_participant
from sessions.models import ProcessStatus
from tests.policy.conftest import note
from tests.policy.test_responses import make_commitment, make_item

pytestmark = pytest.mark.django_db

PUBLIC = "/procesos/{slug}/respuestas/"
MANAGE = "/procesos/{slug}/respuestas/gestionar/"
BULK = "/procesos/{slug}/respuestas/gestionar/lote/"
MINE = "/mis-aportes/"
REMEMBER = "/mis-aportes/recordar/"
FORGET = "/mis-aportes/olvidar/"


@pytest.fixture
def active(world):
    world.process.status = ProcessStatus.ACTIVE
    world.process.save(update_fields=["status"])
    return world


@pytest.fixture
def answered(active, bob):
    """Some responses: n1 incorporated, n2 merged into n1, n3 not incorporated."""
    w = active
    n1, n2, n3 = w.notes
    item = make_item(w.process, "Red de ciclorrutas con iluminación")
    response_set(w.process, w.ref(n1), "incorporated", item=item, actor=bob)
    response_set(w.process, w.ref(n2), "merged", merged_into=w.ref(n1), actor=bob)
    response_set(
        w.process,
        w.ref(n3),
        "not_incorporated",
        reason="La Secretaría ya publica esos datos en datos.gov.co.",
        actor=bob,
    )
    w.extra["item"] = item
    return w


def logged(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def html(response) -> str:
    return response.content.decode()


def as_participant(participant, *, raw: str | None = None) -> Client:
    client = Client()
    client.cookies[cookie_name(participant.session.code)] = raw or sign_participant(participant)
    return client


# --- public page -------------------------------------------------------------------------


def test_public_page_summarises_and_lists_the_responses(answered):
    w = answered
    page = html(Client().get(PUBLIC.format(slug=w.process.slug)))
    assert (
        "De 7 aportes: 1 incorporados, 1 unidos, 1 no incorporados con su razón, 4 pendientes"
        in (" ".join(page.split()))
    )
    assert "Ciclorrutas iluminadas" in page
    # n1 went into a draft item that is not published yet: said, but not named.
    assert "Se incorporó al borrador de lineamientos, que todavía no se ha publicado." in page
    assert "Red de ciclorrutas con iluminación" not in page
    assert "La Secretaría ya publica esos datos en datos.gov.co." in page
    assert "Buses eléctricos para el centro" in page  # the statement, still pending
    # Withdrawn or unpublished contributions are not public.
    assert "Nota borrada" not in page
    assert "Spam" not in page
    assert "Pregunta sin moderar" not in page


def test_public_page_never_shows_who_contributed(answered, bob):
    w = answered
    # Every contribution answered, by an official with a name.
    response_set(
        w.process, w.ref(w.question), "not_incorporated", reason="Respondida en vivo.", actor=bob
    )
    for client in (Client(), logged(bob)):
        page = html(client.get(PUBLIC.format(slug=w.process.slug)))
        for participant in w.participants:
            assert not re.search(rf"\b{re.escape(participant.display_name)}\b", page), (
                participant.display_name
            )
            assert f"p:{participant.pk}" not in page
        assert not re.search(r"\b[pu]:\d+\b", page)
    anonymous_page = html(Client().get(PUBLIC.format(slug=w.process.slug)))
    assert "Bob Funcionario" not in anonymous_page


def test_public_page_links_published_commitments(answered, bob):
    w = answered
    commitment = make_commitment(w.process, "Tablero abierto de siniestralidad")
    response_set(w.process, w.ref(w.answer), "incorporated", commitment=commitment, actor=bob)
    url = PUBLIC.format(slug=w.process.slug)
    assert "Tablero abierto de siniestralidad" not in html(Client().get(url))
    PlanVersion.objects.create(
        plan=commitment.plan, number=1, snapshot={"commitments": [{"id": commitment.pk}]}
    )
    page = html(Client().get(url))
    link = (
        f"/procesos/{w.process.slug}/planes/{commitment.plan.pk}/rendicion-de-cuentas/#commitment-1"
    )
    assert f'<a href="{link}">1. Tablero abierto de siniestralidad</a>' in page
    # The team sees unpublished names on its own page.
    team = html(logged(bob).get(MANAGE.format(slug=w.process.slug)))
    assert "Red de ciclorrutas con iluminación</strong>" in team


def test_public_page_of_a_draft_process_is_hidden(world, bob):
    assert Client().get(PUBLIC.format(slug=world.process.slug)).status_code == 404
    assert logged(bob).get(PUBLIC.format(slug=world.process.slug)).status_code == 200
    assert Client().get(PUBLIC.format(slug="no-existe")).status_code == 404


def test_public_page_links_the_manage_page_for_officials_only(active, bob, alice):
    url = PUBLIC.format(slug=active.process.slug)
    manage = MANAGE.format(slug=active.process.slug)
    assert manage in html(logged(bob).get(url))
    assert manage not in html(logged(alice).get(url))
    assert manage not in html(Client().get(url))


# --- team page ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "alice", "carol", "olga", "oscar"])
def test_manage_page_is_for_the_process_officials(active, request, who):
    client = Client() if who == "anonymous" else logged(request.getfixturevalue(who))
    url = MANAGE.format(slug=active.process.slug)
    assert client.get(url).status_code == 404
    ref = active.ref(active.notes[0])
    posted = client.post(url, {"ref": ref, "status": "not_incorporated", "reason": "No."})
    assert posted.status_code == 404
    bulk = client.post(
        BULK.format(slug=active.process.slug),
        {"refs": [ref], "status": "not_incorporated", "reason": "No."},
    )
    assert bulk.status_code == 404
    assert not ContributionResponse.objects.exists()


def test_manage_page_lists_every_contribution_with_a_form(answered, bob):
    w = answered
    page = html(logged(bob).get(MANAGE.format(slug=w.process.slug)))
    for ref in [w.cluster_ref, *(w.ref(n) for n in w.notes), w.ref(w.question)]:
        assert f'value="{ref}"' in page
        anchor = "c-" + ref.replace(":", "-")
        assert f'id="{anchor}-status"' in page
        assert f'for="{anchor}-reason"' in page
    assert 'form="bulk"' in page
    assert "Red de ciclorrutas con iluminación" in page  # the item choice
    assert "Lluvia de ideas" in page and "Preguntas" in page  # grouped by activity


def test_manage_post_saves_and_redirects(active, bob):
    w = active
    url = MANAGE.format(slug=w.process.slug)
    commitment = make_commitment(w.process)
    ref = w.ref(w.answer)
    response = logged(bob).post(
        url, {"ref": ref, "status": "incorporated", "commitment": str(commitment.pk), "item": ""}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{url}#c-answer-{w.answer.pk}"
    saved = ContributionResponse.objects.get(ref=ref)
    assert (saved.status, saved.commitment, saved.updated_by) == ("incorporated", commitment, bob)


def test_manage_post_refusal_names_the_field_and_writes_nothing(active, bob):
    w = active
    url = MANAGE.format(slug=w.process.slug)
    ref = w.ref(w.notes[0])
    response = logged(bob).post(url, {"ref": ref, "status": "not_incorporated", "reason": " "})
    assert response.status_code == 400
    page = html(response)
    anchor = "c-" + ref.replace(":", "-")
    assert f'id="{anchor}-reason-error"' in page
    assert "Escriba la razón por la que no se incorpora" in page
    assert re.search(rf'id="{anchor}-reason"[^>]*aria-invalid="true"', page)
    assert not ContributionResponse.objects.exists()

    response = logged(bob).post(url, {"ref": w.ref(w.other_note), "status": "pending"})
    assert response.status_code == 400
    assert "no es un aporte de este proceso" in html(response)
    assert not ContributionResponse.objects.exists()


def test_manage_post_with_another_entitys_item_is_forbidden(active, bob):
    w = active
    foreign_item = make_item(w.foreign_process)
    response = logged(bob).post(
        MANAGE.format(slug=w.process.slug),
        {"ref": w.ref(w.notes[0]), "status": "incorporated", "item": str(foreign_item.pk)},
    )
    assert response.status_code == 403
    assert not ContributionResponse.objects.exists()


def test_bulk_post_all_or_nothing(active, bob):
    w = active
    url = BULK.format(slug=w.process.slug)
    refs = [w.ref(n) for n in w.notes]
    refused = logged(bob).post(
        url, {"refs": [*refs, "note:999999"], "status": "not_incorporated", "reason": "Duplicado."}
    )
    assert refused.status_code == 400
    page = html(refused)
    assert "No se guardó ninguna respuesta" in page and "note:999999" in page
    # The selection survives the refusal.
    assert re.search(rf'value="{refs[0]}" form="bulk" checked', page)
    assert not ContributionResponse.objects.exists()

    client = logged(bob)
    saved = client.post(url, {"refs": refs, "status": "not_incorporated", "reason": "Duplicado."})
    assert saved.status_code == 302
    assert set(ContributionResponse.objects.values_list("ref", "reason")) == {
        (ref, "Duplicado.") for ref in refs
    }
    follow = client.get(saved["Location"])
    assert "Respuesta guardada para 3 aportes." in html(follow)


# --- mis aportes ---------------------------------------------------------------------------


def test_my_contributions_from_a_real_cookie(answered):
    w = answered
    cata = w.participants[2]
    response = as_participant(cata).get(MINE)
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    page = html(response)
    # Cata's note and question, with the written reason.
    assert "Publicar los datos de accidentes" in page
    assert "¿Cuándo se publican los datos?" in page
    assert "La Secretaría ya publica esos datos en datos.gov.co." in page
    # Not anyone else's.
    assert "Ciclorrutas iluminadas" not in page
    assert "Cruces seguros frente a colegios" not in page
    assert "Andenes anchos" not in page
    assert "Buses eléctricos para el centro" not in page


def test_my_contributions_show_what_they_became(answered):
    w = answered
    ana, beto = w.participants[:2]
    page = html(as_participant(ana).get(MINE))
    assert "Ciclorrutas iluminadas" in page
    assert "Se incorporó al borrador de lineamientos, que todavía no se ha publicado." in page
    assert "Red de ciclorrutas con iluminación" not in page  # the item is not published
    page = html(as_participant(beto).get(MINE))
    assert "Cruces seguros frente a colegios" in page
    assert "Buses eléctricos para el centro" in page  # beto's statement
    assert "Se unió a otro aporte" in page and "Ciclorrutas iluminadas" in page  # merged into n1


def test_forged_cookie_is_ignored(answered):
    w = answered
    cata = w.participants[2]
    forged = dumps({"p": cata.pk, "s": w.session.pk, "t": "not-the-token"}, salt=SALT)
    for raw in (forged, sign_participant(cata) + "x", "nonsense"):
        page = html(as_participant(cata, raw=raw).get(MINE))
        assert "Publicar los datos de accidentes" not in page
        assert "No encontramos su participación en este dispositivo" in page


def test_my_contributions_without_a_cookie_explains_and_mentions_secret_votes(db):
    response = Client().get(MINE)
    assert response.status_code == 200
    page = html(response)
    assert "No encontramos su participación en este dispositivo" in page
    assert "Los votos son secretos" in page


def test_public_page_queries_do_not_grow_with_the_contributions(answered, bob):
    w = answered
    url = PUBLIC.format(slug=w.process.slug)
    client = Client()
    client.get(url)  # warm caches (reference data, templates)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    item = w.extra["item"]
    for i in range(10):
        extra = note(w.canvas, f"m{i}", f"Idea {i}", f"p:{w.participants[i % 4].pk}")
        response_set(w.process, w.ref(extra), "incorporated", item=item, actor=bob)
    with CaptureQueriesContext(connection) as after:
        page = html(client.get(url))
    assert "Idea 9" in page
    assert len(after.captured_queries) == len(before.captured_queries)


def test_remember_keeps_my_contributions_after_the_participant_cookie_is_gone(answered):
    w = answered
    cata = w.participants[2]
    client = as_participant(cata)
    assert "Recordar mis aportes en este navegador" in html(client.get(MINE))
    response = client.post(REMEMBER)
    assert response.status_code == 302
    cookie = response.cookies[REMEMBER_COOKIE]
    assert cookie["httponly"] and cookie["max-age"] == REMEMBER_MAX_AGE
    # Hours later the participant cookie has expired: the browser no longer sends it.
    del client.cookies[cookie_name(w.session.code)]
    page = html(client.get(MINE))
    assert "Publicar los datos de accidentes" in page
    assert "La Secretaría ya publica esos datos en datos.gov.co." in page
    assert "Ciclorrutas iluminadas" not in page  # ana's, not cata's
    assert "Olvidar mis aportes en este navegador" in page
    # Forgetting works, and then nothing is shown.
    client.post(FORGET)
    assert "Publicar los datos de accidentes" not in html(client.get(MINE))


def test_remember_needs_a_valid_participant_cookie(answered):
    w = answered
    response = Client().post(REMEMBER)
    assert response.status_code == 302
    assert REMEMBER_COOKIE not in response.cookies
    forged = as_participant(w.participants[2], raw="nonsense").post(REMEMBER)
    assert REMEMBER_COOKIE not in forged.cookies
    assert Client().get(REMEMBER).status_code == 405


def test_a_forged_remember_cookie_is_ignored(answered):
    w = answered
    cata = w.participants[2]
    client = Client()
    client.cookies[REMEMBER_COOKIE] = dumps({"p": [cata.pk]}, salt="another-salt")
    assert "Publicar los datos de accidentes" not in html(client.get(MINE))
    client.cookies[REMEMBER_COOKIE] = remember_value([f"p:{cata.pk}"])
    assert "Publicar los datos de accidentes" in html(client.get(MINE))
    # A participant removed from the session is no longer recognised.
    cata.removed_at = cata.joined_at
    cata.save(update_fields=["removed_at"])
    assert "Publicar los datos de accidentes" not in html(client.get(MINE))
