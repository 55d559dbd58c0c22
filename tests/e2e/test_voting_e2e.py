"""Voting in a live session in real Chromium, as a new user would: the demo facilitator
opens a session with a poll, a citizen joins with the code on a phone-sized screen,
ranks the options with the keyboard alone, gets a receipt, and after the close finds
it counted on the receipt-check page and on the public bulletin. Plus: a refused
ballot shows why and gives no receipt; the points and budget ballots keep a running
status text.

The poll activity is created with ``sessions.live.activity_add`` in the server's own
database (``manage.py shell``), not through a console form: the console's poll form is
not part of this journey. Opening, closing and "bring everyone here" go through the
facilitator's console and its WebSocket, like a facilitator's clicks would.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.test_canvas_e2e import new_page, tab_until
from tests.e2e.test_live_session import (  # the live-session helpers, reused as they are
    ROOT,
    bring_everyone_to,
    command,
    console_ready,
    demo,  # noqa: F401  (the module-scoped fixture that loads the demo data)
    join,
    open_session,
    sign_in,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}
OPTIONS = [
    {"key": "parque", "label": "Parque"},
    {"key": "biblioteca", "label": "Biblioteca"},
    {"key": "ciclovia", "label": "Ciclovía"},
    {"key": "huerta", "label": "Huerta"},
]

CREATE_POLL = """
import json, sys
from sessions.live import activity_add
from sessions.models import LiveSession
spec = json.loads(SPEC)
session = LiveSession.objects.filter(code=CODE).exclude(status="ended").latest("pk")
activity = activity_add(session=session, kind="poll", title=spec["title"], poll_spec=spec)
print(json.dumps({"activity_id": activity.pk, "poll_id": activity.poll.pk}))
"""


def manage_shell(site, script: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=site.env,
        check=True,
        timeout=60,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1]


def create_poll(site, code: str, spec: dict[str, Any]) -> dict[str, int]:
    script = f"CODE = {code!r}\nSPEC = {json.dumps(json.dumps(spec))}\n" + CREATE_POLL
    return json.loads(manage_shell(site, script))


def facilitator_command(console: Page, kind: str, activity_id: int) -> dict[str, Any]:
    """A poll command from the console's own realtime client (its WebSocket)."""
    return console.evaluate(
        "([kind, id]) => window.__cocreaRealtime.send(kind, {activity_id: id})",
        [kind, activity_id],
    )


def poll_session(console: Page, site, spec: dict[str, Any]) -> tuple[str, dict[str, int]]:
    """A live session whose current activity is an open poll made from ``spec``."""
    sign_in(console)
    code = open_session(console)
    ids = create_poll(site, code, spec)
    console.reload()  # the console learns the new activity from its snapshot
    console_ready(console)
    command(console, "Iniciar sesión")
    assert facilitator_command(console, "poll.open", ids["activity_id"])["status"] == "open"
    bring_everyone_to(console, spec["title"])
    return code, ids


def test_citizen_ranks_with_the_keyboard_and_finds_the_receipt(browser: Browser, demo) -> None:  # noqa: F811
    title = "Prioridad del barrio"
    spec = {"title": title, "method": "irv", "options": OPTIONS}
    with new_page(browser, demo) as console, new_page(browser, demo, **PHONE) as ana:
        code, ids = poll_session(console, demo, spec)
        join(ana, code, "Ana")
        expect(ana.locator("#activity-title")).to_have_text(title)
        ranking = ana.locator(".ballot-ranking > li .ballot-rank-label")
        expect(ranking).to_have_text(["Parque", "Biblioteca", "Ciclovía", "Huerta"])
        # Mobile first: nothing wider than the phone, touch targets of at least 44px.
        assert ana.evaluate("document.documentElement.scrollWidth") <= 375
        up_huerta = ana.get_by_role("button", name="Subir «Huerta»")
        assert up_huerta.bounding_box()["height"] >= 44

        # Keyboard only: Tab to «Subir «Huerta»» and press Enter three times; focus stays
        # on that button while the item climbs, and each move is announced.
        tab_until(ana, up_huerta)
        for position in (3, 2, 1):
            ana.keyboard.press("Enter")
            expect(ana.locator("#live-announcer")).to_have_text(
                f"«Huerta»: posición {position} de 4"
            )
            expect(up_huerta).to_be_focused()
        expect(ranking).to_have_text(["Huerta", "Parque", "Biblioteca", "Ciclovía"])
        expect(up_huerta).to_have_attribute("aria-disabled", "true")

        down_biblioteca = ana.get_by_role("button", name="Bajar «Biblioteca»")
        tab_until(ana, down_biblioteca)
        ana.keyboard.press("Space")
        expect(ana.locator("#live-announcer")).to_have_text("«Biblioteca»: posición 4 de 4")
        expect(down_biblioteca).to_be_focused()
        expect(ranking).to_have_text(["Huerta", "Parque", "Ciclovía", "Biblioteca"])

        tab_until(ana, ana.get_by_role("button", name="Enviar mi voto"))
        ana.keyboard.press("Enter")
        expect(ana.locator("#live-announcer")).to_contain_text("Su voto quedó registrado")
        heading = ana.get_by_role("heading", name="Su voto quedó registrado")
        expect(heading).to_be_focused()
        receipt_box = ana.get_by_label("Su código de comprobante")
        receipt = receipt_box.input_value()
        assert re.fullmatch(r"[A-Za-z0-9_-]{22}", receipt), receipt
        expect(ana.locator("#live-announcer")).to_contain_text(receipt)
        expect(ana.get_by_role("button", name="Copiar código")).to_be_visible()
        expect(ana.locator(".ballot-form")).to_have_count(0)

        # A reload cannot bring the receipt back from the server; this tab kept it.
        ana.reload()
        expect(ana.get_by_role("heading", name="Usted ya votó")).to_be_visible()
        expect(ana.get_by_label("Su código de comprobante")).to_have_value(receipt)

        assert facilitator_command(console, "poll.close", ids["activity_id"])["status"] == "closed"
        expect(ana.locator(".ballot-state")).to_have_text("La votación está cerrada.")

        ana.get_by_role("link", name="Comprobar mi voto").click()
        expect(ana).to_have_url(re.compile(rf"/votaciones/{ids['poll_id']}/comprobante/$"))
        ana.get_by_label("Código de comprobante").fill(receipt)
        ana.get_by_role("button", name="Comprobar").click()
        expect(ana.get_by_text("Su voto fue contado.")).to_be_visible()

        response = ana.request.get(f"/votaciones/{ids['poll_id']}/boletin.json")
        assert response.status == 200
        bulletin = response.json()
        assert bulletin["chain_valid"] is True
        # The voter's own check, with nothing but the public bulletin and the receipt.
        mine = hashlib.sha256((bulletin["receipt_salt"] + receipt).encode()).hexdigest()
        entries = [b for b in bulletin["ballots"] if b["receipt_hash"] == mine]
        assert len(entries) == 1, bulletin["ballots"]
        assert entries[0]["content"] == ["huerta", "parque", "ciclovia", "biblioteca"]
        assert entries[0]["superseded"] is False


def test_refused_ballot_says_why_and_gives_no_receipt(browser: Browser, demo) -> None:  # noqa: F811
    title = "Dos prioridades"
    spec = {
        "title": title,
        "method": "approval",
        "options": OPTIONS,
        "settings": {"min_choices": 1, "max_choices": 2},
    }
    with new_page(browser, demo) as console, new_page(browser, demo) as beto:
        code, _ids = poll_session(console, demo, spec)
        join(beto, code, "Beto")
        expect(beto.get_by_role("group", name=title)).to_contain_text("Elija entre 1 y 2 opciones.")
        # While input is locked the controls stay focusable but do not change, and the
        # ballot says why.
        console.evaluate("() => window.__cocreaRealtime.send('input.lock')")
        lock = beto.locator(".ballot-lock")
        expect(lock).to_have_text("El equipo facilitador cerró los aportes por ahora.")
        parque = beto.get_by_label("Parque")
        expect(parque).to_have_attribute("aria-disabled", "true")
        parque.focus()
        beto.keyboard.press("Space")
        expect(parque).not_to_be_checked()
        console.evaluate("() => window.__cocreaRealtime.send('input.unlock')")
        expect(lock).to_be_hidden()
        expect(parque).to_have_attribute("aria-disabled", "false")

        for label in ("Parque", "Biblioteca", "Huerta"):
            beto.get_by_label(label).check()
        expect(beto.locator(".ballot-live")).to_have_text("Ha elegido 3 de 2 como máximo.")
        beto.get_by_role("button", name="Enviar mi voto").click()
        error = beto.get_by_role("alert")
        expect(error).to_have_text("Eligió demasiadas opciones: 3. El máximo es 2.")
        expect(beto.locator(".ballot-receipt-code")).to_have_count(0)
        assert beto.evaluate("window.__cocreaRealtime.pending.size") == 0  # nothing was sent

        # The server's refusal is shown too: a ballot the client let through but the
        # server refuses (an option that does not exist) names the problem, no receipt.
        refused = beto.evaluate(
            """() => window.__cocreaRealtime
                .votePoll(window.__cocreaRealtime.state.session.current_activity_id, ["nada"])
                .then(() => "accepted", (error) => error.code)"""
        )
        assert refused == "unknown_option"

        beto.get_by_label("Huerta").uncheck()
        expect(beto.locator(".ballot-live")).to_have_text("Ha elegido 2 de 2 como máximo.")
        beto.get_by_role("button", name="Enviar mi voto").click()
        expect(beto.get_by_role("heading", name="Su voto quedó registrado")).to_be_focused()


def test_points_and_budget_ballots_keep_a_running_status(browser: Browser, demo) -> None:  # noqa: F811
    points = {
        "title": "Reparta sus puntos",
        "method": "points",
        "options": OPTIONS[:3],
        "settings": {"total": 10},
    }
    with new_page(browser, demo) as console, new_page(browser, demo, **PHONE) as carla:
        code, _ids = poll_session(console, demo, points)
        join(carla, code, "Carla")
        status = carla.locator(".ballot-live")
        expect(status).to_have_text("Quedan 10 de 10 puntos.")
        carla.get_by_label("Parque").fill("6")
        expect(status).to_have_text("Quedan 4 de 10 puntos.")
        carla.get_by_label("Biblioteca").fill("7")
        expect(status).to_have_text("Se pasó por 3 puntos: el total es 10.")
        carla.get_by_role("button", name="Enviar mi voto").click()
        expect(carla.get_by_role("alert")).to_have_text(
            "Repartió 13 puntos, más que los 10 disponibles."
        )
        carla.get_by_label("Biblioteca").fill("4")
        expect(status).to_have_text("Quedan 0 de 10 puntos.")
        carla.get_by_role("button", name="Enviar mi voto").click()
        expect(carla.get_by_role("heading", name="Su voto quedó registrado")).to_be_visible()

        budget = {
            "title": "Presupuesto participativo",
            "method": "budget",
            "options": [
                {"key": "luz", "label": "Luminarias", "cost": 400},
                {"key": "cancha", "label": "Cancha", "cost": 700},
                {"key": "arbol", "label": "Árboles", "cost": 200},
            ],
            "settings": {"budget": 1000},
        }
        more = create_poll(demo, code, budget)
        assert facilitator_command(console, "poll.open", more["activity_id"])["status"] == "open"
        bring_everyone_to(console, budget["title"])
        expect(carla.locator("#activity-title")).to_have_text(budget["title"])
        status = carla.locator(".ballot-live")
        # Amounts follow the page language's number format (1000 or 1.000).
        expect(status).to_have_text(re.compile(r"^Gastado 0 de 1\.?000\.$"))
        carla.get_by_label(re.compile("^Luminarias")).check()
        expect(status).to_have_text(re.compile(r"^Gastado 400 de 1\.?000\.$"))
        carla.get_by_label(re.compile("^Cancha")).check()
        expect(status).to_have_text(
            re.compile(
                r"^Gastado 1\.?100 de 1\.?000\. Atención: se pasa del presupuesto por 100\.$"
            )
        )
        expect(status).to_have_class(re.compile("is-warning"))
