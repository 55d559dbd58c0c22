"""Action plan pages through Django's test client: who sees what, the editor's forms
(happy paths and error re-renders), publishing, and the public pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from cocrea.policy.models import (
    ActionPlan,
    Commitment,
    Completion,
    PlanStatus,
    PlanVersion,
)
from cocrea.policy.services import plans as services
from sessions.models import ProcessStatus
from tests.conftest import PASSWORD
from tests.policy import test_plans as base
from tests.policy.test_plans import commitment, full_fields

# The services tests' fixtures, registered here too.
pw = base.pw
plan = base.plan
foreign_official = base.foreign_official


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def url(name: str, plan: ActionPlan, *args) -> str:
    return reverse(f"policy:{name}", args=[plan.process.slug, plan.pk, *args])


@pytest.fixture
def published(plan, pw, bob) -> ActionPlan:
    """The plan with one complete commitment and two milestones, published as v1."""
    c = commitment(plan, pw.items, bob)
    services.commitment_edit(commitment=c, actor=bob, **full_fields())
    services.milestone_add(
        commitment=c, deliverable="Conjunto de datos publicado", actor=bob, end=dt.date(2026, 3, 1)
    )
    services.milestone_add(commitment=c, deliverable="Tablero en línea", actor=bob)
    services.plan_publish(plan=plan, actor=bob)
    return plan


def text_of(response) -> str:
    """The page's visible text, tags stripped and spaces collapsed."""
    html = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.split())


# --- who sees what ---------------------------------------------------------------------


@pytest.mark.parametrize("who", [None, "carol", "oscar", "foreign_official"])
def test_unpublished_plans_are_404_outside_the_team(client, plan, who, request):
    if who:
        login(client, request.getfixturevalue(who))
    for target in (
        url("plan", plan),
        url("plan_version", plan),
        url("plan_accountability", plan),
        url("plan_version_number", plan, 1),
        reverse("policy:plans", args=[plan.process.slug]),
    ):
        assert client.get(target).status_code == 404, target


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_the_team_sees_the_list_and_editor(client, plan, who, request):
    login(client, request.getfixturevalue(who))
    listing = client.get(reverse("policy:plans", args=[plan.process.slug]))
    assert listing.status_code == 200
    assert "Plan de acción 2026" in text_of(listing)
    editor = client.get(url("plan", plan))
    assert editor.status_code == 200
    # Only officials get the forms; facilitators read.
    has_forms = 'id="new-commitment"' in editor.content.decode()
    assert has_forms == (who == "bob")


def test_writes_by_a_facilitator_are_forbidden(client, plan, pw, alice):
    login(client, alice)
    response = client.post(url("commitment_create", plan), {"items": [pw.items[0].pk]})
    assert response.status_code == 403
    assert client.post(url("plan_publish", plan)).status_code == 403
    assert not Commitment.objects.exists()


def test_writes_by_outsiders_are_404(client, plan, pw, oscar):
    login(client, oscar)
    response = client.post(url("commitment_create", plan), {"items": [pw.items[0].pk]})
    assert response.status_code == 404
    assert not Commitment.objects.exists()


def test_published_pages_are_public_and_the_editor_redirects(client, published):
    response = client.get(url("plan_version", published))
    assert response.status_code == 200
    assert client.get(url("plan_accountability", published)).status_code == 200
    editor = client.get(url("plan", published))
    assert editor.status_code == 302 and editor["Location"] == url("plan_version", published)
    assert client.get(url("plan_version_number", published, 2)).status_code == 404


def test_plans_of_a_draft_process_stay_hidden(client, published):
    published.process.status = ProcessStatus.DRAFT
    published.process.save()
    assert client.get(url("plan_accountability", published)).status_code == 404


# --- creating a plan -----------------------------------------------------------------------


def test_create_plan_happy_path(client, pw, bob):
    login(client, bob)
    response = client.post(
        reverse("policy:plans", args=[pw.process.slug]),
        {"title": "Plan 2026", "period_start": "2026-01-01", "period_end": "2026-12-31"},
    )
    plan = ActionPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == url("plan", plan)
    assert (plan.title, plan.period_end) == ("Plan 2026", dt.date(2026, 12, 31))


@pytest.mark.parametrize(
    ("data", "field_id"),
    [
        ({"title": "", "period_start": "", "period_end": ""}, "plan-title"),
        ({"title": "Plan", "period_start": "2026-02-30", "period_end": ""}, "plan-start"),
        ({"title": "Plan", "period_start": "2026-05-01", "period_end": "2026-04-01"}, "plan-end"),
    ],
)
def test_create_plan_errors_rerender_with_the_field_marked(client, pw, bob, data, field_id):
    login(client, bob)
    response = client.post(reverse("policy:plans", args=[pw.process.slug]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'aria-describedby="{field_id}-error"' in html
    assert re.search(rf'id="{field_id}"[^>]*aria-invalid="true"', html)
    assert 'role="alert"' in html
    assert not ActionPlan.objects.exists()


# --- the editor's forms ------------------------------------------------------------------


def test_editor_lists_approved_items_only(client, plan, pw, bob):
    login(client, bob)
    html = client.get(url("plan", plan)).content.decode()
    for item in pw.items:
        assert f'name="items" value="{item.pk}"' in html
    for item in (pw.unapproved, pw.removed, pw.other_item, pw.foreign_item):
        assert f'name="items" value="{item.pk}"' not in html


def test_create_commitment_from_items(client, plan, pw, bob):
    login(client, bob)
    response = client.post(
        url("commitment_create", plan),
        {"items": [pw.items[0].pk, pw.items[1].pk], "title": "", "lead_agency": "Movilidad"},
    )
    c = Commitment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("plan", plan) + "#commitment-1"
    assert c.lead_agency == "Movilidad"
    assert "No se publican los accidentes." in c.problem  # the prefill was kept
    page = text_of(client.get(url("plan", plan)))
    assert "Compromiso 1: Datos de accidentes abiertos" in page
    assert "Surgió de:" in page
    assert "sesión «Taller Movilidad en Buenaventura», nivel Colaborar, 12 participantes" in page


@pytest.mark.parametrize("which", ["unapproved", "other_item", "missing", "none"])
def test_create_commitment_with_bad_items_rerenders(client, plan, pw, bob, which):
    login(client, bob)
    ids = {
        "unapproved": [pw.items[0].pk, pw.unapproved.pk],
        "other_item": [pw.other_item.pk],
        "missing": [pw.items[0].pk, 999_999],
        "none": [],
    }[which]
    response = client.post(url("commitment_create", plan), {"items": ids, "title": "Mío"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-describedby="new-items-error"' in html
    assert 'id="new-items-error"' in html
    assert 'value="Mío"' in html  # what was typed survives
    assert not Commitment.objects.exists()


def test_foreign_item_is_forbidden(client, plan, pw, bob):
    login(client, bob)
    response = client.post(url("commitment_create", plan), {"items": [pw.foreign_item.pk]})
    assert response.status_code == 403
    assert not Commitment.objects.exists()


def edit_form(**overrides) -> dict:
    data = {
        "title": "Datos abiertos de siniestralidad",
        "start": "2026-02-01",
        "end": "2026-12-15",
        "lead_agency": "Secretaría de Movilidad",
        "problem": "No se conocen los puntos críticos.",
        "baseline": "Ninguno publicado.",
        "objective": "Publicar los siniestros.",
        "expected_results": "Un conjunto de datos.",
        "how_it_helps": "Permite priorizar.",
        "relevance_transparency": "Datos abiertos.",
        "relevance_participation": "",
        "relevance_accountability": "Informe al concejo.",
        "relevance_innovation": "",
        "actors_government": "Policía de Tránsito\nConcejo",
        "actors_civil_society": "Veeduría",
        "actors_private": "",
        "actors_multilateral": "",
        "budget": "$120.000.000",
        "development_plan": "Programa 4.2",
        "sdgs": ["11", "3"],
        "completion": "limited",
    }
    data.update(overrides)
    return data


def test_edit_commitment_happy_path(client, plan, pw, bob):
    c = commitment(plan, pw.items, bob)
    login(client, bob)
    response = client.post(url("commitment_edit", plan, c.number), edit_form())
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.sdgs == [3, 11]
    assert c.other_actors["government"] == ["Policía de Tránsito", "Concejo"]
    assert c.end == dt.date(2026, 12, 15)
    assert c.completion == Completion.LIMITED
    html = client.get(url("plan", plan)).content.decode()
    assert re.search(r'id="c1-sdg-11"[^>]*checked', html)


@pytest.mark.parametrize(
    ("overrides", "field_id"),
    [
        ({"end": "2026-01-01"}, "c1-end"),
        ({"start": "ayer"}, "c1-start"),
        ({"title": ""}, "c1-title"),
        ({"sdgs": ["3", "18"]}, "c1-sdgs"),
        ({"sdgs": ["tres"]}, "c1-sdgs"),
        ({"completion": "casi"}, "c1-completion"),
        ({"budget": "x" * 201}, "c1-budget"),
    ],
)
def test_edit_commitment_errors_rerender_and_write_nothing(
    client, plan, pw, bob, overrides, field_id
):
    c = commitment(plan, pw.items, bob, title="Original")
    login(client, bob)
    response = client.post(url("commitment_edit", plan, c.number), edit_form(**overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="{field_id}-error"' in html
    assert re.search(rf'aria-describedby="[^"]*\b{field_id}-error\b[^"]*"', html)
    assert 'aria-invalid="true"' in html
    assert "Policía de Tránsito" in html  # the posted values are shown back
    assert '<details class="plan-details" open>' in html
    c.refresh_from_db()
    assert (c.title, c.lead_agency) == ("Original", "")


def test_milestones_add_and_done(client, plan, pw, bob):
    c = commitment(plan, pw.items, bob)
    login(client, bob)
    response = client.post(
        url("milestone_add", plan, c.number),
        {
            "deliverable": "Informe",
            "start": "2026-01-01",
            "end": "2026-02-01",
            "responsible": "TIC",
        },
    )
    assert response.status_code == 302
    m = c.milestones.get()
    assert (
        client.post(url("milestone_done", plan, c.number, m.pk), {"done": "1"}).status_code == 302
    )
    m.refresh_from_db()
    assert m.done and m.done_at is not None
    page = text_of(client.get(url("plan", plan)))
    assert "Cumplido el" in page and "Marcar pendiente" in page


def test_milestone_errors_rerender(client, plan, pw, bob):
    c = commitment(plan, pw.items, bob)
    login(client, bob)
    response = client.post(
        url("milestone_add", plan, c.number),
        {"deliverable": "", "start": "2026-03-01", "end": "2026-02-01", "responsible": "TIC"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="m1-deliverable-error"' in html and 'id="m1-end-error"' in html
    assert re.search(r'id="m1-deliverable"[^>]*aria-invalid="true"', html)
    assert not c.milestones.exists()


def test_milestone_of_another_commitment_is_404(client, plan, pw, bob):
    first = commitment(plan, pw.items, bob)
    second = commitment(plan, pw.items, bob)
    m = services.milestone_add(commitment=first, deliverable="Informe", actor=bob)
    login(client, bob)
    response = client.post(url("milestone_done", plan, second.number, m.pk))
    assert response.status_code == 404


def test_progress_form(client, plan, pw, bob):
    c = commitment(plan, pw.items, bob)
    login(client, bob)
    bad = client.post(url("progress_add", plan, c.number), {"text": "", "completion": "limited"})
    assert bad.status_code == 400
    assert 'id="p1-text-error"' in bad.content.decode()
    assert not c.updates.exists()
    ok = client.post(
        url("progress_add", plan, c.number), {"text": "Primer informe", "completion": "limited"}
    )
    assert ok.status_code == 302
    c.refresh_from_db()
    assert c.completion == Completion.LIMITED


# --- publishing ----------------------------------------------------------------------------


def test_publish_errors_rerender(client, plan, pw, bob):
    commitment(plan, pw.items, bob, objective="")
    login(client, bob)
    response = client.post(url("plan_publish", plan))
    assert response.status_code == 400
    assert "No se pudo publicar el plan" in text_of(response)
    assert not PlanVersion.objects.exists()


def test_publish_edit_and_publish_again(client, plan, pw, bob):
    c = commitment(plan, pw.items, bob)
    login(client, bob)
    client.post(url("commitment_edit", plan, c.number), edit_form())
    response = client.post(url("plan_publish", plan))
    assert response.status_code == 302
    assert response["Location"] == url("plan_version_number", plan, 1)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED
    assert "cambios sin publicar" not in text_of(client.get(url("plan", plan))).lower()

    client.post(url("commitment_edit", plan, c.number), edit_form(title="Nombre nuevo"))
    editor = text_of(client.get(url("plan", plan)))
    assert "Hay cambios sin publicar." in editor
    public = text_of(client.logout() or client.get(url("plan_version", plan)))
    assert "Datos abiertos de siniestralidad" in public and "Nombre nuevo" not in public

    login(client, bob)
    assert client.post(url("plan_publish", plan)).status_code == 302
    client.logout()
    v2 = text_of(client.get(url("plan_version", plan)))
    assert "Compromiso 1: Nombre nuevo" in v2
    v1 = text_of(client.get(url("plan_version_number", plan, 1)))
    assert "Datos abiertos de siniestralidad" in v1
    assert "la más reciente es la versión 2" in v1


# --- public pages ----------------------------------------------------------------------------


def test_published_version_shows_the_ogp_template(client, published):
    page = text_of(client.get(url("plan_version", published)))
    for expected in (
        "Compromiso 1: Datos abiertos de siniestralidad",
        "Secretaría de Movilidad",
        "0 conjuntos de datos publicados.",
        "Informe trimestral al concejo.",
        "Organismos multilaterales: BID",
        "ODS 11: Ciudades y comunidades sostenibles",
        "Programa 4.2: movilidad segura",
        "$120.000.000, recursos propios",
        "Conjunto de datos publicado",
        "Limitado",
        "7 participantes",
    ):
        assert expected in page, expected


def test_accountability_page_shows_completion_milestones_and_updates(client, published, bob):
    c = published.commitments.get()
    first = c.milestones.order_by("order").first()
    services.milestone_done(milestone=first, actor=bob)
    services.progress_add(
        commitment=c, text="Primer conjunto publicado", completion="limited", actor=bob
    )
    services.progress_add(
        commitment=c, text="Tablero en pruebas", completion="substantial", actor=bob
    )
    response = client.get(url("plan_accountability", published))
    assert response.status_code == 200
    html = response.content.decode()
    page = text_of(response)
    assert "Nivel de cumplimiento: Sustancial (nivel 2 de 3)" in page
    assert re.search(r'<progress max="3" value="2"', html)
    assert "1 de 2 hitos cumplidos" in page
    assert "Cumplido : Conjunto de datos publicado" in page
    assert "Pendiente : Tablero en línea" in page
    assert page.index("Tablero en pruebas") < page.index("Primer conjunto publicado")
    assert html.count('<time datetime="') >= 3  # two updates, one milestone done
    assert "Surgió de:" in page
    assert "ítem «Cruces seguros» del borrador" in page
    assert "sesión «Taller Movilidad en Buenaventura», nivel Colaborar, 12 participantes" in page


def test_edit_changes_only_what_the_form_sent(client, plan, pw, bob):
    c = commitment(plan, pw.items, bob, lead_agency="Movilidad", sdgs=[3, 11])
    login(client, bob)
    # The form marks the SDG list as sent: no box checked clears it.
    response = client.post(
        url("commitment_edit", plan, c.number), {"title": "Nuevo nombre", "sdgs_sent": "1"}
    )
    assert response.status_code == 302
    c.refresh_from_db()
    assert (c.title, c.sdgs, c.lead_agency) == ("Nuevo nombre", [], "Movilidad")
    assert "No se publican los accidentes." in c.problem
