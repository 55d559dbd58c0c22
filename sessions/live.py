"""Writes for live sessions: creating, joining, the agenda, and every command sent
over the WebSocket. Each command runs in one transaction that also appends its
events to the session's stream and records the ``op_id`` with its result, so a
change, its events and its idempotency record commit together or not at all."""

from __future__ import annotations

import datetime as dt
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from canvases import ops as canvas_ops
from canvases.messages import message_for
from canvases.models import Canvas
from canvases.services import canvas_apply, canvas_configure, canvas_create
from cocrea.accounts.models import User
from cocrea.audit import services as audit
from cocrea.realtime.errors import CodedError
from cocrea.realtime.models import ProcessedOp
from cocrea.realtime.retry import retry_transient
from cocrea.realtime.selectors import stream_head
from cocrea.realtime.services import event_append
from cocrea.toolkit.models import Methodology
from sessions import levels
from sessions.codes import new_code
from sessions.markdown import render_markdown
from sessions.models import (
    Activity,
    ActivityKind,
    LiveSession,
    Participant,
    Question,
    QuestionStatus,
    QuestionVote,
    SessionStatus,
    Stage,
)
from sessions.notice import NOTICE_VERSION
from sessions.serialization import activity_data, agenda_data, question_data, timer_data
from voting import live as poll_live
from voting import moderation
from voting import services as voting
from voting.models import Eligibility, Poll, ResultsVisibility


class CommandError(CodedError):
    """A command that cannot be applied; ``code`` is the protocol's error code."""


@dataclass(frozen=True)
class Actor:
    role: str  # "facilitator" | "participant"
    key: str  # "u:<user id>" | "p:<participant id>": who, for op_ids and votes
    participant_id: int | None = None
    user_id: int | None = None

    @property
    def is_facilitator(self) -> bool:
        return self.role == "facilitator"


# --- creating and joining ------------------------------------------------------------


def session_create(
    *,
    stage: Stage,
    title: str,
    created_by: User | None = None,
    require_account: bool = False,
    moderate_questions: bool = True,
) -> LiveSession:
    """Open a session for a stage, at the stage's IAP2 level, with a fresh code.

    The code is unique among sessions not ended (a partial unique index); on the
    rare collision the insert fails and we draw again."""
    if not title.strip():
        raise ValidationError({"title": [_("Una sesión necesita un título.")]})
    for _attempt in range(10):
        try:
            with transaction.atomic():
                return LiveSession.objects.create(
                    stage=stage,
                    level=stage.level,
                    title=title.strip(),
                    code=new_code(),
                    created_by=created_by,
                    require_account=require_account,
                    moderate_questions=moderate_questions,
                )
        except IntegrityError:
            continue
    raise RuntimeError("could not draw a free join code in 10 attempts")


def participant_join(
    *,
    session: LiveSession,
    display_name: str,
    consent: bool,
    user: User | None = None,
) -> Participant:
    errors: dict[str, list[str]] = {}
    name = " ".join(display_name.split())
    if not name:
        errors["display_name"] = [_("Escriba el nombre con el que quiere aparecer.")]
    elif len(name) > 60:
        errors["display_name"] = [_("El nombre admite como máximo 60 caracteres.")]
    if not consent:
        errors["consent"] = [_("Para participar debe aceptar el aviso de tratamiento de datos.")]
    if session.status == SessionStatus.ENDED:
        errors["code"] = [_("Esta sesión ya terminó.")]
    if session.require_account and (user is None or not user.is_authenticated):
        errors["user"] = [_("Esta sesión exige ingresar con una cuenta ciudadana.")]
    if errors:
        raise ValidationError(errors)
    if user is not None and session.require_account:
        existing = Participant.objects.filter(session=session, user=user).first()
        if existing is not None:
            if existing.removed_at is not None:
                raise ValidationError({"user": [_("Usted fue retirado de esta sesión.")]})
            return existing
    try:
        with transaction.atomic():
            return Participant.objects.create(
                session=session,
                user=user if session.require_account else None,
                display_name=name,
                token=secrets.token_urlsafe(32),
                consent_version=NOTICE_VERSION,
                consented_at=timezone.now(),
            )
    except IntegrityError:  # the same account joined twice at once: one row wins
        return Participant.objects.get(session=session, user=user)


def activity_add(
    *,
    session: LiveSession,
    kind: str,
    title: str,
    body: str = "",
    duration: int | None = None,
    methodology: Methodology | None = None,
    canvas_settings: dict[str, Any] | None = None,
    poll_spec: dict[str, Any] | None = None,
    created_by: User | None = None,
) -> Activity:
    """Add an activity at the end of the agenda, if the session's level allows it.
    A canvas activity gets its board (from ``methodology``, or blank) in the same
    transaction; a poll activity gets its draft poll from ``poll_spec``
    (``{"method", "options": [{"key", "label", "cost"?}], "settings"?,
    "results_visibility"?, "title"?}``), open to the session's participants. Without
    ``poll_spec`` the activity has no poll until one is created for it."""
    errors: dict[str, list[str]] = {}
    if kind not in ActivityKind.values:
        errors["kind"] = [_("Tipo de actividad desconocido.")]
    elif not levels.allows(session.level.code, kind):
        errors["kind"] = [
            _("El nivel «%(level)s» no permite actividades de tipo «%(kind)s».")
            % {"level": session.level.tr("name"), "kind": ActivityKind(kind).label}
        ]
    if not title.strip():
        errors["title"] = [_("La actividad necesita un título.")]
    if duration is not None and not 0 < duration <= 4 * 3600:
        errors["duration"] = [_("La duración va de 1 segundo a 4 horas.")]
    if methodology is not None and kind != ActivityKind.CANVAS:
        errors["methodology"] = [_("Solo una actividad de lienzo usa una metodología.")]
    if poll_spec is not None and kind != ActivityKind.POLL:
        errors["poll_spec"] = [_("Solo una actividad de votación lleva una votación.")]
    elif poll_spec is not None and not isinstance(poll_spec, dict):
        errors["poll_spec"] = [_("Una actividad de votación necesita su votación.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = LiveSession.objects.select_for_update().get(pk=session.pk)
        # Decide on the locked row: the caller's copy may predate the session's end.
        if locked.status == SessionStatus.ENDED:
            raise ValidationError({"session": [_("Esta sesión ya terminó.")]})
        order = (locked.activities.aggregate(m=Max("order"))["m"] or 0) + 1
        activity = Activity.objects.create(
            session=locked,
            order=order,
            kind=kind,
            title=title.strip(),
            body=body,
            body_html=render_markdown(body) if body else "",
            duration=duration,
        )
        event_append(
            stream=locked.stream, type="agenda.changed", payload={"agenda": agenda_data(locked)}
        )
        if kind == ActivityKind.CANVAS:
            canvas_create(activity=activity, methodology=methodology, **(canvas_settings or {}))
        if kind == ActivityKind.POLL and poll_spec is not None:
            poll = _poll_create(locked, activity, poll_spec, created_by)
            event_append(
                stream=locked.stream,
                type="poll.reset",
                payload={"activity_id": activity.pk, "poll": poll_live.poll_description(poll)},
            )
    return activity


def _poll_create(
    session: LiveSession, activity: Activity, spec: dict[str, Any], created_by: User | None
) -> Poll:
    raw_options = spec.get("options") or []
    try:
        options = [
            voting.OptionInput(
                key=str(o["key"]), label=str(o.get("label") or o["key"]), cost=o.get("cost")
            )
            for o in raw_options
        ]
    except (KeyError, TypeError, AttributeError):
        raise ValidationError(
            {"poll_spec": [_("Cada opción necesita una clave y un texto.")]}
        ) from None
    # An open question has no options: its participants write the answers.
    if not options and spec.get("method") != "open":
        raise ValidationError({"poll_spec": [_("Una votación necesita opciones.")]})
    poll = voting.poll_create(
        entity=session.entity,
        activity=activity,
        title=str(spec.get("title") or activity.title),
        method=str(spec.get("method", "")),
        options=options,
        settings=spec.get("settings") or {},
        results_visibility=spec.get("results_visibility", ResultsVisibility.AFTER_CLOSE),
        eligibility=Eligibility.SESSION,
        created_by=created_by,
    )
    try:  # a poll that could never open is refused now, not at the opening
        voting._check_configuration(poll.method, poll.settings, voting.method_options(poll))
    except ValidationError as exc:
        raise ValidationError({"poll_spec": exc.messages}) from None
    return poll


# --- presence ------------------------------------------------------------------------


def participant_connected(*, participant_id: int) -> None:
    Participant.objects.filter(pk=participant_id).update(
        connections=F("connections") + 1, last_seen=timezone.now()
    )


def participant_disconnected(*, participant_id: int) -> None:
    Participant.objects.filter(pk=participant_id, connections__gt=0).update(
        connections=F("connections") - 1
    )


def participant_seen(*, participant_id: int, older_than: dt.timedelta) -> None:
    """Refresh ``last_seen`` on a heartbeat, but write at most once per ``older_than``."""
    now = timezone.now()
    Participant.objects.filter(pk=participant_id, last_seen__lt=now - older_than).update(
        last_seen=now
    )


# --- commands ------------------------------------------------------------------------

Handler = Callable[[LiveSession, Actor, dict[str, Any]], dict[str, Any]]
FACILITATOR_COMMANDS: dict[str, Handler] = {}
PARTICIPANT_COMMANDS: dict[str, Handler] = {}


def _command(name: str, *, facilitator_only: bool) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        FACILITATOR_COMMANDS[name] = handler
        if not facilitator_only:
            PARTICIPANT_COMMANDS[name] = handler
        return handler

    return register


def command_names() -> set[str]:
    return set(FACILITATOR_COMMANDS)


# A lock or serialization error reruns the whole command: its op_id makes a rerun
# that finds the first attempt committed answer as a duplicate (cocrea.realtime.retry).
@retry_transient
def session_command(
    *, session_id: int, actor: Actor, type: str, data: dict[str, Any], op_id: str
) -> tuple[dict[str, Any], bool]:
    """Apply one command; returns ``(result, duplicate)``.

    A command already applied under this actor's ``op_id`` is answered with the
    stored result and changes nothing (``duplicate`` is True)."""
    table = FACILITATOR_COMMANDS if actor.is_facilitator else PARTICIPANT_COMMANDS
    if type not in table:
        if type in FACILITATOR_COMMANDS:
            raise CommandError("forbidden", _("Solo el equipo facilitador puede hacer esto."))
        raise CommandError("unknown_type", _("Tipo de mensaje desconocido."), "type")
    stream = f"session:{session_id}"
    stored = ProcessedOp.objects.filter(stream=stream, actor=actor.key, op_id=op_id).first()
    if stored is not None:
        return _replayed(type, actor, op_id, stored.result), True
    if type in OP_ID_COMMANDS:
        data = {**data, "op_id": op_id}
    try:
        with transaction.atomic():
            session = (
                LiveSession.objects.select_for_update().select_related("level").get(pk=session_id)
            )
            if session.status == SessionStatus.ENDED:
                raise CommandError("locked", _("Esta sesión ya terminó."))
            if actor.participant_id is not None:
                _check_participant(session, actor)
            result = table[type](session, actor, data)
            # A vote's receipt is never stored here: this record outlives the poll.
            kept = {k: v for k, v in result.items() if k != "receipt"}
            ProcessedOp.objects.create(stream=stream, actor=actor.key, op_id=op_id, result=kept)
            audit.record_session_command(
                session=session, role=actor.role, user_id=actor.user_id, type=type, data=data
            )
    except IntegrityError:
        # The same op_id raced in on another connection and won: answer as it did.
        stored = ProcessedOp.objects.filter(stream=stream, actor=actor.key, op_id=op_id).first()
        if stored is None:
            raise
        return _replayed(type, actor, op_id, stored.result), True
    return result, False


# Commands whose handler needs the op_id (as ``data["op_id"]``).
OP_ID_COMMANDS = frozenset({"poll.vote"})


def _replayed(type: str, actor: Actor, op_id: str, result: dict[str, Any]) -> dict[str, Any]:
    """A stored result as a retry gets it. A vote's receipt lives only in the poll's
    own retry record (deleted when the poll closes): read it back from there."""
    if type != "poll.vote" or "poll_id" not in result:
        return result
    receipt = (
        ProcessedOp.objects.filter(stream=f"poll:{result['poll_id']}", actor=actor.key, op_id=op_id)
        .values_list("result", flat=True)
        .first()
    )
    return {**result, "receipt": (receipt or {}).get("receipt")}


def _check_participant(session: LiveSession, actor: Actor) -> None:
    removed = (
        Participant.objects.filter(pk=actor.participant_id, session=session)
        .values_list("removed_at", flat=True)
        .first()
    )
    if removed is not None:
        raise CommandError("forbidden", _("Usted fue retirado de esta sesión."))


def _emit(session: LiveSession, type: str, payload: dict[str, Any]) -> dict[str, Any]:
    event = event_append(stream=session.stream, type=type, payload=payload)
    return {"seq": event.seq}


def _status_change(session: LiveSession, *, allowed_from: set[str], to: str) -> dict[str, Any]:
    if session.status not in allowed_from:
        raise CommandError(
            "conflict",
            _("La sesión está «%(status)s»; no se puede hacer eso ahora.")
            % {"status": session.get_status_display()},
        )
    now = timezone.now()
    session.status = to
    if to == SessionStatus.LIVE and session.started_at is None:
        session.started_at = now
    if to == SessionStatus.PAUSED and session.timer_ends_at is not None:
        # Freeze the countdown: keep what was left, resume from there.
        left = (session.timer_ends_at - now).total_seconds()
        session.timer_remaining = max(0, math.ceil(left))
        session.timer_ends_at = None
    if to == SessionStatus.LIVE and session.timer_remaining is not None:
        session.timer_ends_at = now + dt.timedelta(seconds=session.timer_remaining)
        session.timer_remaining = None
    if to == SessionStatus.ENDED:
        session.ended_at = now
        session.timer_ends_at = None
        session.timer_remaining = None
    session.save()
    return _emit(session, "session.status", {"status": to, "timer": timer_data(session)})


@_command("session.start", facilitator_only=True)
def _start(session: LiveSession, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    return _status_change(session, allowed_from={SessionStatus.SCHEDULED}, to=SessionStatus.LIVE)


@_command("session.pause", facilitator_only=True)
def _pause(session: LiveSession, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    return _status_change(session, allowed_from={SessionStatus.LIVE}, to=SessionStatus.PAUSED)


@_command("session.resume", facilitator_only=True)
def _resume(session: LiveSession, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    return _status_change(session, allowed_from={SessionStatus.PAUSED}, to=SessionStatus.LIVE)


@_command("session.end", facilitator_only=True)
def _end(session: LiveSession, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    return _status_change(
        session,
        allowed_from={SessionStatus.SCHEDULED, SessionStatus.LIVE, SessionStatus.PAUSED},
        to=SessionStatus.ENDED,
    )


@_command("activity.goto", facilitator_only=True)
def _goto(session: LiveSession, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    activity = Activity.objects.filter(session=session, pk=data["activity_id"]).first()
    if activity is None:
        raise CommandError("not_found", _("No existe esa actividad en la sesión."), "activity_id")
    session.current_activity = activity
    session.save(update_fields=["current_activity"])
    return _emit(session, "session.activity", {"activity_id": activity.pk})


@_command("timer.start", facilitator_only=True)
def _timer_start(session: LiveSession, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    seconds = data["seconds"]
    if session.status == SessionStatus.PAUSED:
        session.timer_ends_at, session.timer_remaining = None, seconds
    else:
        session.timer_ends_at = timezone.now() + dt.timedelta(seconds=seconds)
        session.timer_remaining = None
    session.save(update_fields=["timer_ends_at", "timer_remaining"])
    return _emit(session, "session.timer", timer_data(session))


@_command("timer.stop", facilitator_only=True)
def _timer_stop(session: LiveSession, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    session.timer_ends_at, session.timer_remaining = None, None
    session.save(update_fields=["timer_ends_at", "timer_remaining"])
    return _emit(session, "session.timer", timer_data(session))


def _flag(session: LiveSession, field: str, value: bool, event: str, key: str) -> dict[str, Any]:
    setattr(session, field, value)
    session.save(update_fields=[field])
    return _emit(session, event, {key: value})


@_command("input.lock", facilitator_only=True)
def _lock(session: LiveSession, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    return _flag(session, "input_locked", True, "session.input", "locked")


@_command("input.unlock", facilitator_only=True)
def _unlock(session: LiveSession, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    return _flag(session, "input_locked", False, "session.input", "locked")


@_command("results.hide", facilitator_only=True)
def _hide(session: LiveSession, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    return _flag(session, "results_hidden", True, "session.results", "hidden")


@_command("results.reveal", facilitator_only=True)
def _reveal(session: LiveSession, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    session.results_hidden = False
    session.save(update_fields=["results_hidden"])
    # Participants had no counts while hidden: the reveal brings them all at once.
    counts = dict(
        Question.objects.filter(
            activity__session=session,
            status__in=(QuestionStatus.APPROVED, QuestionStatus.ANSWERED),
        ).values_list("pk", "upvotes")
    )
    return _emit(
        session,
        "session.results",
        {"hidden": False, "upvotes": {str(pk): votes for pk, votes in counts.items()}},
    )


@_command("participant.remove", facilitator_only=True)
def _remove(session: LiveSession, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    updated = Participant.objects.filter(
        session=session, pk=data["participant_id"], removed_at__isnull=True
    ).update(removed_at=timezone.now())
    if not updated:
        raise CommandError(
            "not_found", _("No hay un participante activo con ese número."), "participant_id"
        )
    return _emit(session, "participant.removed", {"participant_id": data["participant_id"]})


def _require_input_open(session: LiveSession) -> None:
    if session.status != SessionStatus.LIVE:
        raise CommandError("locked", _("La sesión no está en vivo."))
    if session.input_locked:
        raise CommandError("locked", _("El equipo facilitador cerró los aportes por ahora."))


@_command("qa.ask", facilitator_only=False)
def _ask(session: LiveSession, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    if not actor.is_facilitator:
        _require_input_open(session)
    activity = session.current_activity
    if activity is None or activity.kind != ActivityKind.QA:
        raise CommandError("conflict", _("Ahora no hay una actividad de preguntas abierta."))
    moderated = session.moderate_questions and not actor.is_facilitator
    question = Question.objects.create(
        activity=activity,
        participant_id=actor.participant_id,
        text=data["text"].strip(),
        status=QuestionStatus.PENDING if moderated else QuestionStatus.APPROVED,
    )
    result = _emit(session, "qa.asked", {"question": question_data(question)})
    return {**result, "question_id": question.pk}


@_command("qa.upvote", facilitator_only=False)
def _upvote(session: LiveSession, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    if not actor.is_facilitator:
        _require_input_open(session)
    question = Question.objects.filter(
        activity__session=session,
        pk=data["question_id"],
        status__in=(QuestionStatus.APPROVED, QuestionStatus.ANSWERED),
    ).first()
    if question is None:
        raise CommandError("not_found", _("No existe esa pregunta."), "question_id")
    try:
        with transaction.atomic():
            QuestionVote.objects.create(question=question, voter=actor.key)
    except IntegrityError:
        raise CommandError("conflict", _("Ya apoyó esta pregunta."), "question_id") from None
    Question.objects.filter(pk=question.pk).update(upvotes=F("upvotes") + 1)
    question.refresh_from_db(fields=["upvotes"])
    result = _emit(
        session,
        "qa.upvoted",
        # Whether results were hidden when this vote counted: the visibility rule
        # strips the count for participants then, without reading the session again.
        {
            "question_id": question.pk,
            "upvotes": question.upvotes,
            "results_hidden": session.results_hidden,
        },
    )
    # The voter learns the count only when results are visible to participants.
    hidden = session.results_hidden and not actor.is_facilitator
    return {**result, "upvotes": None if hidden else question.upvotes}


@_command("qa.moderate", facilitator_only=True)
def _moderate(session: LiveSession, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    question = Question.objects.filter(activity__session=session, pk=data["question_id"]).first()
    if question is None:
        raise CommandError("not_found", _("No existe esa pregunta."), "question_id")
    question.status = data["status"]
    question.save(update_fields=["status"])
    result = _emit(
        session,
        "qa.moderated",
        {"question": question_data(question), "results_hidden": session.results_hidden},
    )
    return {**result, "status": question.status}


# --- canvases --------------------------------------------------------------------------


def _canvas_of(session: LiveSession, activity_id: int, *, lock: bool = False) -> Canvas:
    found = Canvas.objects.filter(activity__session=session, activity_id=activity_id)
    canvas = (found.select_for_update() if lock else found).first()
    if canvas is None:
        raise CommandError("not_found", _("No existe ese lienzo en la sesión."), "activity_id")
    return canvas


def _canvas_error(exc: canvas_ops.OpError) -> CommandError:
    return CommandError(exc.code, message_for(exc.code, exc.message, exc.field), exc.field)


@_command("canvas.op", facilitator_only=False)
def _canvas_op(session: LiveSession, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    canvas = _canvas_of(session, data["activity_id"], lock=True)
    if not actor.is_facilitator:
        _require_input_open(session)
        if session.current_activity_id != data["activity_id"]:
            raise CommandError("conflict", _("Ese lienzo no es la actividad en curso."))
    try:
        applied = canvas_apply(
            canvas=canvas,
            stream=session.stream,
            actor=canvas_ops.Actor(actor.key, facilitator=actor.is_facilitator),
            op=data["op"],
        )
    except canvas_ops.OpError as exc:
        raise _canvas_error(exc) from None
    return {"seq": applied["seq"]}


@_command("canvas.settings", facilitator_only=True)
def _canvas_settings(session: LiveSession, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    canvas = _canvas_of(session, data["activity_id"])
    changes = {k: v for k, v in data.items() if k != "activity_id"}
    try:
        return canvas_configure(canvas_id=canvas.pk, changes=changes)
    except canvas_ops.OpError as exc:
        raise _canvas_error(exc) from None


# --- polls -------------------------------------------------------------------------------

RESULTS_INTERVAL = dt.timedelta(seconds=0.5)  # at most two poll.results a second per poll


def _poll_of(session: LiveSession, activity_id: int, *, lock: bool = False) -> Poll:
    found = Poll.objects.filter(activity__session=session, activity_id=activity_id)
    poll = (found.select_for_update() if lock else found).first()
    if poll is None:
        raise CommandError("not_found", _("No existe esa votación en la sesión."), "activity_id")
    return poll


def _poll_error(exc: ValidationError, field: str | None = None) -> CommandError:
    code = exc.error_list[0].code if hasattr(exc, "error_list") else None
    code = {"bad_status": "conflict", None: "invalid"}.get(code, code)
    return CommandError(str(code), exc.messages[0], field)


def _poll_status(session: LiveSession, poll: Poll) -> dict[str, Any]:
    Poll.objects.filter(pk=poll.pk).update(results_pending=False, results_sent_at=timezone.now())
    result = _emit(session, "poll.status", poll_live.status_payload(poll))
    return {**result, "status": poll.status}


def _poll_transition(
    session: LiveSession, actor: Actor, data: dict[str, Any], service: Callable[..., Poll]
) -> dict[str, Any]:
    poll = _poll_of(session, data["activity_id"])
    user = User.objects.filter(pk=actor.user_id).first() if actor.user_id else None
    try:
        poll = service(poll=poll, actor=user)
    except ValidationError as exc:
        raise _poll_error(exc) from None
    return _poll_status(session, poll)


@_command("poll.open", facilitator_only=True)
def _poll_open(session: LiveSession, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    return _poll_transition(session, actor, data, voting.poll_open)


@_command("poll.close", facilitator_only=True)
def _poll_close(session: LiveSession, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    return _poll_transition(session, actor, data, voting.poll_close)


@_command("poll.publish", facilitator_only=True)
def _poll_publish(session: LiveSession, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    return _poll_transition(session, actor, data, voting.poll_publish)


# ballot_change's refusals that are about the receipt (or the right to change), not
# about the ballot: the client points at its receipt field for these.
RECEIPT_ERRORS = frozenset({"change_not_allowed", "bad_receipt", "not_voted"})


@_command("poll.vote", facilitator_only=False)
def _poll_vote(session: LiveSession, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    if actor.is_facilitator:
        raise CommandError("forbidden", _("Votan los participantes de la sesión."))
    _require_input_open(session)
    poll = _poll_of(session, data["activity_id"])
    changing = "receipt" in data
    try:
        if changing:
            receipt = voting.ballot_change(
                poll=poll,
                voter_key=actor.key,
                receipt_code=data["receipt"],
                content=data["ballot"],
                op_id=data["op_id"],
            )
        else:
            receipt = voting.ballot_cast(
                poll=poll, voter_key=actor.key, content=data["ballot"], op_id=data["op_id"]
            )
    except ValidationError as exc:
        code = exc.error_list[0].code if hasattr(exc, "error_list") else None
        raise _poll_error(exc, "receipt" if code in RECEIPT_ERRORS else "ballot") from None
    seq = _results_maybe(session, poll.pk)
    result: dict[str, Any] = {"seq": seq, "poll_id": poll.pk, "receipt": receipt}
    if changing:
        result["changed"] = True
    return result


def _submission_error(exc: ValidationError) -> CommandError:
    error = exc.error_list[0]
    return CommandError(str(error.code), exc.messages[0], (error.params or {}).get("field"))


def _submission_event(
    session: LiveSession, poll: Poll, moderated: moderation.Moderated
) -> dict[str, Any]:
    """One ``poll.submission`` event; who sees what of it is decided per recipient
    (``sessions.serialization.visible_frame``)."""
    payload: dict[str, Any] = {
        "activity_id": poll.activity_id,
        "poll_id": poll.pk,
        "submission": poll_live.submission_data(moderated.submission),
    }
    if moderated.option is not None:
        option = moderated.option
        payload["option"] = {"key": option.key, "label": option.label, "cost": option.cost}
    return _emit(session, "poll.submission", payload)


@_command("poll.submit", facilitator_only=False)
def _poll_submit(session: LiveSession, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    if actor.is_facilitator:
        raise CommandError("forbidden", _("Los aportes los envían los participantes."))
    _require_input_open(session)
    poll = _poll_of(session, data["activity_id"])
    author = (
        User.objects.filter(participations__pk=actor.participant_id).first()
        if actor.participant_id
        else None
    )
    try:
        submission = moderation.submission_create(
            poll=poll, text=data["text"], participant_id=actor.participant_id, author=author
        )
    except ValidationError as exc:
        raise _submission_error(exc) from None
    result = _submission_event(session, poll, moderation.Moderated(submission, None))
    return {**result, "submission_id": submission.pk, "status": submission.status}


@_command("poll.moderate", facilitator_only=True)
def _poll_moderate(session: LiveSession, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    poll = _poll_of(session, data["activity_id"])
    user = User.objects.filter(pk=actor.user_id).first() if actor.user_id else None
    try:
        moderated = moderation.submission_moderate(
            poll=poll, submission_id=data["submission_id"], decision=data["decision"], actor=user
        )
    except ValidationError as exc:
        raise _submission_error(exc) from None
    result = _submission_event(session, poll, moderated)
    return {**result, "status": moderated.submission.status}


def _results_maybe(session: LiveSession, poll_id: int) -> int:
    """Emit ``poll.results`` if none went out for this poll in the last
    :data:`RESULTS_INTERVAL`; otherwise leave the counts pending: the socket that sent
    the vote asks for a trailing flush (``poll_results_flush``) once the interval is
    over. Returns the stream's head."""
    poll = Poll.objects.select_for_update().get(pk=poll_id)
    now = timezone.now()
    if poll.results_sent_at is None or now - poll.results_sent_at >= RESULTS_INTERVAL:
        poll.results_pending, poll.results_sent_at = False, now
        poll.save(update_fields=["results_pending", "results_sent_at"])
        return _emit(session, "poll.results", poll_live.results_payload(poll))["seq"]
    return stream_head(session.stream)


def poll_results_flush(poll_id: int) -> float | None:
    """Emit the pending ``poll.results`` of a poll, if any and if the interval since the
    last one is over. Returns the seconds to wait before trying again when it is too
    early, else None. Safe to call from several processes: it decides under the lock."""
    session_id = (
        Poll.objects.filter(pk=poll_id, results_pending=True)
        .values_list("activity__session_id", flat=True)
        .first()
    )
    if session_id is None:
        return None
    with transaction.atomic():
        session = LiveSession.objects.select_for_update().get(pk=session_id)
        poll = Poll.objects.select_for_update().get(pk=poll_id)
        if not poll.results_pending:
            return None
        now = timezone.now()
        if poll.results_sent_at is not None and now - poll.results_sent_at < RESULTS_INTERVAL:
            return (poll.results_sent_at + RESULTS_INTERVAL - now).total_seconds()
        poll.results_pending, poll.results_sent_at = False, now
        poll.save(update_fields=["results_pending", "results_sent_at"])
        _emit(session, "poll.results", poll_live.results_payload(poll))
    return None


__all__ = [
    "Actor",
    "CommandError",
    "activity_add",
    "activity_data",
    "participant_join",
    "poll_results_flush",
    "session_command",
    "session_create",
]
