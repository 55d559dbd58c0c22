"""Polls run from the facilitator console in real Chromium: the demo facilitator adds a
poll through the console's "add activity" form (a mistake first comes back on the
form, field by field), opens it, a citizen votes, the projector's chart shows the
count live, and closing shows the winner and the explanation on the projector and the
console. A poll whose results wait for the close shows only the turnout meanwhile.

The citizen votes over their own page's socket (`window.__cocreaRealtime.votePoll`),
so this journey does not depend on the ballot screen, which has its own tests.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.test_canvas_e2e import new_page
from tests.e2e.test_live_session import (  # the live-session helpers, reused as they are
    bring_everyone_to,
    command,
    console_ready,
    demo,  # noqa: F401  (the module-scoped fixture that loads the demo data)
    join,
    open_session,
    sign_in,
)
from tests.e2e.waits import wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

POLL = "¿Qué arreglamos primero?"
SECRET = "Prioridad del presupuesto"


def add_poll(
    console: Page,
    title: str,
    method: str,
    options: str,
    visibility: str,
    **settings: str,
) -> None:
    form = console.locator("#activity-form")
    form.get_by_label("Tipo de actividad").select_option(label="Votación")
    form.get_by_label("Título").fill(title)
    form.get_by_label("Método de votación").select_option(label=method)
    form.get_by_label("Opciones (una por línea)").fill(options)
    form.get_by_label("El público ve los resultados").select_option(label=visibility)
    for label, value in settings.items():
        form.get_by_label(label, exact=True).fill(value)
    form.get_by_role("button", name="Agregar actividad").click()


def vote(citizen: Page, title: str, ballot: object) -> str:
    """Cast ``ballot`` in the poll titled ``title`` over the citizen's socket; the receipt."""
    wait_until(
        citizen,
        """title => { const c = window.__cocreaRealtime;
            return c && c.state && [...c.state.polls.values()].some(
              p => p.title === title && p.status === "open"); }""",
        arg=title,
    )
    return citizen.evaluate(
        """async ([title, ballot]) => { const c = window.__cocreaRealtime;
            const poll = [...c.state.polls.values()].find(p => p.title === title);
            const result = await c.votePoll(poll.activity_id, ballot);
            return result.receipt; }""",
        [title, ballot],
    )


def poll_card(console: Page, title: str):
    return console.locator("#poll-list > li", has_text=title)


def test_facilitator_creates_opens_and_closes_a_poll_from_the_console(
    browser: Browser,
    demo,  # noqa: F811
) -> None:
    with new_page(browser, demo) as console, new_page(browser, demo) as citizen:
        sign_in(console)
        code = open_session(console)
        console_ready(console)

        # The poll fields appear for polls only, and the settings for their method.
        form = console.locator("#activity-form")
        expect(form.get_by_label("Método de votación")).to_be_hidden()
        form.get_by_label("Tipo de actividad").select_option(label="Votación")
        expect(form.get_by_label("Método de votación")).to_be_visible()
        expect(form.get_by_label("Presupuesto disponible")).to_be_hidden()
        form.get_by_label("Método de votación").select_option(label="Presupuesto participativo")
        expect(form.get_by_label("Presupuesto disponible")).to_be_visible()
        expect(
            form.get_by_text(re.compile(r"^Presupuesto participativo: Cada persona elige"))
        ).to_be_visible()
        expect(form.get_by_text(re.compile(r"^Voto único: Cada persona"))).to_be_hidden()

        # A budget line without its cost comes back on the form, on its field.
        add_poll(
            console,
            "Obras del barrio",
            "Presupuesto participativo",
            "Parque | 1.200.000\nBiblioteca | 800.000\nCancha",
            "En vivo, mientras se vota",
            **{"Presupuesto disponible": "2.000.000"},
        )
        options = console.get_by_label("Opciones (una por línea)")
        expect(options).to_have_attribute("aria-invalid", "true")
        expect(options).to_have_accessible_description(
            re.compile(r"Línea 3: falta el costo del proyecto\.$")
        )
        expect(console.get_by_role("alert")).to_contain_text(
            "Línea 3: falta el costo del proyecto."
        )
        # What was typed is still there, and so are the poll fields.
        expect(options).to_have_value("Parque | 1.200.000\nBiblioteca | 800.000\nCancha")
        expect(console.get_by_label("Presupuesto disponible")).to_have_value("2.000.000")
        expect(console.locator("#agenda > li")).to_have_count(0)
        expect(console.locator("#console-polls")).to_be_hidden()

        console_ready(console)
        add_poll(
            console,
            POLL,
            "Voto único",
            "Parque\n\nBiblioteca\nCancha",
            "En vivo, mientras se vota",
        )
        expect(console.locator("#agenda > li", has_text=POLL)).to_be_visible()
        add_poll(
            console,
            SECRET,
            "Aprobación",
            "Salud\nEducación",
            "Al cerrar la votación",
            **{"Máximo de opciones por persona": "1"},
        )
        console_ready(console)
        card = poll_card(console, POLL)
        expect(card).to_contain_text("Borrador")
        expect(card).to_contain_text("Voto único")
        expect(card).to_contain_text("0 votos")
        expect(card.get_by_role("button", name=f"Abrir ({POLL})")).to_be_enabled()
        expect(card.get_by_role("button", name=f"Cerrar ({POLL})")).to_be_disabled()
        expect(card.get_by_role("button", name=f"Publicar resultados ({POLL})")).to_be_disabled()
        link = card.get_by_role("link", name=f"Página pública de resultados ({POLL})")
        expect(link).to_have_attribute("href", re.compile(r"^/votaciones/\d+/$"))

        projector = console.context.new_page()
        projector.goto(f"/s/{code}/proyector/")
        join(citizen, code, "Ana")
        command(console, "Iniciar sesión")
        bring_everyone_to(console, POLL)
        expect(card).to_contain_text("En pantalla ahora")
        expect(projector.locator("#activity-title")).to_have_text(POLL)
        expect(projector.locator("#projector-poll-how")).to_have_text(
            "La votación abrirá en un momento."
        )

        card.get_by_role("button", name=f"Abrir ({POLL})").click()
        expect(console.locator("#console-feedback")).to_have_text(
            f"Hecho: Abrir la votación «{POLL}»."
        )
        expect(card.locator(".poll-status")).to_have_text("Abierta")
        expect(card.get_by_role("button", name=f"Abrir ({POLL})")).to_be_disabled()
        expect(card.get_by_role("button", name=f"Cerrar ({POLL})")).to_be_enabled()
        expect(projector.locator("#projector-poll-how")).to_have_text(
            f"Vote en su celular: entre con el código {code}."
        )
        receipt = vote(citizen, POLL, "o1")
        assert receipt

        chart = projector.locator("#projector-poll-chart")
        expect(chart.locator(".poll-turnout")).to_have_text("1 voto")
        parque = chart.get_by_role("row", name=re.compile(r"^Parque"))
        expect(parque.get_by_role("cell")).to_have_text("1")
        expect(chart.get_by_role("row", name=re.compile(r"^Biblioteca"))).to_contain_text("0")
        expect(chart.get_by_role("columnheader")).to_have_text(["Opción", "Votos"])
        expect(card.locator(".poll-turnout")).to_have_text("1 voto")
        expect(
            card.get_by_role("row", name=re.compile(r"^Parque")).get_by_role("cell")
        ).to_have_text("1")

        card.get_by_role("button", name=f"Cerrar ({POLL})").click()  # the confirm is accepted
        expect(console.locator("#console-feedback")).to_have_text(
            f"Hecho: Cerrar la votación «{POLL}»."
        )
        expect(card.locator(".poll-status")).to_have_text("Cerrada")
        expect(card.get_by_role("button", name=f"Publicar resultados ({POLL})")).to_be_enabled()
        expect(projector.locator("#projector-poll-how")).to_have_text("La votación está cerrada.")
        expect(chart.locator(".poll-winner")).to_have_text("Opción ganadora: Parque.")
        expect(parque).to_contain_text("(ganadora)")
        # The explanation names options by their labels, never by generated keys.
        explanation = chart.locator(".poll-explanation")
        expect(explanation).to_contain_text("Parque")
        expect(explanation).not_to_contain_text(re.compile(r"\bo\d\b"))
        expect(card.locator(".poll-winner")).to_have_text("Opción ganadora: Parque.")

        card.get_by_role("button", name=f"Publicar resultados ({POLL})").click()
        expect(card.locator(".poll-status")).to_have_text("Resultados publicados")
        expect(card.get_by_role("button", name=f"Publicar resultados ({POLL})")).to_be_disabled()

        # Results shown after the close: meanwhile the projector shows only the turnout,
        # though it receives the counts as the facilitator's screen does.
        bring_everyone_to(console, SECRET)
        secret = poll_card(console, SECRET)
        secret.get_by_role("button", name=f"Abrir ({SECRET})").click()
        expect(secret.locator(".poll-status")).to_have_text("Abierta")
        vote(citizen, SECRET, ["o2"])
        expect(chart.locator(".poll-turnout")).to_have_text("1 voto")
        expect(chart.locator(".poll-hidden-note")).to_have_text(
            "Los resultados se mostrarán al cerrar la votación."
        )
        expect(chart.locator(".poll-table")).to_be_hidden()
        expect(secret.get_by_role("row", name=re.compile(r"^Educación"))).to_contain_text("1")
        secret.get_by_role("button", name=f"Cerrar ({SECRET})").click()
        expect(chart.get_by_role("row", name=re.compile(r"^Educación"))).to_contain_text("1")
        expect(chart.locator(".poll-winner")).to_have_text("Opción ganadora: Educación.")
        projector.close()
