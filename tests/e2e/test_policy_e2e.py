"""From participation to public policy, as a new official would do it in Chromium: from
the finished demo workshop, build a lineamiento draft item with its sources, get it
approved and published, turn it into a commitment of an OGP action plan, publish the
plan, download it (DOCX and PDF) and read the public accountability page. Plus the
citizen side: what became of each contribution, without anyone's name."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import docx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from pypdf import PdfReader

from cocrea.demo import DEMO_PASSWORD, OFFICIAL_EMAIL, WORKSHOP_PEOPLE, WORKSHOP_TITLE

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_MS = 10_000
PROCESS = "Juventudes de Yumbo: presupuesto participativo 2027"
NOTE = "Publicar en datos abiertos cuánto se invierte en cada barrio"
POLL = "¿Qué propuestas priorizamos?"
POLL_WINNER = "Recuperar el parque Las Américas"
COMMITMENT = "Presupuesto por barrio en datos abiertos"
PLAN = "Plan de acción de gobierno abierto 2027"


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
    """A page in its own browser context (a separate person); script errors fail."""
    context = browser.new_context(base_url=site.url, locale="es-CO", accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
        assert errors == [], errors
    finally:
        context.close()


def sign_in(page: Page) -> None:
    page.goto("/cuenta/ingresar/")
    page.get_by_label("Correo electrónico").fill(OFFICIAL_EMAIL)
    page.get_by_label("Contraseña").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Ingresar", exact=True).click()
    sign_out = page.get_by_role("banner").get_by_role("button", name=re.compile(r"^Salir"))
    expect(sign_out).to_be_visible()


def open_process(page: Page) -> None:
    """From the start page, through the process list, to the demo process."""
    page.goto("/")
    page.get_by_role("navigation").get_by_role("link", name="Procesos", exact=True).click()
    page.get_by_role("link", name=PROCESS, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PROCESS)


def policy_section(page: Page) -> Locator:
    return page.get_by_role("region", name="De la participación a la política pública")


def open_draft(page: Page) -> None:
    """The draft of the process, started if it does not exist yet."""
    policy_section(page).get_by_role("link", name="Borrador de lineamientos").click()
    start = page.get_by_role("button", name="Empezar el borrador")
    build = page.get_by_role("link", name="Construir desde las sesiones")
    expect(start.or_(build)).to_be_visible()
    if start.is_visible():
        start.click()
    expect(build).to_be_visible()


def build_item(page: Page, *outputs: re.Pattern[str] | str) -> None:
    """Tick the sessions' outputs, prepare, choose where it goes, create the item."""
    page.get_by_role("link", name="Construir desde las sesiones").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Construir desde las sesiones")
    for output in outputs:
        box = page.get_by_role("checkbox", name=output)
        box.focus()
        page.keyboard.press("Space")  # as a keyboard user ticks a box
        expect(box).to_be_checked()
    page.get_by_label("Lineamiento").select_option(label="Datos Abiertos")
    page.get_by_label("Pilar").select_option(label="Transparencia")
    page.get_by_role("button", name="Preparar desde lo marcado").click()
    # The form comes back with what was ticked and chosen, and a proposed title and text.
    expect(page.get_by_label("Título")).to_have_value(NOTE)
    expect(page.get_by_label("Texto")).to_have_value(re.compile(re.escape(NOTE)))
    expect(page.get_by_label("Lineamiento")).to_have_value("datos-abiertos")
    for output in outputs:
        expect(page.get_by_role("checkbox", name=output)).to_be_checked()
    page.get_by_role("button", name="Crear ítem").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NOTE)


def test_official_builds_the_draft_and_publishes_the_action_plan(
    browser: Browser, demo, tmp_path: Path
) -> None:
    with new_page(browser, demo) as page:
        sign_in(page)
        open_process(page)
        open_draft(page)

        # 1. An item built from the workshop: the note and the poll, with their trace.
        build_item(page, re.compile(re.escape(NOTE)), re.compile(re.escape(POLL)))
        expect(page.get_by_text("Datos Abiertos · Transparencia")).to_be_visible()
        expect(page.locator(".draft-text")).to_contain_text(NOTE)
        sources = page.get_by_role("complementary", name="Fuentes del ítem")
        # Participants are added up per source (6 put dots on the note, 6 voted).
        expect(sources).to_contain_text(
            f"{WORKSHOP_TITLE} · nivel Colaborar · 1 nota · 1 votación · 12 participantes"
        )
        expect(sources.locator("blockquote")).to_have_text(NOTE)
        expect(sources).to_contain_text(POLL)
        expect(sources).to_contain_text(f"Resultado: {POLL_WINNER}")

        # 2. Review, approval, and the draft's first public version.
        review = page.get_by_role("region", name="Revisión")
        review.get_by_role("button", name="Enviar a revisión").click()
        expect(review).to_contain_text("Estado actual: En revisión.")
        review.get_by_role("button", name="Aprobar").click()
        expect(review).to_contain_text("Estado actual: Aprobado.")
        page.get_by_role("navigation", name="Ruta de navegación").get_by_role(
            "link", name="Lineamientos"
        ).click()
        item = page.get_by_role("listitem").filter(
            has=page.get_by_role("link", name=NOTE, exact=True)
        )
        expect(item).to_contain_text("Aprobado")
        expect(item.get_by_role("complementary", name="Fuentes del ítem")).to_contain_text(
            WORKSHOP_TITLE
        )
        page.get_by_role("button", name="Publicar la versión 1").click()
        expect(page.locator(".card-kicker")).to_contain_text("Versión 1, publicada el")
        expect(page.get_by_role("heading", name=NOTE)).to_be_visible()

        # 3. An action plan with one commitment from the approved item.
        page.get_by_role("navigation", name="Ruta de navegación").get_by_role(
            "link", name=PROCESS
        ).click()
        policy_section(page).get_by_role("link", name="Planes de acción").click()
        new_plan = page.get_by_role("form", name="Crear un plan de acción")
        new_plan.get_by_label("Título del plan").fill(PLAN)
        new_plan.get_by_label("Inicio del periodo").fill("2027-05-01")
        new_plan.get_by_label("Fin del periodo").fill("2028-04-30")
        new_plan.get_by_role("button", name="Crear plan").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(PLAN)

        new = page.get_by_role("form", name="Crear compromiso desde ítems aprobados")
        new.get_by_role("checkbox", name=re.compile(re.escape(NOTE))).check()
        new.get_by_label("Nombre del compromiso").fill(COMMITMENT)
        new.get_by_label("Entidad responsable de la implementación").fill(
            "Secretaría de Hacienda de Yumbo"
        )
        new.get_by_label("Fecha de inicio").fill("2027-05-01")
        new.get_by_label("Fecha de fin").fill("2027-12-15")
        new.get_by_role("button", name="Crear compromiso").click()

        commitment = page.get_by_role("article", name=f"Compromiso 1: {COMMITMENT}")
        expect(commitment).to_contain_text("Secretaría de Hacienda de Yumbo")
        expect(commitment).to_contain_text(f"sesión «{WORKSHOP_TITLE}»")
        commitment.get_by_text("Ficha del compromiso (plantilla OGP)").click()
        sheet = commitment.get_by_role("form", name="Editar el compromiso 1")
        expect(sheet.get_by_label("Entidad responsable de la implementación")).to_have_value(
            "Secretaría de Hacienda de Yumbo"
        )
        expect(sheet.get_by_label("Fecha de inicio")).to_have_value("2027-05-01")
        sheet.get_by_label("Compromiso y objetivo").fill(
            "Publicar cada trimestre, en datos abiertos, la inversión del presupuesto "
            "participativo por barrio."
        )
        sheet.get_by_label("Transparencia", exact=True).fill(
            "La ciudadanía puede ver y reutilizar cuánto se invierte en su barrio."
        )
        sheet.get_by_role("button", name="Guardar el compromiso 1").click()
        commitment = page.get_by_role("article", name=f"Compromiso 1: {COMMITMENT}")

        milestone = commitment.get_by_role("form", name="Agregar un hito")
        milestone.get_by_label("Entregable verificable").fill(
            "Conjunto de datos de inversión por barrio publicado en datos.gov.co"
        )
        milestone.get_by_label("Inicio", exact=True).fill("2027-05-01")
        milestone.get_by_label("Fin", exact=True).fill("2027-07-31")
        milestone.get_by_label("Responsable", exact=True).fill("Oficina TIC")
        milestone.get_by_role("button", name="Agregar hito").click()
        expect(
            commitment.get_by_role("row", name=re.compile("Conjunto de datos de inversión"))
        ).to_contain_text("Oficina TIC")

        page.get_by_role("button", name="Publicar el plan").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(PLAN)
        expect(page.get_by_text(re.compile(r"^Versión 1, publicada el"))).to_be_visible()
        expect(page.get_by_role("heading", name=f"Compromiso 1: {COMMITMENT}")).to_be_visible()

        # 4. The plan, downloaded as a document and as a PDF.
        downloads = page.get_by_role("region", name="Descargar la versión 1")
        with page.expect_download() as info:
            downloads.get_by_role("link", name="Documento (DOCX)").click()
        word = tmp_path / info.value.suggested_filename
        info.value.save_as(word)
        assert word.suffix == ".docx", word
        document = docx.Document(str(word))
        texts = [p.text for p in document.paragraphs]
        for table in document.tables:
            texts.extend(cell.text for row in table.rows for cell in row.cells)
        body = "\n".join(texts)
        assert COMMITMENT in body
        assert WORKSHOP_TITLE in body

        with page.expect_download() as info:
            downloads.get_by_role("link", name="Documento (PDF)").click()
        pdf = tmp_path / info.value.suggested_filename
        info.value.save_as(pdf)
        assert pdf.suffix == ".pdf", pdf
        text = " ".join(" ".join(p.extract_text() or "" for p in PdfReader(pdf).pages).split())
        assert COMMITMENT in text, text[:2000]

    # 5. Anyone, signed out, follows the commitment on the accountability page.
    with new_page(browser, demo) as visitor:
        open_process(visitor)
        policy_section(visitor).get_by_role("link", name=f"{PLAN}: rendición de cuentas").click()
        expect(visitor.get_by_role("heading", level=1)).to_have_text(PLAN)
        public = visitor.get_by_role("article", name=f"Compromiso 1: {COMMITMENT}")
        expect(public).to_contain_text("Nivel de cumplimiento: No iniciado")
        expect(public.get_by_role("progressbar")).to_be_visible()
        expect(public).to_contain_text("0 de 1 hito cumplido")
        expect(public).to_contain_text("Conjunto de datos de inversión por barrio")
        expect(public).to_contain_text("Surgió de:")
        expect(public).to_contain_text(f"ítem «{NOTE}» del borrador")
        expect(public).to_contain_text(f"sesión «{WORKSHOP_TITLE}», nivel Colaborar")


@pytest.fixture
def note_in_draft(browser: Browser, demo) -> None:
    """The note is in some draft item (built here when this test runs on its own)."""
    with new_page(browser, demo) as page:
        sign_in(page)
        open_process(page)
        open_draft(page)
        page.get_by_role("link", name="Construir desde las sesiones").click()
        note = page.get_by_role("listitem").filter(
            has=page.get_by_role("checkbox", name=re.compile(re.escape(NOTE)))
        )
        if "Ya está en:" not in note.inner_text():
            page.go_back()
            build_item(page, re.compile(re.escape(NOTE)))


def test_citizens_see_what_became_of_the_note_without_names(
    browser: Browser, demo, note_in_draft
) -> None:
    with new_page(browser, demo) as visitor:
        open_process(visitor)
        policy_section(visitor).get_by_role(
            "link", name="Qué pasó con cada aporte (respuesta razonada)"
        ).click()
        expect(visitor.get_by_role("heading", level=1)).to_have_text("Qué pasó con cada aporte")
        card = visitor.get_by_role("listitem").filter(
            has=visitor.locator("blockquote", has_text=NOTE)
        )
        expect(card).to_have_count(1)
        expect(card).to_contain_text("Incorporado")
        expect(card).to_contain_text(re.compile(r"Se incorporó al (ítem|borrador)"))
        expect(visitor.get_by_role("region", name="Resumen")).to_contain_text("incorporados")
        main = visitor.get_by_role("main").inner_text()
        for name in WORKSHOP_PEOPLE:
            assert name not in main, name
