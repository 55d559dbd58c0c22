"""The demo `make run` loads: complete, and idempotent."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from cocrea.accounts.models import Entity, Membership, User
from cocrea.demo import DEMO_PASSWORD, FACILITATOR_EMAIL, OFFICIAL_EMAIL
from sessions.models import Process, ProcessStatus, Stage

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    return (
        Entity.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        Process.objects.count(),
        Stage.objects.count(),
    )


def test_demo_loads_once_and_reruns_change_nothing(client, capsys):
    call_command("load_demo")
    first = counts()
    assert first == (1, 2, 2, 1, 3)
    out = capsys.readouterr().out
    assert FACILITATOR_EMAIL in out and OFFICIAL_EMAIL in out and DEMO_PASSWORD in out
    call_command("load_demo")
    assert counts() == first
    assert Process.objects.get().status == ProcessStatus.ACTIVE
    assert client.login(email=FACILITATOR_EMAIL, password=DEMO_PASSWORD)
    assert client.login(email=OFFICIAL_EMAIL, password=DEMO_PASSWORD)
    process = Process.objects.get()
    assert client.get(f"/procesos/{process.slug}/").status_code == 200
