"""Pages of live sessions: entering a code, joining, the participant screen, the
facilitator console, the projector view and the QR code."""

from __future__ import annotations

import io

import segno
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cocrea.accounts.rules import can_facilitate
from cocrea.privacy.services import consent_record
from cocrea.ratelimit import CODE_ATTEMPTS, CODE_WINDOW, client_address, exceeded, hit
from cocrea.toolkit import selectors as toolkit_selectors
from frontend.poll_form import METHOD_CHOICES, RULE_CHOICES, parse_poll_form, service_errors
from sessions import levels, live
from sessions.codes import normalize_code
from sessions.cookies import (
    MAX_AGE,
    CookieError,
    cookie_name,
    participant_from_cookie,
    sign_participant,
)
from sessions.live_selectors import session_by_code
from sessions.models import ActivityKind, LiveSession, Process, SessionStatus
from sessions.notice import NOTICE_POINTS, NOTICE_PURPOSES, NOTICE_VERSION
from sessions.rules import belongs_to_session
from sessions.selectors import process_by_slug
from voting.models import ResultsVisibility


def _error_page(request: HttpRequest, title: str, message: str, status: int) -> HttpResponse:
    return render(request, "live/error.html", {"title": title, "message": message}, status=status)


def _lookup(request: HttpRequest, raw_code: str) -> LiveSession | HttpResponse:
    """The session for a code, or the page that explains why not.

    Unknown codes count against the client's address so codes cannot be guessed."""
    address = client_address(request.META)
    code = normalize_code(raw_code)
    session = session_by_code(code) if code else None
    # Over the limit, answer nothing about the code (not even whether it exists),
    # unless the visitor already belongs to that session.
    if exceeded(f"code:{address}", limit=CODE_ATTEMPTS) and not (
        session is not None and belongs_to_session(request.user, request.COOKIES, session)
    ):
        return _error_page(
            request,
            _("Demasiados intentos"),
            _("Ha probado demasiados códigos. Espere un minuto e inténtelo de nuevo."),
            429,
        )
    if session is None:
        hit(f"code:{address}", limit=CODE_ATTEMPTS, window=CODE_WINDOW)
        return _error_page(
            request,
            _("Código no encontrado"),
            _("No hay ninguna sesión con el código «%(code)s». Revise el código en la pantalla.")
            % {"code": raw_code[:12]},
            404,
        )
    if session.status == SessionStatus.ENDED:
        return _error_page(
            request,
            _("La sesión terminó"),
            _("La sesión «%(title)s» ya terminó. Gracias por su interés.")
            % {"title": session.title},
            410,
        )
    return session


def _join_url(request: HttpRequest, session: LiveSession) -> str:
    return request.build_absolute_uri(reverse("live:join", args=[session.code]))


@never_cache
@require_http_methods(["GET", "POST"])
def enter_code(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        found = _lookup(request, request.POST.get("code", ""))
        if isinstance(found, HttpResponse):
            if found.status_code == 404:
                return render(
                    request,
                    "live/enter_code.html",
                    {
                        "error": _("No encontramos una sesión abierta con ese código."),
                        "code": request.POST.get("code", "")[:12],
                    },
                    status=404,
                )
            return found
        return HttpResponseRedirect(reverse("live:join", args=[found.code]))
    return render(request, "live/enter_code.html", {})


@never_cache
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, code: str) -> HttpResponse:
    found = _lookup(request, code)
    if isinstance(found, HttpResponse):
        return found
    session = found
    if code != session.code:
        return HttpResponseRedirect(reverse("live:join", args=[session.code]))
    cookie = request.COOKIES.get(cookie_name(session.code))
    participant = None
    removed = False
    if cookie:
        try:
            participant = participant_from_cookie(cookie, session_id=session.pk)
        except CookieError as exc:
            removed = exc.reason == "removed"
    if removed:
        return _error_page(
            request,
            _("Ya no participa en esta sesión"),
            _("El equipo facilitador lo retiró de esta sesión."),
            403,
        )
    if participant is not None and request.method == "GET":
        return render(
            request, "live/participant.html", {"session": session, "participant": participant}
        )
    context = {
        "session": session,
        "level": session.level,
        "notice_points": NOTICE_POINTS,
        "notice_version": NOTICE_VERSION,
        "notice_purposes": [label for _code, label in NOTICE_PURPOSES],
        "entity": session.entity,
        "display_name": "",
        "errors": {},
    }
    if session.require_account and not request.user.is_authenticated:
        context["login_url"] = f"{reverse('login')}?next={request.path}"
    if request.method == "POST":
        context["display_name"] = request.POST.get("display_name", "")[:60]
        try:
            participant = live.participant_join(
                session=session,
                display_name=request.POST.get("display_name", ""),
                consent=request.POST.get("consent") == "on",
                user=request.user if request.user.is_authenticated else None,
            )
        except ValidationError as exc:
            context["errors"] = {k: " ".join(v) for k, v in exc.message_dict.items()}
            return render(request, "live/join.html", context, status=400)
        # Proof of consent (Ley 1581): notice version, purposes, time; never the raw IP.
        consent_record(
            participant=participant, user=participant.user, address=client_address(request.META)
        )
        response = HttpResponseRedirect(reverse("live:join", args=[session.code]))
        response.set_cookie(
            cookie_name(session.code),
            sign_participant(participant),
            max_age=MAX_AGE,
            httponly=True,
            secure=request.is_secure(),
            samesite="Lax",
        )
        return response
    return render(request, "live/join.html", context)


@require_GET
def qr_svg(request: HttpRequest, code: str) -> HttpResponse:
    session = session_by_code(normalize_code(code) or "")
    if session is None or session.status == SessionStatus.ENDED:
        return HttpResponse(status=404)
    buffer = io.BytesIO()
    segno.make(_join_url(request, session), error="m").save(
        buffer,
        kind="svg",
        scale=10,
        border=2,
        xmldecl=False,
        svgns=True,
        title=_("Código QR para unirse a la sesión %(code)s") % {"code": session.code},
    )
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


def _facilitated(request: HttpRequest, code: str) -> LiveSession | HttpResponse:
    session = session_by_code(normalize_code(code) or "")
    if session is None:
        return _error_page(request, _("Código no encontrado"), _("No existe esa sesión."), 404)
    if not can_facilitate(request.user, session.entity):
        return _error_page(
            request,
            _("Solo para el equipo facilitador"),
            _("Esta página es para quien facilita la sesión."),
            403,
        )
    return session


@login_required
@never_cache
@require_GET
def console(request: HttpRequest, code: str) -> HttpResponse:
    found = _facilitated(request, code)
    if isinstance(found, HttpResponse):
        return found
    return render(request, "live/console.html", _console_context(request, found))


def _console_context(
    request: HttpRequest,
    session: LiveSession,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> dict[str, object]:
    activities = list(session.activities.order_by("order"))
    return {
        "session": session,
        "activities": activities,
        # The poll controls start hidden when there is no poll (console.js keeps it so).
        "has_polls": any(a.kind == ActivityKind.POLL for a in activities),
        # Only the kinds the session's IAP2 level allows are offered at all.
        "kinds": [(k, ActivityKind(k).label) for k in levels.allowed_kinds(session.level.code)],
        # Methodologies with a canvas template, for canvas activities.
        "methodologies": [
            (m.slug, m.tr("name")) for m in toolkit_selectors.methodologies_with_canvas()
        ],
        "join_url": _join_url(request, session),
        "errors": errors or {},
        "form": form or {},
        # The poll fields of the form (shown for poll activities only).
        "poll_methods": METHOD_CHOICES,
        "poll_rules": RULE_CHOICES,
        "poll_visibilities": ResultsVisibility.choices,
        # The poll id's place in the public results address, filled in by console.js.
        "poll_results_url": reverse("voting:results", args=[0]).replace("/0/", "/{id}/"),
    }


@login_required
@require_POST
def activity_create(request: HttpRequest, code: str) -> HttpResponse:
    found = _facilitated(request, code)
    if isinstance(found, HttpResponse):
        return found
    session = found
    raw_duration = request.POST.get("duration", "").strip()
    kind = request.POST.get("kind", "")
    slug = request.POST.get("methodology", "").strip()
    methodology = toolkit_selectors.methodology_by_slug(slug) if slug and kind == "canvas" else None
    errors: dict[str, str] = {}
    poll_spec = None
    if kind == "poll":
        # Parse the poll's own fields first: their errors name the line or setting.
        poll_spec, errors = parse_poll_form(request.POST)
        if errors and not request.POST.get("title", "").strip():
            errors = {"title": _("La actividad necesita un título."), **errors}
    if not errors:
        try:
            duration = int(raw_duration) * 60 if raw_duration else None
            if slug and kind == "canvas" and methodology is None:
                raise ValidationError({"methodology": [_("Esa metodología no existe.")]})
            live.activity_add(
                session=session,
                kind=kind,
                title=request.POST.get("title", ""),
                body=request.POST.get("body", ""),
                duration=duration,
                methodology=methodology,
                poll_spec=poll_spec,
                created_by=request.user,
            )
        except ValueError:
            errors = {"duration": _("Escriba la duración en minutos, como número entero.")}
        except ValidationError as exc:
            errors = service_errors(exc.message_dict)
        else:
            return HttpResponseRedirect(reverse("live:console", args=[session.code]))
    return render(
        request,
        "live/console.html",
        _console_context(request, session, errors, request.POST.dict()),
        status=400,
    )


@login_required
@never_cache
@require_GET
def projector(request: HttpRequest, code: str) -> HttpResponse:
    found = _facilitated(request, code)
    if isinstance(found, HttpResponse):
        return found
    return render(
        request, "live/projector.html", {"session": found, "join_url": _join_url(request, found)}
    )


@login_required
@require_POST
def session_create(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        process = process_by_slug(slug)
    except Process.DoesNotExist:
        return _error_page(request, _("Proceso no encontrado"), _("No existe ese proceso."), 404)
    if not can_facilitate(request.user, process.entity):
        return _error_page(
            request,
            _("Solo para el equipo facilitador"),
            _("Solo quien facilita procesos de esta entidad puede abrir sesiones."),
            403,
        )
    stage = process.stages.filter(pk=request.POST.get("stage") or 0).first()
    title = request.POST.get("title", "").strip() or (stage.name if stage else "")
    if stage is None:
        return _error_page(
            request, _("Etapa no válida"), _("Elija una etapa del proceso para la sesión."), 400
        )
    try:
        session = live.session_create(
            stage=stage,
            title=title,
            created_by=request.user,
            require_account=request.POST.get("require_account") == "on",
        )
    except ValidationError as exc:
        return _error_page(request, _("No se pudo abrir la sesión"), " ".join(exc.messages), 400)
    return HttpResponseRedirect(reverse("live:console", args=[session.code]))
