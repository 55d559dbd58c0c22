"""Writing to an event stream and fanning events out after commit."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models import F

from cocrea.realtime.models import StreamEvent, StreamHead

logger = logging.getLogger(__name__)


def group_name(stream: str) -> str:
    """Channel-layer group for a stream (group names allow only [a-zA-Z0-9._-])."""
    return "stream." + stream.replace(":", ".")


def event_append(*, stream: str, type: str, payload: dict[str, Any]) -> StreamEvent:
    """Append an event in the caller's transaction and broadcast it once committed.

    Must run inside ``transaction.atomic()``: the event and the change it describes
    commit together or not at all."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("event_append must run inside transaction.atomic()")
    seq = _next_seq(connection, stream)
    event = StreamEvent.objects.create(stream=stream, seq=seq, type=type, payload=payload)
    transaction.on_commit(lambda: broadcast(stream, event.as_frame()))
    return event


def _next_seq(connection: Any, stream: str) -> int:
    """Take the stream's next number. The UPDATE takes the row lock (SQLite: the
    database write lock) until commit; with RETURNING it is one statement, which
    matters on a stream taking a hundred events a second."""
    table = connection.ops.quote_name(StreamHead._meta.db_table)
    sql = f"UPDATE {table} SET last_seq = last_seq + 1 WHERE stream = %s RETURNING last_seq"
    if _can_return(connection):
        with connection.cursor() as cursor:
            cursor.execute(sql, [stream])
            row = cursor.fetchone()
        if row is not None:
            return int(row[0])
    StreamHead.objects.get_or_create(stream=stream)
    StreamHead.objects.filter(stream=stream).update(last_seq=F("last_seq") + 1)
    return StreamHead.objects.values_list("last_seq", flat=True).get(stream=stream)


def _can_return(connection: Any) -> bool:
    if connection.vendor == "postgresql":
        return True
    if connection.vendor == "sqlite":
        return sqlite3.sqlite_version_info >= (3, 35)
    return False


def broadcast(stream: str, frame: dict[str, Any]) -> None:
    """Fan an event out to every connection of the stream, on every server process.

    Best effort: a lost message is repaired by the receivers from the database."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(
            group_name(stream), {"type": "stream.event", "frame": frame}
        )
    except Exception:  # the change is committed; receivers catch up by seq
        logger.exception("broadcast of %s#%s failed", stream, frame.get("seq"))


def stream_prune(*, stream: str, keep_last: int) -> int:
    """Delete all but the last ``keep_last`` events; returns how many were deleted.
    Clients behind the pruned point get ``resync`` and reload a snapshot."""
    with transaction.atomic():
        head, _ = StreamHead.objects.select_for_update().get_or_create(stream=stream)
        cutoff = max(head.pruned_before, head.last_seq - keep_last + 1)
        deleted, _ = StreamEvent.objects.filter(stream=stream, seq__lt=cutoff).delete()
        StreamHead.objects.filter(stream=stream).update(pruned_before=cutoff)
    return deleted
