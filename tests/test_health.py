"""GET /healthz in-process, with real Redis, with a dead Redis, and over a real socket."""

from __future__ import annotations

import asyncio
import json

import pytest
from channels.layers import channel_layers
from django.db import connection
from django.test import override_settings

from tests.conftest import free_port, migrate, server_env, start_daphne

pytestmark = pytest.mark.django_db


def redis_layer(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [url]},
        }
    }


@pytest.fixture(autouse=True)
def _fresh_channel_layers():
    # channels caches layer instances by alias; a settings override needs a fresh one.
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def test_healthy_with_embedded_defaults(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["database"]["vendor"] == connection.vendor
    assert body["channel_layer"] == {**body["channel_layer"], "ok": True}
    assert body["channel_layer"]["backend"] == "EmbeddedChannelLayer"
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.redis
def test_healthy_with_real_redis(client, redis_url):
    with override_settings(CHANNEL_LAYERS=redis_layer(redis_url)):
        channel_layers.backends.clear()
        response = client.get("/healthz")
    assert response.status_code == 200, response.content
    assert response.json()["channel_layer"]["backend"] == "RedisPubSubChannelLayer"


def test_unavailable_when_redis_is_down(client):
    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    with override_settings(CHANNEL_LAYERS=redis_layer(dead)):
        channel_layers.backends.clear()
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"]["ok"] is True
    assert body["channel_layer"]["ok"] is False and body["channel_layer"]["error"]


def test_unavailable_when_the_database_fails(client, monkeypatch):
    from cocrea import health

    def broken_cursor(*args, **kwargs):
        raise RuntimeError("db down")

    monkeypatch.setattr(health.connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == {"ok": False, "error": "RuntimeError"}


def test_only_get(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.redis
def test_redis_channel_layer_round_trip_and_group_fan_out(redis_url):
    """Two layer instances stand for two Daphne workers sharing one Redis: a group
    message sent by one reaches members subscribed through the other."""
    from channels_redis.pubsub import RedisPubSubChannelLayer

    async def scenario() -> None:
        worker_a = RedisPubSubChannelLayer(hosts=[redis_url])
        worker_b = RedisPubSubChannelLayer(hosts=[redis_url])
        try:
            channel_a = await worker_a.new_channel()
            channel_b = await worker_b.new_channel()
            await worker_a.group_add("session.ABC123", channel_a)
            await worker_b.group_add("session.ABC123", channel_b)
            await asyncio.sleep(0.1)  # let both subscriptions reach Redis
            await worker_a.group_send("session.ABC123", {"type": "event", "seq": 1})
            got_a = await asyncio.wait_for(worker_a.receive(channel_a), 5)
            got_b = await asyncio.wait_for(worker_b.receive(channel_b), 5)
            assert got_a["seq"] == got_b["seq"] == 1
            await worker_b.send(channel_a, {"type": "direct", "n": 2})
            assert (await asyncio.wait_for(worker_a.receive(channel_a), 5))["n"] == 2
        finally:
            await worker_a.flush()
            await worker_b.flush()

    asyncio.run(scenario())


@pytest.mark.redis
def test_daphne_with_redis_reports_redis_healthy(tmp_path, redis_url):
    env = server_env(tmp_path / "db.sqlite3", REDIS_URL=redis_url)
    migrate(env)
    server = start_daphne(env, tmp_path / "daphne.log")
    try:
        status, body = server.get("/healthz")
    finally:
        server.stop()
    assert status == 200, body
    assert json.loads(body)["channel_layer"]["backend"] == "RedisPubSubChannelLayer"


def test_daphne_serves_healthz_and_the_toolkit(daphne_server):
    status, body = daphne_server.get("/healthz")
    assert status == 200
    assert json.loads(body)["database"]["ok"] is True
    status, body = daphne_server.get("/api/v1/toolkit/levels/")
    assert status == 200 and json.loads(body)["count"] == 5
    status, body = daphne_server.get("/no-existe/")
    assert status == 404 and "Página no encontrada" in body.decode()
    status, _ = daphne_server.get("/static/cocrea/cocrea.css")
    assert status == 200
