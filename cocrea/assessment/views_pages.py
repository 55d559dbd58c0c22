"""Pages of the staged model: an entity's self-assessments (list, form, results, PDF,
progress over time, whether its stage is public) and the public page of stages.

The entity's team (facilitators and officials) sees its assessments; only officials
write. To anyone else the pages do not exist (404, never 403, so a URL does not confirm
what an entity is working on). Views only translate: they parse the form, call one
service, and re-render with the errors keyed by question when the service refuses.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cocrea.accounts.models import Entity
from cocrea.assessment import pdf, questionnaire, scoring, selectors, services
from cocrea.assessment.models import Assessment, AssessmentStatus
from cocrea.assessment.pdf import Bar, LinePoint, score_text, short_date
from cocrea.assessment.recommendations import recommendations_for
from cocrea.assessment.rules import can_edit_assessments, can_view_assessments
from cocrea.toolkit.models import Level

tr = questionnaire.tr

# What each stage means, for the results page and the report (the scoring rules that
# lead to each are in docs/staged-model.md).
STAGE_MEANINGS = {
    "inicial": gettext_lazy(
        "La entidad da sus primeros pasos: hay prácticas aisladas de gobierno abierto, "
        "sin recursos, normas ni seguimiento que las sostengan."
    ),
    "en_desarrollo": gettext_lazy(
        "Hay iniciativas en marcha con algún respaldo, pero todavía dependen de personas "
        "o proyectos puntuales y no se sostienen solas."
    ),
    "consolidado": gettext_lazy(
        "Las prácticas están institucionalizadas: tienen normas, recursos y seguimiento, "
        "y se mantienen de una administración a otra."
    ),
    "referente": gettext_lazy(
        "La entidad es ejemplo para otras: innova, comparte lo aprendido y la ciudadanía "
        "participa en las decisiones de forma habitual."
    ),
}


def stage_name(stage: str) -> str:
    names = questionnaire.STAGE_NAMES.get(stage)
    return tr(names) if names else stage


# --- lookups -----------------------------------------------------------------------------


def _entity(request: HttpRequest, slug: str) -> Entity:
    """The entity, for its team only: to anyone else its assessments do not exist."""
    entity = Entity.objects.filter(slug=slug).first()
    if entity is None or not can_view_assessments(request.user, entity):
        raise Http404(_("No existe esa entidad."))
    return entity


def _assessment(request: HttpRequest, slug: str, pk: int) -> Assessment:
    entity = _entity(request, slug)
    try:
        return selectors.assessment_of(entity, pk)
    except Assessment.DoesNotExist as exc:
        raise Http404(_("No existe ese autodiagnóstico.")) from exc


def _messages(exc: ValidationError) -> dict[str, str]:
    if hasattr(exc, "error_dict"):
        return {k: " ".join(str(m) for m in v) for k, v in exc.message_dict.items()}
    return {"__all__": " ".join(exc.messages)}


def _detail_url(assessment: Assessment) -> str:
    return reverse("assessment:detail", args=[assessment.entity.slug, assessment.pk])


# --- the form ----------------------------------------------------------------------------


def _posted_answers(post: Any) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """The answers the form sent, in the service's terms, and the raw values to re-render.

    A question with nothing filled in is left out (a partial draft); a level that is not
    one of the radio values is passed on as it came, for the service to name it."""
    answers: dict[str, dict[str, str]] = {}
    values: dict[str, dict[str, str]] = {}
    for q in questionnaire.QUESTIONS:
        raw = {
            "level": post.get(f"level-{q.code}", "").strip(),
            "evidence_url": post.get(f"url-{q.code}", "").strip(),
            "evidence_note": post.get(f"note-{q.code}", "").strip(),
        }
        values[q.code] = raw
        if any(raw.values()):
            answers[q.code] = raw
    return answers, values


def _saved_values(assessment: Assessment) -> dict[str, dict[str, str]]:
    return {
        code: {
            "level": str(a.level),
            "evidence_url": a.evidence_url,
            "evidence_note": a.evidence_note,
        }
        for code, a in selectors.answers_of(assessment).items()
    }


def _sections(values: dict[str, dict[str, str]], errors: dict[str, str]) -> list[dict[str, Any]]:
    """The questionnaire as the form shows it: factors, then pillars, each with its
    questions, every question with its value and errors."""
    sections = []
    number = 0
    for dimension in questionnaire.FACTORS + questionnaire.PILLARS:
        rows = []
        for q in questionnaire.questions_of(dimension.code):
            number = questionnaire.QUESTIONS.index(q) + 1
            value = values.get(q.code, {})
            rows.append(
                {
                    "code": q.code,
                    "number": number,
                    "text": tr(q.text),
                    "help": tr(q.help),
                    "choices": [
                        {
                            "level": c.level,
                            "label": tr(c.label),
                            "evidence": tr(c.evidence),
                            "checked": value.get("level") == str(c.level),
                        }
                        for c in q.choices
                    ],
                    "url": value.get("evidence_url", ""),
                    "note": value.get("evidence_note", ""),
                    "error": errors.get(q.code, ""),
                    "url_error": errors.get(f"{q.code}__evidence_url", ""),
                    "note_error": errors.get(f"{q.code}__evidence_note", ""),
                }
            )
        sections.append(
            {
                "code": dimension.code,
                "kind": dimension.kind,
                "name": tr(dimension.name),
                "summary": tr(dimension.summary),
                "questions": rows,
            }
        )
    return sections


def _form_page(
    request: HttpRequest,
    assessment: Assessment,
    *,
    values: dict[str, dict[str, str]] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    saved_draft: bool = False,
) -> HttpResponse:
    errors = errors or {}
    saved = selectors.answers_of(assessment)
    # The summary links each message to its question (the fieldset) in page order.
    anchors = {q.code: f"q-{q.code}" for q in questionnaire.QUESTIONS}
    summary = []
    for key, message in errors.items():
        code = key.split("__", 1)[0]
        summary.append({"message": message, "anchor": anchors.get(code, "")})
    context = {
        "entity": assessment.entity,
        "assessment": assessment,
        "sections": _sections(values if values is not None else _saved_values(assessment), errors),
        "answered": len([c for c in saved if c in anchors]),
        "total": len(questionnaire.QUESTIONS),
        "can_edit": can_edit_assessments(request.user, assessment.entity),
        "errors": errors,
        "summary": summary,
        "saved": request.GET.get("guardado") == "1",
        "saved_draft": saved_draft,
        "version": questionnaire.VERSION,
    }
    return render(request, "assessment/form.html", context, status=status)


# --- results (page and PDF share them) ---------------------------------------------------


def _note_text(code: str) -> str:
    """A scoring note as a sentence (the scoring module owns the wording when it has it)."""
    describe = getattr(scoring, "note_text", None)
    if callable(describe):
        return str(describe(code))
    texts = getattr(scoring, "NOTES", None)
    if isinstance(texts, dict) and code in texts:
        value = texts[code]
        return tr(value) if isinstance(value, dict) else str(value)
    return code


def _readiness_reasons(result: scoring.Result) -> list[str]:
    """Why this IAP2 level: the participation score sets it, and the notes say what
    held it below what that score alone would reach."""
    score = score_text(result.dimensions.get("participacion", 0))
    gates = [_note_text(c) for c in result.notes if c.startswith("readiness_")]
    if not gates:
        return [
            _(
                "Su puntaje en participación ciudadana es %(score)s, que corresponde a este "
                "nivel del espectro IAP2."
            )
            % {"score": score}
        ]
    return [
        _("Su puntaje en participación ciudadana (%(score)s) alcanzaría un nivel más alto, pero:")
        % {"score": score},
        *gates,
    ]


def report_context(assessment: Assessment, result: scoring.Result) -> dict[str, Any]:
    """What the results page and the PDF report show of a scored assessment."""
    pillars = [
        {
            "code": d.code,
            "name": tr(d.name),
            "stage": result.stages.get(d.code, ""),
            "stage_name": stage_name(result.stages.get(d.code, "")),
            "score": result.dimensions.get(d.code, 0),
            "score_text": score_text(result.dimensions.get(d.code, 0)),
        }
        for d in questionnaire.PILLARS
    ]
    factors = [
        {
            "code": d.code,
            "name": tr(d.name),
            "summary": tr(d.summary),
            "score": result.dimensions.get(d.code, 0),
            "score_text": score_text(result.dimensions.get(d.code, 0)),
        }
        for d in questionnaire.FACTORS
    ]
    saved = selectors.answers_of(assessment)
    answers = []
    for q in questionnaire.QUESTIONS:
        answer = saved.get(q.code)
        choice = next((c for c in q.choices if answer and c.level == answer.level), None)
        answers.append(
            {
                "number": questionnaire.QUESTIONS.index(q) + 1,
                "dimension": tr(_dimension(q.dimension).name),
                "text": tr(q.text),
                "label": tr(choice.label) if choice else "",
                "evidence": tr(choice.evidence) if choice else "",
                "level": answer.level if answer else None,
                "url": answer.evidence_url if answer else "",
                # Only a web address becomes a link: a stored "javascript:" or "data:"
                # URL (an import, an old row) is shown as text, never followed.
                "url_is_web": bool(answer)
                and answer.evidence_url.lower().startswith(("http://", "https://")),
                "note": answer.evidence_note if answer else "",
            }
        )
    readiness = Level.objects.filter(code=result.readiness).first()
    return {
        "entity": assessment.entity,
        "assessment": assessment,
        "result": result,
        "overall": {
            "stage": result.overall_stage,
            "name": stage_name(result.overall_stage),
            "meaning": STAGE_MEANINGS.get(result.overall_stage, ""),
            "score_text": score_text(result.overall_score),
            "next": stage_name(scoring.next_stage(result.overall_stage) or ""),
            "is_top": scoring.next_stage(result.overall_stage) is None,
        },
        "pillars": pillars,
        "pillar_chart": pdf.bar_chart_svg(
            _("Etapa por pilar"),
            [Bar(p["name"], p["score"], f"{p['stage_name']} · {p['score_text']}") for p in pillars],
        ),
        "factors": factors,
        "factor_chart": pdf.bar_chart_svg(
            _("Puntaje por factor habilitante"),
            [Bar(f["name"], f["score"], f["score_text"]) for f in factors],
        ),
        "readiness": readiness,
        "readiness_code": result.readiness,
        "readiness_reasons": _readiness_reasons(result),
        "stage_reasons": [_note_text(c) for c in result.notes if c.startswith("capped_")],
        "evidence_reasons": [_note_text(c) for c in result.notes if c.startswith("evidence_")],
        "evidence": selectors.evidence_of(assessment),
        "answers": answers,
        "recommendations": recommendations_for(assessment.entity, result),
        "version": result.version or assessment.questionnaire,
    }


def _dimension(code: str) -> questionnaire.Dimension:
    return next(d for d in questionnaire.FACTORS + questionnaire.PILLARS if d.code == code)


def _results_page(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    result = selectors.result_of(assessment)
    if result is None:
        raise Http404(_("Este autodiagnóstico no tiene resultados."))
    context = report_context(assessment, result)
    context["can_edit"] = can_edit_assessments(request.user, assessment.entity)
    return render(request, "assessment/results.html", context)


# --- pages -------------------------------------------------------------------------------


@never_cache  # the team's self-assessments are private: no shared caches
@require_GET
def assessment_list(request: HttpRequest, slug: str) -> HttpResponse:
    entity = _entity(request, slug)
    rows = [
        {
            "assessment": a,
            "answered": len(a.answers.all()),
            "result": selectors.result_of(a),
        }
        for a in selectors.assessments_of(entity)
    ]
    for row in rows:
        row["stage_name"] = stage_name(row["result"].overall_stage) if row["result"] else ""
    return render(
        request,
        "assessment/list.html",
        {
            "entity": entity,
            "rows": rows,
            "total": len(questionnaire.QUESTIONS),
            "can_edit": can_edit_assessments(request.user, entity),
            "public": selectors.stage_is_public(entity),
            # "Start" reopens a draft only on the current questionnaire (services).
            "has_draft": any(
                r["assessment"].status == AssessmentStatus.DRAFT
                and r["assessment"].questionnaire == questionnaire.VERSION
                for r in rows
            ),
        },
    )


@require_POST
def assessment_start(request: HttpRequest, slug: str) -> HttpResponse:
    entity = _entity(request, slug)
    if not can_edit_assessments(request.user, entity):
        raise PermissionDenied
    assessment = services.assessment_start(entity=entity, actor=request.user)
    return HttpResponseRedirect(_detail_url(assessment))


@never_cache
@require_http_methods(["GET", "POST"])
def assessment_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A draft's form (saving and scoring it), or a scored assessment's results."""
    assessment = _assessment(request, slug, pk)
    if request.method == "GET":
        if assessment.status == AssessmentStatus.SCORED:
            return _results_page(request, assessment)
        return _form_page(request, assessment)

    if not can_edit_assessments(request.user, assessment.entity):
        # Facilitators read the form; a write from them is refused, not half-done.
        raise PermissionDenied
    if assessment.status == AssessmentStatus.SCORED:
        return HttpResponseRedirect(_detail_url(assessment))
    answers, values = _posted_answers(request.POST)
    try:
        services.answers_save(assessment=assessment, answers=answers, actor=request.user)
    except ValidationError as exc:
        return _form_page(request, assessment, values=values, errors=_messages(exc), status=400)
    if request.POST.get("action") == "score":
        try:
            services.assessment_score(assessment=assessment, actor=request.user)
        except ValidationError as exc:
            # The answers were saved: the page says so, and only scoring is pending.
            return _form_page(
                request, assessment, errors=_messages(exc), status=400, saved_draft=True
            )
    if assessment.status == AssessmentStatus.SCORED:
        return HttpResponseRedirect(_detail_url(assessment))
    return HttpResponseRedirect(f"{_detail_url(assessment)}?guardado=1")


@require_GET
def assessment_report(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The PDF report of a scored assessment, for the entity's team."""
    assessment = _assessment(request, slug, pk)
    result = selectors.result_of(assessment)
    if result is None:
        raise Http404(_("Este autodiagnóstico no tiene resultados."))
    body = pdf.assessment_pdf(report_context(assessment, result))
    response = HttpResponse(body, content_type="application/pdf")
    name = "-".join(
        slugify(str(p))
        for p in (_("autodiagnostico"), assessment.entity.slug, short_date(assessment.scored_at))
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True, max_age=0)
    return response


def _delta_text(delta: float | None) -> str:
    if delta is None:
        return ""
    if abs(delta) < 0.05:
        return _("sin cambio")
    return f"{'+' if delta > 0 else '−'}{number_format(abs(delta), 1)}"


@never_cache
@require_GET
def assessment_progress(request: HttpRequest, slug: str) -> HttpResponse:
    entity = _entity(request, slug)
    progress = selectors.progress_of(entity)

    def chart_rows(series_list: list[selectors.Series]) -> list[dict[str, Any]]:
        rows = []
        for series in series_list:
            name = tr(series.dimension.name)
            rows.append(
                {
                    "code": series.dimension.code,
                    "name": name,
                    "svg": pdf.line_chart_svg(
                        name, [LinePoint(short_date(p.date), p.value) for p in series.points]
                    ),
                    "points": [
                        {"date": p.date, "text": score_text(p.value)} for p in series.points
                    ],
                    "latest": score_text(series.points[-1].value) if series.points else "",
                    "delta": series.delta,
                    "delta_text": _delta_text(series.delta),
                }
            )
        return rows

    latest, previous = progress.latest, progress.previous
    stage_changes = []
    if latest is not None:
        for d in questionnaire.PILLARS:
            now = latest.stages.get(d.code, "")
            before = previous.stages.get(d.code, "") if previous else ""
            stage_changes.append(
                {
                    "name": tr(d.name),
                    "now": stage_name(now),
                    "before": stage_name(before) if before else "",
                    "changed": bool(previous) and now != before,
                }
            )
    return render(
        request,
        "assessment/progress.html",
        {
            "entity": entity,
            "progress": progress,
            "count": len(progress.assessments),
            "history": [
                {
                    "assessment": a,
                    "stage_name": stage_name(r.overall_stage),
                    "score_text": score_text(r.overall_score),
                }
                for a, r in zip(progress.assessments, progress.results, strict=True)
            ],
            "factors": chart_rows(progress.factors),
            "pillars": chart_rows(progress.pillars),
            "latest_stage": stage_name(latest.overall_stage) if latest else "",
            "previous_stage": stage_name(previous.overall_stage) if previous else "",
            "overall_delta": _delta_text(
                latest.overall_score - previous.overall_score if latest and previous else None
            ),
            "stage_changes": stage_changes,
        },
    )


@require_POST
def visibility_set(request: HttpRequest, slug: str) -> HttpResponse:
    entity = _entity(request, slug)
    if not can_edit_assessments(request.user, entity):
        raise PermissionDenied
    services.stage_visibility_set(
        entity=entity, public=request.POST.get("public") == "on", actor=request.user
    )
    return HttpResponseRedirect(reverse("assessment:list", args=[entity.slug]) + "#visibilidad")


@require_GET
def public_stages(request: HttpRequest) -> HttpResponse:
    """Anyone: the entities that chose to show their stage, by stage."""
    groups = [
        {
            "stage": group.stage,
            "name": stage_name(group.stage),
            "meaning": STAGE_MEANINGS.get(group.stage, ""),
            "entries": [
                {
                    "entity": entry.entity,
                    "date": entry.scored_at,
                    "pillars": [
                        {
                            "name": tr(d.name),
                            "stage_name": stage_name(entry.result.stages.get(d.code, "")),
                        }
                        for d in questionnaire.PILLARS
                    ],
                }
                for entry in group.entries
            ],
        }
        for group in selectors.public_stages()
    ]
    return render(
        request,
        "assessment/public_stages.html",
        {"groups": groups, "count": sum(len(g["entries"]) for g in groups)},
    )
