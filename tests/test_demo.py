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


def test_demo_has_a_finished_workshop_to_build_policy_from():
    from canvases.models import CanvasNote
    from cocrea.demo import WORKSHOP_BALLOTS, WORKSHOP_NOTES, WORKSHOP_TITLE
    from sessions.models import LiveSession, Question, SessionStatus
    from voting.models import Participation, Poll, PollStatus

    call_command("load_demo")
    call_command("load_demo")
    session = LiveSession.objects.get(title=WORKSHOP_TITLE)
    assert session.status == SessionStatus.ENDED
    assert session.level.code == "colaborar"
    notes = CanvasNote.objects.filter(canvas__activity__session=session, deleted=False)
    assert sorted(n.text for n in notes) == sorted(text for _who, text in WORKSHOP_NOTES)
    assert {n.key for n in notes if n.cluster == "transparencia"} == {"demo-note-0", "demo-note-5"}
    dots = notes.first().canvas.dots
    assert sum(d.get("demo-note-0", 0) for d in dots.values()) == 6
    assert Question.objects.filter(activity__session=session, status="approved").count() == 1
    poll = Poll.objects.get(activity__session=session)
    assert poll.status == PollStatus.PUBLISHED
    assert poll.ballots.count() == Participation.objects.filter(poll=poll).count()
    assert poll.ballots.count() == len(WORKSHOP_BALLOTS)
