"""The console's poll fields: parsing into a poll_spec (pure) and the form's view, which
creates the activity with its draft poll or re-renders the form with the errors."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from frontend.poll_form import METHOD_CHOICES, parse_integer, parse_poll_form, service_errors
from sessions.models import Activity
from voting.methods import METHODS
from voting.models import Poll, PollStatus


def form(**fields: str) -> dict[str, str]:
    return {"poll_method": "single", "poll_options": "Parque\nBiblioteca", **fields}


# --- parsing -------------------------------------------------------------------------


def test_every_method_is_offered_with_a_hint() -> None:
    assert [c.code for c in METHOD_CHOICES] == list(METHODS)
    assert all(str(c.label) and str(c.hint) for c in METHOD_CHOICES)


def test_single_options_get_generated_keys_and_blank_lines_are_skipped() -> None:
    spec, errors = parse_poll_form(form(poll_options="  Parque \n\n Biblioteca\nCancha\n"))
    assert errors == {}
    assert spec == {
        "method": "single",
        "options": [
            {"key": "o1", "label": "Parque"},
            {"key": "o2", "label": "Biblioteca"},
            {"key": "o3", "label": "Cancha"},
        ],
        "settings": {},
        "results_visibility": "after_close",
    }


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1.200.000", 1_200_000),
        ("1,200,000", 1_200_000),
        ("1 200 000", 1_200_000),
        ("$ 350.000", 350_000),
        ("950", 950),
        ("12,5", None),
        ("1.20.000", None),
        ("1.200,000", None),
        ("-5", None),
        ("mil", None),
        ("", None),
    ],
)
def test_integers_accept_thousands_separators_only(raw: str, value: int | None) -> None:
    assert parse_integer(raw) == value


def test_budget_lines_carry_costs() -> None:
    spec, errors = parse_poll_form(
        {
            "poll_method": "budget",
            "poll_options": "Parque del barrio | 1.200.000\nBiblioteca|800000\nCancha | 1,500,000",
            "poll_budget": "2.000.000",
            "poll_min_spend": "500.000",
            "poll_rule": "greedy",
            "poll_visibility": "live",
        }
    )
    assert errors == {}
    assert spec is not None
    assert spec["options"] == [
        {"key": "o1", "label": "Parque del barrio", "cost": 1_200_000},
        {"key": "o2", "label": "Biblioteca", "cost": 800_000},
        {"key": "o3", "label": "Cancha", "cost": 1_500_000},
    ]
    assert spec["settings"] == {"budget": 2_000_000, "min_spend": 500_000, "rule": "greedy"}
    assert spec["results_visibility"] == "live"


def test_budget_rule_defaults_to_mes() -> None:
    spec, errors = parse_poll_form(
        {"poll_method": "budget", "poll_options": "A | 10\nB | 20", "poll_budget": "25"}
    )
    assert errors == {}
    assert spec is not None
    assert spec["settings"] == {"budget": 25, "rule": "mes"}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ("Parque | 100\nBiblioteca | 200\nCancha", "Línea 3: falta el costo del proyecto."),
        ("Parque | 100\n\nCancha |  ", "Línea 3: falta el costo del proyecto."),
        ("| 100\nB | 2", "Línea 1: falta el nombre del proyecto."),
        ("Parque | 12,5\nB | 2", "Línea 1: el costo «12,5» no es un número entero positivo."),
        ("Parque | 0\nB | 2", "Línea 1: el costo «0» no es un número entero positivo."),
        ("A | 1\na | 2", "Línea 2: «a» está repetida."),
    ],
)
def test_bad_budget_lines_are_named(options: str, message: str) -> None:
    spec, errors = parse_poll_form(
        {"poll_method": "budget", "poll_options": options, "poll_budget": "1000"}
    )
    assert spec is None
    assert errors == {"poll_options": message}


def test_budget_needs_a_budget_and_min_spend_within_it() -> None:
    _spec, errors = parse_poll_form({"poll_method": "budget", "poll_options": "A | 1\nB | 2"})
    assert errors == {"poll_budget": "Escriba el presupuesto disponible."}
    _spec, errors = parse_poll_form(
        {
            "poll_method": "budget",
            "poll_options": "A | 1\nB | 2",
            "poll_budget": "10",
            "poll_min_spend": "11",
            "poll_rule": "lottery",
        }
    )
    assert errors == {
        "poll_min_spend": "El gasto mínimo no puede superar el presupuesto.",
        "poll_rule": "Elija una regla de asignación de la lista.",
    }


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"poll_method": "lottery"}, {"poll_method": "Elija un método de votación de la lista."}),
        (
            {"poll_options": "Solo una"},
            {"poll_options": "Escriba al menos dos opciones, una por línea."},
        ),
        ({"poll_options": "A\nB\nA"}, {"poll_options": "Línea 3: «A» está repetida."}),
        ({"poll_visibility": "never"}, {"poll_visibility": "Elija cuándo se ven los resultados."}),
        (
            {"poll_options": "A\n" + "x" * 301},
            {"poll_options": "Línea 2: el texto tiene más de 300 caracteres."},
        ),
    ],
)
def test_bad_common_fields(fields: dict[str, str], errors: dict[str, str]) -> None:
    spec, found = parse_poll_form(form(**fields))
    assert spec is None
    assert found == errors


def test_approval_limits() -> None:
    spec, errors = parse_poll_form(
        form(poll_method="approval", poll_min_choices="1", poll_max_choices="2")
    )
    assert errors == {}
    assert spec is not None
    assert spec["settings"] == {"min_choices": 1, "max_choices": 2}
    # A maximum above the number of options means "all of them".
    spec, errors = parse_poll_form(form(poll_method="approval", poll_max_choices="9"))
    assert spec is not None
    assert spec["settings"] == {"min_choices": 1, "max_choices": 2}
    _spec, errors = parse_poll_form(
        form(poll_method="approval", poll_min_choices="3", poll_max_choices="1")
    )
    assert errors == {
        "poll_min_choices": "El mínimo de opciones no puede superar el número de opciones (2).",
        "poll_max_choices": "El máximo de opciones no puede ser menor que el mínimo.",
    }
    _spec, errors = parse_poll_form(form(poll_method="approval", poll_min_choices="dos"))
    assert errors == {"poll_min_choices": "Mínimo de opciones: escriba un número entero desde 1."}


def test_score_scale() -> None:
    spec, errors = parse_poll_form(form(poll_method="score"))
    assert spec is not None
    assert spec["settings"] == {"min_score": 1, "max_score": 5}
    spec, errors = parse_poll_form(
        form(poll_method="score", poll_min_score="0", poll_max_score="10")
    )
    assert spec is not None
    assert spec["settings"] == {"min_score": 0, "max_score": 10}
    _spec, errors = parse_poll_form(
        form(poll_method="score", poll_min_score="5", poll_max_score="5")
    )
    assert errors == {"poll_max_score": "La escala máxima debe ser mayor que la mínima."}


def test_points_total() -> None:
    spec, _errors = parse_poll_form(form(poll_method="points", poll_total="1.000"))
    assert spec is not None
    assert spec["settings"] == {"total": 1000}
    _spec, errors = parse_poll_form(form(poll_method="points", poll_total="0"))
    assert errors == {"poll_total": "Total de puntos: escriba un número entero desde 1."}


def test_consensus_statements_and_submissions() -> None:
    spec, errors = parse_poll_form(
        {
            "poll_method": "consensus",
            "poll_options": "El parque necesita luz",
            "poll_allow_submissions": "on",
        }
    )
    assert errors == {}
    assert spec is not None
    assert spec["options"] == [{"key": "o1", "label": "El parque necesita luz"}]
    assert spec["settings"] == {"allow_submissions": True}
    spec, _errors = parse_poll_form({"poll_method": "consensus", "poll_options": "Una\nDos"})
    assert spec is not None
    assert spec["settings"] == {}


@pytest.mark.parametrize("method", [c.code for c in METHOD_CHOICES if c.code != "budget"])
def test_every_method_parses_with_its_defaults(method: str) -> None:
    spec, errors = parse_poll_form(form(poll_method=method))
    assert errors == {}
    assert spec is not None and spec["method"] == method


def test_service_errors_land_on_form_fields() -> None:
    assert service_errors(
        {"poll_spec": ["Mal."], "title": ["Falta."], "method": ["No."], "options": ["Dup."]}
    ) == {"poll_options": "Mal. Dup.", "title": "Falta.", "poll_method": "No."}


# --- the console form ----------------------------------------------------------------


@pytest.fixture
def console(alice) -> Client:
    client = Client()
    client.force_login(alice)
    return client


def post(client: Client, session, **data: str):
    return client.post(reverse("live:activity_create", args=[session.code]), data)


def test_posting_a_poll_activity_creates_its_draft_poll(console, live_session, alice) -> None:
    response = post(
        console,
        live_session,
        kind="poll",
        title="¿Qué proyecto financiamos?",
        poll_method="budget",
        poll_options="Parque | 1.200.000\nBiblioteca | 800.000\n\nCancha | 900.000",
        poll_budget="2.000.000",
        poll_rule="mes",
        poll_visibility="live",
    )
    assert response.status_code == 302
    activity = Activity.objects.get(session=live_session, kind="poll")
    poll = Poll.objects.get(activity=activity)
    assert poll.title == "¿Qué proyecto financiamos?"
    assert poll.method == "budget"
    assert poll.status == PollStatus.DRAFT
    assert poll.results_visibility == "live"
    assert poll.settings == {"budget": 2_000_000, "rule": "mes"}
    assert poll.created_by == alice
    assert list(poll.options.values_list("key", "label", "cost")) == [
        ("o1", "Parque", 1_200_000),
        ("o2", "Biblioteca", 800_000),
        ("o3", "Cancha", 900_000),
    ]


def test_a_bad_poll_re_renders_with_errors_and_creates_nothing(console, live_session) -> None:
    response = post(
        console,
        live_session,
        kind="poll",
        title="Presupuesto",
        poll_method="budget",
        poll_options="Parque | 100\nBiblioteca | 200\nCancha",
        poll_budget="",
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Línea 3: falta el costo del proyecto." in html
    assert 'id="act-poll-options-error"' in html
    assert (
        'aria-describedby="act-poll-options-hint act-poll-options-error" aria-invalid="true"'
        in html
    )
    assert 'id="act-poll-budget-error"' in html
    # What was typed comes back, so nothing has to be written again.
    assert "Biblioteca | 200" in html
    assert not Activity.objects.filter(session=live_session).exists()
    assert not Poll.objects.exists()


def test_a_poll_without_title_names_both(console, live_session) -> None:
    response = post(console, live_session, kind="poll", title=" ", poll_method="single")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="act-title-error"' in html
    assert "Escriba al menos dos opciones, una por línea." in html
    assert not Activity.objects.exists()


def test_other_kinds_ignore_the_poll_fields(console, live_session) -> None:
    response = post(
        console, live_session, kind="slide", title="Hola", poll_method="single", poll_options=""
    )
    assert response.status_code == 302
    assert Activity.objects.get().kind == "slide"
    assert not Poll.objects.exists()


def test_the_console_offers_the_poll_fields(console, live_session) -> None:
    html = console.get(reverse("live:console", args=[live_session.code])).content.decode()
    assert 'name="poll_method"' in html
    assert 'value="budget"' in html and 'name="poll_budget"' in html
    assert 'name="poll_allow_submissions"' in html
    assert 'data-poll-results-url="/votaciones/{id}/"' in html


def test_open_answers_take_no_options_and_a_limit() -> None:
    spec, errors = parse_poll_form(
        {"poll_method": "open", "poll_options": "ignored", "poll_max_answers": "2"}
    )
    assert errors == {}
    assert spec is not None
    assert spec["options"] == []
    assert spec["settings"] == {"max_answers": 2}
    _spec, errors = parse_poll_form({"poll_method": "open", "poll_max_answers": "21"})
    assert errors == {"poll_max_answers": "Respuestas por persona: como máximo 20."}


@pytest.mark.parametrize(
    ("fields", "method", "settings", "labels"),
    [
        (
            {"poll_method": "open", "poll_max_answers": "2"},
            "open",
            {"max_answers": 2},
            [],
        ),
        (
            {
                "poll_method": "consensus",
                "poll_options": "Más luz en el parque\nMenos ruido",
                "poll_allow_submissions": "on",
            },
            "consensus",
            {"allow_submissions": True},
            ["Más luz en el parque", "Menos ruido"],
        ),
        (
            {"poll_method": "score", "poll_options": "A\nB", "poll_max_score": "10"},
            "score",
            {"min_score": 1, "max_score": 10},
            ["A", "B"],
        ),
    ],
)
def test_each_method_posts_its_settings(
    console, live_session, fields, method, settings, labels
) -> None:
    response = post(console, live_session, kind="poll", title="Consulta", **fields)
    assert response.status_code == 302
    poll = Poll.objects.get(activity__session=live_session)
    assert (poll.method, poll.settings) == (method, settings)
    assert list(poll.options.values_list("label", flat=True)) == labels
