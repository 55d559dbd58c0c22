"""Server-rendered pages. Views translate: read the request, call selectors, render."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from rest_framework.exceptions import NotFound

from cocrea.accounts.rules import STAFF_ROLES, can_facilitate
from cocrea.accounts.selectors import entities_of
from cocrea.policy.selectors.overview import policy_overview
from cocrea.toolkit import selectors as toolkit
from cocrea.toolkit.canvas import canvas_preview
from cocrea.toolkit.countries import COUNTRIES
from cocrea.toolkit.filters import FilterError, parse_experience_filters
from cocrea.toolkit.models import Experience, ExperienceKind, Methodology
from cocrea.toolkit.text import search_terms
from sessions import live_selectors
from sessions import rules as process_rules
from sessions import selectors as processes
from sessions.models import Process

EXPERIENCES_PER_PAGE = 24


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "frontend/home.html",
        {
            # The entities whose work this person manages: their self-assessment is one
            # click from the home page.
            "my_entities": entities_of(request.user, roles=STAFF_ROLES),
            "pillars": toolkit.pillars(),
            "levels": toolkit.levels(),
            "lineamientos": toolkit.lineamientos(),
            "methodology_count": Methodology.objects.count(),
            "experience_count": Experience.objects.count(),
        },
    )


@require_GET
def decalogo(request: HttpRequest) -> HttpResponse:
    return render(request, "frontend/decalogo.html", {"tips": toolkit.decalogo()})


@require_GET
def methodology_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    items = toolkit.methodology_search(query) if search_terms(query) else toolkit.methodologies()
    return render(request, "frontend/methodology_list.html", {"methodologies": items, "q": query})


@require_GET
def methodology_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        methodology = toolkit.methodologies().get(slug=slug)
    except Methodology.DoesNotExist as exc:
        raise Http404(_("No existe esa metodología.")) from exc
    return render(
        request,
        "frontend/methodology_detail.html",
        {"methodology": methodology, "canvas": canvas_preview(methodology)},
    )


@require_GET
def experience_list(request: HttpRequest) -> HttpResponse:
    vocabulary = toolkit.experience_vocabulary()
    try:
        filters = parse_experience_filters(
            dict(request.GET.lists()), vocabulary=vocabulary, allowed_extra=("page",)
        )
    except FilterError as exc:
        return render(request, "frontend/filter_error.html", {"errors": exc.errors}, status=400)
    page_param = request.GET.get("page", "1")
    if not page_param.isdigit() or int(page_param) < 1:
        return render(
            request,
            "frontend/filter_error.html",
            {"errors": {"page": _("Debe ser un número entero positivo.")}},
            status=400,
        )
    paginator = Paginator(toolkit.experiences(filters), EXPERIENCES_PER_PAGE)
    page = paginator.get_page(page_param)
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(
        request,
        "frontend/experience_list.html",
        {
            "filters": filters,
            "page": page,
            "total": paginator.count,
            "pillars": toolkit.pillars(),
            "levels": toolkit.levels(),
            "lineamientos": toolkit.lineamientos(),
            "countries": _country_options(vocabulary["country"]),
            "kinds": ExperienceKind.choices,
            "querystring": query_without_page.urlencode(),
        },
    )


def _country_options(codes: list[str]) -> list[tuple[str, str]]:
    english = (get_language() or "es").startswith("en")
    options = [(code, COUNTRIES[code][1 if english else 0]) for code in codes if code in COUNTRIES]
    return sorted(options, key=lambda option: option[1])


@require_GET
def experience_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        experience = toolkit.experiences().get(slug=slug)
    except Experience.DoesNotExist as exc:
        raise Http404(_("No existe esa experiencia.")) from exc
    return render(request, "frontend/experience_detail.html", {"experience": experience})


@require_GET
def process_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "frontend/process_list.html",
        {"processes": processes.processes_visible_to(request.user)},
    )


@require_GET
def process_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        process = processes.process_by_slug(slug)
    except Process.DoesNotExist as exc:
        raise Http404(_("No existe ese proceso.")) from exc
    if not process_rules.can_view_process(request.user, process):
        # A draft's very existence is for its team only: answer as if it did not exist.
        raise Http404(_("No existe ese proceso."))
    facilitator = can_facilitate(request.user, process.entity)
    return render(
        request,
        "frontend/process_detail.html",
        {
            "process": process,
            "can_edit": process_rules.can_edit_process(request.user, process),
            "can_facilitate": facilitator,
            "live_sessions": live_selectors.sessions_of_process(process) if facilitator else [],
            "policy": policy_overview(process, request.user),
        },
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # An API client asking for a malformed URL (say /api/v1/polls/abc/) gets JSON, as
    # every other API error, not the site's HTML page.
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
