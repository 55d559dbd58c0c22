"""Open answers (method "open"): the pure tally and its explanation, the configuration
check, no ballots, the result given at closing, and the public results page that lists
only approved answers and never their authors."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from sessions import live
from tests.sessions.conftest import participant_actor
from voting import moderation, public
from voting.live import poll_snapshot, result_data
from voting.methods import METHODS, BallotError, explain
from voting.methods.consensus import tally as consensus_tally
from voting.methods.open_answer import tally, validate_ballot
from voting.models import Poll


def add_open(session, **settings):
    return live.activity_add(
        session=session,
        kind="poll",
        title="¿Qué mejorarías del barrio?",
        poll_spec={"method": "open", "settings": settings, "results_visibility": "after_close"},
    )


def command(session, actor, type, op_id, **data):
    return live.session_command(
        session_id=session.pk, actor=actor, type=type, data=data, op_id=op_id
    )[0]


# --- the pure method -------------------------------------------------------------------------


def test_tally_lists_the_answers_and_explains_them():
    result = METHODS["open"].tally(["Más árboles", "Luminarias"], [], max_answers=2)
    assert (result.answers, result.count, result.winners, result.winner) == (
        ["Más árboles", "Luminarias"],
        2,
        [],
        None,
    )
    assert [s.code for s in result.steps] == ["open_answers_limit", "open_answers"]
    with translation.override("es"):
        assert explain(result) == [
            "Cada participante podía enviar hasta 2 respuestas.",
            "Se publicaron 2 respuestas, aprobadas en moderación.",
        ]
    one = tally(["Única"], max_answers=1)
    empty = tally([])
    with translation.override("es"):
        assert explain(one) == [
            "Cada participante podía enviar hasta 1 respuesta.",
            "Se publicó 1 respuesta, aprobada en moderación.",
        ]
        assert explain(empty) == [
            "Cada participante podía enviar hasta 3 respuestas.",
            "No se publicó ninguna respuesta.",
        ]


@given(st.lists(st.text(min_size=1).filter(str.strip), max_size=30))
def test_tally_keeps_every_answer_in_order(answers):
    result = tally(answers)
    assert result.answers == answers and result.count == len(answers)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"max_answers": 0}, "max_answers"),
        ({"max_answers": 21}, "max_answers"),
        ({"max_answers": True}, "max_answers"),
        ({"max_answers": "3"}, "max_answers"),
        ({"options": ["a"]}, "options"),
    ],
)
def test_bad_configuration_is_refused(kwargs, field):
    with pytest.raises(BallotError) as error:
        tally([], **kwargs)
    assert (error.value.code, error.value.field) == ("invalid_parameter", field)


def test_blank_answers_are_not_tallied_and_ballots_are_refused():
    with pytest.raises(BallotError) as error:
        tally(["ok", "  "])
    assert error.value.code == "invalid_answer"
    with pytest.raises(BallotError) as error:
        validate_ballot(["a"], [])
    assert (error.value.code, error.value.field) == ("conflict", "ballot")


def test_consensus_checks_allow_submissions():
    assert consensus_tally([], ["a"], allow_submissions=True).participants == 0
    with pytest.raises(BallotError) as error:
        consensus_tally([], ["a"], allow_submissions="yes")
    assert (error.value.code, error.value.field) == ("invalid_parameter", "allow_submissions")


# --- in a live session -----------------------------------------------------------------------


@pytest.mark.django_db
def test_an_open_poll_has_no_options_and_takes_no_ballots(live_session, facilitator, ana):
    activity = add_open(live_session)
    poll = Poll.objects.get(activity=activity)
    assert (poll.method, poll.options.count()) == ("open", 0)
    snapshot = poll_snapshot(poll, facilitator=False, voted=False)
    assert (snapshot["options"], snapshot["submissions"], snapshot["ballots"]) == ([], [], 0)
    command(live_session, facilitator, "session.start", "s1")
    command(live_session, facilitator, "poll.open", "o1", activity_id=activity.pk)
    with pytest.raises(live.CommandError) as error:
        command(
            live_session,
            participant_actor(ana),
            "poll.vote",
            "v1",
            activity_id=activity.pk,
            ballot=["x"],
        )
    assert (error.value.code, error.value.field) == ("conflict", "ballot")
    assert not poll.participations.exists() and not poll.ballots.exists()


@pytest.mark.django_db
def test_an_open_poll_with_bad_settings_or_options_is_not_added(live_session):
    with pytest.raises(ValidationError):
        add_open(live_session, max_answers=50)
    with pytest.raises(ValidationError):
        live.activity_add(
            session=live_session,
            kind="poll",
            title="Con opciones",
            poll_spec={"method": "open", "options": [{"key": "a", "label": "A"}]},
        )
    assert not live_session.activities.exists()


@pytest.fixture
def answered(live_session, facilitator, ana, beto):
    """An open poll, closed, with one approved, one rejected and one pending answer."""
    activity = add_open(live_session, max_answers=2)
    command(live_session, facilitator, "session.start", "s1")
    command(live_session, facilitator, "poll.open", "o1", activity_id=activity.pk)
    ids = [
        command(
            live_session, participant_actor(who), "poll.submit", op, activity_id=activity.pk, text=t
        )["submission_id"]
        for who, op, t in [
            (ana, "a1", "Más árboles en la plaza"),
            (beto, "b1", "Texto ofensivo rechazado"),
            (beto, "b2", "Respuesta aún en moderación"),
        ]
    ]
    for sid, decision, op in [(ids[0], "approve", "m1"), (ids[1], "reject", "m2")]:
        command(
            live_session,
            facilitator,
            "poll.moderate",
            op,
            activity_id=activity.pk,
            submission_id=sid,
            decision=decision,
        )
    closed = command(live_session, facilitator, "poll.close", "c1", activity_id=activity.pk)
    return Poll.objects.get(activity=activity), closed


@pytest.mark.django_db
def test_the_result_is_the_approved_answers(answered):
    poll, _closed = answered
    with translation.override("es"):
        result = result_data(poll)
    assert (result["answers"], result["count"], result["winners"]) == (
        ["Más árboles en la plaza"],
        1,
        [],
    )
    assert result["explanation"][-1] == "Se publicó 1 respuesta, aprobada en moderación."


@pytest.mark.django_db
def test_the_public_page_lists_only_approved_answers_without_authors(answered):
    poll, _closed = answered
    client = Client()
    page = client.get(reverse("voting:results", args=[poll.pk]), HTTP_ACCEPT_LANGUAGE="es")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Más árboles en la plaza" in html
    for hidden in ("Texto ofensivo rechazado", "Respuesta aún en moderación", "Ana", "Beto"):
        assert hidden not in html
    assert public.results(poll).answers == ["Más árboles en la plaza"]
    csv_text = client.get(reverse("voting:export", args=[poll.pk, "csv"])).content.decode()
    assert "Más árboles en la plaza" in csv_text and "rechazado" not in csv_text
    document = client.get(reverse("voting:export", args=[poll.pk, "json"])).json()
    assert document["answers"] == ["Más árboles en la plaza"]


@pytest.mark.django_db
def test_answers_approved_after_closing_are_published_until_publication(
    answered, facilitator, live_session
):
    poll, _closed = answered
    pending = poll.submissions.get(status="pending")
    moderation.submission_moderate(poll=poll, submission_id=pending.pk, decision="approve")
    published = command(
        live_session, facilitator, "poll.publish", "p1", activity_id=poll.activity_id
    )
    assert published["status"] == "published"
    assert public.results(poll).answers == [
        "Más árboles en la plaza",
        "Respuesta aún en moderación",
    ]
