"""The read-only toolkit API on a fresh (migrated) database."""

from __future__ import annotations

import pytest
import yaml
from openapi_spec_validator import validate

from cocrea.toolkit.models import Experience

pytestmark = pytest.mark.django_db

API = "/api/v1/toolkit"


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [("pillars", 4), ("levels", 5), ("lineamientos", 4), ("decalogo", 10)],
)
def test_fixed_vocabularies_have_their_exact_counts(client, endpoint, expected):
    body = client.get(f"{API}/{endpoint}/").json()
    assert body["count"] == expected
    assert len(body["results"]) == expected


@pytest.mark.parametrize(("endpoint", "minimum"), [("methodologies", 8), ("experiences", 15)])
def test_collections_have_at_least_the_promised_entries(client, endpoint, minimum):
    body = client.get(f"{API}/{endpoint}/?page_size=100").json()
    assert body["count"] >= minimum
    assert len(body["results"]) == body["count"]


def test_levels_carry_goal_and_promise_in_order(client):
    levels = client.get(f"{API}/levels/").json()["results"]
    assert [level["code"] for level in levels] == [
        "informar",
        "consultar",
        "involucrar",
        "colaborar",
        "empoderar",
    ]
    assert levels[-1]["promise"] == "Implementaremos lo que ustedes decidan."
    assert all(level["goal"] and level["promise"] for level in levels)


def test_methodology_detail_has_steps_and_a_drawable_canvas(client):
    body = client.get(f"{API}/methodologies/arbol-de-problemas/").json()
    assert len(body["steps"]) >= 4
    canvas = body["canvas"]
    assert canvas["zones"]
    for zone in canvas["zones"]:
        assert zone["label"] and zone["prompt"]
        assert 0 <= zone["x"] and zone["x"] + zone["width"] <= canvas["width"]
        assert 0 <= zone["y"] and zone["y"] + zone["height"] <= canvas["height"]


def test_filter_by_pillar_returns_only_matching_experiences(client):
    body = client.get(f"{API}/experiences/?pillar=transparencia&page_size=100").json()
    expected = Experience.objects.filter(pillar__code="transparencia").count()
    expected += Experience.objects.filter(second_pillar__code="transparencia").count()
    assert body["count"] == expected > 0
    for item in body["results"]:
        assert "transparencia" in (item["pillar"], item["second_pillar"])


def test_filters_combine(client):
    body = client.get(f"{API}/experiences/?country=CO&level=informar&page_size=100").json()
    assert body["count"] > 0
    for item in body["results"]:
        assert item["country"] == "CO" and item["level"] == "informar"
    assert body["count"] < client.get(f"{API}/experiences/?country=CO").json()["count"]


def test_lineamiento_filter(client):
    body = client.get(f"{API}/experiences/?lineamiento=datos-abiertos&page_size=100").json()
    assert body["count"] > 0
    assert all("datos-abiertos" in item["lineamientos"] for item in body["results"])


def test_search_is_accent_and_case_insensitive(client):
    plain = client.get(f"{API}/experiences/?q=BOGOTA").json()
    accented = client.get(f"{API}/experiences/?q=bogotá").json()
    assert plain["count"] == accented["count"] > 0
    names = {item["slug"] for item in plain["results"]}
    assert names == {item["slug"] for item in accented["results"]}


def test_search_requires_every_word(client):
    one = client.get(f"{API}/experiences/?q=datos").json()["count"]
    two = client.get(f"{API}/experiences/?q=datos colombia").json()["count"]
    assert 0 < two < one


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("pillar=nope", "pillar"),
        ("level=decidir", "level"),
        ("lineamiento=x", "lineamiento"),
        ("country=ZZ", "country"),
        ("kind=blog", "kind"),
        ("piller=transparencia", "piller"),
        ("pillar=transparencia&pillar=innovacion", "pillar"),
        ("page=abc", "page"),
        ("page=0", "page"),
        ("page_size=-1", "page_size"),
        ("page_size=1000", "page_size"),
        ("q=" + "x" * 201, "q"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(client, query, parameter):
    response = client.get(f"{API}/experiences/?{query}")
    assert response.status_code == 400, response.content
    assert parameter in response.json()


def test_page_past_the_end_is_404_naming_page(client):
    response = client.get(f"{API}/experiences/?page=999")
    assert response.status_code == 404
    assert "page" in response.json()


def test_pagination_walks_every_item_once(client):
    seen: list[str] = []
    url = f"{API}/experiences/?page_size=7"
    while url:
        body = client.get(url).json()
        seen += [item["slug"] for item in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == Experience.objects.count()


def test_english_through_the_language_cookie(client):
    client.cookies["django_language"] = "en"
    pillars = client.get(f"{API}/pillars/").json()["results"]
    assert pillars[0]["name"] == "Transparency"
    levels = client.get(f"{API}/levels/").json()["results"]
    assert levels[0]["promise"] == "We will keep you informed."


def test_spanish_is_the_default_even_for_english_browsers(client):
    body = client.get(f"{API}/pillars/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").json()
    assert body["results"][0]["name"] == "Transparencia"


def test_api_is_read_only(client, alice):
    client.force_login(alice)
    response = client.post(f"{API}/pillars/", {"code": "x"}, content_type="application/json")
    assert response.status_code == 405
    assert client.delete(f"{API}/pillars/transparencia/").status_code == 405


def test_schema_is_valid_openapi_3(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    spec = yaml.safe_load(response.content)
    assert spec["openapi"].startswith("3.")
    validate(spec)
    for path in ("pillars", "levels", "lineamientos", "methodologies", "experiences"):
        assert f"/api/v1/toolkit/{path}/" in spec["paths"]
    params = {p["name"] for p in spec["paths"]["/api/v1/toolkit/experiences/"]["get"]["parameters"]}
    assert {"pillar", "level", "lineamiento", "country", "q", "page"} <= params


def test_docs_page_serves_without_a_cdn(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"cdn." not in response.content
    assert b"/static/drf_spectacular_sidecar/" in response.content
