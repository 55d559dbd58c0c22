"""The live canvas (lienzo) in real browsers: the demo facilitator adds a canvas from a
methodology to the agenda, citizens join with the code, and everyone works on one
board. Two people see each other's notes, moves and dots; the board works with the
keyboard alone; user text never runs as code (board, list view, exports); the list
view on a phone-sized screen."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from xml.etree import ElementTree

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

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

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

TIMEOUT_MS = 10_000
CANVAS = "Árbol de problemas del barrio"
METHODOLOGY = "Árbol de problemas"
PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    '"><svg onload=window.__xss=1>',
    "javascript:window.__xss=1",
    "{{7*7}}",
    "</textarea><script>window.__xss=1</script>",
]


@contextmanager
def new_page(browser: Browser, site, **options) -> Iterator[Page]:
    """A page in its own browser context (a separate person). Script errors fail the
    test; confirmation dialogs are accepted."""
    context = browser.new_context(base_url=site.url, locale="es-CO", **options)
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


def add_canvas(console: Page, title: str = CANVAS, methodology: str = METHODOLOGY) -> None:
    form = console.locator("#activity-form")
    form.get_by_label("Tipo de actividad").select_option(label="Lienzo")
    methodology_select = form.get_by_label("Metodología del lienzo")
    expect(methodology_select).to_be_visible()
    methodology_select.select_option(label=methodology)
    form.get_by_label("Título").fill(title)
    form.get_by_role("button", name="Agregar actividad").click()
    expect(console.locator("#agenda > li", has_text=title)).to_be_visible()


def canvas_session(console: Page) -> str:
    """A live session whose current activity is a problem-tree canvas; its code."""
    sign_in(console)
    code = open_session(console)
    add_canvas(console)
    console_ready(console)
    command(console, "Iniciar sesión")
    bring_everyone_to(console, CANVAS)
    expect(console.locator("#canvas")).to_be_visible()
    expect(console.locator("#canvas-heading")).to_have_text(METHODOLOGY)
    return code


def note(page: Page, text: str) -> Locator:
    return page.locator("#canvas-notes .canvas-note").filter(
        has=page.locator(".canvas-note-text", has_text=re.compile(f"^{re.escape(text)}$"))
    )


def item(page: Page, text: str) -> Locator:
    return page.locator("#canvas-sections .canvas-item").filter(
        has=page.locator(".canvas-item-text", has_text=re.compile(f"^{re.escape(text)}$"))
    )


def settled(page: Page) -> None:
    """Every command this page sent has its answer."""
    wait_until(page, "window.__cocreaRealtime && window.__cocreaRealtime.pending.size === 0")


def add_note(page: Page, text: str, zone: str | None = None, colour: str | None = None) -> None:
    form = page.locator("#canvas-add-form")
    if form.is_hidden():
        page.get_by_role("button", name="Agregar nota", exact=True).click()
    form.get_by_label("Texto de la nota").fill(text)
    if zone:
        form.get_by_label("Zona").select_option(label=zone)
    if colour:
        form.get_by_label("Color").select_option(label=colour)
    form.get_by_role("button", name="Agregar esta nota").click()
    expect(form.locator("#canvas-add-feedback")).to_contain_text("Nota agregada")
    settled(page)


def tab_until(page: Page, target: Locator, limit: int = 80) -> None:
    """Press Tab until ``target`` has the focus."""
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


def no_script_ran(page: Page) -> None:
    assert page.evaluate("typeof window.__xss") == "undefined"


def test_two_people_share_one_board(browser: Browser, demo) -> None:  # noqa: F811
    with new_page(browser, demo) as console, new_page(browser, demo) as ana:
        code = canvas_session(console)
        join(ana, code, "Ana")
        expect(ana.locator("#activity-title")).to_have_text(CANVAS)
        expect(ana.locator("#canvas")).to_be_visible()
        expect(ana.locator("#canvas-zones .canvas-zone")).to_have_count(5)
        expect(ana.locator(".canvas-zone", has_text="Causas directas")).to_be_visible()
        expect(ana.locator("#canvas-dots-left")).to_have_text("Le quedan 5 puntos de 5")

        # Ana adds a note: it is hers, and the facilitator sees it with her name.
        add_note(ana, "Faltan rutas de bus nocturnas", zone="Causas directas")
        mine = note(ana, "Faltan rutas de bus nocturnas")
        expect(mine).to_have_attribute("data-zone", "causas-directas")
        expect(mine.locator(".canvas-note-author")).to_have_text("Su nota")
        theirs = note(console, "Faltan rutas de bus nocturnas")
        expect(theirs).to_be_visible()
        expect(theirs).to_have_attribute("data-zone", "causas-directas")
        expect(theirs.locator(".canvas-note-author")).to_have_text("De Ana")

        # The facilitator adds one; Ana sees it.
        add_note(console, "Calles sin alumbrado", zone="Causas indirectas", colour="azul")
        expect(note(ana, "Calles sin alumbrado")).to_have_attribute("data-colour", "blue")

        # Ana drags her note into «Efectos directos» with the mouse.
        ana.locator("#canvas-viewport").evaluate("el => el.scrollIntoView({block: 'center'})")
        target = ana.locator(".canvas-zone[data-zone='efectos-directos']").bounding_box()
        box = mine.bounding_box()
        assert target and box
        start = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        drop_corner = (target["x"] + target["width"] * 0.6, target["y"] + target["height"] * 0.55)
        end = (start[0] + drop_corner[0] - box["x"], start[1] + drop_corner[1] - box["y"])
        ana.mouse.move(*start)
        ana.mouse.down()
        ana.mouse.move(start[0] + 10, start[1] + 10, steps=3)
        ana.mouse.move(*end, steps=12)
        ana.mouse.up()
        expect(mine).to_have_attribute("data-zone", "efectos-directos")
        expect(theirs).to_have_attribute("data-zone", "efectos-directos")
        settled(ana)
        assert mine.get_attribute("data-x") == theirs.get_attribute("data-x")
        assert mine.get_attribute("data-y") == theirs.get_attribute("data-y")
        expect(console.locator("#canvas-announcer")).not_to_have_text("")

        # Dots: Ana gives two, the facilitator one; hidden from Ana until revealed.
        mine.focus()
        ana.keyboard.press("d")
        expect(mine.locator(".canvas-note-dots")).to_have_text("1 punto suyo")
        ana.keyboard.press("d")
        expect(mine.locator(".canvas-note-dots")).to_have_text("2 puntos suyos")
        expect(ana.locator("#canvas-dots-left")).to_have_text("Le quedan 3 puntos de 5")
        settled(ana)
        theirs.focus()
        console.keyboard.press("d")
        expect(theirs.locator(".canvas-note-dots")).to_have_text("3 puntos")
        settled(console)
        expect(mine.locator(".canvas-note-dots")).to_have_text("2 puntos suyos")

        console.get_by_label("Mostrar los puntos a todos").check()
        expect(console.locator("#canvas-feedback")).to_contain_text("Hecho:")
        expect(mine.locator(".canvas-note-dots")).to_have_text("3 puntos")
        expect(ana.locator("#canvas-announcer")).to_contain_text("puntos")

        # Locking the canvas: Ana's controls say why, and a move is refused locally.
        console.get_by_label("Cerrar el lienzo (nadie más puede cambiarlo)").check()
        expect(ana.locator("#canvas-state")).to_contain_text("cerró el lienzo")
        expect(ana.get_by_role("button", name="Agregar nota", exact=True)).to_have_attribute(
            "aria-disabled", "true"
        )
        mine.focus()
        ana.keyboard.press("ArrowRight")
        expect(ana.locator("#canvas-feedback")).to_contain_text("cerró el lienzo")


def test_the_board_with_the_keyboard_alone(browser: Browser, demo) -> None:  # noqa: F811
    with new_page(browser, demo) as console, new_page(browser, demo) as bea:
        code = canvas_session(console)
        join(bea, code, "Bea")
        expect(bea.locator("#canvas")).to_be_visible()
        expect(
            bea.get_by_text("Flechas: mover la nota (con Mayús, pasos más largos).")
        ).to_be_visible()

        toggle = bea.get_by_role("button", name="Agregar nota", exact=True)
        tab_until(bea, toggle)
        bea.keyboard.press("Enter")
        text = bea.locator("#canvas-add-form").get_by_label("Texto de la nota")
        expect(text).to_be_focused()
        bea.keyboard.type("Poca iluminación en el parque")
        tab_until(bea, bea.get_by_role("button", name="Agregar esta nota"))
        bea.keyboard.press("Enter")
        expect(bea.locator("#canvas-add-feedback")).to_contain_text("Nota agregada")
        expect(text).to_have_value("")
        settled(bea)

        written = note(bea, "Poca iluminación en el parque")
        expect(written).to_be_visible()
        x0 = int(written.get_attribute("data-x"))
        y0 = int(written.get_attribute("data-y"))
        tab_until(bea, written)
        for _ in range(3):
            bea.keyboard.press("ArrowRight")
        bea.keyboard.press("Shift+ArrowDown")
        expect(written).to_have_attribute("data-x", str(x0 + 30))
        expect(written).to_have_attribute("data-y", str(y0 + 50))
        settled(bea)
        expect(note(console, "Poca iluminación en el parque")).to_have_attribute(
            "data-x", str(x0 + 30)
        )

        bea.keyboard.press("d")
        expect(written.locator(".canvas-note-dots")).to_have_text("1 punto suyo")
        settled(bea)

        bea.keyboard.press("Enter")
        editor = bea.get_by_role("dialog", name="Editar la nota")
        expect(editor).to_be_visible()
        edit_text = editor.get_by_label("Texto de la nota")
        expect(edit_text).to_be_focused()
        expect(edit_text).to_have_value("Poca iluminación en el parque")
        # Escape cancels and gives the focus back to the note.
        bea.keyboard.press("Escape")
        expect(editor).to_be_hidden()
        expect(written).to_be_focused()
        bea.keyboard.press("Enter")
        expect(edit_text).to_be_focused()
        bea.keyboard.press("ControlOrMeta+a")
        bea.keyboard.type("Parque sin luz de noche")
        bea.keyboard.press("Enter")
        expect(editor).to_be_hidden()
        edited = note(bea, "Parque sin luz de noche")
        expect(edited).to_be_focused()
        settled(bea)
        expect(note(console, "Parque sin luz de noche")).to_be_visible()

        # Everything was saved on the server: a reload shows the same board.
        bea.reload()
        again = note(bea, "Parque sin luz de noche")
        expect(again).to_have_attribute("data-x", str(x0 + 30))
        expect(again).to_have_attribute("data-y", str(y0 + 50))
        expect(again.locator(".canvas-note-dots")).to_have_text("1 punto suyo")

        # Delete (after confirming).
        tab_until(bea, again)
        bea.keyboard.press("Delete")
        expect(again).to_have_count(0)
        expect(bea.locator("#canvas-feedback")).to_have_text("Nota borrada.")
        expect(note(console, "Parque sin luz de noche")).to_have_count(0)


def test_user_text_never_runs(browser: Browser, demo, tmp_path) -> None:  # noqa: F811
    with new_page(browser, demo) as console, new_page(browser, demo) as carla:
        code = canvas_session(console)
        join(carla, code, "Carla")
        for index, payload in enumerate(PAYLOADS):
            add_note(carla if index % 2 else console, payload)
        for page in (console, carla):
            for payload in PAYLOADS:
                expect(note(page, payload)).to_have_count(1)
            expect(page.locator("#canvas-notes img, #canvas-notes script")).to_have_count(0)
            expect(page.locator("#canvas svg[onload], #canvas [onerror]")).to_have_count(0)
            no_script_ran(page)

        # A cluster named with a payload, from the console's selection.
        first = note(console, PAYLOADS[0])
        first.focus()
        console.keyboard.press("Space")
        expect(console.locator("#canvas-selected-count")).to_have_text("1")
        expect(console.locator("#canvas-selected-list li")).to_have_text([PAYLOADS[0]])
        console.get_by_label("Nombre del grupo").fill(PAYLOADS[1])
        console.get_by_role("button", name="Agrupar las seleccionadas").click()
        for page in (console, carla):
            expect(note(page, PAYLOADS[0]).locator(".canvas-note-cluster")).to_have_text(
                PAYLOADS[1]
            )
            no_script_ran(page)

        # The list view shows the same text, literally.
        for page in (console, carla):
            page.get_by_role("button", name="Ver como lista").click()
            for payload in PAYLOADS:
                expect(item(page, payload)).to_have_count(1)
            expect(item(page, PAYLOADS[0]).locator(".canvas-item-cluster")).to_have_text(
                f"Grupo: {PAYLOADS[1]}"
            )
            expect(page.locator("#canvas-sections img, #canvas-sections script")).to_have_count(0)
            no_script_ran(page)
        expect(item(carla, "{{7*7}}")).to_be_visible()
        expect(carla.get_by_text("49", exact=True)).to_have_count(0)

        # The exports, fetched with the facilitator's cookies, then opened in the
        # browser as a downloaded file would be (file://: no CSP header to help).
        activity_id = console.evaluate("[...window.__cocreaRealtime.state.canvases.keys()][0]")
        base = f"/facilitar/{code}/lienzos/{activity_id}/exportar"
        svg = console.request.get(f"{base}.svg")
        if svg.status == 404:
            pytest.skip(f"{base}.svg answered 404: the canvas exports are not built yet")
        assert svg.status == 200, svg.status
        assert svg.headers["content-type"].startswith("image/svg+xml")
        # Structurally: no script, no event handler attribute, no foreign content.
        root = ElementTree.fromstring(svg.body())
        for element in root.iter():
            tag = element.tag.rsplit("}", 1)[-1]
            assert tag not in ("script", "foreignObject", "iframe", "image"), tag
            assert not [a for a in element.attrib if a.lower().startswith("on")], element.attrib
        assert "window.__xss" in "".join(root.itertext())
        as_json = console.request.get(f"{base}.json")
        assert as_json.status == 200, as_json.status
        texts = {n["text"] for n in as_json.json()["notes"]}
        assert set(PAYLOADS) <= texts
        viewer = console.context.new_page()
        for name, response in (("lienzo.svg", svg), ("lienzo.json", as_json)):
            path = tmp_path / name
            path.write_bytes(response.body())
            viewer.goto(path.as_uri())
            viewer.wait_for_timeout(300)
            no_script_ran(viewer)
        expect(viewer.locator("body")).to_contain_text("window.__xss")
        viewer.close()


def test_list_view_on_a_phone(browser: Browser, demo) -> None:  # noqa: F811
    phone = {"viewport": {"width": 375, "height": 700}, "has_touch": True, "is_mobile": True}
    with new_page(browser, demo) as console, new_page(browser, demo, **phone) as dani:
        code = canvas_session(console)
        join(dani, code, "Dani")
        # Narrow screens start in the list view: zones are headings.
        expect(dani.locator("#canvas-list-view")).to_be_visible()
        expect(dani.locator("#canvas-board-view")).to_be_hidden()
        expect(dani.get_by_role("button", name="Ver como tablero")).to_be_visible()
        for zone in ("Efectos indirectos", "Problema central", "Causas directas"):
            expect(dani.get_by_role("heading", name=zone, level=4)).to_be_visible()

        add_note(dani, "No hay parqueaderos de bicicletas", zone="Problema central")
        section = dani.locator(".canvas-section[data-zone='problema-central']")
        listed = section.locator(".canvas-item", has_text="No hay parqueaderos de bicicletas")
        expect(listed).to_be_visible()
        expect(listed).to_contain_text("Su nota")
        expect(note(console, "No hay parqueaderos de bicicletas")).to_have_attribute(
            "data-zone", "problema-central"
        )

        listed.get_by_role("button", name=re.compile(r"^Editar")).click()
        editor = dani.get_by_role("dialog", name="Editar la nota")
        editor.get_by_label("Texto de la nota").fill("Faltan parqueaderos de bicicletas")
        editor.get_by_role("button", name="Guardar").click()
        expect(editor).to_be_hidden()
        renamed = item(dani, "Faltan parqueaderos de bicicletas")
        expect(renamed).to_be_visible()
        expect(renamed.get_by_role("button", name=re.compile(r"^Editar"))).to_be_focused()
        settled(dani)
        expect(note(console, "Faltan parqueaderos de bicicletas")).to_be_visible()

        # Moving to another zone from the list, and a dot.
        renamed.get_by_label(re.compile(r"^Mover a la zona")).select_option(label="Causas directas")
        renamed.get_by_role("button", name=re.compile(r"^Mover \(")).click()
        moved = dani.locator(".canvas-section[data-zone='causas-directas'] .canvas-item").filter(
            has_text="Faltan parqueaderos de bicicletas"
        )
        expect(moved).to_be_visible()
        expect(moved.get_by_role("button", name=re.compile(r"^Mover \("))).to_be_focused()
        expect(moved.locator(".canvas-item-feedback")).to_have_text(
            "Nota movida a «Causas directas»."
        )
        moved.get_by_role("button", name=re.compile(r"^Dar un punto")).click()
        expect(moved.locator(".canvas-item-dots")).to_have_text("1 punto suyo")
        settled(dani)
        expect(note(console, "Faltan parqueaderos de bicicletas")).to_have_attribute(
            "data-zone", "causas-directas"
        )
        # Someone else's note arrives and is announced politely.
        add_note(console, "Ciclovías interrumpidas", zone="Causas directas")
        expect(item(dani, "Ciclovías interrumpidas")).to_be_visible()
        expect(dani.locator("#canvas-announcer")).to_have_text("1 nota nueva")
        expect(
            item(dani, "Ciclovías interrumpidas").get_by_role("button", name=re.compile("^Editar"))
        ).to_have_count(0)


def test_facilitator_tools_reach_participants(browser: Browser, demo) -> None:  # noqa: F811
    with new_page(browser, demo) as console, new_page(browser, demo) as eva:
        code = canvas_session(console)
        join(eva, code, "Eva")
        add_note(eva, "Buses llenos", zone="Causas directas")
        add_note(console, "Pocas frecuencias", zone="Causas directas")
        add_note(console, "Llegar tarde al trabajo", zone="Efectos directos")
        expect(note(eva, "Llegar tarde al trabajo")).to_be_visible()

        # Focus: everyone's board zooms to the zone.
        viewport = eva.locator("#canvas-viewport")
        zone = eva.locator(".canvas-zone[data-zone='problema-central']")
        before = zone.bounding_box()
        console.get_by_label("Llevar la vista de todos a una zona").select_option(
            label="Problema central"
        )
        console.get_by_role("button", name="Enfocar a todos en esta zona").click()
        expect(eva.locator("#canvas-announcer")).to_contain_text("Problema central")
        wait_until(
            eva,
            """([before]) => {
                const box = document.querySelector(".canvas-zone[data-zone='problema-central']")
                    .getBoundingClientRect();
                return box.width > before * 1.3;
            }""",
            arg=[before["width"]],
        )
        port = viewport.bounding_box()
        after = zone.bounding_box()
        assert (
            port["x"] - 2 <= after["x"]
            and after["x"] + after["width"] <= port["x"] + port["width"] + 2
        )

        # A locked zone: Eva's note there cannot move, and the zone is not offered.
        console.get_by_role("checkbox", name="Causas directas").check()
        expect(eva.locator("#canvas-state")).to_contain_text("Causas directas")
        expect(eva.locator("#canvas-add-zone option[value='causas-directas']")).to_be_disabled()
        buses = note(eva, "Buses llenos")
        buses.focus()
        eva.keyboard.press("ArrowDown")
        expect(eva.locator("#canvas-feedback")).to_contain_text("«Causas directas» está cerrada")
        console.get_by_role("checkbox", name="Causas directas").uncheck()
        expect(eva.locator("#canvas-state")).to_be_hidden()

        # Link (cause → effect) and merge, from the console's selection.
        note(console, "Pocas frecuencias").focus()
        console.keyboard.press("Space")
        note(console, "Llegar tarde al trabajo").focus()
        console.keyboard.press("Space")
        console.get_by_role("button", name="Vincular: la primera causa la segunda").click()
        expect(console.locator("#canvas-links line")).to_have_count(1)
        expect(eva.locator("#canvas-links line")).to_have_count(1)
        console.get_by_role("button", name="Quitar la selección").click()
        note(console, "Buses llenos").focus()
        console.keyboard.press("Space")
        note(console, "Pocas frecuencias").focus()
        console.keyboard.press("Space")
        console.get_by_role("button", name="Fusionar la primera en la segunda").click()
        expect(note(eva, "Buses llenos")).to_have_count(0)
        expect(eva.locator("#canvas-links line")).to_have_count(1)
        eva.get_by_role("button", name="Ver como lista").click()
        expect(item(eva, "Pocas frecuencias").locator(".canvas-item-links")).to_have_text(
            "Causa de: «Llegar tarde al trabajo»"
        )

        # Private mode: Eva sees only her own notes, and is told why.
        add_note(eva, "Paraderos sin techo", zone="Causas indirectas")
        console.get_by_label("Modo privado (cada participante ve solo sus notas)").check()
        expect(eva.locator("#canvas-state")).to_contain_text("Modo privado")
        expect(item(eva, "Pocas frecuencias")).to_have_count(0)
        expect(item(eva, "Paraderos sin techo")).to_be_visible()
        console.get_by_label("Modo privado (cada participante ve solo sus notas)").uncheck()
        expect(item(eva, "Pocas frecuencias")).to_be_visible()
