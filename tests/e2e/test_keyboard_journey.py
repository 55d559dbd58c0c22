"""A citizen's whole journey with the keyboard alone, and what a screen reader hears.

No mouse and no ``.click()`` on the citizen's page: Tab, Enter, Space and typing. She
joins a live session by code (code, display name, consent), reaches the canvas, adds a
note, follows the facilitator to a ranked poll, votes and gets her receipt. At each step
the polite live regions must carry the news: "Nota agregada", the new activity, "Su
voto quedó registrado" with the receipt code, "Reconectando…" while the connection is
down, and "se acabó el tiempo" once when a countdown reaches zero (WCAG 2.1 SC 4.1.3,
status messages).

The facilitator is driven the simplest way: the console's forms with the mouse, and
commands through the console's own realtime client.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.test_canvas_e2e import CANVAS, canvas_session, new_page, tab_until
from tests.e2e.test_live_session import (
    bring_everyone_to,
    console_ready,
    demo,  # noqa: F401  (loads the demo data)
)
from tests.e2e.test_voting_e2e import create_poll, facilitator_command

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

POLL = "¿Qué arreglamos primero?"
SPEC = {
    "title": POLL,
    "method": "irv",
    "options": [
        {"key": "luz", "label": "Luminarias"},
        {"key": "anden", "label": "Andenes"},
        {"key": "parque", "label": "Parque"},
    ],
}


def focused(page: Page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def type_into(page: Page, element_id: str, text: str) -> None:
    tab_until(page, page.locator(f"#{element_id}"))
    page.keyboard.type(text)


def test_join_add_a_note_vote_and_hear_each_step(browser: Browser, demo) -> None:  # noqa: F811
    with new_page(browser, demo) as console, new_page(browser, demo) as lucia:
        code = canvas_session(console)
        ids = create_poll(demo, code, SPEC)
        console.reload()
        console_ready(console)
        assert facilitator_command(console, "poll.open", ids["activity_id"])["status"] == "open"

        # 1. Join by code: type the code, Enter; name, consent with Space, Enter.
        lucia.goto("/s/")
        type_into(lucia, "id_code", code.lower())
        lucia.keyboard.press("Enter")
        expect(lucia).to_have_url(re.compile(rf"/s/{code}/$"))
        type_into(lucia, "id_display_name", "Lucía")
        tab_until(lucia, lucia.locator("#id_consent"))
        lucia.keyboard.press("Space")
        expect(lucia.locator("#id_consent")).to_be_checked()
        tab_until(lucia, lucia.get_by_role("button", name="Unirme a la sesión"))
        lucia.keyboard.press("Enter")
        expect(lucia.get_by_text("Participa como Lucía")).to_be_visible()

        # 2. The canvas is the current activity: add a note with the keyboard.
        expect(lucia.locator("#activity-title")).to_have_text(CANVAS)
        toggle = lucia.get_by_role("button", name="Agregar nota", exact=True)
        tab_until(lucia, toggle)
        lucia.keyboard.press("Enter")
        text = lucia.locator("#canvas-add-form").get_by_label("Texto de la nota")
        expect(text).to_be_focused()
        lucia.keyboard.type("Falta luz en el sendero del río")
        tab_until(lucia, lucia.get_by_role("button", name="Agregar esta nota"))
        lucia.keyboard.press("Enter")
        added = lucia.locator("#canvas-add-feedback")
        expect(added).to_contain_text("Nota agregada")
        assert added.get_attribute("role") == "status"
        assert added.get_attribute("aria-live") == "polite"
        shared = console.locator("#canvas-notes .canvas-note", has_text="sendero del río")
        expect(shared).to_be_visible()

        # 3. The facilitator moves everyone to the poll; the change is announced.
        bring_everyone_to(console, POLL)
        expect(lucia.locator("#activity-title")).to_have_text(POLL)
        announcer = lucia.locator("#live-announcer")
        assert announcer.get_attribute("aria-live") == "polite"
        expect(announcer).to_have_text(f"Nueva actividad: {POLL}")

        # 4. Rank «Parque» first with Enter on its "Subir" button, then send the vote.
        up = lucia.get_by_role("button", name="Subir «Parque»")
        tab_until(lucia, up)
        lucia.keyboard.press("Enter")
        expect(announcer).to_have_text("«Parque»: posición 2 de 3")
        lucia.keyboard.press("Enter")
        expect(announcer).to_have_text("«Parque»: posición 1 de 3")
        expect(up).to_be_focused()
        tab_until(lucia, lucia.get_by_role("button", name="Enviar mi voto"))
        lucia.keyboard.press("Enter")

        # 5. The receipt: announced with its code, the heading takes the focus.
        expect(announcer).to_contain_text("Su voto quedó registrado")
        receipt = lucia.get_by_label("Su código de comprobante").input_value()
        assert re.fullmatch(r"[A-Za-z0-9_-]{22}", receipt), receipt
        expect(announcer).to_contain_text(receipt)
        expect(lucia.get_by_role("heading", name="Su voto quedó registrado")).to_be_focused()
        # The receipt can be copied from the keyboard too: its button is reachable.
        tab_until(lucia, lucia.get_by_role("button", name="Copiar código"))

        # 6. A countdown reaching zero is announced once, politely, on both screens.
        result = console.evaluate("() => window.__cocreaRealtime.send('timer.start', {seconds: 2})")
        assert result is not None
        expect(lucia.get_by_role("timer")).to_contain_text("se acabó el tiempo")
        expect(announcer).to_have_text("se acabó el tiempo")
        expect(console.locator("#console-announcer")).to_have_text("se acabó el tiempo")
        assert console.locator("#console-announcer").get_attribute("aria-live") == "polite"
        # The timer itself is not a live region (a reading every second would drown
        # everything else): only the end is announced.
        assert lucia.get_by_role("timer").get_attribute("aria-live") == "off"
        lucia.wait_for_timeout(1200)
        expect(announcer).to_have_text("se acabó el tiempo")

        # 7. The connection drops: "Reconectando…" in a status region, then it clears.
        lucia.context.set_offline(True)
        lucia.evaluate("window.__cocreaRealtime.socket && window.__cocreaRealtime.socket.close()")
        status = lucia.locator("#live-connection")
        expect(status).to_have_text("Reconectando…")
        assert status.get_attribute("role") == "status"
        assert status.get_attribute("aria-live") == "polite"
        lucia.context.set_offline(False)
        expect(status).to_have_text("")
        expect(status).to_be_hidden()
        # Caught up: still on the poll, and the vote already cast is not offered again.
        expect(lucia.locator("#activity-title")).to_have_text(POLL)
        expect(lucia.locator(".ballot-form")).to_have_count(0)
