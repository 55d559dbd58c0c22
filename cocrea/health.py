"""GET /healthz: is the database answering, and does the channel layer deliver?

The channel-layer probe sends a message to a fresh channel and reads it back, so
with Redis configured it proves a real round trip, not just a connection."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

PROBE_TIMEOUT = 3.0


def _database_ok() -> dict[str, Any]:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not answering"
        return {"ok": False, "error": type(exc).__name__}
    finally:
        connection.close_if_unusable_or_obsolete()
    return {"ok": True, "vendor": connection.vendor, "ms": _ms(started)}


async def _channel_layer_ok() -> dict[str, Any]:
    started = time.perf_counter()
    layer = get_channel_layer()
    if layer is None:
        return {"ok": False, "error": "not configured"}
    backend = type(layer).__name__
    try:
        channel = await asyncio.wait_for(layer.new_channel("healthz."), PROBE_TIMEOUT)
        token = uuid.uuid4().hex
        await asyncio.wait_for(
            layer.send(channel, {"type": "healthz", "token": token}), PROBE_TIMEOUT
        )
        message = await asyncio.wait_for(layer.receive(channel), PROBE_TIMEOUT)
    except Exception as exc:  # timeouts, refused connections, auth errors
        return {"ok": False, "backend": backend, "error": type(exc).__name__}
    if message.get("token") != token:
        return {"ok": False, "backend": backend, "error": "wrong message"}
    return {"ok": True, "backend": backend, "ms": _ms(started)}


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


@never_cache
@require_GET
async def healthz(request: HttpRequest) -> JsonResponse:
    database, channel_layer = await asyncio.gather(
        sync_to_async(_database_ok, thread_sensitive=True)(), _channel_layer_ok()
    )
    ok = database["ok"] and channel_layer["ok"]
    return JsonResponse(
        {
            "status": "ok" if ok else "unavailable",
            "database": database,
            "channel_layer": channel_layer,
        },
        status=200 if ok else 503,
    )
