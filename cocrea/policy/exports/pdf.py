"""PDF documents: the templates under ``policy/export/`` rendered by WeasyPrint.

The same plain documents as the Word files (:mod:`.data`), with charts drawn as inline
SVG (sharp at any zoom, and text a PDF reader can select). Django's autoescaping keeps
participants' text as text; the only markup inserted unescaped is the SVG that
:mod:`.charts` builds through ElementTree. WeasyPrint may fetch nothing but ``data:``
URLs, so no document can make the server request a URL.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from cocrea.policy.exports.charts import chart_svg
from cocrea.policy.exports.data import DraftDocument, PlanDocument, SessionReport


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML, URLFetcher  # heavy import (pango): only when printing

    html = render_to_string(
        template, {**context, "LANGUAGE_CODE": translation.get_language() or "es"}
    )
    fetcher = URLFetcher(allowed_protocols=["data"])
    return HTML(string=html, url_fetcher=fetcher).write_pdf()


def _draft_context(doc: DraftDocument) -> dict[str, Any]:
    charts = [
        {
            "chart": s.chart,
            "svg": chart_svg(s.chart),
            "caption": _("%(source)s (ítem %(item)s): %(title)s")
            % {"source": s.number, "item": s.item_number, "title": s.chart.title},
        }
        for s in doc.sources
        if s.chart and s.chart.bars
    ]
    return {"doc": doc, "charts": charts}


def draft_pdf(doc: DraftDocument) -> bytes:
    return _pdf("policy/export/draft.html", _draft_context(doc))


def plan_pdf(doc: PlanDocument) -> bytes:
    commitments = [{"commitment": c, "fields": c.fields()} for c in doc.commitments]
    return _pdf("policy/export/plan.html", {"doc": doc, "commitments": commitments})


def session_pdf(report: SessionReport) -> bytes:
    polls = [
        {"poll": p, "svg": chart_svg(p.chart) if p.chart and p.chart.bars else ""}
        for p in report.polls
    ]
    return _pdf("policy/export/session.html", {"doc": report, "polls": polls})
