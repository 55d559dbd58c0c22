"""The HAGA toolkit pages: content from the reference data, language, errors, a11y."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from cocrea.toolkit.reference.decalogo import DECALOGO
from cocrea.toolkit.reference.methodologies import METHODOLOGIES
from cocrea.toolkit.reference.vocabularies import LEVELS, LINEAMIENTOS, PILLARS

pytestmark = pytest.mark.e2e

TREE = next(item for item in METHODOLOGIES if item["slug"] == "arbol-de-problemas")


def region(page: Page, name: str):
    return page.get_by_role("region", name=name, exact=True)


def test_home_shows_pillars_levels_and_lineamientos(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Caja de herramientas HAGA")

    pillars = region(page, "Pilares de gobierno abierto")
    expect(pillars.get_by_role("listitem")).to_have_count(4)
    expect(pillars.get_by_role("heading", level=3)).to_have_text([p["name"] for p in PILLARS])

    levels = region(page, "Niveles de involucramiento ciudadano")
    steps = levels.get_by_role("listitem")
    expect(steps).to_have_count(5)
    names = [level["name"] for level in LEVELS]
    assert names[0] == "Informar" and names[-1] == "Empoderar"
    expect(levels.get_by_role("heading", level=3)).to_have_text(names)
    for step, level in zip(steps.all(), LEVELS, strict=True):
        expect(step).to_contain_text("Promesa al público:")
        expect(step).to_contain_text(f"«{level['promise']}»")

    lineamientos = region(page, "Lineamientos de política pública de gobierno abierto")
    expect(lineamientos.get_by_role("listitem")).to_have_count(4)
    expect(lineamientos.get_by_role("heading", level=3)).to_have_text(
        [item["name"] for item in LINEAMIENTOS]
    )


def test_home_pillar_link_opens_the_filtered_repository(page: Page) -> None:
    page.goto("/")
    page.get_by_role("link", name="Experiencias de Transparencia").click()
    expect(page).to_have_url(re.compile(r"/repositorio/\?pillar=transparencia$"))
    expect(page.get_by_label("Pilar", exact=True)).to_have_value("transparencia")


def test_decalogo_has_ten_numbered_tips(page: Page) -> None:
    page.goto("/decalogo/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Decálogo")
    tips = page.locator("ol.decalogo > li")
    expect(tips).to_have_count(10)
    assert len(DECALOGO) == 10
    for number, (tip, item) in enumerate(zip(tips.all(), DECALOGO, strict=True), start=1):
        assert tip.get_attribute("id") == f"consejo-{number}"
        expect(tip.locator(".tip-number")).to_have_text(str(number))
        expect(tip.get_by_role("heading", level=2)).to_contain_text(item["title"])
    # An ordered list: assistive technology announces the numbering itself.
    assert page.locator("ol.decalogo").evaluate("el => el.tagName") == "OL"


def test_methodology_list_and_problem_tree_canvas(page: Page) -> None:
    page.goto("/metodologias/")
    cards = page.locator("li.methodology-card")
    expect(cards.nth(7)).to_be_visible()
    assert cards.count() >= 8
    expect(page.get_by_role("status")).to_have_text(f"{cards.count()} metodologías")

    page.get_by_role("link", name="Árbol de problemas", exact=True).click()
    expect(page).to_have_url(re.compile(r"/metodologias/arbol-de-problemas/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Árbol de problemas")

    steps = region(page, "Paso a paso").locator("ol.steps > li")
    expect(steps).to_have_count(len(TREE["steps"]))
    expect(steps.get_by_role("heading", level=3)).to_have_text(
        [step["title"] for step in TREE["steps"]]
    )

    zones = TREE["zones"]
    canvas = page.get_by_role("img", name=f"Lienzo de Árbol de problemas con {len(zones)} zonas")
    expect(canvas).to_be_visible()
    assert canvas.evaluate("el => el.tagName.toLowerCase()") == "svg"
    drawn = canvas.locator("g.canvas-zone")
    expect(drawn).to_have_count(len(zones))
    assert [g.get_attribute("data-zone") for g in drawn.all()] == [z["key"] for z in zones]
    for group, zone in zip(drawn.all(), zones, strict=True):
        # The label may wrap over several <tspan>s; its words are all drawn.
        drawn_text = " ".join(group.locator("text").first.locator("tspan").all_text_contents())
        assert drawn_text.split() == zone["label"].split()

    listed = region(page, "Lienzo").locator("ul.zone-list > li")
    expect(listed).to_have_count(len(zones))
    expect(listed.locator("strong")).to_have_text([zone["label"] for zone in zones])
    for item, zone in zip(listed.all(), zones, strict=True):
        expect(item).to_contain_text(zone["prompt"])


def test_methodology_search_ignores_accents(page: Page) -> None:
    page.goto("/metodologias/")
    page.get_by_label("Buscar metodologías").fill("arbol")
    page.get_by_role("button", name="Buscar", exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]q=arbol(&|$)"))
    expect(page.get_by_role("link", name="Árbol de problemas", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Mapa de actores", exact=True)).to_have_count(0)


def switch_language(page: Page, label: str) -> None:
    switcher = page.locator("form.lang-switch")
    switcher.get_by_role("combobox").select_option(label=label)
    switcher.get_by_role("button").click()


def test_language_switcher_changes_to_english_and_back(page: Page) -> None:
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.get_by_label("Idioma").select_option(label="English")
    page.get_by_role("button", name="Cambiar idioma").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/$"))
    pillar_names = page.locator(".card-grid").first.get_by_role("heading", level=3)
    expect(pillar_names).to_have_text([p["en"]["name"] for p in PILLARS])
    expect(pillar_names.first).to_have_text("Transparency")
    expect(page.locator("#lang-select")).to_have_value("en")

    # The choice sticks: another page is in English too.
    page.goto("/metodologias/arbol-de-problemas/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text(TREE["en"]["name"])

    switch_language(page, "Español")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page).to_have_url(re.compile(r"/metodologias/arbol-de-problemas/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Árbol de problemas")


def test_english_catalogue_translates_the_navigation(page: Page) -> None:
    """Needs the compiled English catalogue (locale/en/LC_MESSAGES/django.mo)."""
    page.goto("/")
    switch_language(page, "English")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    header = page.get_by_role("banner")
    expect(header.get_by_role("link", name="Methodologies", exact=True)).to_be_visible()


def test_unknown_page_is_a_spanish_404(page: Page) -> None:
    response = page.goto("/no-existe/")
    assert response is not None and response.status == 404
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Página no encontrada")
    expect(page.locator("body")).not_to_contain_text("Traceback")


def test_unknown_methodology_is_a_404(page: Page) -> None:
    response = page.goto("/metodologias/no-existe/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Página no encontrada")


def test_first_tab_reaches_the_skip_link_which_moves_focus_to_main(page: Page) -> None:
    page.goto("/metodologias/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Saltar al contenido")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # visually hidden links must show when focused
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab continues inside the content (the search box), past the header.
    page.keyboard.press("Tab")
    expect(page.get_by_label("Buscar metodologías")).to_be_focused()


# Returns a description of each form control that has no accessible label.
UNLABELLED_CONTROLS = """
() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden')
  .filter(el => {
    if (el.labels && [...el.labels].some(l => l.textContent.trim())) return false;
    if ((el.getAttribute('aria-label') || '').trim()) return false;
    const ids = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
    return !ids.some(id => (document.getElementById(id)?.textContent || '').trim());
  })
  .map(el => el.outerHTML.slice(0, 120))
"""

# Elements exposed as images (img, role=img) that have no text alternative.
IMAGES_WITHOUT_ALT = """
() => [
  ...[...document.querySelectorAll('img')].filter(el => !el.hasAttribute('alt')),
  ...[...document.querySelectorAll('[role=img]')].filter(el => {
    if ((el.getAttribute('aria-label') || '').trim()) return false;
    const ids = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
    return !ids.some(id => (document.getElementById(id)?.textContent || '').trim());
  }),
].map(el => el.outerHTML.slice(0, 120))
"""

PAGES = [
    "/",
    "/decalogo/",
    "/metodologias/",
    "/metodologias/arbol-de-problemas/",
    "/repositorio/",
    "/repositorio/?pillar=transparencia",
    "/repositorio/decide-madrid/",
    "/procesos/",
    "/cuenta/ingresar/",
    "/no-existe/",
]


@pytest.mark.parametrize("path", PAGES)
def test_page_basics_for_accessibility(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None
    assert response.status == (404 if path == "/no-existe/" else 200)
    expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^es(-|$)"))
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("main")).to_have_count(1)
    assert page.title().strip().endswith("· cocrea")
    assert page.evaluate(UNLABELLED_CONTROLS) == []
    assert page.evaluate(IMAGES_WITHOUT_ALT) == []
    ids = page.evaluate("[...document.querySelectorAll('[id]')].map(el => el.id)")
    assert len(ids) == len(set(ids)), "duplicate id attributes"
