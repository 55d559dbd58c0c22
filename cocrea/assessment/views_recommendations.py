"""Starting a participatory process from a recommendation of the self-assessment.

Views only translate: the posted form becomes one call to
:func:`cocrea.assessment.start.process_from_recommendation`; a refusal comes back as
403 (not the entity's team) or 400 (values the page never offered), and success lands on the new
process's page, where the team completes the draft."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cocrea.accounts.models import Entity
from cocrea.assessment.models import Assessment
from cocrea.assessment.start import process_from_recommendation


def _entity(slug: str) -> Entity:
    entity = Entity.objects.filter(slug=slug).first()
    if entity is None:
        raise Http404(_("No existe esa entidad."))
    return entity


def _assessment(entity: Entity, raw: str) -> Assessment | None:
    """The assessment the form names, if any; one of another entity is not found."""
    if not raw.strip():
        return None
    if not raw.strip().isdigit():
        raise Http404(_("No existe ese autodiagnóstico."))
    assessment = Assessment.objects.filter(entity=entity, pk=int(raw)).first()
    if assessment is None:
        raise Http404(_("No existe ese autodiagnóstico."))
    return assessment


@require_POST
def start_process(request: HttpRequest, slug: str) -> HttpResponse:
    entity = _entity(slug)
    post = request.POST
    try:
        process = process_from_recommendation(
            entity=entity,
            pillar_code=post.get("pillar", ""),
            methodology_slug=post.get("methodology") or None,
            level_code=post.get("level", ""),
            actor=request.user,
            stretch=post.get("stretch") == "1",
            assessment=_assessment(entity, post.get("assessment", "")),
        )
    except ValidationError:
        # The form only posts what the results page offered, so a refusal means a
        # forged or mangled post: the generic "invalid request" page is enough.
        return render(request, "400.html", status=400)
    return HttpResponseRedirect(reverse("toolkit:process", args=[process.slug]))
