"""Server-rendered toolkit pages, through Django's test client."""

from __future__ import annotations

import re

import pytest

from cocrea.toolkit.models import Experience, Methodology

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/", "/decalogo/", "/metodologias/", "/repositorio/", "/procesos/", "/cuenta/ingresar/"]
)
def test_public_pages_render_in_spanish(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="es">' in html
    assert html.count("<h1") == 1
    assert 'name="language"' in html, "every page has the language switcher"


def test_home_shows_the_vocabularies(client):
    html = client.get("/").content.decode()
    for name in ("Transparencia", "Rendición de cuentas", "Participación ciudadana"):
        assert name in html
    for level in ("Informar", "Consultar", "Involucrar", "Colaborar", "Empoderar"):
        assert level in html
    for lineamiento in ("Datos Abiertos", "Gobernanza Abierta", "Soluciones Abiertas"):
        assert lineamiento in html


def test_decalogo_lists_ten_tips(client):
    html = client.get("/decalogo/").content.decode()
    assert len(re.findall(r'<li id="consejo-\d+"', html)) == 10


def test_methodology_detail_draws_every_zone(client):
    methodology = Methodology.objects.get(slug="mapa-de-actores")
    html = client.get(f"/metodologias/{methodology.slug}/").content.decode()
    assert html.count('class="canvas-zone"') == methodology.zones.count() >= 4
    assert '<svg viewBox="0 0 1200 800" role="img"' in html
    for step in methodology.steps.all():
        assert step.title in html


def test_methodology_search(client):
    html = client.get("/metodologias/?q=empatia").content.decode()
    assert "Mapa de empatía" in html
    assert "Árbol de problemas" not in html


def test_repository_filter_shows_only_matching_cards(client):
    html = client.get("/repositorio/?pillar=innovacion").content.decode()
    pillars = re.findall(r'data-pillars="([^"]+)"', html)
    expected = Experience.objects.filter(pillar__code="innovacion").count()
    expected += Experience.objects.filter(second_pillar__code="innovacion").count()
    assert len(pillars) == expected > 0
    assert all("innovacion" in value.split() for value in pillars)


def test_repository_bad_filter_is_a_400_page_naming_the_parameter(client):
    response = client.get("/repositorio/?level=decidir")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "<code>level</code>" in html


def test_repository_malformed_page_is_400(client):
    response = client.get("/repositorio/?page=dos")
    assert response.status_code == 400
    assert "<code>page</code>" in response.content.decode()


def test_repository_ignores_nothing_silently(client):
    assert client.get("/repositorio/?pilar=transparencia").status_code == 400


def test_experience_detail(client):
    experience = Experience.objects.get(slug="nyc-open-data")
    html = client.get(f"/repositorio/{experience.slug}/").content.decode()
    assert experience.name in html
    assert experience.url in html


def test_unknown_page_is_a_spanish_404(client):
    response = client.get("/no-existe/")
    assert response.status_code == 404
    assert "Página no encontrada" in response.content.decode()


def test_unknown_methodology_is_404(client):
    assert client.get("/metodologias/no-existe/").status_code == 404


def test_language_switcher_sets_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Transparency" in html
    assert "Methodologies" in html, "the English catalogue is compiled and loaded"
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    assert '<html lang="es">' in client.get("/").content.decode()


def test_switcher_rejects_unknown_language(client):
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert '<html lang="es">' in client.get("/").content.decode()
