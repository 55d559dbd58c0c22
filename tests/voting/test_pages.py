"""Public pages of a poll: results, bulletin, receipt checks and exports."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from voting import services
from voting.models import Eligibility, Poll, ResultsVisibility
from voting.services import OptionInput

OPTIONS = [OptionInput("a", "Parque"), OptionInput("b", "Biblioteca"), OptionInput("c", "Vía")]


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def make_poll(entity, method: str = "single", **kwargs) -> Poll:
    kwargs.setdefault("options", OPTIONS)
    kwargs.setdefault("settings", {})
    kwargs.setdefault("eligibility", Eligibility.ENTITY)
    return services.poll_create(entity=entity, title="Prioridades", method=method, **kwargs)


def voted(entity, ballots, method: str = "single", **kwargs) -> tuple[Poll, list[str]]:
    poll = services.poll_open(poll=make_poll(entity, method, **kwargs))
    codes = [
        services.ballot_cast(poll=poll, voter_key=f"u:{i}", content=content)
        for i, content in enumerate(ballots)
    ]
    return poll, codes


def url(name: str, poll: Poll, *args: str) -> str:
    return reverse(f"voting:{name}", args=[poll.pk, *args])


# --- results page ------------------------------------------------------------------------


@pytest.mark.django_db
def test_draft_and_unknown_polls_are_404(client, entity):
    draft = make_poll(entity)
    for name in ("results", "receipt", "bulletin"):
        assert client.get(url(name, draft)).status_code == 404
    assert client.get(url("export", draft, "csv")).status_code == 404
    assert client.get(reverse("voting:results", args=[999999])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("visibility", "step", "visible"),
    [
        (ResultsVisibility.AFTER_CLOSE, "open", False),
        (ResultsVisibility.AFTER_CLOSE, "closed", True),
        (ResultsVisibility.ON_PUBLISH, "open", False),
        (ResultsVisibility.ON_PUBLISH, "closed", False),
        (ResultsVisibility.ON_PUBLISH, "published", True),
        (ResultsVisibility.LIVE, "open", True),
    ],
)
def test_results_hidden_or_visible_per_status_and_setting(
    client, entity, visibility, step, visible
):
    poll, _codes = voted(entity, ["a", "a", "b"], results_visibility=visibility)
    if step in ("closed", "published"):
        services.poll_close(poll=poll)
    if step == "published":
        services.poll_publish(poll=poll)
    response = client.get(url("results", poll))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Prioridades" in html and "Voto único" in html
    assert ("Gráfico de barras" in html) is visible
    assert ("Los resultados se mostrarán" in html) is not visible
    if visible:
        assert "2 (66.67 %)" in html  # text values, not colour only
        assert '<th scope="row">Parque</th>' in html
        assert "Gana Parque con 2 votos" in html  # explanation with labels, not keys
    export = client.get(url("export", poll, "csv"))
    assert export.status_code == (200 if visible else 404)


@pytest.mark.django_db
def test_results_message_says_when_results_will_be_shown(client, entity):
    poll, _ = voted(entity, ["a"], results_visibility=ResultsVisibility.ON_PUBLISH)
    services.poll_close(poll=poll)
    html = client.get(url("results", poll)).content.decode()
    assert "cuando el equipo organizador los publique" in html
    poll2, _ = voted(entity, ["a"])
    html = client.get(url("results", poll2)).content.decode()
    assert "cuando se cierre la votación" in html


@pytest.mark.django_db
def test_irv_rounds_are_rendered(client, entity):
    ballots = [["a", "b"]] * 4 + [["b", "a"]] * 3 + [["c", "b"]] * 2
    poll, _ = voted(entity, ballots, method="irv")
    services.poll_close(poll=poll)
    html = client.get(url("results", poll)).content.decode()
    assert "<caption>Recuento ronda por ronda</caption>" in html
    assert '<th scope="row">1</th><td>4</td><td>3</td><td>2</td>' in html
    assert '<th scope="row">2</th><td>4</td><td>5</td><td>—</td>' in html
    assert "<td>0</td><td>Vía</td></tr>" in html  # round 1 eliminates Vía
    assert '<th scope="row">Vía</th><td>Eliminada en la ronda 1</td>' in html


@pytest.mark.django_db
def test_schulze_matrices_are_rendered(client, entity):
    ballots = [["a", "b", "c"]] * 3 + [["b", "c", "a"]] * 2
    poll, _ = voted(entity, ballots, method="schulze")
    services.poll_close(poll=poll)
    html = client.get(url("results", poll)).content.decode()
    assert html.count('class="schulze-matrix"') == 2
    assert "Comparaciones por pares" in html and "Caminos más fuertes" in html
    # Parque vs Biblioteca: 3 prefer a to b; Biblioteca vs Parque: 2.
    assert '<tr><th scope="row">Parque</th><td>—</td><td>3</td><td>3</td></tr>' in html
    assert '<th scope="col">Biblioteca</th>' in html


@pytest.mark.django_db
def test_option_labels_are_escaped(client, entity):
    evil = "<script>alert(1)</script>"
    poll, _ = voted(
        entity,
        ["a"],
        options=[OptionInput("a", evil), OptionInput("b", "Otra")],
        results_visibility=ResultsVisibility.LIVE,
    )
    html = client.get(url("results", poll)).content.decode()
    assert evil not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.django_db
def test_english_via_language_cookie(client, entity):
    poll, _ = voted(entity, ["a"])
    services.poll_close(poll=poll)
    client.cookies["django_language"] = "en"
    html = client.get(url("results", poll)).content.decode()
    assert '<html lang="en">' in html
    assert "Results" in html and "Resultados" not in html
    assert "Check that your vote was counted" in html


# --- bulletin ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_bulletin_is_404_while_open(client, entity):
    poll, _ = voted(entity, ["a"], results_visibility=ResultsVisibility.LIVE)
    assert client.get(url("bulletin", poll)).status_code == 404


@pytest.mark.django_db
def test_bulletin_shape_and_chain(client, entity):
    poll = services.poll_open(poll=make_poll(entity, allow_change=True))
    first = services.ballot_cast(poll=poll, voter_key="u:1", content="a")
    services.ballot_cast(poll=poll, voter_key="u:2", content="b")
    services.ballot_change(poll=poll, voter_key="u:1", receipt_code=first, content="c")
    services.poll_close(poll=poll)
    response = client.get(url("bulletin", poll))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["chain_valid"] is True
    assert data["poll"]["method"] == "single"
    assert [o["key"] for o in data["poll"]["options"]] == ["a", "b", "c"]
    assert [b["position"] for b in data["ballots"]] == [1, 2, 3]
    assert [b["superseded"] for b in data["ballots"]] == [True, False, False]
    assert [b["content"] for b in data["ballots"]] == ["a", "b", "c"]
    assert data["ballots"][2]["replaces"] == data["ballots"][0]["receipt_hash"]
    for entry in data["ballots"]:
        assert set(entry) == {
            "position",
            "receipt_hash",
            "replaces",
            "content",
            "superseded",
            "chain_hash",
        }
    # A voter finds their own ballot from the bulletin alone: hash of salt + receipt.
    mine = hashlib.sha256((data["receipt_salt"] + first).encode()).hexdigest()
    assert data["ballots"][0]["receipt_hash"] == mine


# --- receipt check -------------------------------------------------------------------------


@pytest.mark.django_db
def test_receipt_check_counted_unknown_superseded(client, entity):
    poll = services.poll_open(poll=make_poll(entity, allow_change=True))
    first = services.ballot_cast(poll=poll, voter_key="u:1", content="a")
    other = services.ballot_cast(poll=poll, voter_key="u:2", content="b")
    second = services.ballot_change(poll=poll, voter_key="u:1", receipt_code=first, content="c")
    page = client.get(url("receipt", poll))
    assert page.status_code == 200
    assert 'aria-describedby="receipt-hint"' in page.content.decode()

    def check(code: str) -> str:
        response = client.post(url("receipt", poll), {"code": code})
        assert response.status_code == 200
        html = response.content.decode()
        assert 'role="status"' in html
        return html

    assert "Su voto fue contado." in check(other)
    assert "Su voto fue contado." in check(f"  {second} ")
    html = check(first)
    assert "Este voto fue reemplazado." in html
    assert "Parque" not in html.split('role="status"')[1]  # no ballot content
    assert "No encontramos ese comprobante." in check("not-a-real-code")


@pytest.mark.django_db
def test_receipt_check_empty_code_is_an_associated_error(client, entity):
    poll, _ = voted(entity, ["a"])
    response = client.post(url("receipt", poll), {"code": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'aria-describedby="receipt-hint receipt-error"' in html
    assert 'aria-invalid="true"' in html and 'id="receipt-error"' in html


@pytest.mark.django_db
def test_receipt_check_needs_csrf(entity):
    poll, codes = voted(entity, ["a"])
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(url("receipt", poll), {"code": codes[0]}).status_code == 403


@pytest.mark.django_db
def test_receipt_check_is_rate_limited(client, entity):
    poll, codes = voted(entity, ["a"])
    for _ in range(30):
        assert client.post(url("receipt", poll), {"code": "nope"}).status_code == 200
    response = client.post(url("receipt", poll), {"code": codes[0]})
    assert response.status_code == 429
    assert "Demasiadas comprobaciones" in response.content.decode()
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post(url("receipt", poll), {"code": codes[0]}).status_code == 200


# --- exports -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_csv_export_with_bom_and_formula_guard(client, entity):
    options = [OptionInput("a", "=HYPERLINK(1)"), OptionInput("b", "Biblioteca")]
    poll, _ = voted(entity, ["a", "a", "b"], options=options)
    services.poll_close(poll=poll)
    response = client.get(url("export", poll, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == ["Opción", "Votos", "Detalle", "Ganadora"]
    assert rows[1] == ["'=HYPERLINK(1)", "2", "2 (66.67 %)", "True"]
    assert rows[2][:2] == ["Biblioteca", "1"]


@pytest.mark.django_db
def test_xlsx_export_has_results_and_ballots(client, entity):
    poll, _ = voted(entity, ["a", "b", "b"])
    services.poll_close(poll=poll)
    response = client.get(url("export", poll, "xlsx"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Resultados", "Papeletas"]
    results = list(workbook["Resultados"].values)
    assert results[0] == ("Opción", "Votos", "Detalle", "Ganadora")
    assert results[2][:2] == ("Biblioteca", 2) and results[2][3] is True
    ballots = list(workbook["Papeletas"].values)
    assert [row[0] for row in ballots[1:]] == [1, 2, 3]
    assert [row[1] for row in ballots[1:]] == ['"a"', '"b"', '"b"']


@pytest.mark.django_db
def test_json_export_and_no_ballots_while_open(client, entity):
    poll, _ = voted(entity, ["a", "b", "b"], results_visibility=ResultsVisibility.LIVE)
    live = json.loads(client.get(url("export", poll, "json")).content)
    assert live["winners"] == ["Biblioteca"]
    assert "ballots" not in live  # the ballot list is not public while voting goes on
    services.poll_close(poll=poll)
    data = json.loads(client.get(url("export", poll, "json")).content)
    assert data["poll"]["method"] == "single"
    assert data["ballots_counted"] == 3
    assert [r["value"] for r in data["results"]] == [1, 2, 0]
    assert data["explanation"] and len(data["ballots"]) == 3
    assert client.get(url("export", poll, "pdf")).status_code == 404
