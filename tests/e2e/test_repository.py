"""The experience repository, driven through its filter form in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.e2e

REPOSITORY = "/repositorio/"
CARDS = "li.experience-card"


def result_count(page: Page) -> int:
    """The number the status line announces ("10 resultados")."""
    status = page.get_by_role("status")
    expect(status).to_have_text(re.compile(r"^\s*\d+ resultados?\s*$"))
    return int(re.search(r"\d+", status.inner_text()).group())


def card_titles(page: Page) -> list[str]:
    return [title.strip() for title in page.locator(f"{CARDS} h2").all_inner_texts()]


def card_attribute(cards: Locator, name: str) -> list[str]:
    return [card.get_attribute(name) or "" for card in cards.all()]


def tab_until_focused(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab from wherever focus is until ``selector`` has focus (keyboard only)."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{selector} never received focus after {limit} presses of Tab")


def test_filter_by_pillar_with_the_form(page: Page) -> None:
    page.goto(REPOSITORY)
    before = card_titles(page)
    total = result_count(page)
    assert total == len(before) > 0
    cards = page.locator(CARDS)
    outsiders = [
        title
        for title, pillars in zip(before, card_attribute(cards, "data-pillars"), strict=True)
        if "transparencia" not in pillars.split()
    ]
    assert outsiders, "the unfiltered repository should list experiences of other pillars"

    page.get_by_label("Pilar", exact=True).select_option(label="Transparencia")
    page.get_by_role("button", name="Filtrar").click()

    expect(page).to_have_url(re.compile(r"[?&]pillar=transparencia(&|$)"))
    expect(page.get_by_label("Pilar", exact=True)).to_have_value("transparencia")
    count = result_count(page)
    assert 0 < count < total
    expect(cards).to_have_count(count)
    for card in cards.all():
        assert "transparencia" in (card.get_attribute("data-pillars") or "").split()
        expect(card.locator(".card-facts")).to_contain_text("Transparencia")
    assert set(card_titles(page)) <= set(before)
    for title in outsiders:
        expect(page.get_by_role("link", name=title, exact=True)).to_have_count(0)


def test_filter_by_level_with_the_keyboard_only(page: Page) -> None:
    page.goto(REPOSITORY)
    total = result_count(page)
    before_levels = card_attribute(page.locator(CARDS), "data-level")
    assert any(level != "empoderar" for level in before_levels)

    level = page.get_by_label("Nivel de involucramiento")
    tab_until_focused(page, "#f-level")
    expect(level).to_be_focused()
    # Type-ahead on a focused, closed <select> picks the option starting with "E".
    page.keyboard.type("Empoderar")
    expect(level).to_have_value("empoderar")
    tab_until_focused(page, "#experience-filters button[type=submit]")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"[?&]level=empoderar(&|$)"))
    expect(page.get_by_label("Nivel de involucramiento")).to_have_value("empoderar")
    cards = page.locator(CARDS)
    count = result_count(page)
    assert 0 < count < total
    assert count == before_levels.count("empoderar")
    expect(cards).to_have_count(count)
    for card in cards.all():
        assert card.get_attribute("data-level") == "empoderar"
        expect(card.locator(".card-facts")).to_contain_text("Empoderar")


def test_enter_in_the_search_box_submits_the_filters(page: Page) -> None:
    page.goto(REPOSITORY)
    search = page.get_by_label("Buscar")
    search.focus()
    page.keyboard.type("Decidim")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]q=Decidim(&|$)"))
    expect(page.locator(CARDS).first).to_contain_text("Decidim")


def test_free_text_search_ignores_accents(page: Page) -> None:
    page.goto(REPOSITORY + "?q=" + "participación")
    accented = sorted(card_titles(page))
    assert accented, "searching the accented word should find experiences"

    page.goto(REPOSITORY)
    page.get_by_label("Buscar").fill("participacion")
    page.get_by_role("button", name="Filtrar").click()

    expect(page).to_have_url(re.compile(r"[?&]q=participacion(&|$)"))
    expect(page.get_by_label("Buscar")).to_have_value("participacion")
    cards = page.locator(CARDS)
    expect(cards).to_have_count(len(accented))
    assert result_count(page) == len(accented)
    assert sorted(card_titles(page)) == accented
    # The match is on the accented Spanish text the unaccented query stands for.
    matches = [text for text in cards.all_inner_texts() if "participación" in text.lower()]
    assert matches, "no result card shows the word «Participación»"


def test_unknown_filter_value_is_a_400_naming_the_parameter(page: Page) -> None:
    response = page.goto(REPOSITORY + "?pillar=nope")
    assert response is not None and response.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text("Filtro no válido")
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert.locator("code")).to_have_text(["pillar"])
    expect(page.locator(CARDS)).to_have_count(0)


def test_unknown_parameter_name_is_a_400_too(page: Page) -> None:
    response = page.goto(REPOSITORY + "?piller=transparencia")
    assert response is not None and response.status == 400
    expect(page.get_by_role("alert")).to_contain_text("piller")


def test_clear_filters_link_resets_everything(page: Page) -> None:
    page.goto(REPOSITORY)
    total = result_count(page)

    page.goto(REPOSITORY + "?pillar=transparencia&level=informar&q=datos")
    filtered = result_count(page)
    assert filtered < total
    clear = page.get_by_role("link", name="Quitar filtros")
    expect(clear).to_be_visible()
    clear.click()

    expect(page).to_have_url(re.compile(r"/repositorio/$"))
    assert result_count(page) == total
    expect(page.locator(CARDS)).to_have_count(total)
    expect(page.get_by_label("Pilar", exact=True)).to_have_value("")
    expect(page.get_by_label("Nivel de involucramiento")).to_have_value("")
    expect(page.get_by_label("Buscar")).to_have_value("")
    expect(page.get_by_role("link", name="Quitar filtros")).to_have_count(0)
