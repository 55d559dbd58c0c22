"""The staged model's pages through Django's test client: who sees what, the form
(partial saves, errors naming the question, scoring), results, progress over time, the
public page of stages, and the PDF report read back with pypdf."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cocrea.assessment import questionnaire, selectors, services
from cocrea.assessment.models import Answer, Assessment, AssessmentStatus
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

CODES = [q.code for q in questionnaire.QUESTIONS]


def login(user) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def url(name: str, entity, *args) -> str:
    return reverse(f"assessment:{name}", args=[entity.slug, *args])


def post_form(answers: dict[str, dict], action: str = "save") -> dict[str, str]:
    data = {"action": action}
    for code, answer in answers.items():
        data[f"level-{code}"] = str(answer.get("level", ""))
        data[f"url-{code}"] = answer.get("evidence_url", "")
        data[f"note-{code}"] = answer.get("evidence_note", "")
    return data


def scored(entity, actor, answers: dict, when: dt.datetime | None = None) -> Assessment:
    assessment = services.assessment_start(entity=entity, actor=actor)
    services.answers_save(assessment=assessment, answers=answers, actor=actor)
    services.assessment_score(assessment=assessment, actor=actor)
    if when is not None:
        Assessment.objects.filter(pk=assessment.pk).update(scored_at=when, created=when)
        assessment.refresh_from_db()
    return assessment


def text_of(html: bytes) -> str:
    """The page's visible text, whitespace collapsed (for phrases split across tags)."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html.decode(), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


# --- who sees what -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["bob", "alice"])
def test_the_entitys_team_sees_the_list(request, entity, who):
    response = login(request.getfixturevalue(who)).get(url("list", entity))
    assert response.status_code == 200
    assert response.headers["Cache-Control"].startswith("max-age=0")
    assert "Autodiagnóstico del Modelo Escalonado" in response.content.decode()


@pytest.mark.parametrize("who", ["carol", "oscar", "olivia", "anonymous"])
def test_anyone_else_gets_404_on_every_team_page(request, entity, bob, full_answers, who):
    assessment = scored(entity, bob, full_answers)
    client = Client() if who == "anonymous" else login(request.getfixturevalue(who))
    for target in (
        url("list", entity),
        url("detail", entity, assessment.pk),
        url("report", entity, assessment.pk),
        url("progress", entity),
    ):
        assert client.get(target).status_code == 404, target
    assert client.post(url("start", entity)).status_code == 404
    assert client.post(url("visibility", entity), {"public": "on"}).status_code == 404
    assert not selectors.stage_is_public(entity)


def test_another_entitys_assessment_is_not_found_under_this_entity(
    entity, other_entity, olivia, bob, full_answers
):
    assessment = scored(entity, bob, full_answers)
    client = login(olivia)
    assert client.get(url("detail", other_entity, assessment.pk)).status_code == 404


def test_a_facilitator_reads_the_form_but_cannot_write(entity, alice, bob):
    assessment = services.assessment_start(entity=entity, actor=bob)
    client = login(alice)
    page = client.get(url("detail", entity, assessment.pk)).content.decode()
    assert "Guardar borrador" not in page and "disabled" in page
    assert "Empezar un autodiagnóstico" not in client.get(url("list", entity)).content.decode()
    response = client.post(
        url("detail", entity, assessment.pk), post_form({CODES[0]: {"level": 1}})
    )
    assert response.status_code == 403
    assert client.post(url("start", entity)).status_code == 403
    assert client.post(url("visibility", entity), {"public": "on"}).status_code == 403
    assert not Answer.objects.exists()
    assert not selectors.stage_is_public(entity)


# --- the form ----------------------------------------------------------------------------


def test_an_official_starts_fills_in_partially_and_scores(entity, bob, full_answers):
    client = login(bob)
    page = client.get(url("list", entity)).content.decode()
    assert "Empezar un autodiagnóstico" in page
    response = client.post(url("start", entity))
    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("detail", entity, assessment.pk)

    form = client.get(url("detail", entity, assessment.pk)).content.decode()
    # One fieldset per question, grouped by factor then pillar, with the evidence.
    assert form.count('<fieldset class="assessment-question') == len(CODES)
    assert "0 de 19 respondidas" in text_of(form.encode())
    first = questionnaire.QUESTIONS[0]
    assert questionnaire.tr(first.choices[3].evidence) in form
    assert questionnaire.tr(questionnaire.FACTORS[0].summary) in form
    assert form.index(questionnaire.tr(questionnaire.FACTORS[-1].name)) < form.index(
        questionnaire.tr(questionnaire.PILLARS[0].name)
    )
    assert 'name="action" value="save"' in form and 'name="action" value="score"' in form

    partial = {c: full_answers[c] for c in CODES[:5]}
    response = client.post(url("detail", entity, assessment.pk), post_form(partial))
    assert response.status_code == 302 and response["Location"].endswith("?guardado=1")
    page = client.get(response["Location"]).content.decode()
    assert "5 de 19 respondidas" in text_of(page.encode())
    assert "Borrador guardado." in page
    assert 'value="https://datos.example.gov.co/presupuesto-2026"' in page

    # Scoring an incomplete draft: the missing questions are named, it stays a draft.
    # The answer sent along is saved all the same, and the page says so.
    sixth = {CODES[5]: full_answers[CODES[5]]}
    response = client.post(url("detail", entity, assessment.pk), post_form(sixth, "score"))
    assert response.status_code == 400
    body = text_of(response.content)
    assert "Faltan 13 respuestas" in body and "Pregunta 7" in body
    assert "Las respuestas se guardaron como borrador" in body
    assert "6 de 19 respondidas" in body
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT

    rest = {c: full_answers[c] for c in CODES[6:]}
    response = client.post(url("detail", entity, assessment.pk), post_form(rest, "score"))
    assert response.status_code == 302
    assert response["Location"] == url("detail", entity, assessment.pk)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SCORED


def test_form_errors_rerender_naming_the_question_and_keep_what_was_typed(entity, bob):
    assessment = services.assessment_start(entity=entity, actor=bob)
    client = login(bob)
    code = CODES[8]
    data = post_form(
        {
            CODES[0]: {"level": 1, "evidence_note": "Acuerdo municipal 05"},
            code: {"level": 9},
            CODES[9]: {"level": 2, "evidence_url": "javascript:alert(1)"},
        }
    )
    response = client.post(url("detail", entity, assessment.pk), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Pregunta 9" in html and "Pregunta 10" in html
    # The errors are tied to their inputs for assistive technology.
    assert f'aria-describedby="q-{code}-error"' in html
    assert f'id="q-{code}-error"' in html
    assert f'aria-invalid="true" aria-describedby="url-{CODES[9]}-error"' in html
    assert f'href="#q-{code}"' in html
    # What was typed is still there; nothing was written.
    assert "Acuerdo municipal 05" in html
    assert not Answer.objects.exists()


def test_a_scored_assessment_shows_results_and_refuses_edits(entity, bob, full_answers):
    assessment = scored(entity, bob, full_answers)
    client = login(bob)
    response = client.get(url("detail", entity, assessment.pk))
    assert response.status_code == 200
    page = text_of(response.content)
    result = selectors.result_of(assessment)
    stage = questionnaire.tr(questionnaire.STAGE_NAMES[result.overall_stage])
    assert "Etapa general" in page and stage in page
    for pillar in questionnaire.PILLARS:
        assert questionnaire.tr(pillar.name) in page
    assert "<svg" in response.content.decode()
    assert "Descargar PDF" in page
    assert "Evidencia de la plataforma" in page
    assert "Su puntaje en participación ciudadana" in page
    assert "Rubro 2.3.4 del Plan de Desarrollo" in page
    # A post to a scored assessment changes nothing.
    client.post(url("detail", entity, assessment.pk), post_form({CODES[0]: {"level": 0}}))
    assert Answer.objects.get(assessment=assessment, question=CODES[0]).level == 2


def test_results_show_the_platform_evidence_applied(
    entity, bob, evidence_answers, published_policy
):
    assessment = scored(entity, bob, evidence_answers)
    page = text_of(login(bob).get(url("detail", entity, assessment.pk)).content)
    assert "1 compromiso con avance sustancial o completo" in page
    assert "Consolidado" in page
    assert "fortalecimiento escalonado a 2" in page


def test_the_results_page_includes_recommendations(entity, bob, full_answers):
    assessment = scored(entity, bob, full_answers)
    page = login(bob).get(url("detail", entity, assessment.pk)).content.decode()
    assert "Recomendaciones de la caja de herramientas" in page


# --- progress ----------------------------------------------------------------------------


def test_progress_charts_every_dimension_across_scored_assessments(entity, bob, full_answers):
    earlier = timezone.now() - dt.timedelta(days=200)
    low = {c: {"level": 1} for c in CODES}
    scored(entity, bob, low, when=earlier)
    scored(entity, bob, full_answers)
    services.assessment_start(entity=entity, actor=bob)  # a draft is not part of it
    response = login(bob).get(url("progress", entity))
    assert response.status_code == 200
    html = response.content.decode()
    page = text_of(response.content)
    assert "2 autodiagnósticos calificados" in page
    # One chart per factor and pillar, each with its data table.
    assert html.count("<svg") == len(questionnaire.FACTORS) + len(questionnaire.PILLARS)
    assert html.count("<polyline") == len(questionnaire.FACTORS) + len(questionnaire.PILLARS)
    for dimension in questionnaire.FACTORS + questionnaire.PILLARS:
        assert questionnaire.tr(dimension.name) in page
    assert "Desde el último autodiagnóstico: +1,0 (ahora 2,0 / 3)" in page
    assert "Etapa general: En desarrollo → Consolidado" in page
    assert "Transparencia: En desarrollo → Consolidado" in page


def test_progress_without_scored_assessments_says_so(entity, alice):
    page = text_of(login(alice).get(url("progress", entity)).content)
    assert "Todavía no hay autodiagnósticos calificados" in page


# --- public stages -----------------------------------------------------------------------


def test_the_public_page_lists_only_entities_that_opted_in(
    entity, other_entity, bob, olivia, full_answers
):
    scored(entity, bob, full_answers)
    scored(other_entity, olivia, {c: {"level": 0} for c in CODES})
    client = Client()
    assert (
        "Alcaldía de Buenaventura"
        not in client.get(reverse("assessment:public_stages")).content.decode()
    )

    response = login(bob).post(url("visibility", entity), {"public": "on"})
    assert response.status_code == 302
    page = text_of(client.get(reverse("assessment:public_stages")).content)
    assert "Alcaldía de Buenaventura" in page
    assert other_entity.name not in page
    stage = questionnaire.tr(
        questionnaire.STAGE_NAMES[
            selectors.result_of(Assessment.objects.filter(entity=entity).get()).overall_stage
        ]
    )
    assert stage in page
    # Only stages and dates: never the answers or their evidence.
    assert "Rubro 2.3.4" not in page and "datos.example.gov.co" not in page

    login(bob).post(url("visibility", entity), {})
    assert (
        "Alcaldía de Buenaventura"
        not in client.get(reverse("assessment:public_stages")).content.decode()
    )


def test_the_public_page_uses_the_latest_scored_assessment(entity, bob, full_answers):
    scored(
        entity, bob, {c: {"level": 3} for c in CODES}, when=timezone.now() - dt.timedelta(days=90)
    )
    latest = scored(entity, bob, full_answers)
    services.stage_visibility_set(entity=entity, public=True, actor=bob)
    groups = selectors.public_stages()
    listed = [(g.stage, e.entity) for g in groups for e in g.entries]
    assert listed == [(selectors.result_of(latest).overall_stage, entity)]


# --- the PDF -----------------------------------------------------------------------------


def test_the_pdf_report_shows_the_stage_and_the_answers(entity, bob, full_answers):
    assessment = scored(entity, bob, full_answers)
    response = login(bob).get(url("report", entity, assessment.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    result = selectors.result_of(assessment)
    assert entity.name in text
    assert questionnaire.VERSION in text
    stage = questionnaire.tr(questionnaire.STAGE_NAMES[result.overall_stage])
    assert f"Etapa general: {stage}" in text
    answer = questionnaire.QUESTIONS[0].choices[2]
    assert questionnaire.tr(answer.label)[:30] in text
    assert "Rubro 2.3.4 del Plan de Desarrollo" in text
    assert "datos.example.gov.co/presupuesto-2026" in text.replace(" ", "")


def test_a_draft_has_no_report(entity, bob, alice):
    assessment = services.assessment_start(entity=entity, actor=bob)
    assert login(alice).get(url("report", entity, assessment.pk)).status_code == 404
