"""Changing one's vote in a live session, in real Chromium: a citizen votes in a poll
that allows changes, comes back to it ("Usted ya votó"), changes the vote with the
keyboard alone using the receipt this tab kept, gets a new receipt, and after the close
the receipt-check page says the old receipt was replaced and the new one is counted.

Setup as in ``test_voting_e2e``: the poll is created (and allowed changes) in the
server's own database with ``manage.py shell``; opening and closing go through the
console's realtime client.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.test_canvas_e2e import new_page, tab_until
from tests.e2e.test_live_session import (  # the live-session helpers, reused as they are
    bring_everyone_to,
    command,
    console_ready,
    demo,  # noqa: F401  (the module-scoped fixture that loads the demo data)
    join,
    open_session,
    sign_in,
)
from tests.e2e.test_voting_e2e import (
    OPTIONS,
    PHONE,
    create_poll,
    facilitator_command,
    manage_shell,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

ALLOW_CHANGE = """
from voting.models import Poll
from voting.services import poll_configure
poll_configure(poll=Poll.objects.get(pk=POLL_ID), allow_change=True)
print("ok")
"""


def changeable_poll_session(console: Page, site, spec: dict[str, Any]) -> tuple[str, dict]:
    """A live session whose current activity is an open poll that allows changes."""
    sign_in(console)
    code = open_session(console)
    ids = create_poll(site, code, spec)
    # Configured while still a draft: a poll's settings freeze when it opens.
    assert manage_shell(site, f"POLL_ID = {ids['poll_id']}\n" + ALLOW_CHANGE) == "ok"
    console.reload()  # the console learns the new activity from its snapshot
    console_ready(console)
    command(console, "Iniciar sesión")
    assert facilitator_command(console, "poll.open", ids["activity_id"])["status"] == "open"
    bring_everyone_to(console, spec["title"])
    return code, ids


def check_receipt(page: Page, poll_id: int, receipt: str) -> None:
    page.goto(f"/votaciones/{poll_id}/comprobante/")
    page.get_by_label("Código de comprobante").fill(receipt)
    page.get_by_role("button", name="Comprobar").click()


def test_citizen_changes_the_vote_with_the_receipt(browser: Browser, demo) -> None:  # noqa: F811
    title = "Un solo proyecto"
    spec = {"title": title, "method": "single", "options": OPTIONS}
    with new_page(browser, demo) as console, new_page(browser, demo, **PHONE) as ana:
        code, ids = changeable_poll_session(console, demo, spec)
        join(ana, code, "Ana")
        expect(ana.locator("#activity-title")).to_have_text(title)
        announcer = ana.locator("#live-announcer")
        done = ana.locator(".ballot-done")
        change_area = ana.locator(".ballot-change")

        # The first vote: Parque, keyboard only.
        parque = ana.get_by_label("Parque")
        tab_until(ana, parque)
        ana.keyboard.press("Space")
        expect(parque).to_be_checked()
        tab_until(ana, ana.get_by_role("button", name="Enviar mi voto"))
        ana.keyboard.press("Enter")
        expect(ana.get_by_role("heading", name="Su voto quedó registrado")).to_be_focused()
        first = done.get_by_label("Su código de comprobante").input_value()
        assert re.fullmatch(r"[A-Za-z0-9_-]{22}", first), first

        # Back later in the same tab: the server only knows that Ana voted; this tab
        # kept the receipt, and the poll still takes changes.
        ana.reload()
        expect(ana.get_by_role("heading", name="Usted ya votó")).to_be_visible()
        start = ana.get_by_role("button", name="Cambiar mi voto")
        tab_until(ana, start)
        ana.keyboard.press("Enter")
        expect(ana.get_by_role("heading", name="Cambiar mi voto")).to_be_focused()
        expect(done).to_be_hidden()
        receipt_field = change_area.get_by_label("Su código de comprobante")
        expect(receipt_field).to_have_value(first)

        # A mistyped receipt is refused in the error area, and focus goes back to it.
        tab_until(ana, receipt_field)
        ana.keyboard.press("End")
        ana.keyboard.press("Backspace")
        ana.keyboard.type("*")
        parque_again = ana.get_by_label("Parque")
        tab_until(ana, parque_again)
        ana.keyboard.press("ArrowDown")  # moves to, and chooses, Biblioteca
        expect(ana.get_by_label("Biblioteca")).to_be_checked()
        send = ana.get_by_role("button", name="Enviar mi nuevo voto")
        tab_until(ana, send)
        ana.keyboard.press("Enter")
        expect(ana.get_by_role("alert")).to_contain_text(
            "Ese código de comprobante no corresponde a un voto vigente."
        )
        expect(receipt_field).to_be_focused()
        expect(receipt_field).to_have_attribute("aria-invalid", "true")

        # The right receipt, again from the keyboard.
        ana.keyboard.press("Control+A")
        ana.keyboard.type(first)
        tab_until(ana, send)
        ana.keyboard.press("Enter")
        changed = ana.get_by_role("heading", name="Su voto fue cambiado")
        expect(changed).to_be_focused()
        expect(done).to_contain_text(
            "Su voto fue cambiado. Este es su nuevo comprobante; el anterior ya no cuenta."
        )
        new = done.get_by_label("Su código de comprobante").input_value()
        assert re.fullmatch(r"[A-Za-z0-9_-]{22}", new) and new != first, (first, new)
        expect(announcer).to_contain_text("Su voto fue cambiado")
        expect(announcer).to_contain_text(new)
        expect(ana.locator(".ballot-form")).to_have_count(0)

        # The tab now keeps the new receipt.
        ana.reload()
        expect(ana.get_by_role("heading", name="Usted ya votó")).to_be_visible()
        expect(done.get_by_label("Su código de comprobante")).to_have_value(new)

        assert facilitator_command(console, "poll.close", ids["activity_id"])["status"] == "closed"
        expect(ana.locator(".ballot-state")).to_have_text("La votación está cerrada.")
        expect(ana.get_by_role("button", name="Cambiar mi voto")).to_have_count(0)

        check_receipt(ana, ids["poll_id"], first)
        expect(ana.get_by_text("Este voto fue reemplazado.")).to_be_visible()
        check_receipt(ana, ids["poll_id"], new)
        expect(ana.get_by_text("Su voto fue contado.")).to_be_visible()

        bulletin = ana.request.get(f"/votaciones/{ids['poll_id']}/boletin.json").json()
        assert bulletin["chain_valid"] is True
        assert [(b["content"], b["superseded"]) for b in bulletin["ballots"]] == [
            ("parque", True),
            ("biblioteca", False),
        ]


CODE_POLL = """
import json
from cocrea.accounts.models import Entity, User
from cocrea.demo import ENTITY_SLUG, FACILITATOR_EMAIL
from voting import services
from voting.models import Eligibility
entity = Entity.objects.get(slug=ENTITY_SLUG)
poll = services.poll_create(
    entity=entity,
    title="Votación con código",
    method="single",
    options=[services.OptionInput("a", "Parque"), services.OptionInput("b", "Biblioteca")],
    eligibility=Eligibility.CODES,
    allow_change=True,
)
services.poll_open(poll=poll)
issued = services.codes_issue(
    poll=poll, count=1, actor=User.objects.get(email=FACILITATOR_EMAIL)
)
print(json.dumps({"poll_id": poll.pk, "code": issued.codes[0]}))
"""


def test_code_holder_changes_the_vote_on_the_ballot_page(browser: Browser, demo) -> None:  # noqa: F811
    created = json.loads(manage_shell(demo, CODE_POLL))
    poll_id = created["poll_id"]
    with new_page(browser, demo, **PHONE) as voter:
        # The printed card's QR: the code travels in the fragment.
        voter.goto(f"/votaciones/{poll_id}/votar/#codigo={created['code']}")
        voter.get_by_role("button", name="Continuar").click()
        done = voter.locator(".ballot-done")
        voter.get_by_label("Parque").check()
        voter.get_by_role("button", name="Enviar mi voto").click()
        expect(voter.get_by_role("heading", name="Su voto quedó registrado")).to_be_focused()
        first = done.get_by_label("Su código de comprobante").input_value()

        voter.get_by_role("button", name="Cambiar mi voto").click()
        expect(voter.get_by_role("heading", name="Cambiar mi voto")).to_be_focused()
        receipt_field = voter.locator(".ballot-change").get_by_label("Su código de comprobante")
        expect(receipt_field).to_have_value(first)
        # Leaving the change keeps the vote as it was.
        voter.get_by_role("button", name="No cambiar mi voto").click()
        expect(voter.get_by_role("heading", name="Su voto quedó registrado")).to_be_focused()

        voter.get_by_role("button", name="Cambiar mi voto").click()
        voter.get_by_label("Biblioteca").check()
        voter.get_by_role("button", name="Enviar mi nuevo voto").click()
        expect(voter.get_by_role("heading", name="Su voto fue cambiado")).to_be_focused()
        new = done.get_by_label("Su código de comprobante").input_value()
        assert new and new != first
        expect(voter.locator("#ballot-announcer")).to_contain_text("Su voto fue cambiado")

        # The receipt replaced cannot change the vote again; the error says so.
        voter.get_by_role("button", name="Cambiar mi voto").click()
        receipt_field.fill(first)
        voter.get_by_label("Parque").check()
        voter.get_by_role("button", name="Enviar mi nuevo voto").click()
        expect(voter.get_by_role("alert")).to_contain_text("no corresponde a un voto vigente")
        expect(receipt_field).to_be_focused()

        check_receipt(voter, poll_id, first)
        expect(voter.get_by_text("Este voto fue reemplazado.")).to_be_visible()
        check_receipt(voter, poll_id, new)
        expect(voter.get_by_text("Su voto fue contado.")).to_be_visible()
