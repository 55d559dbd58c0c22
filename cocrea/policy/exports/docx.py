"""Word documents (DOCX) an official can file: the lineamiento draft, the action plan in
the OGP template and the team's session report. Built with python-docx from the plain
documents of :mod:`.data`; real headings (Word's navigation pane and a table of contents
find them), real tables, and each chart as an image followed by its text equivalent.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Inches, Pt, RGBColor

from cocrea.policy.exports.charts import chart_png
from cocrea.policy.exports.data import (
    Chart,
    DraftDocument,
    PlanDocument,
    SessionReport,
    format_date,
)
from cocrea.policy.exports.tabular import clean

GREY = RGBColor(0x9A, 0xA5, 0xB1)
WATERMARK = RGBColor(0xC8, 0x1E, 0x1E)


def _clean(text: object) -> str:
    # No formula guard here: a Word paragraph is never evaluated.
    return clean(text)


def _new(title: str) -> DocumentType:
    document = Document()
    document.core_properties.title = _clean(title)
    document.core_properties.author = "cocrea"
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)
    return document


def _title_page(
    document: DocumentType,
    *,
    process: str,
    entity: str,
    title: str,
    subtitle: str,
    version: str,
    watermark: bool,
) -> None:
    """Process, entity, document title, version and date; "Borrador" when unpublished,
    on the title page and in the header of every page (a watermark Word keeps)."""
    for text, size, bold in (
        (entity, 14, False),
        (process, 16, False),
        (title, 26, True),
        (subtitle, 14, False),
        (version, 12, False),
    ):
        if not text:
            continue
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(_clean(text))
        run.font.size = Pt(size)
        run.bold = bold
    if watermark:
        mark = document.add_paragraph()
        mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = mark.add_run(_("BORRADOR"))
        run.font.size = Pt(48)
        run.bold = True
        run.font.color.rgb = WATERMARK
        note = document.add_paragraph(_("Documento sin publicar: puede cambiar."))
        note.alignment = WD_ALIGN_PARAGRAPH.CENTER
        header = document.sections[0].header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = header.add_run(_("BORRADOR — sin publicar"))
        run.font.color.rgb = WATERMARK
        run.bold = True
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _table(
    document: DocumentType, headers: Sequence[str], rows: Sequence[Sequence[object]]
) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(_clean(header)).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = _clean(value)
    document.add_paragraph()


def _chart(document: DocumentType, chart: Chart, caption: str) -> None:
    document.add_picture(io.BytesIO(chart_png(chart)), width=Inches(6.2))
    paragraph = document.add_paragraph(_clean(caption), style="Caption")
    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    document.add_paragraph(_clean(chart.description))
    for line in chart.explanation:
        document.add_paragraph(_clean(line), style="List Bullet")


def _save(document: DocumentType) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- the draft ----------------------------------------------------------------------------


def draft_docx(doc: DraftDocument) -> bytes:
    document = _new(doc.title)
    _title_page(
        document,
        process=doc.process,
        entity=doc.entity,
        title=doc.document_title,
        subtitle=doc.title,
        version=doc.version_text,
        watermark=doc.watermark,
    )
    if doc.empty:
        document.add_heading(_("Sin ítems"), level=1)
        document.add_paragraph(
            _("Este borrador aún no tiene ítems. Se completará con los aportes del proceso.")
        )
        return _save(document)
    for section in doc.sections:
        document.add_heading(_clean(f"{section.number}. {section.name}"), level=1)
        for pillar in section.pillars:
            document.add_heading(_clean(_("Pilar: %(name)s") % {"name": pillar.name}), level=2)
            for item in pillar.items:
                document.add_heading(_clean(f"{item.number} {item.title}"), level=3)
                for paragraph in item.text.split("\n\n") if item.text else []:
                    document.add_paragraph(_clean(paragraph))
                line = document.add_paragraph()
                run = line.add_run(_clean(item.sources_line))
                run.italic = True
                run.font.color.rgb = RGBColor(0x52, 0x60, 0x6D)
    # The annex table has eight columns: it gets landscape pages.
    annex = document.add_section(WD_SECTION.NEW_PAGE)
    annex.orientation = WD_ORIENT.LANDSCAPE
    annex.page_width, annex.page_height = annex.page_height, annex.page_width
    document.add_heading(_("Anexo: fuentes de cada ítem"), level=1)
    sources = doc.sources
    if not sources:
        document.add_paragraph(_("Ningún ítem tiene fuentes registradas."))
    else:
        _table(
            document,
            [
                _("Fuente"),
                _("Ítem"),
                _("Sesión"),
                _("Fecha"),
                _("Nivel"),
                _("Tipo"),
                _("Contenido"),
                _("Participantes"),
            ],
            [
                (
                    s.number,
                    f"{s.item_number} {s.item_title}",
                    s.session,
                    s.date_text,
                    s.level,
                    s.kind_label,
                    s.text,
                    s.participants,
                )
                for s in sources
            ],
        )
    charts = [s for s in sources if s.chart and s.chart.bars]
    if charts:
        document.add_heading(_("Resultados de las votaciones"), level=2)
        for source in charts:
            assert source.chart is not None
            _chart(
                document,
                source.chart,
                _("%(source)s (ítem %(item)s): %(title)s")
                % {
                    "source": source.number,
                    "item": source.item_number,
                    "title": source.chart.title,
                },
            )
    return _save(document)


# --- the action plan ------------------------------------------------------------------------


def plan_docx(doc: PlanDocument) -> bytes:
    document = _new(doc.title)
    _title_page(
        document,
        process=doc.process,
        entity=doc.entity,
        title=doc.document_title,
        subtitle=f"{doc.title}\n{doc.period_text}" if doc.period_text else doc.title,
        version=doc.version_text,
        watermark=doc.watermark,
    )
    if doc.empty:
        document.add_heading(_("Sin compromisos"), level=1)
        document.add_paragraph(_("Este plan de acción aún no tiene compromisos."))
    for c in doc.commitments:
        document.add_heading(
            _clean(_("Compromiso %(number)s. %(title)s") % {"number": c.number, "title": c.title}),
            level=1,
        )
        _table(document, [_("Campo"), _("Contenido")], c.fields())
        document.add_heading(_("Hitos"), level=2)
        if c.milestones:
            _table(
                document,
                [
                    _("Entregable verificable"),
                    _("Inicio"),
                    _("Fin"),
                    _("Responsable"),
                    _("Cumplido"),
                ],
                [
                    (
                        m.deliverable,
                        format_date(m.start),
                        format_date(m.end),
                        m.responsible,
                        _("Sí, %(date)s") % {"date": format_date(m.done_at)}
                        if m.done and m.done_at
                        else (_("Sí") if m.done else _("No")),
                    )
                    for m in c.milestones
                ],
            )
        else:
            document.add_paragraph(_("Sin hitos definidos."))
        if c.progress:
            document.add_heading(_("Avances"), level=2)
            _table(
                document,
                [_("Fecha"), _("Nivel de cumplimiento"), _("Avance")],
                [(format_date(p.date), p.completion, p.text) for p in c.progress],
            )
        document.add_heading(_("Trazabilidad"), level=2)
        if c.trace:
            _table(
                document,
                [_("Ítem del borrador"), _("Lineamiento"), _("Fuentes")],
                [(t.item_title, t.lineamiento, t.sources) for t in c.trace],
            )
        else:
            document.add_paragraph(_("Este compromiso no está vinculado a ítems del borrador."))
    document.add_heading(_("Respuesta razonada a los aportes"), level=1)
    _table(document, [_("Estado"), _("Aportes")], doc.responses)
    return _save(document)


# --- the session report ---------------------------------------------------------------------


def session_docx(report: SessionReport) -> bytes:
    document = _new(report.title)
    _title_page(
        document,
        process=report.process,
        entity=report.entity,
        title=report.document_title,
        subtitle=report.title,
        version=f"{report.version_text} · {_('Nivel')}: {report.level}",
        watermark=report.watermark,
    )
    document.add_heading(_("Participación por actividad"), level=1)
    document.add_paragraph(
        _("%(count)s personas se unieron a la sesión.") % {"count": report.participants}
    )
    total = report.totals
    _table(
        document,
        [_("Actividad"), _("Tipo"), _("Participantes"), _("Notas"), _("Votos"), _("Preguntas")],
        [
            *(
                (a.title, a.kind, a.participants, a.notes, a.votes, a.questions)
                for a in report.activities
            ),  # fmt: skip
            (total.title, "", total.participants, total.notes, total.votes, total.questions),
        ],
    )
    document.add_heading(_("Participación por nivel de involucramiento"), level=1)
    _table(
        document,
        [_("Nivel"), _("Sesiones"), _("Participantes"), _("Notas"), _("Votos"), _("Preguntas")],
        [
            (
                f"{lv.level} ({_('esta sesión')})" if lv.current else lv.level,
                lv.sessions,
                lv.participants,
                lv.notes,
                lv.votes,
                lv.questions,
            )
            for lv in report.levels
        ],
    )
    document.add_heading(_("Resultados de las votaciones"), level=1)
    if not report.polls:
        document.add_paragraph(_("La sesión no tuvo votaciones."))
    for poll in report.polls:
        document.add_heading(_clean(poll.title), level=2)
        document.add_paragraph(
            _clean(
                _("%(method)s · %(status)s · %(ballots)s votos")
                % {"method": poll.method, "status": poll.status, "ballots": poll.ballots}
            )
        )
        if poll.chart and poll.chart.bars:
            _chart(document, poll.chart, poll.title)
        elif poll.answers:
            for answer in poll.answers:
                document.add_paragraph(_clean(answer), style="List Bullet")
        else:
            document.add_paragraph(_("Sin resultado publicado todavía."))
    document.add_heading(_("Lienzos"), level=1)
    if not report.canvases:
        document.add_paragraph(_("La sesión no tuvo lienzos."))
    for canvas in report.canvases:
        document.add_heading(_clean(canvas.title), level=2)
        document.add_paragraph(
            _clean(
                _("%(methodology)s · %(count)s notas")
                % {"methodology": canvas.methodology or _("Lienzo libre"), "count": canvas.notes}
            )
        )
        _table(
            document,
            [_("Zona"), _("Notas"), _("Puntos")],
            [(z.label, z.notes, z.dots) for z in canvas.zones],
        )
        if canvas.clusters:
            document.add_heading(_("Grupos"), level=3)
            _table(document, [_("Grupo"), _("Notas")], canvas.clusters)
        if canvas.top_notes:
            document.add_heading(_("Notas más votadas"), level=3)
            _table(document, [_("Nota"), _("Zona"), _("Puntos")], canvas.top_notes)
    return _save(document)
