"""``/auditoria/``: the audit log for staff. Everyone else gets a 404, so the page's
existence says nothing to them."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cocrea.accounts.models import Entity
from cocrea.audit.models import AuditEvent

PAGE_SIZE = 50


@never_cache
@require_GET
def events(request: HttpRequest) -> HttpResponse:
    if not (request.user.is_authenticated and request.user.is_active and request.user.is_staff):
        raise Http404(_("No existe esa página."))
    queryset = AuditEvent.objects.select_related("actor", "entity")
    action = request.GET.get("accion", "").strip()[:80]
    entity = request.GET.get("entidad", "").strip()
    if action:
        # A prefix, so "poll." lists every poll action.
        queryset = queryset.filter(action__startswith=action)
    if entity.isdigit():
        queryset = queryset.filter(entity_id=int(entity))
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "audit/events.html",
        {
            "page": page,
            "action": action,
            "entity": entity,
            "entities": Entity.objects.order_by("name").only("pk", "name"),
        },
    )
