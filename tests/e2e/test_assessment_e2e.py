"""The staged model end to end, as a new official would go through it in Chromium: open
the demo entity's self-assessment, answer the questions with the keyboard, save a
draft, come back to it, score it, read the stage and the recommendations (an early win
on top), and start a participatory process from a recommended methodology."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from cocrea.assessment.questionnaire import STAGE_NAMES
from cocrea.demo import DEMO_PASSWORD, OFFICIAL_EMAIL

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_MS = 10_000
START_BUTTON = re.compile(r"^Iniciar un proceso con esta metodología")
STAGES_ES = "|".join(re.escape(name["es"]) for name in STAGE_NAMES.values())
# The answer picked for each question, by its position among the choices: a mixed
# entity, so the result is neither the bottom nor the top of the scale.
PATTERN = (1, 2, 1, 0, 2, 1, 1, 2)


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
    context = browser.new_context(base_url=site.url, locale="es-CO")
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


def questions(page: Page) -> Locator:
    return page.locator("form.assessment-form fieldset")


def answer_with_keyboard(question: Locator, position: int) -> None:
    """Pick the ``position``-th answer as a keyboard user does in a radio group: focus
    the group's first radio, Space to choose it, the down arrow to move the choice."""
    radios = question.get_by_role("radio")
    radios.first.focus()
    question.page.keyboard.press("Space")
    for _step in range(position):
        question.page.keyboard.press("ArrowDown")
    expect(radios.nth(position)).to_be_checked()


def open_self_assessment(page: Page) -> None:
    """The entity's self-assessment list, and a draft form opened from it."""
    # From the home page, where a signed-in official lands.
    page.goto("/")
    page.get_by_role("link", name=re.compile(r"^Autodiagnóstico de Alcaldía de Yumbo")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Autodiagnóstico del Modelo Escalonado"
    )
    # Another test may have left a draft of the demo entity: a new user continues it.
    start = page.get_by_role("button", name="Empezar un autodiagnóstico")
    resume = page.get_by_role("button", name="Continuar el borrador")
    expect(start.or_(resume)).to_be_visible()
    (start if start.is_visible() else resume).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Autodiagnóstico: borrador")


def test_an_official_assesses_the_entity_and_starts_a_recommended_process(
    browser: Browser, demo
) -> None:
    with new_page(browser, demo) as page:
        sign_in(page)
        open_self_assessment(page)

        total = questions(page).count()
        assert total == 19, total
        half = total // 2
        for index in range(half):
            answer_with_keyboard(questions(page).nth(index), PATTERN[index % len(PATTERN)])
        page.get_by_role("button", name="Guardar borrador").click()
        expect(page.get_by_role("status").filter(has_text="Borrador guardado.")).to_be_visible()
        expect(page.get_by_text(f"{half} de {total} respondidas")).to_be_visible()

        # The saved answers are there when the draft is opened again.
        page.goto("/")
        page.get_by_role("link", name=re.compile(r"^Autodiagnóstico de Alcaldía de Yumbo")).click()
        page.get_by_role("button", name="Continuar el borrador").click()
        expect(questions(page).nth(1).get_by_role("radio").nth(PATTERN[1])).to_be_checked()

        for index in range(half, total):
            answer_with_keyboard(questions(page).nth(index), PATTERN[index % len(PATTERN)])
        page.get_by_role("button", name="Calificar").click()

        # The stage, overall and per pillar.
        expect(page.get_by_role("heading", level=1)).to_have_text("Resultado del autodiagnóstico")
        overall = page.get_by_role("region", name="Etapa general")
        expect(overall.locator(".assessment-stage-name")).to_have_text(re.compile(STAGES_ES))

        # The recommendations: every pillar, an early win first with its reason.
        recommendations = page.get_by_role(
            "region", name="Recomendaciones de la caja de herramientas"
        )
        pillars = recommendations.get_by_role("heading", level=3)
        expect(pillars).to_have_count(4)
        expect(pillars.first).to_have_text(re.compile(rf"^.+: ({STAGES_ES}) → ({STAGES_ES})$"))
        early = recommendations.locator("li.recommendation").filter(has_text="Victoria temprana")
        expect(early.first).to_contain_text("Se puede hacer ya: nivel")

        # Start a process from the first methodology recommended as an early win.
        win = early.filter(has=page.get_by_role("button", name=START_BUTTON)).first
        methodology = win.locator(".recommendation-name a").inner_text().strip()
        pillar = win.locator("xpath=ancestor::section[1]/h3").inner_text().split(":")[0]
        win.get_by_role("button", name=START_BUTTON).click()

        expect(page).to_have_url(re.compile(r"/procesos/[a-z0-9-]+/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"«{methodology}» para fortalecer el pilar «{pillar}»"
        )
        expect(page.get_by_text("Borrador", exact=True)).to_be_visible()
        stages = page.get_by_role("region", name="Etapas")
        expect(stages.get_by_role("heading", level=3)).to_contain_text(methodology)
        expect(page.locator(".lead")).to_contain_text("autodiagnóstico")
