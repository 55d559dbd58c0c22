"""Rate limits: failed sign-ins per account and per address (cocrea/accounts/views.py),
open WebSockets per address and process (sessions/consumers.py), and the cache counter
they share with the join-code limit (cocrea/ratelimit.py).

Tested elsewhere, not repeated here: unknown join codes per address over HTTP in
tests/sessions/test_join_pages.py and over the WebSocket in
tests/sessions/test_consumer.py::test_guessing_codes_is_rate_limited_per_address;
frames per connection (20 a second, bursts of 40, then 4429) in
tests/sessions/test_consumer.py::test_rate_limit."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from cocrea import ratelimit
from sessions import consumers
from tests.conftest import PASSWORD, ROOT
from tests.sessions.conftest import ana, cookie_of, live_session, make_stage  # noqa: F401
from tests.sessions.test_consumer import (  # noqa: F401
    Closed,
    Ws,
    fresh_channel_layer,
    run,
)

TOO_MANY = "Demasiados intentos fallidos de ingreso"


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


def attempt(client: Client, email: str, password: str):
    return client.post(reverse("login"), {"username": email, "password": password})


# --- sign-in ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_failed_sign_ins_per_account_end_in_429_even_with_the_right_password(alice):
    client = Client(REMOTE_ADDR="203.0.113.5")
    for _ in range(ratelimit.LOGIN_FAILURES_PER_ACCOUNT):
        response = attempt(client, "alice@example.org", "wrong")
        assert response.status_code == 200  # the form again, with its usual error
    # From another address and with a differently written email: the account is locked.
    other = Client(REMOTE_ADDR="203.0.113.6")
    response = attempt(other, "  ALICE@example.org", PASSWORD)
    assert response.status_code == 429
    assert TOO_MANY in response.content.decode()
    assert response["Retry-After"] == str(ratelimit.LOGIN_WINDOW)
    assert "_auth_user_id" not in other.session
    # Other accounts are not affected.
    assert attempt(other, "bob@example.org", "wrong").status_code == 200


@pytest.mark.django_db
def test_a_successful_sign_in_clears_the_accounts_count(alice):
    client = Client(REMOTE_ADDR="203.0.113.5")
    for _ in range(ratelimit.LOGIN_FAILURES_PER_ACCOUNT - 1):
        attempt(client, "alice@example.org", "wrong")
    response = attempt(client, "alice@example.org", PASSWORD)
    assert response.status_code == 302
    client.logout()
    for _ in range(ratelimit.LOGIN_FAILURES_PER_ACCOUNT - 1):
        assert attempt(client, "alice@example.org", "wrong").status_code == 200
    assert attempt(client, "alice@example.org", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_failed_sign_ins_per_address_end_in_429_for_every_account(alice):
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(ratelimit.LOGIN_FAILURES_PER_ADDRESS):
        # A different account each time: only the address budget runs out.
        assert attempt(guesser, f"nadie{n}@example.org", "wrong").status_code == 200
    response = attempt(guesser, "alice@example.org", PASSWORD)
    assert response.status_code == 429
    assert TOO_MANY in response.content.decode()
    # Someone at another address signs in normally.
    assert (
        attempt(Client(REMOTE_ADDR="203.0.113.10"), "alice@example.org", PASSWORD).status_code
        == 302
    )


@pytest.mark.django_db
def test_the_admin_login_goes_through_the_limited_form():
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/admin/"


# --- WebSockets per address ------------------------------------------------------------

LIMIT = 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_open_websockets_per_address_are_limited(live_session, ana, cookie_of):  # noqa: F811
    """The LIMIT+1th socket from one address is closed with 4429; other addresses are
    not affected; a closed socket frees its place."""

    async def admitted(address: str) -> Ws:
        ws = await Ws(live_session.code, cookie_of(ana), client=address).open()
        assert (await ws.hello())["type"] == "snapshot"
        return ws

    async def scenario():
        crowd = [await admitted("192.0.2.50") for _ in range(LIMIT)]
        assert consumers.open_connections.count("192.0.2.50") == LIMIT
        extra = await Ws(live_session.code, cookie_of(ana), client="192.0.2.50").open()
        assert await extra.closed() == (4429, "too many connections from this address")
        await extra.close()  # Daphne sends websocket.disconnect after a close
        neighbour = await admitted("192.0.2.51")
        await crowd.pop().close()
        crowd.append(await admitted("192.0.2.50"))
        assert consumers.open_connections.count("192.0.2.50") == LIMIT
        for ws in [*crowd, neighbour]:
            await ws.close()
        assert consumers.open_connections.count("192.0.2.50") == 0

    with override_settings(WS_MAX_CONNECTIONS_PER_ADDRESS=LIMIT):
        run(scenario())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_refused_sockets_do_not_use_up_the_connection_limit(live_session, ana, cookie_of):  # noqa: F811
    async def scenario():
        for _ in range(LIMIT + 1):
            ws = await Ws("ZZZZZZ", client="192.0.2.60").open()
            assert (await ws.closed())[0] == 4404
            await ws.close()
        assert consumers.open_connections.count("192.0.2.60") == 0
        sockets = []
        for _ in range(LIMIT):
            ws = await Ws(live_session.code, cookie_of(ana), client="192.0.2.60").open()
            assert (await ws.hello())["type"] == "snapshot"
            sockets.append(ws)

    if live_session.code == "ZZZZZZ":
        pytest.skip("the random code happened to be the guess")
    with override_settings(WS_MAX_CONNECTIONS_PER_ADDRESS=LIMIT):
        run(scenario())


def test_open_connections_forget_a_consumer_that_vanished():
    """A consumer that crashed before its disconnect handler ran frees its place once
    it is garbage collected (the set holds weak references)."""
    import gc

    class Socket:
        pass

    tracker = ratelimit.OpenConnections()
    sockets = [Socket(), Socket()]
    assert all(tracker.open("a", s, limit=2) for s in sockets)
    assert not tracker.open("a", Socket(), limit=2)
    del sockets[0]
    gc.collect()
    assert tracker.open("a", Socket(), limit=2) is True
    assert tracker.open("b", Socket(), limit=0) is True  # 0: no limit


# --- the counter across processes ------------------------------------------------------

COUNT_ONCE = """
import django
django.setup()
from cocrea import ratelimit
print(ratelimit.hit("shared-test", limit=2, window=30))
"""


@pytest.mark.redis
def test_with_redis_every_process_shares_the_counters(redis_url, tmp_path):
    """Two Daphne replicas are two processes: with REDIS_URL the budget is one."""
    from tests.test_settings_env import production

    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "cocrea.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": redis_url,
        **production(),
    }
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); "
            "from django.core.cache import cache; cache.delete('rl:shared-test')",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=60,
    )
    answers = [
        subprocess.run(
            [sys.executable, "-c", COUNT_ONCE],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout.strip()
        for _ in range(3)
    ]
    assert answers == ["True", "True", "False"]


def test_limits_fail_open_while_the_counter_store_is_down(monkeypatch):
    """A Redis outage must not lock everyone out: the counters allow, and say so."""
    from cocrea import ratelimit

    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(ratelimit.cache, "add", down)
    monkeypatch.setattr(ratelimit.cache, "get", down)
    monkeypatch.setattr(ratelimit.cache, "delete", down)
    assert ratelimit.hit("outage", limit=0, window=60) is True
    assert ratelimit.exceeded("outage", limit=0) is False
    ratelimit.clear("outage")
