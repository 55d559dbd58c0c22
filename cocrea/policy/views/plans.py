"""Pages of action plans: the team's list and editor (OGP commitment template), and
the public pages of a published plan (a frozen version, and accountability).

Views only translate: they parse the posted form, call one service, and re-render the
page with the errors keyed by field when the service refuses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cocrea.policy.models import (
    ActionPlan,
    Commitment,
    Completion,
    Milestone,
    PlanStatus,
)
from cocrea.policy.rules import can_edit_policy, can_view_policy
from cocrea.policy.selectors import plans as selectors
from cocrea.policy.services import plans as services
from cocrea.policy.views.lookups import visible_process
from sessions.models import Process

COMMITMENT_TEXT = tuple(services.COMMITMENT_TEXT_FIELDS)


# --- lookups ---------------------------------------------------------------------------

_process = visible_process


def _team_process(request: HttpRequest, slug: str) -> Process:
    """The process, for its team only: to anyone else its plans do not exist."""
    process = _process(request, slug)
    if not can_view_policy(request.user, process):
        raise Http404(_("No existe ese proceso."))
    return process


def _plan(request: HttpRequest, slug: str, pk: int, *, team: bool) -> ActionPlan:
    """The plan. Outsiders get 404 on ``team`` pages, and on public pages while the plan
    is unpublished (its existence is the team's business until then)."""
    process = _process(request, slug)
    try:
        plan = selectors.plan_of(process, pk)
    except ActionPlan.DoesNotExist as exc:
        raise Http404(_("No existe ese plan.")) from exc
    if can_view_policy(request.user, process):
        return plan
    if team or plan.status != PlanStatus.PUBLISHED:
        raise Http404(_("No existe ese plan."))
    return plan


def _commitment(plan: ActionPlan, number: int) -> Commitment:
    try:
        return selectors.commitment_of(plan, number)
    except Commitment.DoesNotExist as exc:
        raise Http404(_("No existe ese compromiso.")) from exc


# --- parsing -------------------------------------------------------------------------


def _date(raw: str, name: str, errors: dict[str, str]) -> dt.date | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors[name] = _("Escriba una fecha válida (AAAA-MM-DD).")
        return None


def _messages(exc: ValidationError) -> dict[str, str]:
    if hasattr(exc, "error_dict"):
        return {k: " ".join(str(m) for m in v) for k, v in exc.message_dict.items()}
    return {"__all__": " ".join(exc.messages)}


def _commitment_fields(post: Any, errors: dict[str, str]) -> dict[str, Any]:
    """The commitment form's fields in the service's terms (dates, ints, actor lists).

    Only what the form sent: a field left out of the post is left as it is, never
    blanked (unchecked boxes send nothing, so the form marks the SDG list as sent)."""
    fields: dict[str, Any] = {name: post[name] for name in COMMITMENT_TEXT if name in post}
    for name in ("start", "end"):
        if name in post:
            fields[name] = _date(post[name], name, errors)
    if "sdgs" in post or "sdgs_sent" in post:
        # A non-number is passed on as it came, for the service to name the field.
        fields["sdgs"] = [
            int(raw) if raw.strip().isdigit() else raw for raw in post.getlist("sdgs")
        ]
    if any(f"actors_{group}" in post for group in services.ACTOR_GROUPS):
        fields["other_actors"] = {
            group: post.get(f"actors_{group}", "").splitlines() for group in services.ACTOR_GROUPS
        }
    if "completion" in post:
        fields["completion"] = post["completion"]
    return fields


def _commitment_values(c: Commitment) -> dict[str, Any]:
    """The commitment as its edit form shows it."""
    values: dict[str, Any] = {name: getattr(c, name) for name in COMMITMENT_TEXT}
    values["start"] = c.start.isoformat() if c.start else ""
    values["end"] = c.end.isoformat() if c.end else ""
    values["sdgs"] = [str(n) for n in c.sdgs]
    values["completion"] = c.completion
    for group in services.ACTOR_GROUPS:
        values[f"actors_{group}"] = "\n".join(c.other_actors.get(group, []))
    return values


def _posted_values(post: Any) -> dict[str, Any]:
    values: dict[str, Any] = post.dict()
    values["sdgs"] = post.getlist("sdgs")
    values["items"] = post.getlist("items")
    return values


# --- rendering -----------------------------------------------------------------------


def _form(values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """A form's state for the template. ``messages`` lists the errors for the summary:
    iterating ``errors.items`` in a template would read the key "items" instead."""
    return {"values": values, "errors": errors, "messages": list(errors.values())}


def _editor(
    request: HttpRequest,
    plan: ActionPlan,
    *,
    failed: str = "",
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The editor page; ``failed`` names the form (``commitment-3``, ``milestone-3`` …)
    to show with the posted ``values`` and ``errors``."""
    detail = selectors.plan_detail(plan)
    errors = errors or {}
    commitment_rows = []
    for c in detail.commitments:
        key = str(c.number)
        commitment_rows.append(
            {
                "c": c,
                "trace": detail.traces.get(c.pk, []),
                "edit": (
                    _form(values or {}, errors)
                    if failed == f"commitment-{key}"
                    else _form(_commitment_values(c), {})
                ),
                "milestone": (
                    _form(values or {}, errors) if failed == f"milestone-{key}" else _form({}, {})
                ),
                "progress": (
                    _form(values or {}, errors)
                    if failed == f"progress-{key}"
                    else _form({"completion": c.completion}, {})
                ),
            }
        )
    context = {
        "process": plan.process,
        "plan": plan,
        "detail": detail,
        "commitment_rows": commitment_rows,
        "can_edit": can_edit_policy(request.user, plan.process),
        "approved_items": selectors.approved_items(plan.process),
        "new": (
            _form(values or {}, errors) if failed == "new-commitment" else _form({"items": []}, {})
        ),
        "publish": _form({}, errors if failed == "publish" else {}),
        "completions": Completion.choices,
        "sdg_names": services.SDG_NAMES.items(),
        "actor_groups": services.ACTOR_GROUPS.items(),
        "relevance_fields": services.RELEVANCE_FIELDS,
    }
    return render(request, "policy/plan_editor.html", context, status=status)


def _to_editor(plan: ActionPlan, anchor: str = "") -> HttpResponse:
    url = reverse("policy:plan", args=[plan.process.slug, plan.pk])
    return HttpResponseRedirect(f"{url}#{anchor}" if anchor else url)


# --- team pages ------------------------------------------------------------------------


@never_cache  # unpublished plans are private to the team: no shared caches
@require_http_methods(["GET", "POST"])
def plan_list(request: HttpRequest, slug: str) -> HttpResponse:
    process = _team_process(request, slug)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    if request.method == "POST":
        values = request.POST.dict()
        start = _date(values.get("period_start", ""), "period_start", errors)
        end = _date(values.get("period_end", ""), "period_end", errors)
        if not errors:
            try:
                plan = services.plan_create(
                    process=process,
                    title=values.get("title", ""),
                    period_start=start,
                    period_end=end,
                    actor=request.user,
                )
            except ValidationError as exc:
                errors = _messages(exc)
            else:
                return _to_editor(plan)
    return render(
        request,
        "policy/plan_list.html",
        {
            "process": process,
            "plans": selectors.plans_of(process),
            "can_edit": can_edit_policy(request.user, process),
            "form": _form(values, errors),
        },
        status=400 if errors else 200,
    )


@never_cache
@require_GET
def plan_editor(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = _plan(request, slug, pk, team=False)
    if not can_view_policy(request.user, plan.process):
        # Outsiders reach a published plan through its public page.
        return HttpResponseRedirect(reverse("policy:plan_version", args=[slug, pk]))
    return _editor(request, plan)


@require_POST
def commitment_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = _plan(request, slug, pk, team=True)
    errors: dict[str, str] = {}
    raw_ids = request.POST.getlist("items")
    ids = [int(i) for i in raw_ids if i.isdigit()]
    items = selectors.items_by_ids(ids)
    if len(items) != len(raw_ids):
        errors["items"] = _("Alguno de los ítems elegidos no existe.")
    fields = {
        k: v
        for k, v in _commitment_fields(request.POST, errors).items()
        # Blank fields keep the prefill taken from the items; the title goes apart.
        if v not in ("", [], None) and k != "title"
    }
    if not errors:
        try:
            c = services.commitment_create(
                plan=plan,
                title=request.POST.get("title", ""),
                items=items,
                actor=request.user,
                **fields,
            )
        except ValidationError as exc:
            errors = _messages(exc)
        else:
            return _to_editor(plan, f"commitment-{c.number}")
    return _editor(
        request,
        plan,
        failed="new-commitment",
        errors=errors,
        values=_posted_values(request.POST),
        status=400,
    )


@require_POST
def commitment_edit(request: HttpRequest, slug: str, pk: int, number: int) -> HttpResponse:
    plan = _plan(request, slug, pk, team=True)
    c = _commitment(plan, number)
    errors: dict[str, str] = {}
    fields = _commitment_fields(request.POST, errors)
    if not errors:
        try:
            services.commitment_edit(commitment=c, actor=request.user, **fields)
        except ValidationError as exc:
            errors = _messages(exc)
        else:
            return _to_editor(plan, f"commitment-{number}")
    return _editor(
        request,
        plan,
        failed=f"commitment-{number}",
        errors=errors,
        values=_posted_values(request.POST),
        status=400,
    )


@require_POST
def milestone_add(request: HttpRequest, slug: str, pk: int, number: int) -> HttpResponse:
    plan = _plan(request, slug, pk, team=True)
    c = _commitment(plan, number)
    errors: dict[str, str] = {}
    start = _date(request.POST.get("start", ""), "start", errors)
    end = _date(request.POST.get("end", ""), "end", errors)
    if not errors:
        try:
            services.milestone_add(
                commitment=c,
                deliverable=request.POST.get("deliverable", ""),
                start=start,
                end=end,
                responsible=request.POST.get("responsible", ""),
                actor=request.user,
            )
        except ValidationError as exc:
            errors = _messages(exc)
        else:
            return _to_editor(plan, f"milestones-{number}")
    return _editor(
        request,
        plan,
        failed=f"milestone-{number}",
        errors=errors,
        values=request.POST.dict(),
        status=400,
    )


@require_POST
def milestone_done(
    request: HttpRequest, slug: str, pk: int, number: int, milestone: int
) -> HttpResponse:
    plan = _plan(request, slug, pk, team=True)
    c = _commitment(plan, number)
    try:
        m = selectors.milestone_of(c, milestone)
    except Milestone.DoesNotExist as exc:
        raise Http404(_("No existe ese hito.")) from exc
    services.milestone_done(milestone=m, actor=request.user, done=request.POST.get("done") != "0")
    return _to_editor(plan, f"milestones-{number}")


@require_POST
def progress_add(request: HttpRequest, slug: str, pk: int, number: int) -> HttpResponse:
    plan = _plan(request, slug, pk, team=True)
    c = _commitment(plan, number)
    try:
        services.progress_add(
            commitment=c,
            text=request.POST.get("text", ""),
            completion=request.POST.get("completion", ""),
            actor=request.user,
        )
    except ValidationError as exc:
        return _editor(
            request,
            plan,
            failed=f"progress-{number}",
            errors=_messages(exc),
            values=request.POST.dict(),
            status=400,
        )
    return _to_editor(plan, f"progress-{number}")


@require_POST
def plan_publish(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = _plan(request, slug, pk, team=True)
    try:
        version = services.plan_publish(plan=plan, actor=request.user)
    except ValidationError as exc:
        return _editor(request, plan, failed="publish", errors=_messages(exc), status=400)
    return HttpResponseRedirect(
        reverse("policy:plan_version_number", args=[slug, pk, version.number])
    )


# --- public pages ------------------------------------------------------------------------


@require_GET
def plan_version(
    request: HttpRequest, slug: str, pk: int, number: int | None = None
) -> HttpResponse:
    plan = _plan(request, slug, pk, team=False)
    version = selectors.published_version(plan, number)
    if version is None:
        raise Http404(_("Ese plan no tiene esa versión publicada."))
    latest = selectors.published_version(plan)
    return render(
        request,
        "policy/plan_version.html",
        {
            "process": plan.process,
            "plan": plan,
            "version": version,
            "latest": latest,
            "view": selectors.present(version.snapshot),
            "versions": plan.versions.order_by("-number"),
            "is_team": can_view_policy(request.user, plan.process),
        },
    )


@require_GET
def plan_accountability(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    plan = _plan(request, slug, pk, team=False)
    report = selectors.accountability(plan)
    if report is None:
        raise Http404(_("Este plan todavía no se ha publicado."))
    return render(
        request,
        "policy/accountability.html",
        {"process": plan.process, "plan": plan, "report": report},
    )
