"""Live sessions: creating, joining, the agenda, and every command of the protocol,
with the exact events each one appends to the session's stream."""

from __future__ import annotations

import datetime as dt
import itertools
import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from cocrea.realtime.models import ProcessedOp, StreamEvent
from cocrea.realtime.selectors import stream_head
from sessions import live, live_selectors
from sessions.codes import normalize_code
from sessions.live import CommandError
from sessions.live_selectors import session_by_code, session_snapshot
from sessions.models import (
    Activity,
    LiveSession,
    Participant,
    Question,
    QuestionStatus,
    QuestionVote,
    SessionStatus,
)
from sessions.notice import NOTICE_VERSION

T0 = dt.datetime(2027, 3, 1, 15, 0, 0, tzinfo=dt.UTC)
_op_ids = itertools.count(1)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def advance(self, seconds: float) -> dt.datetime:
        self.now += dt.timedelta(seconds=seconds)
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr("django.utils.timezone.now", lambda: clock.now)
    return clock


def run(session, actor, type, op_id=None, **data):
    """Apply a command and return its result; fails the test on a duplicate."""
    result, duplicate = live.session_command(
        session_id=session.pk,
        actor=actor,
        type=type,
        data=data,
        op_id=op_id or f"op{next(_op_ids)}",
    )
    assert duplicate is False
    return result


def refuse(session, actor, type, **data) -> CommandError:
    with pytest.raises(CommandError) as caught:
        live.session_command(
            session_id=session.pk, actor=actor, type=type, data=data, op_id=f"op{next(_op_ids)}"
        )
    return caught.value


def head(session) -> int:
    return stream_head(session.stream)


# --- creating ------------------------------------------------------------------------


def test_session_create_at_the_stage_level_with_a_code(make_stage, alice):
    stage = make_stage("involucrar")
    session = live.session_create(stage=stage, title="  Taller  ", created_by=alice)
    session.refresh_from_db()
    assert session.level == stage.level
    assert session.level.code == "involucrar"
    assert session.title == "Taller"
    assert session.status == SessionStatus.SCHEDULED
    assert normalize_code(session.code) == session.code
    assert session.created_by == alice
    assert session.moderate_questions is True
    assert session.require_account is False
    assert session.stream == f"session:{session.pk}"
    assert session_by_code(session.code) == session


def test_session_create_needs_a_title(make_stage):
    with pytest.raises(ValidationError) as caught:
        live.session_create(stage=make_stage(), title="   ")
    assert list(caught.value.message_dict) == ["title"]
    assert LiveSession.objects.count() == 0


def test_codes_are_unique_among_open_sessions(make_stage, monkeypatch):
    stage = make_stage()
    first = live.session_create(stage=stage, title="Uno")
    drawn = iter([first.code, first.code, "ZZZ222"])
    monkeypatch.setattr(live, "new_code", lambda: next(drawn))
    second = live.session_create(stage=stage, title="Dos")
    assert second.code == "ZZZ222"
    assert list(LiveSession.objects.order_by("pk").values_list("code", flat=True)) == [
        first.code,
        "ZZZ222",
    ]


def test_two_open_sessions_cannot_share_a_code(make_stage):
    stage = make_stage()
    first = live.session_create(stage=stage, title="Uno")
    with pytest.raises(IntegrityError):
        LiveSession.objects.create(stage=stage, level=stage.level, title="Copia", code=first.code)


def test_session_create_gives_up_after_ten_collisions(make_stage, monkeypatch):
    stage = make_stage()
    taken = live.session_create(stage=stage, title="Uno").code
    monkeypatch.setattr(live, "new_code", lambda: taken)
    with pytest.raises(RuntimeError):
        live.session_create(stage=stage, title="Dos")
    assert LiveSession.objects.count() == 1


def test_an_ended_session_frees_its_code(make_stage, facilitator, monkeypatch):
    stage = make_stage()
    old = live.session_create(stage=stage, title="Mañana")
    run(old, facilitator, "session.end")
    monkeypatch.setattr(live, "new_code", lambda: old.code)
    new = live.session_create(stage=stage, title="Tarde")
    assert new.code == old.code
    assert new.pk != old.pk
    assert session_by_code(old.code) == new
    run(new, facilitator, "session.end")
    # Both ended: the most recently ended one answers for the code.
    assert session_by_code(old.code) == new


# --- agenda --------------------------------------------------------------------------


def test_activity_add_appends_in_order_and_announces_the_agenda(live_session, events_of):
    slide = live.activity_add(
        session=live_session, kind="slide", title=" Bienvenida ", body="Hola **todos**"
    )
    qa = live.activity_add(session=live_session, kind="qa", title="Preguntas", duration=600)
    assert (slide.order, slide.title, slide.body_html) == (
        1,
        "Bienvenida",
        "<p>Hola <strong>todos</strong></p>",
    )
    assert (qa.order, qa.duration, qa.body_html) == (2, 600, "")
    slide_data = {
        "id": slide.pk,
        "order": 1,
        "kind": "slide",
        "title": "Bienvenida",
        "body_html": "<p>Hola <strong>todos</strong></p>",
        "duration": None,
    }
    qa_data = {
        "id": qa.pk,
        "order": 2,
        "kind": "qa",
        "title": "Preguntas",
        "body_html": "",
        "duration": 600,
    }
    assert events_of(live_session) == [
        (1, "agenda.changed", {"agenda": [slide_data]}),
        (2, "agenda.changed", {"agenda": [slide_data, qa_data]}),
    ]


@pytest.mark.parametrize(
    ("level", "kind"),
    [("informar", "canvas"), ("informar", "poll"), ("consultar", "canvas")],
)
def test_activity_add_refuses_kinds_the_level_does_not_allow(make_stage, level, kind):
    session = live.session_create(stage=make_stage(level), title="Taller")
    with pytest.raises(ValidationError) as caught:
        live.activity_add(session=session, kind=kind, title="Lienzo")
    assert list(caught.value.message_dict) == ["kind"]
    assert Activity.objects.count() == 0
    assert StreamEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("level", "kind"), [("informar", "slide"), ("consultar", "poll"), ("involucrar", "canvas")]
)
def test_activity_add_accepts_kinds_the_level_allows(make_stage, level, kind):
    session = live.session_create(stage=make_stage(level), title="Taller")
    assert live.activity_add(session=session, kind=kind, title="Algo").kind == kind


def test_activity_add_validates_every_field(live_session, facilitator):
    with pytest.raises(ValidationError) as caught:
        live.activity_add(session=live_session, kind="juego", title=" ", duration=0)
    assert sorted(caught.value.message_dict) == ["duration", "kind", "title"]
    run(live_session, facilitator, "session.end")
    live_session.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        live.activity_add(session=live_session, kind="slide", title="Tarde")
    assert list(caught.value.message_dict) == ["session"]
    assert Activity.objects.count() == 0


def test_activity_add_checks_the_status_under_its_lock(live_session, facilitator):
    """The caller's instance may be stale (loaded before another request ended the
    session); activity_add locks the row and must decide on what it locked."""
    stale = LiveSession.objects.get(pk=live_session.pk)
    run(live_session, facilitator, "session.end")
    with pytest.raises(ValidationError) as caught:
        live.activity_add(session=stale, kind="slide", title="Tarde")
    assert list(caught.value.message_dict) == ["session"]
    assert Activity.objects.count() == 0
    assert head(live_session) == 1  # only the session.status event


def test_activity_body_markdown_is_sanitised(live_session):
    body = (
        "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n"
        "[clic](javascript:alert(1)) y [sitio](https://example.org)\n\n"
        '<a href="javascript:alert(2)" onclick="x()">b</a>'
    )
    activity = live.activity_add(session=live_session, kind="slide", title="XSS", body=body)
    html = activity.body_html
    assert activity.body == body
    for bad in ("<script", "alert(1)</", "onerror", "onclick", "javascript:", "<img"):
        assert bad not in html
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">sitio</a>' in html
    assert '<a rel="noopener noreferrer nofollow">clic</a>' in html


# --- joining -------------------------------------------------------------------------


def test_participant_join_records_consent(live_session, clock):
    participant = live.participant_join(
        session=live_session, display_name="  Ana   María ", consent=True
    )
    participant.refresh_from_db()
    assert participant.display_name == "Ana María"
    assert participant.consent_version == NOTICE_VERSION
    assert participant.consented_at == T0
    assert participant.user is None
    assert participant.removed_at is None
    assert len(participant.token) >= 40
    other = live.participant_join(session=live_session, display_name="Ana María", consent=True)
    assert other.pk != participant.pk
    assert other.token != participant.token


@pytest.mark.parametrize(
    ("name", "consent", "fields"),
    [
        ("", True, ["display_name"]),
        ("   ", False, ["consent", "display_name"]),
        ("x" * 61, True, ["display_name"]),
        ("Ana", False, ["consent"]),
    ],
)
def test_participant_join_validates(live_session, name, consent, fields):
    with pytest.raises(ValidationError) as caught:
        live.participant_join(session=live_session, display_name=name, consent=consent)
    assert sorted(caught.value.message_dict) == fields
    assert Participant.objects.count() == 0


def test_a_sixty_character_name_is_fine(live_session):
    name = "x" * 60
    assert live.participant_join(session=live_session, display_name=name, consent=True)


def test_no_joining_an_ended_session(live_session, facilitator):
    run(live_session, facilitator, "session.end")
    live_session.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        live.participant_join(session=live_session, display_name="Ana", consent=True)
    assert list(caught.value.message_dict) == ["code"]


def test_require_account_refuses_anonymous(make_stage, carol):
    session = live.session_create(stage=make_stage(), title="Con cuenta", require_account=True)
    for user in (None, AnonymousUser()):
        with pytest.raises(ValidationError) as caught:
            live.participant_join(session=session, display_name="Ana", consent=True, user=user)
        assert list(caught.value.message_dict) == ["user"]
    assert Participant.objects.count() == 0
    first = live.participant_join(session=session, display_name="Carol", consent=True, user=carol)
    assert first.user == carol
    again = live.participant_join(session=session, display_name="Otra", consent=True, user=carol)
    assert again.pk == first.pk
    assert Participant.objects.count() == 1


def test_require_account_remembers_a_removal(make_stage, carol, facilitator):
    session = live.session_create(stage=make_stage(), title="Con cuenta", require_account=True)
    first = live.participant_join(session=session, display_name="Carol", consent=True, user=carol)
    run(session, facilitator, "participant.remove", participant_id=first.pk)
    with pytest.raises(ValidationError) as caught:
        live.participant_join(session=session, display_name="Carol", consent=True, user=carol)
    assert list(caught.value.message_dict) == ["user"]


def test_an_open_session_does_not_keep_the_account(live_session, carol):
    participant = live.participant_join(
        session=live_session, display_name="Carol", consent=True, user=carol
    )
    assert participant.user is None


# --- facilitator commands ------------------------------------------------------------


def test_every_facilitator_command(live_session, agenda, ana, facilitator, clock, events_of):
    session = live_session
    slide, qa = agenda
    assert head(session) == 2

    def step(type, expected_events, **data):
        before = head(session)
        result = run(session, facilitator, type, **data)
        new = events_of(session, after=before)
        assert new == [
            (before + n, event, payload) for n, (event, payload) in enumerate(expected_events, 1)
        ]
        assert result == {"seq": before + len(expected_events)}
        session.refresh_from_db()

    no_timer = {"ends_at": None, "remaining": None}

    step("session.start", [("session.status", {"status": "live", "timer": no_timer})])
    assert (session.status, session.started_at) == (SessionStatus.LIVE, T0)

    step("activity.goto", [("session.activity", {"activity_id": qa.pk})], activity_id=qa.pk)
    assert session.current_activity == qa

    clock.advance(10)
    ends = T0 + dt.timedelta(seconds=310)
    step(
        "timer.start",
        [
            (
                "session.timer",
                {"ends_at": ends.isoformat(), "remaining": None},
            )
        ],
        seconds=300,
    )
    assert (session.timer_ends_at, session.timer_remaining) == (ends, None)

    clock.advance(100.5)  # 199.5 s left: a frozen timer rounds up
    step(
        "session.pause",
        [("session.status", {"status": "paused", "timer": {"ends_at": None, "remaining": 200}})],
    )
    assert (session.status, session.timer_ends_at, session.timer_remaining) == (
        SessionStatus.PAUSED,
        None,
        200,
    )

    clock.advance(3600)  # a long break does not eat the countdown
    resumed_ends = clock.now + dt.timedelta(seconds=200)
    step(
        "session.resume",
        [
            (
                "session.status",
                {
                    "status": "live",
                    "timer": {"ends_at": resumed_ends.isoformat(), "remaining": None},
                },
            )
        ],
    )
    assert (session.status, session.timer_ends_at, session.timer_remaining) == (
        SessionStatus.LIVE,
        resumed_ends,
        None,
    )
    assert session.started_at == T0

    step("timer.stop", [("session.timer", no_timer)])
    assert (session.timer_ends_at, session.timer_remaining) == (None, None)

    step("input.lock", [("session.input", {"locked": True})])
    assert session.input_locked is True
    step("input.unlock", [("session.input", {"locked": False})])
    assert session.input_locked is False
    assert session.results_hidden is True
    # No approved questions yet: the reveal brings an empty set of counts.
    step("results.reveal", [("session.results", {"hidden": False, "upvotes": {}})])
    assert session.results_hidden is False
    step("results.hide", [("session.results", {"hidden": True})])
    assert session.results_hidden is True

    step(
        "participant.remove",
        [("participant.removed", {"participant_id": ana.pk})],
        participant_id=ana.pk,
    )
    ana.refresh_from_db()
    assert ana.removed_at == clock.now

    clock.advance(5)
    step(
        "timer.start",
        [
            (
                "session.timer",
                {"ends_at": (clock.now + dt.timedelta(seconds=60)).isoformat(), "remaining": None},
            )
        ],
        seconds=60,
    )
    step("session.end", [("session.status", {"status": "ended", "timer": no_timer})])
    assert (session.status, session.ended_at) == (SessionStatus.ENDED, clock.now)
    assert (session.timer_ends_at, session.timer_remaining) == (None, None)
    assert head(session) == 15


def test_timer_start_while_paused_waits_for_resume(live_session, facilitator, clock, events_of):
    run(live_session, facilitator, "session.start")
    run(live_session, facilitator, "session.pause")
    result = run(live_session, facilitator, "timer.start", seconds=90)
    assert events_of(live_session, after=2) == [
        (3, "session.timer", {"ends_at": None, "remaining": 90})
    ]
    assert result == {"seq": 3}
    clock.advance(30)
    run(live_session, facilitator, "session.resume")
    live_session.refresh_from_db()
    assert live_session.timer_ends_at == clock.now + dt.timedelta(seconds=90)
    assert live_session.timer_remaining is None


def test_pausing_an_expired_timer_keeps_zero(live_session, facilitator, clock):
    run(live_session, facilitator, "session.start")
    run(live_session, facilitator, "timer.start", seconds=5)
    clock.advance(50)
    run(live_session, facilitator, "session.pause")
    live_session.refresh_from_db()
    assert live_session.timer_remaining == 0


@pytest.mark.parametrize(
    ("commands", "refused"),
    [
        ([], "session.resume"),
        ([], "session.pause"),
        (["session.start"], "session.start"),
        (["session.start"], "session.resume"),
        (["session.start", "session.pause"], "session.pause"),
        (["session.start", "session.pause"], "session.start"),
    ],
)
def test_status_changes_that_do_not_fit_are_conflicts(live_session, facilitator, commands, refused):
    for command in commands:
        run(live_session, facilitator, command)
    status = LiveSession.objects.get(pk=live_session.pk).status
    before = head(live_session)
    error = refuse(live_session, facilitator, refused)
    assert error.code == "conflict"
    assert LiveSession.objects.get(pk=live_session.pk).status == status
    assert head(live_session) == before


def test_goto_and_remove_need_something_that_exists(
    make_stage, live_session, agenda, ana, facilitator
):
    other = live.session_create(stage=make_stage(), title="Otra")
    elsewhere = live.activity_add(session=other, kind="slide", title="Ajena")
    stranger = live.participant_join(session=other, display_name="Zoe", consent=True)
    for type, data, field in [
        ("activity.goto", {"activity_id": 999_999}, "activity_id"),
        ("activity.goto", {"activity_id": elsewhere.pk}, "activity_id"),
        ("participant.remove", {"participant_id": 999_999}, "participant_id"),
        ("participant.remove", {"participant_id": stranger.pk}, "participant_id"),
    ]:
        error = refuse(live_session, facilitator, type, **data)
        assert (error.code, error.field) == ("not_found", field), (type, data)
    run(live_session, facilitator, "participant.remove", participant_id=ana.pk)
    error = refuse(live_session, facilitator, "participant.remove", participant_id=ana.pk)
    assert (error.code, error.field) == ("not_found", "participant_id")
    stranger.refresh_from_db()
    assert stranger.removed_at is None
    assert LiveSession.objects.get(pk=live_session.pk).current_activity is None
    assert head(live_session) == 3  # two agenda events and one removal


def test_unknown_command(live_session, facilitator, ana, as_participant):
    for actor in (facilitator, as_participant(ana)):
        error = refuse(live_session, actor, "session.explode")
        assert (error.code, error.field) == ("unknown_type", "type")


# --- op_id idempotency ---------------------------------------------------------------


def test_the_same_op_id_is_applied_once(live_session, agenda, facilitator, events_of):
    slide, qa = agenda
    args = {
        "session_id": live_session.pk,
        "actor": facilitator,
        "type": "activity.goto",
        "data": {"activity_id": slide.pk},
        "op_id": "a1b2-c3",
    }
    assert live.session_command(**args) == ({"seq": 3}, False)
    assert live.session_command(**args) == ({"seq": 3}, True)
    # Even with other data: the op_id names the operation, it is never re-run.
    assert live.session_command(**{**args, "data": {"activity_id": qa.pk}}) == ({"seq": 3}, True)
    assert events_of(live_session, after=2) == [(3, "session.activity", {"activity_id": slide.pk})]
    assert LiveSession.objects.get(pk=live_session.pk).current_activity == slide
    stored = ProcessedOp.objects.get()
    assert (stored.stream, stored.actor, stored.op_id, stored.result) == (
        live_session.stream,
        facilitator.key,
        "a1b2-c3",
        {"seq": 3},
    )


def test_op_ids_are_per_actor(live_session, facilitator, bob):
    other = live.Actor(role="facilitator", key=f"u:{bob.pk}", user_id=bob.pk)
    assert live.session_command(
        session_id=live_session.pk, actor=facilitator, type="input.lock", data={}, op_id="same"
    ) == ({"seq": 1}, False)
    assert live.session_command(
        session_id=live_session.pk, actor=other, type="input.unlock", data={}, op_id="same"
    ) == ({"seq": 2}, False)
    assert ProcessedOp.objects.count() == 2


def test_a_refused_command_does_not_use_up_its_op_id(live_session, facilitator, events_of):
    args = {
        "session_id": live_session.pk,
        "actor": facilitator,
        "type": "session.resume",
        "data": {},
        "op_id": "retry-me",
    }
    with pytest.raises(CommandError):
        live.session_command(**args)
    assert ProcessedOp.objects.count() == 0
    run(live_session, facilitator, "session.start")
    run(live_session, facilitator, "session.pause")
    assert live.session_command(**args) == ({"seq": 3}, False)
    assert [e[2]["status"] for e in events_of(live_session)] == ["live", "paused", "live"]


# --- who may do what -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("type", "data"),
    [
        ("session.start", {}),
        ("session.end", {}),
        ("timer.start", {"seconds": 10}),
        ("input.unlock", {}),
        ("results.reveal", {}),
        ("activity.goto", {"activity_id": 1}),
        ("participant.remove", {"participant_id": 1}),
        ("qa.moderate", {"question_id": 1, "status": "approved"}),
    ],
)
def test_participants_cannot_send_facilitator_commands(
    live_session, ana, as_participant, type, data
):
    before = LiveSession.objects.filter(pk=live_session.pk).values().get()
    error = refuse(live_session, as_participant(ana), type, **data)
    assert error.code == "forbidden"
    assert LiveSession.objects.filter(pk=live_session.pk).values().get() == before
    assert StreamEvent.objects.count() == 0
    assert ProcessedOp.objects.count() == 0
    ana.refresh_from_db()
    assert ana.removed_at is None


def test_a_removed_participant_can_do_nothing(
    live_session, agenda, ana, facilitator, as_participant
):
    slide, qa = agenda
    run(live_session, facilitator, "session.start")
    run(live_session, facilitator, "activity.goto", activity_id=qa.pk)
    run(live_session, facilitator, "participant.remove", participant_id=ana.pk)
    before = head(live_session)
    error = refuse(live_session, as_participant(ana), "qa.ask", text="¿Sigo aquí?")
    assert error.code == "forbidden"
    assert Question.objects.count() == 0
    assert head(live_session) == before


def test_an_ended_session_takes_no_commands(live_session, agenda, ana, facilitator, as_participant):
    run(live_session, facilitator, "session.start")
    run(live_session, facilitator, "session.end")
    before = head(live_session)
    for actor, type, data in [
        (facilitator, "session.start", {}),
        (facilitator, "input.lock", {}),
        (facilitator, "activity.goto", {"activity_id": agenda[0].pk}),
        (as_participant(ana), "qa.ask", {"text": "¿Hola?"}),
    ]:
        error = refuse(live_session, actor, type, **data)
        assert error.code == "locked", type
    assert head(live_session) == before
    assert LiveSession.objects.get(pk=live_session.pk).status == SessionStatus.ENDED


# --- questions -----------------------------------------------------------------------


@pytest.fixture
def qa_live(live_session, agenda, facilitator):
    """The session live, on its Q&A activity (events 3 and 4)."""
    run(live_session, facilitator, "session.start")
    run(live_session, facilitator, "activity.goto", activity_id=agenda[1].pk)
    return live_session


def test_qa_flow_with_moderation(
    qa_live, agenda, ana, beto, facilitator, as_participant, events_of
):
    session, qa = qa_live, agenda[1]
    result = run(session, as_participant(ana), "qa.ask", text="  ¿Cuándo empieza la obra?  ")
    question = Question.objects.get()
    assert result == {"seq": 5, "question_id": question.pk}
    assert (question.activity, question.participant, question.text, question.status) == (
        qa,
        ana,
        "¿Cuándo empieza la obra?",
        QuestionStatus.PENDING,
    )
    data = {
        "id": question.pk,
        "activity_id": qa.pk,
        "participant_id": ana.pk,
        "text": "¿Cuándo empieza la obra?",
        "status": "pending",
        "upvotes": 0,
    }
    assert events_of(session, after=4) == [(5, "qa.asked", {"question": data})]

    # Nobody can upvote a question still in moderation.
    error = refuse(session, as_participant(beto), "qa.upvote", question_id=question.pk)
    assert (error.code, error.field) == ("not_found", "question_id")

    result = run(session, facilitator, "qa.moderate", question_id=question.pk, status="approved")
    assert result == {"seq": 6, "status": "approved"}
    assert events_of(session, after=5) == [
        (
            6,
            "qa.moderated",
            {"question": {**data, "status": "approved"}, "results_hidden": True},
        )
    ]

    assert run(session, as_participant(beto), "qa.upvote", question_id=question.pk) == {
        "seq": 7,
        "upvotes": None,  # results are hidden: not even the voter gets the count
    }
    error = refuse(session, as_participant(beto), "qa.upvote", question_id=question.pk)
    assert (error.code, error.field) == ("conflict", "question_id")
    assert run(session, as_participant(ana), "qa.upvote", question_id=question.pk) == {
        "seq": 8,
        "upvotes": None,
    }
    assert run(session, facilitator, "qa.upvote", question_id=question.pk) == {
        "seq": 9,
        "upvotes": 3,  # facilitators always see the count
    }
    error = refuse(session, facilitator, "qa.upvote", question_id=question.pk)
    assert error.code == "conflict"
    # The stored event keeps the count and whether results were hidden at vote time
    # (they are, by default): visible_frame strips the count for participants.
    assert events_of(session, after=6) == [
        (7, "qa.upvoted", {"question_id": question.pk, "upvotes": 1, "results_hidden": True}),
        (8, "qa.upvoted", {"question_id": question.pk, "upvotes": 2, "results_hidden": True}),
        (9, "qa.upvoted", {"question_id": question.pk, "upvotes": 3, "results_hidden": True}),
    ]
    question.refresh_from_db()
    assert question.upvotes == 3
    assert sorted(QuestionVote.objects.values_list("voter", flat=True)) == sorted(
        [f"p:{ana.pk}", f"p:{beto.pk}", facilitator.key]
    )

    result = run(session, facilitator, "qa.moderate", question_id=question.pk, status="answered")
    assert result == {"seq": 10, "status": "answered"}
    # An answered question can still be supported.
    third = live.participant_join(session=session, display_name="Caro", consent=True)
    assert run(session, as_participant(third), "qa.upvote", question_id=question.pk)["seq"] == 11
    question.refresh_from_db()
    assert question.upvotes == 4


def test_rejected_questions_cannot_be_upvoted(qa_live, ana, beto, facilitator, as_participant):
    question_id = run(qa_live, as_participant(ana), "qa.ask", text="¿Spam?")["question_id"]
    run(qa_live, facilitator, "qa.moderate", question_id=question_id, status="rejected")
    error = refuse(qa_live, as_participant(beto), "qa.upvote", question_id=question_id)
    assert error.code == "not_found"
    assert Question.objects.get().upvotes == 0


def test_moderate_unknown_question(qa_live, facilitator):
    error = refuse(qa_live, facilitator, "qa.moderate", question_id=999_999, status="approved")
    assert (error.code, error.field) == ("not_found", "question_id")


def test_unmoderated_sessions_and_facilitators_publish_at_once(
    make_stage, facilitator, as_participant
):
    session = live.session_create(stage=make_stage(), title="Abierta", moderate_questions=False)
    qa = live.activity_add(session=session, kind="qa", title="Preguntas")
    run(session, facilitator, "session.start")
    run(session, facilitator, "activity.goto", activity_id=qa.pk)
    person = live.participant_join(session=session, display_name="Ana", consent=True)
    run(session, as_participant(person), "qa.ask", text="¿Uno?")
    assert Question.objects.get().status == QuestionStatus.APPROVED


def test_a_facilitator_question_skips_moderation(qa_live, facilitator):
    result = run(qa_live, facilitator, "qa.ask", text="¿Alguna duda?")
    question = Question.objects.get(pk=result["question_id"])
    assert (question.status, question.participant) == (QuestionStatus.APPROVED, None)


def test_asking_needs_a_qa_activity(live_session, agenda, ana, facilitator, as_participant):
    run(live_session, facilitator, "session.start")
    error = refuse(live_session, as_participant(ana), "qa.ask", text="¿Sin actividad?")
    assert error.code == "conflict"
    run(live_session, facilitator, "activity.goto", activity_id=agenda[0].pk)  # a slide
    error = refuse(live_session, as_participant(ana), "qa.ask", text="¿En la diapositiva?")
    assert error.code == "conflict"
    assert Question.objects.count() == 0


def test_locked_input_stops_participants(qa_live, ana, facilitator, as_participant, events_of):
    question_id = run(qa_live, facilitator, "qa.ask", text="¿Abierta?")["question_id"]
    run(qa_live, facilitator, "input.lock")
    before = head(qa_live)
    error = refuse(qa_live, as_participant(ana), "qa.ask", text="¿Puedo?")
    assert error.code == "locked"
    error = refuse(qa_live, as_participant(ana), "qa.upvote", question_id=question_id)
    assert error.code == "locked"
    assert head(qa_live) == before
    assert Question.objects.count() == 1
    # The facilitator may still ask; participants again once unlocked.
    run(qa_live, facilitator, "qa.ask", text="¿Y ahora?")
    run(qa_live, facilitator, "input.unlock")
    run(qa_live, as_participant(ana), "qa.ask", text="¿Ya puedo?")
    assert Question.objects.count() == 3


@pytest.mark.parametrize("commands", [[], ["session.start", "session.pause"]])
def test_participants_need_a_live_session(
    live_session, agenda, ana, facilitator, as_participant, commands
):
    run(live_session, facilitator, "activity.goto", activity_id=agenda[1].pk)
    for command in commands:
        run(live_session, facilitator, command)
    error = refuse(live_session, as_participant(ana), "qa.ask", text="¿Hola?")
    assert error.code == "locked"


# --- snapshot ------------------------------------------------------------------------


def test_snapshot_shows_each_role_what_it_may_see(
    qa_live, agenda, ana, beto, facilitator, as_participant, clock
):
    slide, qa = agenda
    mine = run(qa_live, as_participant(ana), "qa.ask", text="¿Mía?")["question_id"]
    clock.advance(1)
    theirs = run(qa_live, as_participant(beto), "qa.ask", text="¿De Beto?")["question_id"]
    clock.advance(1)
    approved = run(qa_live, as_participant(beto), "qa.ask", text="¿Aprobada?")["question_id"]
    run(qa_live, facilitator, "qa.moderate", question_id=approved, status="approved")
    run(qa_live, as_participant(ana), "qa.upvote", question_id=approved)
    seq = head(qa_live)

    snap = session_snapshot(qa_live.pk, role="participant", participant=ana)
    assert snap["type"] == "snapshot"
    assert snap["seq"] == seq
    assert snap["server_time"] == clock.now.isoformat()
    assert snap["you"] == {
        "role": "participant",
        "key": f"p:{ana.pk}",
        "participant_id": ana.pk,
        "name": "Ana",
    }
    assert snap["session"] == {
        "code": qa_live.code,
        "title": "Taller de propuestas",
        "status": "live",
        "level": {
            "code": "colaborar",
            "name": qa_live.level.tr("name"),
            "promise": qa_live.level.tr("promise"),
        },
        "current_activity_id": qa.pk,
        "input_locked": False,
        "results_hidden": True,
        "timer": {"ends_at": None, "remaining": None},
    }
    assert [a["id"] for a in snap["agenda"]] == [slide.pk, qa.pk]
    # Results are hidden (the default): participants get no counts at all, not even
    # for their own questions; whether they voted is theirs to know.
    assert snap["questions"] == [
        {
            "id": approved,
            "activity_id": qa.pk,
            "text": "¿Aprobada?",
            "status": "approved",
            "upvotes": None,
            "mine": False,
            "upvoted": True,
        },
        {
            "id": mine,
            "activity_id": qa.pk,
            "text": "¿Mía?",
            "status": "pending",
            "upvotes": None,
            "mine": True,
            "upvoted": False,
        },
    ]
    assert snap["presence"] == {"count": 0}

    as_facilitator = session_snapshot(qa_live.pk, role="facilitator", participant=None)
    assert as_facilitator["you"] == {"role": "facilitator"}
    assert as_facilitator["session"]["results_hidden"] is True
    assert [(q["id"], q["participant_id"], q["upvotes"]) for q in as_facilitator["questions"]] == [
        (approved, beto.pk, 1),
        (mine, ana.pk, 0),
        (theirs, beto.pk, 0),
    ]
    assert as_facilitator["presence"] == {"count": 0, "participants": []}


def test_snapshot_counts_follow_results_hidden(
    qa_live, ana, beto, facilitator, as_participant, clock
):
    """Participants get ``"upvotes": None`` while results are hidden, the counts once
    revealed, and None again after hiding; facilitators always get the counts."""
    first = run(qa_live, facilitator, "qa.ask", text="¿Primera?")["question_id"]
    clock.advance(1)
    second = run(qa_live, facilitator, "qa.ask", text="¿Segunda?")["question_id"]
    run(qa_live, as_participant(ana), "qa.upvote", question_id=first)
    run(qa_live, as_participant(beto), "qa.upvote", question_id=first)
    mine = run(qa_live, as_participant(ana), "qa.ask", text="¿Pendiente?")["question_id"]

    def counts(role, participant=None):
        snap = session_snapshot(qa_live.pk, role=role, participant=participant)
        return snap["session"]["results_hidden"], [
            (q["id"], q["upvotes"]) for q in snap["questions"]
        ]

    hidden_counts = [(first, None), (second, None), (mine, None)]
    assert counts("participant", ana) == (True, hidden_counts)
    assert counts("participant", beto) == (True, [(first, None), (second, None)])
    assert counts("facilitator") == (True, [(first, 2), (second, 0), (mine, 0)])

    run(qa_live, facilitator, "results.reveal")
    assert counts("participant", ana) == (False, [(first, 2), (second, 0), (mine, 0)])
    assert counts("participant", beto) == (False, [(first, 2), (second, 0)])
    assert counts("facilitator") == (False, [(first, 2), (second, 0), (mine, 0)])

    run(qa_live, facilitator, "results.hide")
    assert counts("participant", ana) == (True, hidden_counts)
    assert counts("facilitator") == (True, [(first, 2), (second, 0), (mine, 0)])


def test_reveal_carries_the_counts_of_public_questions(
    qa_live, make_stage, ana, beto, facilitator, as_participant, events_of, clock
):
    """results.reveal sends the counts participants did not get while hidden: every
    approved or answered question of the session, none pending or rejected."""
    approved = run(qa_live, as_participant(ana), "qa.ask", text="¿Aprobada?")["question_id"]
    answered = run(qa_live, as_participant(beto), "qa.ask", text="¿Respondida?")["question_id"]
    rejected = run(qa_live, as_participant(beto), "qa.ask", text="¿Rechazada?")["question_id"]
    run(qa_live, as_participant(ana), "qa.ask", text="¿Pendiente?")
    for question_id in (approved, answered, rejected):
        run(qa_live, facilitator, "qa.moderate", question_id=question_id, status="approved")
    for person in (ana, beto):
        run(qa_live, as_participant(person), "qa.upvote", question_id=approved)
    run(qa_live, as_participant(ana), "qa.upvote", question_id=answered)
    run(qa_live, as_participant(ana), "qa.upvote", question_id=rejected)
    run(qa_live, facilitator, "qa.moderate", question_id=answered, status="answered")
    run(qa_live, facilitator, "qa.moderate", question_id=rejected, status="rejected")
    # Another session's questions are not this session's results.
    other = live.session_create(stage=make_stage(), title="Otra")
    other_qa = live.activity_add(session=other, kind="qa", title="Preguntas")
    run(other, facilitator, "session.start")
    run(other, facilitator, "activity.goto", activity_id=other_qa.pk)
    run(other, facilitator, "qa.ask", text="¿Ajena?")

    before = head(qa_live)
    assert run(qa_live, facilitator, "results.reveal") == {"seq": before + 1}
    assert events_of(qa_live, after=before) == [
        (
            before + 1,
            "session.results",
            {"hidden": False, "upvotes": {str(approved): 2, str(answered): 1}},
        )
    ]
    # Hiding again says only that.
    run(qa_live, facilitator, "results.hide")
    assert events_of(qa_live, after=before + 1) == [
        (before + 2, "session.results", {"hidden": True})
    ]


def test_snapshot_presence(live_session, ana, beto):
    live.participant_connected(participant_id=ana.pk)
    live.participant_connected(participant_id=beto.pk)
    live.participant_disconnected(participant_id=beto.pk)
    assert session_snapshot(live_session.pk, role="participant", participant=ana)["presence"] == {
        "count": 1
    }
    assert session_snapshot(live_session.pk, role="facilitator", participant=None)["presence"] == {
        "count": 1,
        "participants": [{"id": ana.pk, "name": "Ana"}],
    }


def test_presence_window_and_removal(live_session, ana, beto, facilitator, clock):
    live.participant_connected(participant_id=ana.pk)
    live.participant_connected(participant_id=beto.pk)
    clock.advance(60)
    live.participant_seen(participant_id=ana.pk, older_than=dt.timedelta(seconds=45))
    clock.advance(40)  # Beto last heard 100 s ago, Ana 40 s ago
    assert [p.pk for p in live_selectors.present_participants(live_session.pk)] == [ana.pk]
    run(live_session, facilitator, "participant.remove", participant_id=ana.pk)
    assert live_selectors.present_participants(live_session.pk) == []
    # Disconnecting never drives the counter below zero.
    for _ in range(3):
        live.participant_disconnected(participant_id=beto.pk)
    beto.refresh_from_db()
    assert beto.connections == 0


def test_a_facilitator_sees_their_own_upvotes_in_the_snapshot(qa_live, facilitator):
    """qa.upvote is open to facilitators ("once per person", voter ``u:<id>``), so a
    reconnecting facilitator must see ``upvoted`` for what they supported."""
    question_id = run(qa_live, facilitator, "qa.ask", text="¿Apoyo?")["question_id"]
    run(qa_live, facilitator, "qa.upvote", question_id=question_id)
    snap = session_snapshot(qa_live.pk, role="facilitator", participant=None, voter=facilitator.key)
    assert [(q["id"], q["upvoted"]) for q in snap["questions"]] == [(question_id, True)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_snapshot_state_agrees_with_its_seq_under_a_concurrent_command(
    live_session, agenda, facilitator, monkeypatch
):
    """The consumer drops every event with ``seq <= snapshot.seq``. If a command
    commits while the snapshot is being read, the snapshot's state must include it
    whenever its ``seq`` does, or the client never learns about the change."""
    slide, qa = agenda
    run(live_session, facilitator, "activity.goto", activity_id=slide.pk)
    original = live_selectors.stream_head
    racers: list[threading.Thread] = []

    def command_on_another_connection() -> None:
        try:
            run(live_session, facilitator, "activity.goto", activity_id=qa.pk)
        finally:
            connection.close()

    def racing_stream_head(stream: str) -> int:
        if not racers:
            racer = threading.Thread(target=command_on_another_connection)
            racers.append(racer)
            racer.start()
            racer.join(timeout=2)  # a snapshot that holds a lock makes it wait: fine
        return original(stream)

    monkeypatch.setattr(live_selectors, "stream_head", racing_stream_head)
    snap = session_snapshot(live_session.pk, role="facilitator", participant=None)
    for racer in racers:
        racer.join(timeout=30)
    gotos = [
        e.payload["activity_id"]
        for e in StreamEvent.objects.filter(
            stream=live_session.stream, type="session.activity", seq__lte=snap["seq"]
        ).order_by("seq")
    ]
    assert snap["session"]["current_activity_id"] == gotos[-1]
