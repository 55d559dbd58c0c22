"""The HTTP join pages under the per-address budget of unknown codes
(cocrea.ratelimit.CODE_ATTEMPTS a minute, shared with the WebSocket)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from cocrea import ratelimit
from sessions.cookies import cookie_name, sign_participant

ADDRESS = "198.51.100.7"
GUESSES = ("ZZZZZZ", "YYYYYY")


@pytest.fixture(autouse=True)
def fresh_budget():
    """The budget lives in the cache: every test starts with a full one."""
    cache.clear()
    yield
    cache.clear()


def exhaust_budget() -> None:
    guesser = Client(REMOTE_ADDR=ADDRESS)
    for _ in range(ratelimit.CODE_ATTEMPTS + 1):
        assert guesser.get(reverse("live:join", args=[GUESSES[0]])).status_code == 404
    assert guesser.get(reverse("live:join", args=[GUESSES[1]])).status_code == 429


def test_over_the_code_limit_people_of_the_session_still_get_in(live_session, ana, alice):
    if live_session.code in GUESSES:
        pytest.skip("the random code happened to be a guess")
    exhaust_budget()
    join = reverse("live:join", args=[live_session.code])

    # Anyone else at that address is refused, on the join page and the code form.
    stranger = Client(REMOTE_ADDR=ADDRESS)
    response = stranger.get(join)
    assert response.status_code == 429
    assert "Ha probado demasiados códigos" in response.content.decode()
    response = stranger.post(reverse("live:enter"), {"code": live_session.code})
    assert response.status_code == 429
    # A cookie for another code is no ticket to this one.
    stranger.cookies[cookie_name(GUESSES[0])] = sign_participant(ana)
    assert stranger.get(join).status_code == 429

    # The participant with this session's cookie reaches their screen.
    participant = Client(REMOTE_ADDR=ADDRESS)
    participant.cookies[cookie_name(live_session.code)] = sign_participant(ana)
    response = participant.get(join)
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "live/participant.html"
    # ... and only that session: guessing with it is still refused.
    assert participant.get(reverse("live:join", args=[GUESSES[1]])).status_code == 429

    # A signed-in facilitator gets through too (the join form, here).
    facilitator = Client(REMOTE_ADDR=ADDRESS)
    facilitator.force_login(alice)
    response = facilitator.get(join)
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "live/join.html"
    response = facilitator.post(reverse("live:enter"), {"code": live_session.code.lower()})
    assert response.status_code == 302
    assert response["Location"] == join


def test_another_address_keeps_its_own_budget(live_session):
    if live_session.code in GUESSES:
        pytest.skip("the random code happened to be a guess")
    exhaust_budget()
    response = Client(REMOTE_ADDR="198.51.100.8").get(
        reverse("live:join", args=[live_session.code])
    )
    assert response.status_code == 200
