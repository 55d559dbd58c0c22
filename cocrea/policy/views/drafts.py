"""Pages of a process's lineamiento draft: the draft grouped by lineamiento and pillar,
"build from the sessions" (promote outputs), writing and editing items, their history,
comments and review, publishing, and the public page of a published version.

The draft is the entity team's: to anyone else an unpublished draft does not exist
(404). A published version is public. Views only translate: they parse the form, call
one service, and re-render with the errors keyed by field when it refuses."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cocrea.policy.models import Draft, DraftItem, ReviewStatus
from cocrea.policy.rules import can_comment_policy, can_edit_policy, can_view_policy
from cocrea.policy.selectors import drafts as selectors
from cocrea.policy.services import drafts as services
from cocrea.policy.sources import OutputNotFound, output_by_ref
from cocrea.policy.views.lookups import visible_process
from cocrea.toolkit.models import Lineamiento, Pillar
from sessions.models import Process

# --- lookups ---------------------------------------------------------------------------

_process = visible_process


def _team_process(request: HttpRequest, slug: str) -> Process:
    """The process, for its team only: to anyone else its draft does not exist."""
    process = _process(request, slug)
    if not can_view_policy(request.user, process):
        raise Http404(_("No existe ese borrador."))
    return process


def _draft(process: Process) -> Draft:
    draft = selectors.draft_of(process)
    if draft is None:
        raise Http404(_("Este proceso todavía no tiene borrador."))
    return draft


def _item(draft: Draft, item_id: int) -> DraftItem:
    item = selectors.item_of(draft, item_id)
    if item is None:
        raise Http404(_("No existe ese ítem."))
    return item


def _messages(exc: ValidationError) -> dict[str, str]:
    if hasattr(exc, "error_dict"):
        return {k: " ".join(str(m) for m in v) for k, v in exc.message_dict.items()}
    return {"__all__": " ".join(str(m) for m in exc.messages)}


def _choices() -> dict[str, Any]:
    return {
        "lineamientos": list(Lineamiento.objects.order_by("order")),
        "pillars": list(Pillar.objects.order_by("order")),
    }


def _item_values(data: Any) -> dict[str, str]:
    return {
        "lineamiento": str(data.get("lineamiento", "")).strip(),
        "pillar": str(data.get("pillar", "")).strip(),
        "title": str(data.get("title", "")),
        "text": str(data.get("text", "")),
    }


def _base(request: HttpRequest, process: Process) -> dict[str, Any]:
    return {
        "process": process,
        "can_edit": can_edit_policy(request.user, process),
        "can_comment": can_comment_policy(request.user, process),
    }


def _draft_url(process: Process) -> str:
    return reverse("policy:draft", args=[process.slug])


def _item_url(process: Process, item: DraftItem) -> str:
    return reverse("policy:draft_item", args=[process.slug, item.pk])


# --- the draft --------------------------------------------------------------------------


def _draft_page(
    request: HttpRequest,
    process: Process,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    draft = selectors.draft_of(process)
    context = {
        **_base(request, process),
        "draft": draft,
        "groups": selectors.items_by_lineamiento(draft) if draft else [],
        "versions": selectors.versions(draft) if draft else [],
        "publish_errors": errors or {},
    }
    return render(request, "policy/draft.html", context, status=status)


@require_GET
def draft_page(request: HttpRequest, slug: str) -> HttpResponse:
    process = _process(request, slug)
    if not can_view_policy(request.user, process):
        # The public sees the latest published version, and nothing before one exists.
        latest = selectors.latest_version(process)
        if latest is None:
            raise Http404(_("No existe ese borrador."))
        return HttpResponseRedirect(
            reverse("policy:draft_version", args=[process.slug, latest.number])
        )
    return _draft_page(request, process)


@require_POST
def draft_create(request: HttpRequest, slug: str) -> HttpResponse:
    process = _team_process(request, slug)
    services.draft_get_or_create(process, request.user)
    return HttpResponseRedirect(_draft_url(process))


@require_POST
def draft_publish(request: HttpRequest, slug: str) -> HttpResponse:
    process = _team_process(request, slug)
    draft = _draft(process)
    try:
        version = services.draft_publish(draft, request.user)
    except ValidationError as exc:
        return _draft_page(request, process, errors=_messages(exc), status=400)
    return HttpResponseRedirect(
        reverse("policy:draft_version", args=[process.slug, version.number])
    )


@require_GET
def draft_version(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """A published version, read-only, for anyone who may see the process."""
    process = _process(request, slug)
    draft = selectors.draft_of(process)
    version = selectors.version_of(draft, number) if draft else None
    if version is None:
        raise Http404(_("No existe esa versión."))
    context = {
        **_base(request, process),
        "can_view": can_view_policy(request.user, process),
        "draft": draft,
        "version": version,
        "snapshot": version.snapshot,
        "versions": selectors.versions(draft),
    }
    return render(request, "policy/draft_version.html", context)


# --- writing and promoting --------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def item_write(request: HttpRequest, slug: str) -> HttpResponse:
    process = _team_process(request, slug)
    draft = _draft(process)
    if not can_edit_policy(request.user, process):
        raise PermissionDenied(_("Solo los funcionarios de la entidad escriben el borrador."))
    values = _item_values(request.POST if request.method == "POST" else request.GET)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            item = services.item_write(
                draft,
                values["lineamiento"],
                values["pillar"],
                values["title"],
                values["text"],
                request.user,
            )
        except ValidationError as exc:
            errors = _messages(exc)
        else:
            return HttpResponseRedirect(_item_url(process, item))
    context = {**_base(request, process), **_choices(), "draft": draft}
    context.update(values=values, errors=errors)
    return render(request, "policy/draft_write.html", context, status=400 if errors else 200)


def _prefill(process: Process, refs: list[str]) -> dict[str, str]:
    """Title and text proposed from the chosen outputs (what they said)."""
    texts: list[str] = []
    for ref in refs:
        try:
            output = output_by_ref(process, ref)
        except OutputNotFound:
            continue
        texts.append(output.text)
    if not texts:
        return {}
    return {"title": texts[0][:200], "text": "\n\n".join(texts)}


@require_http_methods(["GET", "POST"])
def draft_build(request: HttpRequest, slug: str) -> HttpResponse:
    """ "Build from the sessions": the process's outputs with checkboxes and a form to
    promote the chosen ones into one item. "Preparar" fills the title and text from
    the chosen outputs (no script needed); "Crear ítem" promotes."""
    process = _team_process(request, slug)
    draft = _draft(process)
    if not can_edit_policy(request.user, process):
        raise PermissionDenied(_("Solo los funcionarios de la entidad escriben el borrador."))
    data = request.POST if request.method == "POST" else request.GET
    refs = [r for r in data.getlist("refs") if r.strip()]
    values = _item_values(data)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST" and data.get("action") == "create":
        try:
            item = services.item_promote(
                draft,
                refs,
                values["lineamiento"],
                values["pillar"],
                values["title"],
                values["text"],
                request.user,
            )
        except ValidationError as exc:
            errors, status = _messages(exc), 400
        else:
            return HttpResponseRedirect(_item_url(process, item))
    elif refs:
        prefill = _prefill(process, refs)
        for name in ("title", "text"):
            if not values[name].strip():
                values[name] = prefill.get(name, "")
    context = {**_base(request, process), **_choices(), "draft": draft}
    context.update(
        sessions=selectors.outputs_by_session(process, draft),
        refs=refs,
        values=values,
        errors=errors,
    )
    return render(request, "policy/draft_build.html", context, status=status)


# --- one item ---------------------------------------------------------------------------


def _item_page(
    request: HttpRequest,
    process: Process,
    item: DraftItem,
    *,
    form: str = "",
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    detail = selectors.item_detail(item)
    edit_values = {
        "lineamiento": item.lineamiento.code,
        "pillar": item.pillar.code if item.pillar_id else "",
        "title": item.title,
        "text": item.text,
    }
    if form == "edit" and values is not None:
        edit_values = values
    context = {
        **_base(request, process),
        **_choices(),
        "draft": item.draft,
        "item": item,
        "detail": detail,
        "form": form,
        "values": edit_values,
        "comment_value": values.get("comment", "") if form == "comment" and values else "",
        "errors": errors or {},
        "next_statuses": [
            (s, ReviewStatus(s).label) for s in sorted(services.TRANSITIONS[item.status])
        ],
    }
    return render(request, "policy/draft_item.html", context, status=status)


@require_GET
def item_page(request: HttpRequest, slug: str, item_id: int) -> HttpResponse:
    process = _team_process(request, slug)
    item = _item(_draft(process), item_id)
    return _item_page(request, process, item)


@require_POST
def item_edit(request: HttpRequest, slug: str, item_id: int) -> HttpResponse:
    process = _team_process(request, slug)
    item = _item(_draft(process), item_id)
    values = _item_values(request.POST)
    try:
        services.item_edit(item, request.user, **values)
    except ValidationError as exc:
        return _item_page(
            request, process, item, form="edit", values=values, errors=_messages(exc), status=400
        )
    return HttpResponseRedirect(_item_url(process, item))


@require_POST
def item_comment(request: HttpRequest, slug: str, item_id: int) -> HttpResponse:
    process = _team_process(request, slug)
    item = _item(_draft(process), item_id)
    text = request.POST.get("text", "")
    try:
        services.item_comment(item, text, request.user)
    except ValidationError as exc:
        errors = {"comment": _messages(exc).get("text") or " ".join(_messages(exc).values())}
        return _item_page(
            request,
            process,
            item,
            form="comment",
            values={"comment": text},
            errors=errors,
            status=400,
        )
    return HttpResponseRedirect(_item_url(process, item) + "#comentarios")


@require_POST
def item_status(request: HttpRequest, slug: str, item_id: int) -> HttpResponse:
    process = _team_process(request, slug)
    item = _item(_draft(process), item_id)
    try:
        services.item_set_status(item, request.POST.get("status", ""), request.user)
    except ValidationError as exc:
        return _item_page(request, process, item, form="status", errors=_messages(exc), status=400)
    return HttpResponseRedirect(_item_url(process, item))


@require_POST
def item_remove(request: HttpRequest, slug: str, item_id: int) -> HttpResponse:
    process = _team_process(request, slug)
    item = _item(_draft(process), item_id)
    try:
        services.item_remove(item, request.user)
    except ValidationError as exc:
        return _item_page(request, process, item, form="remove", errors=_messages(exc), status=400)
    return HttpResponseRedirect(_draft_url(process))
