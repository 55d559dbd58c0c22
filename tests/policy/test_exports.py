"""Policy documents opened with their own readers: python-docx, pypdf, openpyxl, csv and
frictionless find the content (titles, items, the annex of sources, every OGP field,
charts), formulas are neutralised, empty documents say so, and no open-data file holds
a name, an email or an author key."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.utils import translation
from docx import Document
from frictionless import validate
from pypdf import PdfReader

from cocrea.policy.exports import charts, data, datapackage, docx, pdf, tabular
from cocrea.policy.models import ActionPlan, Draft
from cocrea.toolkit.models import Level, Pillar
from sessions import live
from sessions.services import StageInput, process_create
from tests.policy.export_fixtures import AUTHOR_KEY, FORMULA, ExportWorld, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def export_world(entity, alice, bob) -> ExportWorld:
    return build_world(entity, alice, bob)


@pytest.fixture
def working(export_world) -> data.DraftDocument:
    return data.draft_document(export_world.draft)


@pytest.fixture
def published(export_world) -> data.DraftDocument:
    return data.draft_document(export_world.draft, export_world.version)


@pytest.fixture
def plan_doc(export_world) -> data.PlanDocument:
    return data.plan_document(export_world.plan, export_world.plan_version)


@pytest.fixture
def empty_draft(entity, alice) -> data.DraftDocument:
    process = process_create(
        entity=entity,
        title="Proceso vacío",
        primary_pillar=Pillar.objects.get(code="participacion"),
        stages=[StageInput(name="Consulta", level=Level.objects.get(code="consultar"))],
        created_by=alice,
    )
    return data.draft_document(Draft.objects.create(process=process, title="Borrador vacío"))


def docx_text(body: bytes) -> tuple[Document, str]:
    document = Document(io.BytesIO(body))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.header.paragraphs)
    return document, "\n".join(parts)


def pdf_text(body: bytes) -> str:
    assert body.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def squash(text: str) -> str:
    """PDF text extraction breaks lines where the layout does: compare without them."""
    return " ".join(text.split())


# --- the reader ---------------------------------------------------------------------------


def test_working_copy_groups_items_by_lineamiento_and_pillar(working, export_world):
    assert [s.name for s in working.sections] == ["Datos Abiertos", "Gobernanza Abierta"]
    datos, gobernanza = working.sections
    assert [p.name for p in datos.pillars] == ["Transparencia"]
    assert [i.title for i in datos.pillars[0].items] == [
        "Publicar la contratación en datos abiertos",
        "Mapa de residuos del barrio",
    ]
    assert [i.number for i in working.items] == ["1.1", "1.2", "2.1", "2.2"]
    assert "Ítem retirado" not in [i.title for i in working.items]
    assert [s.number for s in working.sources] == ["F1", "F2", "F3"]
    assert not working.published and working.watermark and working.version is None


def test_published_version_reads_the_frozen_snapshot(published, working, export_world):
    # Edits after publishing change the working copy, never the version.
    item = export_world.items[0]
    item.title = "Cambiado después"
    item.save()
    again = data.draft_document(export_world.draft, export_world.version)
    assert again.items[0].title == "Publicar la contratación en datos abiertos"
    assert published.version == 1 and published.published and not published.watermark
    assert [i.title for i in published.items] == [i.title for i in working.items]
    assert [s.session for s in published.sources] == [s.session for s in working.sources]
    poll_source = published.sources[0]
    assert poll_source.session == f"Taller de prioridades ({export_world.session.code})"
    assert poll_source.level == "Colaborar"
    assert poll_source.participants == 3
    assert poll_source.date is not None


def test_poll_source_has_a_chart_from_the_tally_steps(published):
    chart = published.sources[0].chart
    assert chart is not None
    assert [(b.label, b.value, b.winner) for b in chart.bars] == [
        ("Datos abiertos de contratación", 2.0, True),
        ("Presupuesto participativo", 1.0, False),
    ]
    assert "Datos abiertos de contratación: 2" in chart.description
    assert chart.explanation  # the method's sentences


def test_chart_png_and_svg():
    chart = data.Chart(
        title="Prioridades <b>",
        measure="Votos",
        bars=(data.Bar("Opción ñandú", 3, "3", True), data.Bar("Otra", 1, "1", False)),
        winners=("Opción ñandú",),
        explanation=(),
        ballots=4,
    )
    png = charts.chart_png(chart)
    assert png.startswith(b"\x89PNG")
    svg = charts.chart_svg(chart)
    assert svg.startswith("<svg") and "<b>" not in svg and "&lt;b&gt;" in svg
    assert svg.count("<rect") == 2 and ">3<" in svg


def test_plan_document_reads_the_service_shaped_snapshot(plan_doc):
    (c,) = plan_doc.commitments
    fields = dict(c.fields())
    assert fields["Número y nombre"] == "1. Contratación abierta"
    assert fields["Relevancia: rendición de cuentas"] == "Informes trimestrales de avance."
    assert fields["Otros actores"] == (
        "Gobierno: Colombia Compra Eficiente; Sociedad civil: Veeduría"
    )
    assert fields["Objetivos de Desarrollo Sostenible"] == "ODS 16, ODS 17"
    assert fields["Nivel de cumplimiento"] == "Limitado"
    assert [m.deliverable for m in c.milestones] == [
        "Conjunto de datos de contratos publicado",
        "Tablero de seguimiento",
    ]
    assert [p.text for p in c.progress] == ["Primer conjunto publicado."]
    (trace,) = c.trace
    assert trace.item_title == "Publicar la contratación en datos abiertos"
    assert "Taller de prioridades" in trace.sources and "Colaborar" in trace.sources
    assert dict(plan_doc.responses) == {
        "Pendiente": 1,
        "Incorporado": 1,
        "Unido a otro aporte": 0,
        "No incorporado": 0,
    }


# --- DOCX ---------------------------------------------------------------------------------


def test_draft_docx(working, export_world):
    document, text = docx_text(docx.draft_docx(working))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "1. Datos Abiertos" in headings and "2. Gobernanza Abierta" in headings
    assert "Pilar: Transparencia" in headings
    assert "1.1 Publicar la contratación en datos abiertos" in headings
    assert "Anexo: fuentes de cada ítem" in headings
    # Title page: process, entity, version line, "Borrador" (page and header).
    assert "Gobierno abierto en Buenaventura" in text
    assert "Alcaldía de Buenaventura" in text
    assert "Copia de trabajo sin publicar" in text
    assert "BORRADOR" in text and "BORRADOR — sin publicar" in text
    assert "La alcaldía publicará cada contrato en datos.gov.co." in text
    assert "Fuentes: F1 (Votación, Taller de prioridades" in text
    # The annex: one row per source with session, level, kind, content, participants.
    annex = document.tables[0]
    assert [c.text for c in annex.rows[0].cells][:3] == ["Fuente", "Ítem", "Sesión"]
    rows = [[c.text for c in row.cells] for row in annex.rows[1:]]
    assert [r[0] for r in rows] == ["F1", "F2", "F3"]
    assert rows[1][4:] == ["Colaborar", "Nota", "Basuras en el caño", "2"]
    assert rows[2][6] == "Residuos: Basuras en el caño"
    # The poll's chart is an image, with its text equivalent beside it.
    images = [r for r in document.part.rels.values() if "image" in r.reltype]
    assert len(images) == 1
    assert images[0].target_part.blob.startswith(b"\x89PNG")
    assert "Datos abiertos de contratación: 2; Presupuesto participativo: 1." in text


def test_published_draft_docx_has_no_watermark(published):
    _document, text = docx_text(docx.draft_docx(published))
    assert "Versión 1, publicada el" in text
    assert "BORRADOR" not in text


def test_empty_draft_docx_and_pdf_say_it_is_empty(empty_draft):
    assert empty_draft.empty
    document, text = docx_text(docx.draft_docx(empty_draft))
    assert "Este borrador aún no tiene ítems." in text
    assert "Proceso vacío" in text
    assert not document.tables
    pdf_body = pdf_text(pdf.draft_pdf(empty_draft))
    assert "Este borrador aún no tiene ítems." in squash(pdf_body)
    rows = list(csv.reader(io.StringIO(tabular.draft_csv(empty_draft)[1:])))
    assert len(rows) == 1  # the header, no items


def test_empty_draft_open_data_is_valid_and_empty(empty_draft, tmp_path):
    workbook = openpyxl.load_workbook(io.BytesIO(tabular.draft_xlsx(empty_draft)))
    assert [sheet.max_row for sheet in workbook] == [1, 1]  # header rows only
    tables = tabular.draft_tables(empty_draft)
    unpack(datapackage.package_zip(tables, name="vacio", title="Vacío"), tmp_path)
    assert validate(str(tmp_path / datapackage.DESCRIPTOR)).valid
    assert (tmp_path / "data" / "items.csv").read_text().splitlines()[0].startswith("number,")


def test_plan_docx(plan_doc):
    document, text = docx_text(docx.plan_docx(plan_doc))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Compromiso 1. Contratación abierta" in headings
    assert {"Hitos", "Avances", "Trazabilidad"} <= set(headings)
    fields = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert fields["Entidad responsable"] == "Secretaría de Hacienda"
    assert fields["Línea base"] == "0 contratos publicados en formato abierto."
    assert fields["Presupuesto"] == "COP 120.000.000"
    assert fields["Plan de desarrollo"] == "Plan de Desarrollo Distrital, línea 3"
    assert len(fields) == 19  # the header and the 18 fields of the template
    milestones = [[c.text for c in row.cells] for row in document.tables[1].rows]
    assert milestones[1][0] == "Conjunto de datos de contratos publicado"
    assert milestones[1][3] == "Oficina TIC"
    assert "Plan de acción de Gobierno Abierto" in text and "Versión 1" in text


def test_empty_plan_docx(export_world):
    plan = ActionPlan.objects.create(process=export_world.process, title="Vacío")
    _document, text = docx_text(docx.plan_docx(data.plan_document(plan)))
    assert "Este plan de acción aún no tiene compromisos." in text
    assert "BORRADOR" in text


# --- PDF ----------------------------------------------------------------------------------


def test_draft_pdf(working, export_world):
    text = squash(pdf_text(pdf.draft_pdf(working)))
    assert "Lineamientos de política pública de Gobierno Abierto" in text
    assert "Gobierno abierto en Buenaventura" in text
    assert "BORRADOR" in text
    assert "1.1 Publicar la contratación en datos abiertos" in text
    assert "La alcaldía publicará cada contrato en datos.gov.co." in text
    assert "Anexo: fuentes de cada ítem" in text
    assert "Basuras en el caño" in text and "Residuos: Basuras en el caño" in text
    assert f"Taller de prioridades ({export_world.session.code})" in text
    # The chart is drawn (SVG text) and described.
    assert "Datos abiertos de contratación: 2; Presupuesto participativo: 1." in text


def test_plan_pdf(plan_doc):
    text = squash(pdf_text(pdf.plan_pdf(plan_doc)))
    assert "Compromiso 1. Contratación abierta" in text
    for value in (
        "Secretaría de Hacienda",
        "Relevancia: tecnología e innovación",
        "Estándar OCDS.",
        "Conjunto de datos de contratos publicado",
        "ODS 16, ODS 17",
        "Primer conjunto publicado.",
        "Trazabilidad",
    ):
        assert value in text, value
    assert "BORRADOR" not in text


# --- XLSX and CSV -------------------------------------------------------------------------


def test_draft_xlsx(working):
    workbook = openpyxl.load_workbook(io.BytesIO(tabular.draft_xlsx(working)))
    assert workbook.sheetnames == ["Ítems", "Fuentes"]
    items = [[c.value for c in row] for row in workbook["Ítems"].iter_rows()]
    assert items[0][:4] == ["Número", "Lineamiento", "Pilar", "Título"]
    titles = [row[3] for row in items[1:]]
    assert "Publicar la contratación en datos abiertos" in titles
    assert "'" + FORMULA in titles  # shown as typed, never evaluated
    formula_row = items[1:][titles.index("'" + FORMULA)]
    assert formula_row[4] == "'-1 +2 @x"
    sources = [[c.value for c in row] for row in workbook["Fuentes"].iter_rows()]
    assert len(sources) == 4 and sources[2][8] == "Basuras en el caño"


def test_draft_csv(working):
    body = tabular.draft_csv(working)
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body[1:])))
    assert [r["Número"] for r in rows] == ["1.1", "1.2", "2.1", "2.2"]
    assert rows[0]["Fuentes"] == "2" and rows[0]["Participantes"] == "5"
    assert rows[3]["Título"] == "'" + FORMULA


def test_plan_xlsx_with_responses(plan_doc, export_world):
    body = tabular.plan_xlsx(plan_doc, data.response_rows(export_world.process))
    workbook = openpyxl.load_workbook(io.BytesIO(body))
    assert workbook.sheetnames == [
        "Compromisos",
        "Hitos",
        "Avances",
        "Trazabilidad",
        "Resumen de respuestas",
        "Respuestas a los aportes",
    ]
    header, row = [[c.value for c in r] for r in workbook["Compromisos"].iter_rows()]
    assert header[:3] == ["Número", "Nombre", "Inicio"]
    assert row[0] == 1 and row[4] == "Secretaría de Hacienda"
    milestones = list(workbook["Hitos"].iter_rows(values_only=True))
    assert milestones[1][1] == "Conjunto de datos de contratos publicado"
    assert milestones[1][5] is True


def test_safe_cell_neutralises_every_formula_start():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert tabular.safe_cell(start + "1") == "'" + start + "1"
    assert tabular.safe_cell("normal") == "normal"
    assert tabular.safe_cell(-3) == -3
    assert tabular.safe_cell("a\x00b") == "ab"


# --- the data package ---------------------------------------------------------------------


def unpack(body: bytes, folder: Path) -> dict:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        archive.extractall(folder)
    return json.loads((folder / datapackage.DESCRIPTOR).read_text(encoding="utf-8"))


def test_draft_datapackage_is_valid_and_holds_the_rows(working, tmp_path):
    body = datapackage.package_zip(
        tabular.draft_tables(working), name="Gobierno abierto", title="Lineamientos"
    )
    descriptor = unpack(body, tmp_path)
    assert descriptor["name"] == "gobierno-abierto"
    assert [r["name"] for r in descriptor["resources"]] == ["items", "sources"]
    fields = {f["name"]: f["type"] for f in descriptor["resources"][1]["schema"]["fields"]}
    assert fields["date"] == "date" and fields["participants"] == "integer"
    report = validate(str(tmp_path / datapackage.DESCRIPTOR))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    items = list(csv.DictReader((tmp_path / "data" / "items.csv").open(encoding="utf-8")))
    assert [r["title"] for r in items][:2] == [
        "Publicar la contratación en datos abiertos",
        "Mapa de residuos del barrio",
    ]
    assert items[3]["title"] == "'" + FORMULA


def test_plan_datapackage_is_valid(plan_doc, export_world, tmp_path):
    tables = tabular.plan_tables(plan_doc, data.response_rows(export_world.process))
    descriptor = unpack(datapackage.package_zip(tables, name="plan", title="Plan"), tmp_path)
    assert len(descriptor["resources"]) == 6
    report = validate(str(tmp_path / datapackage.DESCRIPTOR))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    milestones = list(csv.DictReader((tmp_path / "data" / "milestones.csv").open()))
    assert milestones[0]["done"] == "true" and milestones[0]["done_at"] == "2026-06-01"


def test_json_datapackage_is_valid_with_rows_inline(plan_doc, export_world):
    tables = tabular.plan_tables(plan_doc, data.response_rows(export_world.process))
    package = datapackage.package_json(tables, name="Plan 2026", title="Plan")
    report = validate(json.loads(json.dumps(package)))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    resources = {r["name"]: r for r in package["resources"]}
    (commitment,) = resources["commitments"]["data"]
    assert commitment["lead_agency"] == "Secretaría de Hacienda"
    assert commitment["start"] == "2026-02-01"
    assert resources["milestones"]["data"][0]["done"] is True
    assert "path" not in resources["commitments"]
    bad = json.loads(json.dumps(package))
    bad["resources"][0]["data"][0]["number"] = "uno"
    assert not validate(bad).valid


def test_an_invalid_package_fails_validation(tmp_path):
    """The validation above can fail: a text in an integer column is reported."""
    table = tabular.Table("t", "T", (tabular.Column("n", "N", "integer"),), (("no es un número",),))
    unpack(datapackage.package_zip([table], name="x", title="x"), tmp_path)
    assert not validate(str(tmp_path / datapackage.DESCRIPTOR)).valid


# --- no personal data ---------------------------------------------------------------------


def open_data_texts(export_world, working, published, plan_doc, tmp_path) -> dict[str, str]:
    """Every open-data file of the world, as text: CSVs, every XLSX cell, every file of
    both data packages."""
    responses = data.response_rows(export_world.process)
    out = {
        "draft.csv": tabular.draft_csv(working),
        "published.csv": tabular.draft_csv(published),
        "plan.csv": tabular.plan_csv(plan_doc),
    }
    for name, body in (
        ("draft.xlsx", tabular.draft_xlsx(working)),
        ("plan.xlsx", tabular.plan_xlsx(plan_doc, responses)),
    ):
        workbook = openpyxl.load_workbook(io.BytesIO(body))
        out[name] = "\n".join(
            str(value)
            for sheet in workbook
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    for name, tables in (
        ("draft.zip", tabular.draft_tables(working)),
        ("plan.zip", tabular.plan_tables(plan_doc, responses)),
    ):
        package = datapackage.package_json(tables, name=name, title=name)
        out[f"{name}.json"] = json.dumps(package, ensure_ascii=False)
        body = datapackage.package_zip(tables, name=name, title=name)
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            for member in archive.namelist():
                out[f"{name}/{member}"] = archive.read(member).decode("utf-8")
    return out


def test_no_personal_data_in_open_data(export_world, working, published, plan_doc, tmp_path):
    files = open_data_texts(export_world, working, published, plan_doc, tmp_path)
    assert "Basuras en el caño" in files["plan.xlsx"]  # the scan reads real content
    for name, text in files.items():
        for value in export_world.personal:
            assert value not in text, (name, value)
        assert not AUTHOR_KEY.search(text), (name, AUTHOR_KEY.search(text))


def test_the_scan_would_catch_a_leak(export_world):
    """The scan above can fail: a participant's name or key in a cell is found."""
    leaked = tabular.table_csv(
        tabular.Table(
            "t",
            "T",
            (tabular.Column("who", "Quién", "string"),),
            (
                (export_world.participants[0].display_name,),
                (f"p:{export_world.participants[0].pk}",),
            ),
        )
    )
    assert any(value in leaked for value in export_world.personal)
    assert AUTHOR_KEY.search(leaked)


# --- session report -----------------------------------------------------------------------


def test_session_report_data(export_world):
    report = data.session_report(export_world.session)
    assert report.participants == 3
    by_title = {a.title: a for a in report.activities}
    assert by_title["¿Qué priorizar?"].votes == 3
    assert by_title["¿Qué priorizar?"].participants == 3
    assert by_title["Árbol del barrio"].notes == 3
    assert by_title["Árbol del barrio"].participants == 2
    assert by_title["Preguntas"].questions == 1
    (level,) = report.levels
    assert (level.level, level.participants, level.votes, level.current) == (
        "Colaborar",
        3,
        3,
        True,
    )
    (poll,) = report.polls
    assert poll.chart is not None and poll.winners == ("Datos abiertos de contratación",)
    (canvas,) = report.canvases
    assert canvas.clusters == (("Residuos", 1),)
    assert canvas.top_notes[0] == ("Basuras en el caño", canvas.zones[0].label, 2)


def test_session_report_files(export_world):
    report = data.session_report(export_world.session)
    document, text = docx_text(docx.session_docx(report))
    assert "Participación por actividad" in text
    assert "Participación por nivel de involucramiento" in text
    assert "Notas más votadas" in text and "Residuos" in text
    assert [r for r in document.part.rels.values() if "image" in r.reltype]
    assert "BORRADOR" not in text
    pdf_body = squash(pdf_text(pdf.session_pdf(report)))
    assert "Informe de la sesión" in pdf_body and "Árbol del barrio" in pdf_body
    assert "Datos abiertos de contratación: 2" in pdf_body
    workbook = openpyxl.load_workbook(io.BytesIO(tabular.session_xlsx(report)))
    assert workbook.sheetnames == ["Por actividad", "Por nivel", "Votaciones", "Lienzos"]
    votes = list(workbook["Votaciones"].iter_rows(values_only=True))
    assert votes[1][2:4] == ("Datos abiertos de contratación", 2)
    for value in export_world.personal:
        assert value not in text


def test_session_report_of_a_quiet_session(export_world, alice):
    """No canvases, and a poll still open: the report says so instead of failing."""
    session = live.session_create(
        stage=export_world.process.stages.get(), title="Taller vacío", created_by=alice
    )
    live.activity_add(
        session=session,
        kind="poll",
        title="Sin cerrar",
        poll_spec={"method": "single", "options": [{"key": "a", "label": "A"}]},
    )
    report = data.session_report(session)
    assert report.participants == 0 and report.canvases == ()
    (poll,) = report.polls
    assert poll.chart is None and poll.status == "Borrador"
    # The process now has two sessions at "colaborar": the level row adds them up.
    (level,) = report.levels
    assert (level.sessions, level.participants, level.votes) == (2, 3, 3)
    _document, text = docx_text(docx.session_docx(report))
    assert "La sesión no tuvo lienzos." in text
    assert "Sin resultado publicado todavía." in text
    assert "La sesión no tuvo lienzos." in squash(pdf_text(pdf.session_pdf(report)))


def test_documents_follow_the_active_language(export_world):
    """Reference data (lineamientos, pillars, levels) is read in the active language."""
    with translation.override("en"):
        doc = data.draft_document(export_world.draft, export_world.version)
        _document, text = docx_text(docx.draft_docx(doc))
    assert doc.sections[0].name == "Open Data"
    assert doc.sources[0].level == "Collaborate"
    assert "1. Open Data" in text
