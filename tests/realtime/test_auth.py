"""Identity on WebSockets comes from the same session checks as a page request."""

from __future__ import annotations

import pytest
from django.test import Client

from cocrea.realtime.auth import user_from_cookies

pytestmark = pytest.mark.django_db


def session_cookie(user) -> dict[str, str]:
    client = Client()
    client.force_login(user)
    return {"sessionid": client.cookies["sessionid"].value}


def test_a_signed_in_session_names_its_user(alice):
    assert user_from_cookies(session_cookie(alice)) == alice


@pytest.mark.parametrize("cookies", [{}, {"sessionid": "forged"}, {"sessionid": ""}])
def test_no_or_unknown_session_is_anonymous(cookies):
    assert not user_from_cookies(cookies).is_authenticated


def test_a_password_change_signs_sockets_out_too(alice):
    cookies = session_cookie(alice)
    alice.set_password("another-long-passphrase-2026")
    alice.save()
    assert not user_from_cookies(cookies).is_authenticated
