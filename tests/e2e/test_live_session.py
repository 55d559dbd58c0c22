"""A live session end to end, as a new user would run it: the demo facilitator opens a
session from the process page, builds the agenda with the HTML form, puts the
projector up; three citizens join from their phones with the code; everyone follows
the facilitator; a question goes through moderation. Plus: the reconnecting banner,
catching up after a dropped connection, removing a participant, the keyboard-only
join form."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from cocrea.demo import DEMO_PASSWORD, FACILITATOR_EMAIL, PROCESS_SLUG
from cocrea.toolkit.reference.vocabularies import LEVELS

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_MS = 10_000
COLABORAR = next(level for level in LEVELS if level["code"] == "colaborar")
SLIDE = "Bienvenida al taller"
QA = "Preguntas sobre el presupuesto"


@pytest.fixture(scope="module")
def demo(site):
    """The demo data, loaded into the server's database the way `make run` does."""
    subprocess.run(
        [sys.executable, "manage.py", "load_demo"],
        cwd=ROOT,
        env=site.env,
        check=True,
        timeout=120,
        capture_output=True,
    )
    return site


@contextmanager
def new_page(browser: Browser, site) -> Iterator[Page]:
    """A page in its own browser context: a separate person with separate cookies.

    Uncaught script errors fail the test."""
    context = browser.new_context(base_url=site.url, locale="es-CO")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: dialog.accept())
    try:
        yield page
        assert errors == [], errors
    finally:
        context.close()


def sign_in(page: Page) -> None:
    page.goto("/cuenta/ingresar/")
    page.get_by_label("Correo electrónico").fill(FACILITATOR_EMAIL)
    page.get_by_label("Contraseña").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Ingresar", exact=True).click()
    sign_out = page.get_by_role("banner").get_by_role("button", name=re.compile(r"^Salir"))
    expect(sign_out).to_be_visible()


def open_session(page: Page) -> str:
    """Open a live session at the «colaborar» stage from the process page; its code."""
    page.goto(f"/procesos/{PROCESS_SLUG}/")
    stage = page.locator("#ns-stage option", has_text="(Colaborar)").get_attribute("value")
    page.get_by_label("Etapa", exact=True).select_option(stage)
    page.get_by_role("button", name="Abrir sesión").click()
    expect(page).to_have_url(re.compile(r"/facilitar/[A-Z0-9]{6}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Taller de co-creación de propuestas")
    code = page.locator("#join-code").inner_text().strip()
    assert re.fullmatch(r"[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}", code), code
    return code


def add_activity(page: Page, kind: str, title: str, body: str = "", minutes: str = "") -> None:
    form = page.locator("#activity-form")
    form.get_by_label("Tipo de actividad").select_option(label=kind)
    form.get_by_label("Título").fill(title)
    form.get_by_label("Contenido (Markdown)").fill(body)
    form.get_by_label("Duración (minutos)").fill(minutes)
    form.get_by_role("button", name="Agregar actividad").click()
    expect(agenda_item(page, title)).to_be_visible()


def agenda_item(page: Page, title: str):
    return page.locator("#agenda > li", has_text=title)


def console_ready(page: Page) -> None:
    """The console is connected once the state-dependent buttons reflect the snapshot."""
    expect(page.locator("#input-state")).not_to_have_text("")


def command(page: Page, name: str, done: str | None = None) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    expect(page.locator("#console-feedback")).to_have_text(f"Hecho: {done or name}.")


def bring_everyone_to(page: Page, title: str) -> None:
    item = agenda_item(page, title)
    item.get_by_role("button", name=re.compile(r"^Llevar a todos aquí")).click()
    expect(page.locator("#console-feedback")).to_have_text(f"Hecho: Llevar a todos a «{title}».")
    expect(item).to_have_attribute("aria-current", "step")


def join(page: Page, code: str, name: str) -> None:
    """Enter the code on /s/, accept the notice, join under ``name``."""
    page.goto("/s/")
    page.get_by_label("Código de la sesión").fill(code.lower())
    page.get_by_role("button", name="Entrar").click()
    expect(page).to_have_url(re.compile(rf"/s/{code}/$"))
    expect_level(page)
    notice = page.get_by_role("region", name="Aviso de tratamiento de datos personales")
    expect(notice).to_contain_text("Alcaldía de Yumbo (demo)")
    expect(notice).to_contain_text("Ley 1581 de 2012")
    page.get_by_label("Nombre visible").fill(name)
    page.get_by_label(re.compile(r"^He leído el aviso")).check()
    page.get_by_role("button", name="Unirme a la sesión").click()
    expect(page.get_by_text(f"Participa como {name}")).to_be_visible()
    expect_level(page)


def expect_level(page: Page) -> None:
    banner = page.locator(".level-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(COLABORAR["name"])
    expect(banner).to_contain_text(f"«{COLABORAR['promise']}»")


def activity_heading(page: Page):
    return page.locator("#activity-title")


def connection_status(page: Page):
    return page.locator("#live-connection")


def test_facilitator_runs_a_session_citizens_follow(browser: Browser, demo) -> None:
    with (
        new_page(browser, demo) as console,
        new_page(browser, demo) as ana,
        new_page(browser, demo) as beto,
        new_page(browser, demo) as carla,
    ):
        sign_in(console)
        code = open_session(console)
        add_activity(
            console,
            "Diapositiva informativa",
            SLIDE,
            "Hoy **co-creamos** propuestas.\n\n- Escuchar\n- Proponer",
            "5",
        )
        add_activity(console, "Preguntas y respuestas", QA)
        expect(console.locator("#agenda > li")).to_have_count(2)
        console_ready(console)
        expect(console.locator("#session-status")).to_have_text("Programada")
        expect(console.get_by_role("button", name="Pausar")).to_be_disabled()

        # The projector, in a second tab of the facilitator.
        projector = console.context.new_page()
        projector.goto(f"/s/{code}/proyector/")
        expect(projector.locator("#projector-code")).to_have_text(code)
        qr = projector.get_by_role("img", name=f"Código QR para unirse a la sesión {code}")
        expect(qr).to_be_visible()
        assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
        expect(projector.get_by_text(re.compile(rf"/s/{code}/$"))).to_be_visible()
        expect(projector.locator("#presence-count")).to_have_text("0")

        citizens = {"Ana": ana, "Beto": beto, "Carla": carla}
        for name, page in citizens.items():
            join(page, code, name)
            expect(page.locator("#live-notice")).to_contain_text("todavía no ha empezado")

        expect(projector.locator("#presence-count")).to_have_text("3")
        expect(projector.locator("#presence-label")).to_have_text("participantes conectados")
        expect(console.locator("#presence-count")).to_have_text("3")
        expect(console.locator("#people .person-name")).to_have_text(["Ana", "Beto", "Carla"])

        command(console, "Iniciar sesión")
        expect(console.locator("#session-status")).to_have_text("En vivo")
        expect(console.get_by_role("button", name="Iniciar sesión")).to_be_disabled()
        expect(console.get_by_role("button", name="Pausar")).to_be_enabled()
        for page in citizens.values():
            expect(page.locator("#live-notice")).to_have_text("")

        bring_everyone_to(console, SLIDE)
        for page in citizens.values():
            expect(activity_heading(page)).to_have_text(SLIDE)
            expect(page.locator("#activity-body strong")).to_have_text("co-creamos")
            expect(page.locator("#activity-body li")).to_have_text(["Escuchar", "Proponer"])
        expect(projector.locator("#activity-title")).to_have_text(SLIDE)
        expect(projector.locator("#activity-body strong")).to_have_text("co-creamos")

        console.get_by_label("Minutos", exact=True).fill("2")
        console.get_by_role("button", name="Iniciar cuenta regresiva").click()
        expect(console.locator("#console-feedback")).to_have_text(
            "Hecho: Cuenta regresiva de 2 min."
        )
        for page in (ana, projector):
            expect(page.get_by_role("timer")).to_have_text(re.compile(r"^(2:00|1:5\d)$"))

        bring_everyone_to(console, QA)
        expect(agenda_item(console, SLIDE)).not_to_have_attribute("aria-current", "step")
        for page in citizens.values():
            expect(activity_heading(page)).to_have_text(QA)
            expect(page.get_by_label("Su pregunta")).to_be_visible()
        expect(projector.locator("#activity-title")).to_have_text(QA)

        question = "¿Cuánto dinero hay para proyectos de juventudes?"
        ana.get_by_label("Su pregunta").fill(question)
        ana.get_by_role("button", name="Enviar pregunta").click()
        expect(ana.locator("#qa-feedback")).to_have_text(
            "Gracias. Su pregunta quedó en moderación."
        )
        mine = ana.locator("#qa-list > li", has_text=question)
        expect(mine).to_contain_text("En moderación")
        expect(mine).to_contain_text("Su pregunta")
        expect(ana.get_by_label("Su pregunta")).to_have_value("")

        pending = console.locator("#qa-pending > li", has_text=question)
        expect(pending).to_be_visible()
        expect(beto.locator("#qa-list > li")).to_have_count(0)
        pending.get_by_role("button", name=re.compile(r"^Aprobar")).click()
        expect(console.locator("#console-feedback")).to_have_text("Hecho: Aprobar pregunta.")
        expect(console.locator("#qa-pending > li")).to_have_count(0)
        expect(console.locator("#qa-public > li", has_text=question)).to_be_visible()

        for page in (beto, carla):
            expect(page.locator("#qa-list > li", has_text=question)).to_be_visible()
        expect(mine).not_to_contain_text("En moderación")
        expect(projector.locator("#projector-questions li", has_text=question)).to_be_visible()

        upvote = beto.get_by_role("button", name=f"Apoyar ({question})")
        upvote.click()
        expect(beto.get_by_role("button", name=f"Apoyada ({question})")).to_be_disabled()
        expect(beto.locator("#qa-feedback")).to_have_text("Gracias por su apoyo.")
        published = console.locator("#qa-public > li", has_text=question)
        expect(published).to_contain_text("1 apoyo")
        expect(published.get_by_role("button", name=re.compile(r"^Rechazar"))).to_be_hidden()
        published.get_by_role("button", name=re.compile(r"^Marcar como respondida")).click()
        expect(published).to_contain_text("Respondida")
        for page in citizens.values():
            expect(page.locator("#qa-list > li", has_text=question)).to_contain_text("Respondida")

        command(console, "Pausar")
        expect(console.locator("#session-status")).to_have_text("En pausa")
        for page in citizens.values():
            expect(page.locator("#live-notice")).to_have_text("La sesión está en pausa.")
            expect(page.get_by_label("Su pregunta")).to_be_hidden()
        expect(ana.get_by_role("timer")).to_contain_text("(detenido)")
        expect(projector.locator("#projector-state")).to_have_text("Sesión en pausa")
        command(console, "Reanudar")
        expect(ana.locator("#live-notice")).to_have_text("")
        expect(ana.get_by_role("timer")).not_to_contain_text("(detenido)")

        # Ending asks for confirmation (accepted), then everyone is told, nobody retries.
        command(console, "Terminar sesión")
        expect(console.locator("#session-status")).to_have_text("Terminada")
        expect(connection_status(console)).to_have_text("La sesión terminó. El código quedó libre.")
        expect(console.get_by_role("button", name="Reanudar")).to_be_disabled()
        expect(agenda_item(console, SLIDE).get_by_role("button")).to_be_disabled()
        for page in citizens.values():
            expect(connection_status(page)).to_have_text(
                "La sesión terminó. Gracias por participar."
            )
            expect(page.locator("#activity")).to_be_hidden()
        expect(projector.locator("#projector-state")).to_have_text("La sesión terminó")
        projector.close()


def facilitated_session(console: Page) -> str:
    sign_in(console)
    code = open_session(console)
    add_activity(console, "Diapositiva informativa", SLIDE, "Primera parte.")
    add_activity(console, "Preguntas y respuestas", QA)
    console_ready(console)
    return code


def test_reconnecting_banner_then_catching_up(browser: Browser, demo) -> None:
    with new_page(browser, demo) as console, new_page(browser, demo) as citizen:
        code = facilitated_session(console)
        join(citizen, code, "Dora")
        command(console, "Iniciar sesión")
        bring_everyone_to(console, SLIDE)
        expect(activity_heading(citizen)).to_have_text(SLIDE)
        expect(connection_status(citizen)).to_have_text("")
        expect(connection_status(citizen)).to_be_hidden()

        citizen.context.set_offline(True)
        # Whether or not the browser closes the socket itself, drop it as a network would.
        citizen.evaluate("window.__cocreaRealtime.socket && window.__cocreaRealtime.socket.close()")
        status = citizen.get_by_role("status").filter(has_text="Reconectando…")
        expect(status).to_be_visible()

        # Meanwhile the session moves on; the citizen must catch up from last_seq.
        bring_everyone_to(console, QA)
        command(console, "Cerrar aportes")
        citizen.wait_for_timeout(1500)
        expect(status).to_be_visible()
        expect(activity_heading(citizen)).to_have_text(SLIDE)

        citizen.context.set_offline(False)
        expect(connection_status(citizen)).to_have_text("")
        expect(connection_status(citizen)).to_be_hidden()
        expect(activity_heading(citizen)).to_have_text(QA)
        expect(citizen.locator("#live-notice")).to_have_text(
            "El equipo facilitador cerró los aportes por ahora."
        )
        expect(citizen.get_by_label("Su pregunta")).to_be_hidden()

        # A command given while the console is offline waits in the queue, then goes.
        console.context.set_offline(True)
        console.evaluate("window.__cocreaRealtime.socket && window.__cocreaRealtime.socket.close()")
        expect(connection_status(console)).to_have_text("Reconectando…")
        console.get_by_role("button", name="Abrir aportes").click()
        expect(console.locator("#console-feedback")).to_have_text("Enviando: Abrir aportes…")
        console.wait_for_timeout(1000)
        expect(citizen.locator("#live-notice")).not_to_have_text("")
        console.context.set_offline(False)
        expect(console.locator("#console-feedback")).to_have_text("Hecho: Abrir aportes.")
        expect(connection_status(console)).to_have_text("")
        expect(citizen.locator("#live-notice")).to_have_text("")
        expect(citizen.get_by_label("Su pregunta")).to_be_visible()

        # An op whose ack was lost is resent with the same op_id and applied once.
        seq_before = citizen.evaluate("window.__cocreaRealtime.lastSeq")
        result = console.evaluate(
            """async () => {
                const client = window.__cocreaRealtime;
                const done = client.send("input.lock");
                client.socket.close();  // the ack is lost with the socket
                return await done;
            }"""
        )
        assert result["duplicate"] is True, result
        expect(citizen.locator("#live-notice")).to_have_text(
            "El equipo facilitador cerró los aportes por ahora."
        )
        expect(connection_status(console)).to_have_text("")
        command(console, "Abrir aportes")
        expect(citizen.locator("#live-notice")).to_have_text("")
        assert citizen.evaluate("window.__cocreaRealtime.lastSeq") == seq_before + 2


def test_removed_participant_is_told_and_cannot_come_back(browser: Browser, demo) -> None:
    with new_page(browser, demo) as console, new_page(browser, demo) as citizen:
        code = facilitated_session(console)
        join(citizen, code, "Eva")
        person = console.locator("#people > li", has_text="Eva")
        expect(person).to_be_visible()

        person.get_by_role("button", name="Retirar Eva").click()  # the dialog is accepted
        expect(console.locator("#console-feedback")).to_have_text("Hecho: Retirar a Eva.")
        expect(console.locator("#people > li")).to_have_count(0)

        expect(connection_status(citizen)).to_have_text(
            "El equipo facilitador lo retiró de esta sesión."
        )
        expect(citizen.locator("#activity")).to_be_hidden()
        expect(citizen.get_by_role("link", name="Unirse a otra sesión")).to_be_visible()
        # No reconnection attempts after 4403.
        citizen.wait_for_timeout(1500)
        expect(connection_status(citizen)).not_to_contain_text("Reconectando")

        citizen.reload()
        expect(citizen.get_by_role("heading", level=1)).to_have_text(
            "Ya no participa en esta sesión"
        )


def test_join_form_works_with_the_keyboard_alone(browser: Browser, demo) -> None:
    with new_page(browser, demo) as console, new_page(browser, demo) as citizen:
        code = facilitated_session(console)

        citizen.goto("/s/")
        tab_to(citizen, "id_code")
        citizen.keyboard.type("ZZZZZZ")
        citizen.keyboard.press("Enter")
        alert = citizen.get_by_role("alert")
        expect(alert).to_have_text("No encontramos una sesión abierta con ese código.")
        code_input = citizen.get_by_label("Código de la sesión")
        expect(code_input).to_have_attribute("aria-invalid", "true")
        expect(code_input).to_be_focused()
        citizen.keyboard.press("ControlOrMeta+a")
        citizen.keyboard.type(code)
        citizen.keyboard.press("Enter")
        expect(citizen).to_have_url(re.compile(rf"/s/{code}/$"))

        # Submitting without consent: errors are announced and tied to the fields.
        tab_to(citizen, "id_display_name")
        citizen.keyboard.type("Fabio")
        tab_to(citizen, "id_consent")
        tab_to(citizen, "", role="button", name="Unirme a la sesión")
        citizen.keyboard.press("Enter")
        expect(citizen.get_by_role("alert")).to_contain_text(
            "Para participar debe aceptar el aviso de tratamiento de datos."
        )
        consent = citizen.get_by_role("checkbox")
        expect(consent).to_have_attribute("aria-invalid", "true")
        expect(consent).to_have_accessible_description(re.compile("debe aceptar el aviso"))
        expect(citizen.get_by_label("Nombre visible")).to_have_value("Fabio")

        tab_to(citizen, "id_consent")
        citizen.keyboard.press("Space")
        expect(consent).to_be_checked()
        citizen.keyboard.press("Tab")
        expect(citizen.get_by_role("button", name="Unirme a la sesión")).to_be_focused()
        citizen.keyboard.press("Enter")
        expect(citizen.get_by_text("Participa como Fabio")).to_be_visible()
        expect_level(citizen)


def tab_to(page: Page, element_id: str, *, role: str = "", name: str = "") -> None:
    """Press Tab until the element (by id, or by role and name) has the focus."""
    target = page.get_by_role(role, name=name) if role else page.locator(f"#{element_id}")
    for _ in range(60):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {element_id or name}")


def test_participant_screen_in_english(browser: Browser, demo) -> None:
    """Chosen English: the page and the strings the scripts show are English."""
    with new_page(browser, demo) as console, new_page(browser, demo) as citizen:
        code = facilitated_session(console)

        citizen.goto("/s/")
        citizen.get_by_label("Idioma").select_option("en")
        citizen.get_by_role("button", name="Cambiar idioma").click()
        expect(citizen.get_by_role("heading", level=1)).to_have_text("Join a session")
        citizen.get_by_label("Session code").fill(code)
        citizen.get_by_role("button", name="Enter").click()
        banner = citizen.locator(".level-banner")
        expect(banner).to_contain_text(COLABORAR["en"]["name"])
        expect(banner).to_contain_text(COLABORAR["en"]["promise"])
        expect(
            citizen.get_by_role("region", name="Personal data processing notice")
        ).to_contain_text("Law 1581 of 2012")
        citizen.get_by_label("Display name").fill("Gina")
        citizen.get_by_label(re.compile(r"^I have read the data processing notice")).check()
        citizen.get_by_role("button", name="Join the session").click()

        expect(citizen.get_by_text("Taking part as Gina")).to_be_visible()
        expect(citizen.locator("#live-notice")).to_have_text(
            "The session has not started yet. Wait for the facilitation team to start it."
        )
        expect(activity_heading(citizen)).to_have_text("Please wait a moment")
        command(console, "Iniciar sesión")
        bring_everyone_to(console, QA)
        expect(activity_heading(citizen)).to_have_text(QA)
        expect(citizen.get_by_label("Your question")).to_be_visible()
        expect(citizen.locator("#activity-kind")).to_have_text("Questions and answers")


def test_activity_form_errors_are_announced(browser: Browser, demo) -> None:
    with new_page(browser, demo) as console:
        sign_in(console)
        open_session(console)
        form = console.locator("#activity-form")
        form.get_by_label("Tipo de actividad").select_option(label="Pausa")
        form.get_by_label("Duración (minutos)").fill("10")
        form.get_by_role("button", name="Agregar actividad").click()
        expect(console.get_by_role("alert")).to_contain_text("La actividad necesita un título.")
        title = form.get_by_label("Título")
        expect(title).to_have_attribute("aria-invalid", "true")
        expect(title).to_have_accessible_description("La actividad necesita un título.")
        expect(form.get_by_label("Tipo de actividad")).to_have_value("break")
        expect(form.get_by_label("Duración (minutos)")).to_have_value("10")
        expect(console.locator("#agenda > li")).to_have_count(0)
        expect(console.get_by_text("La agenda está vacía.")).to_be_visible()
