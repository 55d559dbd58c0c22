"""Starting a participatory process from a recommendation: the service (permissions,
validation, what it creates), the partial that offers it and the view behind it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import translation

from cocrea.accounts.models import Entity
from cocrea.assessment.models import Assessment, AssessmentStatus
from cocrea.assessment.recommendations import recommendations_for
from cocrea.assessment.scoring import Result
from cocrea.assessment.start import process_from_recommendation
from cocrea.toolkit.models import Methodology
from sessions.models import Process, ProcessStatus
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

URL = "/entidades/{}/autodiagnostico/iniciar-proceso/"
SCORED_AT = dt.datetime(2026, 3, 14, 15, 0, tzinfo=dt.UTC)


def scored(entity: Entity, readiness: str = "consultar", when: dt.datetime = SCORED_AT):
    result = Result(
        version="test",
        dimensions={"participacion": 1.0, "transparencia": 2.0},
        stages={"participacion": "en_desarrollo", "transparencia": "consolidado"},
        overall_score=1.5,
        overall_stage="en_desarrollo",
        readiness=readiness,
    )
    return Assessment.objects.create(
        entity=entity,
        questionnaire="test",
        status=AssessmentStatus.SCORED,
        scores=result.as_dict(),
        scored_at=when,
    )


def start(entity, actor, *, methodology="mapa-de-actores", pillar="participacion", **kw):
    fields = {
        "entity": entity,
        "pillar_code": pillar,
        "methodology_slug": methodology,
        "level_code": "consultar",
        "actor": actor,
    }
    fields.update(kw)
    with translation.override("es"):
        return process_from_recommendation(**fields)


def field_errors(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(exc.value.message_dict)


# --- the service ---------------------------------------------------------------------


def test_an_official_starts_a_draft_process_from_a_methodology(entity, bob) -> None:
    scored(entity)
    process = start(entity, bob)

    assert process.entity == entity
    assert process.status == ProcessStatus.DRAFT
    assert process.title == "«Mapa de actores» para fortalecer el pilar «Participación ciudadana»"
    assert process.primary_pillar.code == "participacion"
    assert process.created_by == bob
    assert "autodiagnóstico del 14 de marzo de 2026" in process.description
    (stage,) = process.stages.all()
    assert (stage.name, stage.level.code, stage.order) == ("Mapa de actores", "consultar", 1)
    methodology = Methodology.objects.get(slug="mapa-de-actores")
    assert set(process.lineamientos.all()) == set(methodology.lineamientos.all())


def test_a_facilitator_may_start_one_too_and_titles_do_not_collide(entity, alice) -> None:
    scored(entity)
    first = start(entity, alice)
    second = start(entity, alice)
    assert first.slug != second.slug
    assert Process.objects.filter(entity=entity).count() == 2


@pytest.mark.parametrize("who", ["carol", "oscar", "anonymous"])
def test_only_the_entity_team_may_start_one(request, entity, who) -> None:
    scored(entity)
    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        start(entity, actor)
    # Refused before anything is looked at: an unknown pillar says nothing either.
    with pytest.raises(PermissionDenied):
        start(entity, actor, pillar="no-such-pillar")
    assert not Process.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"pillar": "no-such-pillar"}, "pillar"),
        ({"methodology": "no-such-methodology"}, "methodology"),
        ({"level_code": "no-such-level"}, "level"),
        # The problem tree is not worked at «informar».
        ({"methodology": "arbol-de-problemas", "level_code": "informar"}, "level"),
        # The stakeholder map is not meant for innovation.
        ({"pillar": "innovacion"}, "methodology"),
    ],
)
def test_unknown_or_unfitting_choices_name_the_field(entity, bob, kwargs, field) -> None:
    scored(entity)
    with pytest.raises(ValidationError) as exc:
        start(entity, bob, **kwargs)
    assert field_errors(exc) == {field}
    assert not Process.objects.exists()


def test_a_level_above_readiness_only_as_the_stretch_one_step_up(entity, bob) -> None:
    scored(entity, readiness="consultar")
    with pytest.raises(ValidationError) as exc:
        start(entity, bob, level_code="involucrar")
    assert field_errors(exc) == {"level"}
    # Two steps up is refused even when called a stretch.
    with pytest.raises(ValidationError) as exc:
        start(
            entity,
            bob,
            methodology="como-podriamos",
            pillar="innovacion",
            level_code="colaborar",
            stretch=True,
        )
    assert field_errors(exc) == {"level"}

    process = start(entity, bob, level_code="involucrar", stretch=True)
    assert process.stages.get().level.code == "involucrar"
    # Below readiness is always fine.
    assert start(entity, bob, level_code="informar").stages.get().level.code == "informar"


def test_readiness_comes_from_the_given_or_the_latest_scored_assessment(entity, bob) -> None:
    older = scored(entity, readiness="involucrar", when=SCORED_AT)
    scored(entity, readiness="informar", when=SCORED_AT + dt.timedelta(days=30))
    # The latest one sustains «informar» only.
    with pytest.raises(ValidationError) as exc:
        start(entity, bob)
    assert field_errors(exc) == {"level"}
    # The recommendation came from the older one, which sustained «involucrar».
    process = start(entity, bob, assessment=older)
    assert "14 de marzo de 2026" in process.description


def test_it_needs_a_scored_assessment_of_the_entity(entity, other_entity, bob) -> None:
    with pytest.raises(ValidationError) as exc:
        start(entity, bob)
    assert field_errors(exc) == {"assessment"}
    draft = Assessment.objects.create(entity=entity, questionnaire="test")
    foreign = scored(other_entity)
    for assessment in (draft, foreign):
        with pytest.raises(ValidationError) as exc:
            start(entity, bob, assessment=assessment)
        assert field_errors(exc) == {"assessment"}
    assert not Process.objects.exists()


def test_without_a_methodology_the_stage_is_named_after_the_level(entity, bob) -> None:
    scored(entity)
    process = start(entity, bob, methodology=None, pillar="rendicion-de-cuentas")
    assert process.title == "Proceso para fortalecer el pilar «Rendición de cuentas»"
    assert process.stages.get().name == "Consultar"
    assert process.primary_pillar.code == "rendicion-de-cuentas"


# --- the partial and the view ------------------------------------------------------------


def signed_in(user, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    assert client.login(email=user.email, password=PASSWORD)
    return client


def rendered_partial(assessment: Assessment, user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    result = Result.from_dict(assessment.scores)
    with translation.override("es"):
        return render_to_string(
            "assessment/_recommendations.html",
            {
                "recommendations": recommendations_for(assessment.entity, result),
                "assessment": assessment,
            },
            request=request,
        )


def start_forms(html: str) -> list[dict[str, str]]:
    forms = re.findall(r"<form method=\"post\" action=\"([^\"]+)\".*?</form>", html, re.S)
    bodies = re.findall(r"<form method=\"post\".*?</form>", html, re.S)
    return [
        {"action": action, **dict(re.findall(r'name="(\w+)" value="([^"]*)"', body))}
        for action, body in zip(forms, bodies, strict=True)
    ]


def test_the_partial_lists_early_wins_with_a_start_button(entity, bob) -> None:
    assessment = scored(entity)
    html = rendered_partial(assessment, bob)
    assert "Participación ciudadana: En desarrollo → Consolidado" in html
    assert "Transparencia: Consolidado → Referente" in html
    # Weakest pillar first.
    assert html.index("Participación ciudadana:") < html.index("Transparencia:")
    assert html.count("Victoria temprana") >= 2
    assert "Se puede hacer ya: nivel Consultar" in html
    assert 'href="/metodologias/mapa-de-actores/"' in html
    assert 'href="/repositorio/' in html
    assert "Iniciar un proceso con esta metodología" in html
    forms = start_forms(html)
    assert forms and all(f["action"] == URL.format(entity.slug) for f in forms)
    assert all(f["assessment"] == str(assessment.pk) for f in forms)
    assert all("csrfmiddlewaretoken" in f for f in forms)
    first = forms[0]
    assert (first["pillar"], first["methodology"], first["level"]) == (
        "participacion",
        "mapa-de-actores",
        "consultar",
    )
    # Stretch recommendations say so in the form, and only they do.
    assert any(f.get("stretch") == "1" and f["level"] == "involucrar" for f in forms)
    assert all(f["level"] == "involucrar" for f in forms if f.get("stretch"))


def test_every_button_of_the_partial_starts_a_process(entity, bob) -> None:
    """The view accepts what the page offers, stretch included."""
    assessment = scored(entity)
    client = signed_in(bob)
    forms = start_forms(rendered_partial(assessment, bob))
    for form in forms:
        data = {k: v for k, v in form.items() if k not in {"action", "csrfmiddlewaretoken"}}
        response = client.post(form["action"], data)
        assert response.status_code == 302, (form, response.status_code)
    assert Process.objects.filter(entity=entity).count() == len(forms)


def test_the_view_redirects_to_the_new_process_page(entity, bob) -> None:
    assessment = scored(entity)
    client = signed_in(bob, csrf=True)
    client.get("/")  # the page's forms set the CSRF cookie, as a browser gets it
    token = client.cookies["csrftoken"].value
    data = {
        "assessment": str(assessment.pk),
        "pillar": "participacion",
        "methodology": "arbol-de-problemas",
        "level": "consultar",
    }
    # Without the token the post is refused and nothing is created.
    assert client.post(URL.format(entity.slug), data).status_code == 403
    assert not Process.objects.exists()

    response = client.post(URL.format(entity.slug), {**data, "csrfmiddlewaretoken": token})
    process = Process.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/procesos/{process.slug}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert process.title in page.content.decode()
    assert process.stages.get().level.code == "consultar"


def test_the_view_refuses_what_it_must(entity, other_entity, bob, oscar) -> None:
    assessment = scored(entity)
    foreign = scored(other_entity)
    data = {
        "assessment": str(assessment.pk),
        "pillar": "participacion",
        "methodology": "mapa-de-actores",
        "level": "consultar",
    }
    url = URL.format(entity.slug)
    assert Client().post(url, data).status_code == 403
    assert signed_in(oscar).post(url, data).status_code == 403
    client = signed_in(bob)
    assert client.get(url).status_code == 405
    assert client.post(URL.format("no-such-entity"), data).status_code == 404
    assert client.post(url, {**data, "assessment": str(foreign.pk)}).status_code == 404
    assert client.post(url, {**data, "assessment": "x"}).status_code == 404
    assert client.post(url, {**data, "level": "involucrar"}).status_code == 400
    assert client.post(url, {**data, "methodology": "nope"}).status_code == 400
    assert not Process.objects.exists()
    # With stretch declared, one step up is accepted.
    response = client.post(url, {**data, "level": "involucrar", "stretch": "1"})
    assert response.status_code == 302
    assert Process.objects.get().stages.get().level.code == "involucrar"
