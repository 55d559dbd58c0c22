"""The live-session WebSocket: /ws/sessions/<code>/ (docs/realtime-protocol.md).

It translates frames to service calls and events to frames. Every connection keeps
the last ``seq`` it delivered and never skips one: a gap in what the channel layer
brings (it is at-most-once) is filled from the database before going on."""

from __future__ import annotations

import asyncio
import json
import logging
import math
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from canvases.models import Canvas
from cocrea.accounts.rules import can_facilitate
from cocrea.i18n import language_from_cookies
from cocrea.ratelimit import (
    CODE_ATTEMPTS,
    CODE_WINDOW,
    OpenConnections,
    exceeded,
    hit,
    scope_address,
)
from cocrea.realtime.auth import user_from_cookies
from cocrea.realtime.coalesce import coalescer_for
from cocrea.realtime.fanout import StreamFanout, fanout_for
from cocrea.realtime.selectors import events_after, stream_head
from cocrea.realtime.services import group_name
from sessions import live
from sessions.codes import normalize_code
from sessions.cookies import CookieError, cookie_name, participant_from_cookie
from sessions.live_selectors import (
    PRESENCE_WINDOW,
    present_participants,
    session_by_code,
    session_snapshot,
)
from sessions.models import LiveSession, Participant, SessionStatus
from sessions.protocol import (
    MAX_FRAME_BYTES,
    MAX_ID,
    FrameError,
    HelloSerializer,
    parse_command,
    validate,
)
from sessions.rules import belongs_to_session
from sessions.serialization import encoded_frame

logger = logging.getLogger("cocrea.realtime")

RATE_PER_SECOND = 20.0
RATE_BURST = 40.0
RATE_STRIKES = 20
# Dragging sends up to 30 frames a second per note; drags get their own allowance so
# a drag never eats into the budget of real commands, and excess drags just drop.
BATCH_MAX = 200  # frames per batch: a long replay goes out in several
DRAG_PER_SECOND = 60.0
DRAG_BURST = 60.0
PRESENCE_DELAY = 0.5
PRESENCE_DELAY_LARGE = 3.0
PRESENCE_LARGE_ROOM = 100

CLOSE_UNAUTHENTICATED = 4401
CLOSE_REMOVED = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_ENDED = 4410
CLOSE_RATE = 4429

# Open sockets per client address in this process (settings.WS_MAX_CONNECTIONS_PER_ADDRESS).
open_connections = OpenConnections()


class SessionConsumer(AsyncWebsocketConsumer):
    session_id: int
    stream: str
    role: str
    participant: Participant | None = None

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Call the handler directly. Channels' default first hops to the database
        thread to close stale connections, for every message: 500 serialized hops per
        broadcast. Every database call here goes through database_sync_to_async,
        which already does that around each call."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self) -> None:
        self.ready = False
        self.sent_seq = 0
        self.buffer: list[dict[str, Any]] = []
        self.tokens = RATE_BURST
        self.last_refill = time.monotonic()
        self.drag_tokens = DRAG_BURST
        self.drag_refill = time.monotonic()
        self.strikes = 0
        self.joined_groups: list[str] = []
        self.fanout: StreamFanout | None = None
        # Events from the fan-out wait here; one drain task at a time delivers them,
        # under the same lock as hello and ping, so seq order can never interleave.
        # Ephemeral frames (drags) queue here too, already encoded (str), so one task
        # writes to the socket and no per-frame task is created.
        self.inbox: deque[dict[str, Any] | str] = deque()
        # Encoded frames waiting to go out together (see _flush_out).
        self.outbox: list[str] = []
        self.drainer: asyncio.Future | None = None
        self.delivery_lock = asyncio.Lock()
        # Messages and names in frames follow the page's language (the switcher cookie).
        self.language = language_from_cookies(self.scope.get("cookies", {}))
        # Accept first: WebSocket close codes (the reason) exist only after accepting.
        await self.accept()
        self.address = scope_address(self.scope)
        # Before any database work: a flood of sockets from one address costs nothing.
        if not open_connections.open(
            self.address, self, limit=settings.WS_MAX_CONNECTIONS_PER_ADDRESS
        ):
            await self.close(CLOSE_RATE, "too many connections from this address")
            return
        admission = await database_sync_to_async(_admit)(
            raw_code=self.scope["url_route"]["kwargs"]["code"],
            address=self.address,
            cookies=self.scope.get("cookies", {}),
        )
        if admission.close_code is not None:
            await self.close(admission.close_code, admission.reason)
            return
        session = admission.session
        assert session is not None and admission.actor is not None
        self.session_id = session.pk
        self.stream = session.stream
        self.actor = admission.actor
        self.role = admission.actor.role
        self.participant = admission.participant
        # Subscribe before anything is read, so no event can fall between the
        # snapshot and the first broadcast we receive.
        self.fanout = fanout_for(self.channel_layer)
        await self.fanout.subscribe(self.stream, self)
        await self._join(self._presence_group(facilitator=self.role == "facilitator"))
        if self.participant is not None:
            schedule_presence(self.channel_layer, session.pk)

    async def disconnect(self, code: int) -> None:
        open_connections.close(getattr(self, "address", ""), self)
        try:
            if self.fanout is not None:
                await self.fanout.unsubscribe(self.stream, self)
            for group in self.joined_groups:
                await self.channel_layer.group_discard(group, self.channel_name)
        except Exception:
            # Redis is down (its subscriptions die with it anyway): the leave must still
            # be counted below, or the participant shows as connected for ever
            # (tests/faults/test_redis_restart.py).
            logger.warning("leaving the channel layer failed on disconnect", exc_info=True)
        self.fanout = None
        self.joined_groups = []
        if self.participant is not None:
            await database_sync_to_async(live.participant_disconnected)(
                participant_id=self.participant.pk
            )
            schedule_presence(self.channel_layer, self.session_id)
            self.participant = None

    async def _join(self, group: str) -> None:
        await self.channel_layer.group_add(group, self.channel_name)
        self.joined_groups.append(group)

    def _presence_group(self, *, facilitator: bool) -> str:
        suffix = "facilitators" if facilitator else "participants"
        return f"{group_name(self.stream)}.presence.{suffix}"

    # --- frames from the client -----------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if getattr(self, "actor", None) is None:
            return  # refused at admission (closed): frames already in flight mean nothing
        with translation.override(self.language):
            await self._receive(text_data, bytes_data)

    async def _receive(self, text_data: str | None, bytes_data: bytes | None) -> None:
        if bytes_data is not None:
            await self.close(1003, "binary frames are not accepted")
            return
        assert text_data is not None
        if len(text_data.encode("utf-8")) > MAX_FRAME_BYTES:
            await self.close(1009, "frame larger than 64 KiB")
            return
        try:
            frame = json.loads(text_data)
        except (ValueError, RecursionError):
            # RecursionError: 64 KiB of "[[[[…" nests deeper than the parser's stack;
            # it is malformed input like any other, not a reason to drop the socket.
            frame = None
        is_drag = isinstance(frame, dict) and frame.get("type") == "canvas.drag"
        if is_drag and self.ready:
            if self._drag_allowed():
                try:
                    await self._drag(frame)
                except FrameError as exc:
                    await self._error(exc.code, exc.message, exc.field)
            return
        if not await self._within_rate():
            return
        if frame is None:
            await self._error("invalid_json", _("El mensaje no es JSON válido."))
            return
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            await self._error("invalid_frame", _("Se espera un objeto JSON con «type»."), "type")
            return
        kind = frame["type"]
        op_id = frame.get("op_id") if isinstance(frame.get("op_id"), str) else None
        try:
            if kind == "hello":
                await self._hello(validate(HelloSerializer, frame).get("last_seq"))
            elif not self.ready:
                raise FrameError("hello_required", _("El primer mensaje debe ser «hello»."))
            elif kind == "ping":
                await self._ping()
            else:
                await self._command(frame)
        except FrameError as exc:
            await self._error(exc.code, exc.message, exc.field, op_id)
        except live.CommandError as exc:
            if exc.code == "forbidden":
                logger.warning(
                    "forbidden command %s from %s in session %s",
                    kind,
                    self.actor.key,
                    self.session_id,
                )
            await self._error(exc.code, exc.message, exc.field, op_id)

    async def _within_rate(self) -> bool:
        now = time.monotonic()
        self.tokens = min(RATE_BURST, self.tokens + (now - self.last_refill) * RATE_PER_SECOND)
        self.last_refill = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        self.strikes += 1
        if self.strikes >= RATE_STRIKES:
            await self.close(CLOSE_RATE, "rate limit exceeded")
        else:
            await self._error("rate_limited", _("Demasiados mensajes; espere un momento."))
        return False

    def _drag_allowed(self) -> bool:
        now = time.monotonic()
        self.drag_tokens = min(
            DRAG_BURST, self.drag_tokens + (now - self.drag_refill) * DRAG_PER_SECOND
        )
        self.drag_refill = now
        if self.drag_tokens < 1:
            return False
        self.drag_tokens -= 1
        return True

    async def _drag(self, frame: dict[str, Any]) -> None:
        """A position while dragging: checked cheaply, coalesced, never persisted."""
        activity_id, note = frame.get("activity_id"), frame.get("note")
        x, y = frame.get("x"), frame.get("y")
        if (
            not isinstance(activity_id, int)
            or isinstance(activity_id, bool)
            or abs(activity_id) > MAX_ID
        ):
            raise FrameError("invalid", _("Se espera un número entero."), "activity_id")
        if not isinstance(note, str) or not 1 <= len(note) <= 64:
            raise FrameError("invalid", _("Se espera el identificador de la nota."), "note")
        for name, value in (("x", x), ("y", y)):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise FrameError("invalid", _("Se espera un número."), name)
            try:
                finite = math.isfinite(value)
            except OverflowError:  # an integer too big for a float (JSON allows it)
                finite = False
            if not finite:
                raise FrameError("not_finite", _("Se espera un número finito."), name)
        meta = await drag_meta(self.session_id, activity_id)
        if meta is None:
            raise FrameError("not_found", _("No existe ese lienzo en la sesión."), "activity_id")
        if not (0 <= x <= meta.width and 0 <= y <= meta.height):
            raise FrameError("out_of_board", _("Esa posición queda fuera del lienzo."), "x")
        if self.role != "facilitator" and not meta.open_to_participants:
            return  # the drop would be refused anyway; showing the drag would mislead
        coalescer_for(self.channel_layer).add(
            self.stream,
            activity_id,
            note,
            (x, y),
            {"activity_id": activity_id, "private": meta.private_mode},
        )

    async def _hello(self, last_seq: int | None) -> None:
        if self.ready:
            raise FrameError("invalid", _("«hello» ya se recibió en esta conexión."), "type")
        async with self.delivery_lock:
            await self._start(last_seq)

    async def _start(self, last_seq: int | None) -> None:
        if last_seq is None:
            await self._send_snapshot()
        else:
            replay = await database_sync_to_async(events_after)(self.stream, last_seq)
            if replay.resync:
                await self._send({"type": "resync", "reason": replay.resync, "seq": replay.head})
                await self._send_snapshot()
            else:
                self.sent_seq = last_seq
                for event in replay.events:
                    await self._deliver(event.as_frame(), fill_gaps=False)
        self.ready = True
        pending, self.buffer = self.buffer, []
        for frame in pending:
            await self._deliver(frame)
        await self._flush_out()

    async def _send_snapshot(self) -> None:
        snapshot = await database_sync_to_async(session_snapshot)(
            self.session_id, role=self.role, participant=self.participant, voter=self.actor.key
        )
        self.sent_seq = snapshot["seq"]
        await self._send(snapshot)

    async def _ping(self) -> None:
        if self.participant is not None:
            await database_sync_to_async(live.participant_seen)(
                participant_id=self.participant.pk, older_than=PRESENCE_WINDOW / 2
            )
        # A heartbeat is also when a lost last broadcast gets noticed and repaired.
        head = await database_sync_to_async(stream_head)(self.stream)
        async with self.delivery_lock:
            if head > self.sent_seq:
                await self._fill(head)
        await self._send({"type": "pong", "server_time": timezone.now().isoformat()})

    async def _command(self, frame: dict[str, Any]) -> None:
        kind, op_id, data = parse_command(frame)
        # Held across the command so the sender gets its ack before the command's own
        # event: the fan-out would otherwise deliver the event first.
        async with self.delivery_lock:
            result, duplicate = await database_sync_to_async(live.session_command)(
                session_id=self.session_id, actor=self.actor, type=kind, data=data, op_id=op_id
            )
            await self._send(
                {"type": "ack", "op_id": op_id, "result": result, "duplicate": duplicate}
            )
        if kind == "poll.vote" and not duplicate:
            # The vote may have left its poll's counts pending (at most two poll.results
            # a second): make sure a trailing update goes out once the interval is over.
            schedule_poll_flush(result["poll_id"], live.RESULTS_INTERVAL.total_seconds())

    # --- events from the channel layer ---------------------------------------------

    async def push_many(self, items: list[tuple[str, dict[str, Any]]]) -> None:
        """Called by this process's fan-out with what the stream brought lately.

        When nothing else is being delivered on this socket, deliver right here (the
        common case: no task to create); otherwise queue for the running drain."""
        for kind, data in items:
            if kind == "event":
                self.inbox.append(data)
            elif self.ready and (self.role == "facilitator" or not data.get("private")):
                # A drag before the snapshot is dropped: the snapshot shows the result.
                self.inbox.append(drag_text(data))
        if not self.inbox or (self.drainer is not None and not self.drainer.done()):
            return
        if self.delivery_lock.locked() or not self._deliverable_now():
            self.drainer = asyncio.ensure_future(self._drain())
        else:
            await self._drain()

    def _deliverable_now(self) -> bool:
        """Whether the queued frames can go out without touching the database: they
        follow on from what this socket has (no gap to fill)."""
        expected = self.sent_seq + 1
        for frame in self.inbox:
            if isinstance(frame, str):
                continue
            if not self.ready or frame["seq"] > expected:
                return False
            expected = max(expected, frame["seq"] + 1)
        return True

    async def _drain(self) -> None:
        async with self.delivery_lock:
            try:
                while self.inbox:
                    frame = self.inbox.popleft()
                    if isinstance(frame, str):
                        self.outbox.append(frame)
                    elif not self.ready:
                        self.buffer.append(frame)
                    else:
                        await self._deliver(frame)
                await self._flush_out()
            except Exception:  # the socket closed under us; a reconnect replays
                logger.debug("delivery to a closing socket failed", exc_info=True)
                self.inbox.clear()
                self.outbox.clear()

    async def _deliver(self, frame: dict[str, Any], *, fill_gaps: bool = True) -> None:
        seq = frame["seq"]
        if seq <= self.sent_seq:
            return  # already covered by the snapshot, a replay or a gap fill
        if fill_gaps and seq > self.sent_seq + 1:
            await self._fill(seq - 1)
            if seq <= self.sent_seq:
                return  # the fill ended in a resync whose snapshot covers this event
        participant_id = self.participant.pk if self.participant else None
        self.outbox.append(
            encoded_frame(self.stream, frame, role=self.role, participant_id=participant_id)
        )
        self.sent_seq = seq
        await self._after(frame, participant_id)

    async def _fill(self, until: int) -> None:
        with translation.override(self.language):  # a resync resends a snapshot
            await self._fill_from_database(until)

    async def _fill_from_database(self, until: int) -> None:
        replay = await database_sync_to_async(events_after)(self.stream, self.sent_seq, until=until)
        if replay.resync:
            await self._send({"type": "resync", "reason": replay.resync, "seq": replay.head})
            await self._send_snapshot()
            return
        for event in replay.events:
            await self._deliver(event.as_frame(), fill_gaps=False)

    async def _after(self, frame: dict[str, Any], participant_id: int | None) -> None:
        event, data = frame["event"], frame["data"]
        if event == "session.status" and data.get("status") == SessionStatus.ENDED:
            await self._send({"type": "bye", "reason": "ended"})
            await self.close(CLOSE_ENDED, "session ended")
        elif event == "participant.removed" and data.get("participant_id") == participant_id:
            await self._send({"type": "bye", "reason": "removed"})
            await self.close(CLOSE_REMOVED, "removed from the session")

    async def presence_update(self, message: dict[str, Any]) -> None:
        frame = {"type": "presence", "count": message["count"]}
        if self.role == "facilitator":
            frame["participants"] = message["participants"]
        if self.ready:
            await self._send(frame)

    # --- helpers --------------------------------------------------------------------

    async def _send(self, frame: dict[str, Any]) -> None:
        await self._flush_out()  # what was queued before this frame goes first
        await self.send(text_data=json.dumps(frame, ensure_ascii=False, separators=(",", ":")))

    async def _flush_out(self) -> None:
        """Send the queued frames: one as itself, several as one ``batch`` frame."""
        if not self.outbox:
            return
        texts, self.outbox = self.outbox, []
        for start in range(0, len(texts), BATCH_MAX):
            chunk = texts[start : start + BATCH_MAX]
            if len(chunk) == 1:
                await self.send(text_data=chunk[0])
            else:
                await self.send(text_data='{"type":"batch","frames":[' + ",".join(chunk) + "]}")

    async def _error(
        self, code: str, message: str, field: str | None = None, op_id: str | None = None
    ) -> None:
        frame: dict[str, Any] = {"type": "error", "code": code, "message": message}
        if field:
            frame["field"] = field
        if op_id:
            frame["op_id"] = op_id
        await self._send(frame)


@dataclass
class Admission:
    """Who a new socket is, or why it is turned away (``close_code``)."""

    close_code: int | None = None
    reason: str = ""
    session: LiveSession | None = None
    actor: live.Actor | None = None
    participant: Participant | None = None


def _admit(*, raw_code: str, address: str, cookies: dict[str, str]) -> Admission:
    """Every check a connecting socket needs, in one trip to the database thread:
    a join storm queues all sockets behind that one thread, so hops are what count."""
    user = user_from_cookies(cookies)
    code = normalize_code(raw_code)
    session = session_by_code(code) if code else None
    # As on the HTTP pages: over the limit, say nothing about the code unless the
    # visitor already belongs to that session.
    if exceeded(f"code:{address}", limit=CODE_ATTEMPTS) and not (
        session is not None and belongs_to_session(user, cookies, session)
    ):
        return Admission(CLOSE_RATE, "too many unknown codes from this address")
    if session is None:
        hit(f"code:{address}", limit=CODE_ATTEMPTS, window=CODE_WINDOW)
        return Admission(CLOSE_NOT_FOUND, "session not found")
    if session.status == SessionStatus.ENDED:
        return Admission(CLOSE_ENDED, "session ended")
    if user is not None and user.is_authenticated and can_facilitate(user, session.entity):
        actor = live.Actor(role="facilitator", key=f"u:{user.pk}", user_id=user.pk)
        return Admission(session=session, actor=actor)
    try:
        participant = participant_from_cookie(
            cookies.get(cookie_name(session.code)), session_id=session.pk
        )
    except CookieError as exc:
        if exc.reason == "removed":
            return Admission(CLOSE_REMOVED, "removed from the session")
        return Admission(CLOSE_UNAUTHENTICATED, f"participant cookie {exc.reason}")
    live.participant_connected(participant_id=participant.pk)
    actor = live.Actor(role="participant", key=f"p:{participant.pk}", participant_id=participant.pk)
    return Admission(session=session, actor=actor, participant=participant)


# --- drags: what a drag needs to know about its canvas, cached per process ----------


@dataclass(frozen=True)
class DragMeta:
    width: float
    height: float
    private_mode: bool
    open_to_participants: bool


DRAG_META_TTL = 1.0
_drag_meta: dict[tuple[int, int], tuple[float, DragMeta | None]] = {}


async def drag_meta(session_id: int, activity_id: int) -> DragMeta | None:
    """The canvas's size and gates, read at most once a second per canvas and process:
    drags come 30 times a second per dragger and must not each cost a query."""
    key = (session_id, activity_id)
    cached = _drag_meta.get(key)
    now = time.monotonic()
    if cached is not None and cached[0] > now:
        return cached[1]
    meta = await database_sync_to_async(_load_drag_meta)(session_id, activity_id)
    _drag_meta[key] = (now + DRAG_META_TTL, meta)
    return meta


def _load_drag_meta(session_id: int, activity_id: int) -> DragMeta | None:
    row = (
        Canvas.objects.filter(activity_id=activity_id, activity__session_id=session_id)
        .values(
            "width",
            "height",
            "locked",
            "private_mode",
            "activity__session__status",
            "activity__session__input_locked",
            "activity__session__current_activity_id",
        )
        .first()
    )
    if row is None:
        return None
    return DragMeta(
        width=float(row["width"]),
        height=float(row["height"]),
        private_mode=row["private_mode"],
        open_to_participants=(
            not row["locked"]
            and row["activity__session__status"] == SessionStatus.LIVE
            and not row["activity__session__input_locked"]
            and row["activity__session__current_activity_id"] == activity_id
        ),
    )


def drag_text(ephemeral: dict[str, Any]) -> str:
    """The ``drag`` frame of a coalesced broadcast, encoded once per process: the
    fan-out hands the same dict to every local socket."""
    text = ephemeral.get("_text")
    if text is None:
        frame = {
            "type": "drag",
            "activity_id": ephemeral["activity_id"],
            "moves": [
                {"note": note, "x": xy[0], "y": xy[1]}
                for note, xy in sorted(ephemeral["items"].items())
            ],
        }
        text = json.dumps(frame, ensure_ascii=False, separators=(",", ":"))
        ephemeral["_text"] = text
    return text


# --- trailing poll results: one pending flush per poll and process -------------------

_poll_flushes: dict[int, asyncio.TimerHandle] = {}


def schedule_poll_flush(poll_id: int, delay: float) -> None:
    if poll_id in _poll_flushes:
        return
    loop = asyncio.get_running_loop()
    _poll_flushes[poll_id] = loop.call_later(
        delay + 0.01, lambda: asyncio.ensure_future(_poll_flush(poll_id))
    )


async def _poll_flush(poll_id: int) -> None:
    _poll_flushes.pop(poll_id, None)
    try:
        retry = await database_sync_to_async(live.poll_results_flush)(poll_id)
    except Exception:  # the next vote, or the close, brings the counts anyway
        logger.warning("trailing poll.results for poll %s failed", poll_id, exc_info=True)
        return
    if retry is not None:
        schedule_poll_flush(poll_id, retry)


# --- presence: computed once per session and process, at most twice a second -----------

_presence_tasks: dict[int, asyncio.Task] = {}


def schedule_presence(layer: Any, session_id: int) -> None:
    """Coalesce joins and leaves into one presence broadcast after a short delay."""
    task = _presence_tasks.get(session_id)
    if task is not None and not task.done():
        return
    _presence_tasks[session_id] = asyncio.ensure_future(_broadcast_presence(layer, session_id))


_presence_sizes: dict[int, int] = {}


async def _broadcast_presence(layer: Any, session_id: int) -> None:
    # A large room gets fewer presence frames: each one goes to everybody.
    large = _presence_sizes.get(session_id, 0) > PRESENCE_LARGE_ROOM
    await asyncio.sleep(PRESENCE_DELAY_LARGE if large else PRESENCE_DELAY)
    _presence_tasks.pop(session_id, None)
    present = await database_sync_to_async(present_participants)(session_id)
    _presence_sizes[session_id] = len(present)
    base = f"{group_name(f'session:{session_id}')}.presence"
    count = len(present)
    await layer.group_send(f"{base}.participants", {"type": "presence.update", "count": count})
    await layer.group_send(
        f"{base}.facilitators",
        {
            "type": "presence.update",
            "count": count,
            "participants": [{"id": p.pk, "name": p.display_name} for p in present],
        },
    )
