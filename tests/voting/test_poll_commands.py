"""Polls as live-session commands: the activity's poll, lifecycle, votes and their
receipts, error codes, and the running counters against a full recount."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cocrea.realtime.models import ProcessedOp, StreamEvent
from sessions import live
from sessions.serialization import visible_frame
from tests.sessions.conftest import participant_actor
from voting import services
from voting.live import recount
from voting.models import Poll, PollStatus
from voting.services import OptionInput

OPTIONS = [{"key": "a", "label": "Parque"}, {"key": "b", "label": "Biblioteca"}]


def add_poll(session, method: str = "approval", **spec):
    spec.setdefault("options", OPTIONS)
    spec.setdefault(
        "settings", {"min_choices": 1, "max_choices": 1} if method == "approval" else {}
    )
    return live.activity_add(
        session=session, kind="poll", title="Prioridad", poll_spec={"method": method, **spec}
    )


def vote(session, participant, op_id, activity, ballot):
    return command(
        session,
        participant_actor(participant),
        "poll.vote",
        op_id,
        activity_id=activity.pk,
        ballot=ballot,
    )


def command(session, actor, type, op_id, **data):
    return live.session_command(
        session_id=session.pk, actor=actor, type=type, data=data, op_id=op_id
    )


def started(session, facilitator, activity):
    command(session, facilitator, "session.start", "s1")
    command(session, facilitator, "poll.open", "o1", activity_id=activity.pk)


@pytest.mark.django_db
def test_poll_activity_gets_a_draft_poll_and_a_reset_event(live_session):
    activity = add_poll(live_session)
    poll = Poll.objects.get(activity=activity)
    assert (poll.status, poll.eligibility, poll.method) == (PollStatus.DRAFT, "session", "approval")
    event = StreamEvent.objects.filter(stream=live_session.stream).order_by("-seq").first()
    assert event.type == "poll.reset"
    assert event.payload["poll"]["options"][1] == {"key": "b", "label": "Biblioteca", "cost": None}


@pytest.mark.django_db
def test_bad_poll_spec_adds_nothing(live_session):
    with pytest.raises(ValidationError):
        add_poll(live_session, method="nope")
    with pytest.raises(ValidationError):
        add_poll(live_session, options=[])
    assert not live_session.activities.exists()


@pytest.mark.django_db
def test_vote_receipt_only_in_ack_and_retry(live_session, facilitator, ana):
    activity = add_poll(live_session)
    started(live_session, facilitator, activity)
    result, duplicate = command(
        live_session,
        participant_actor(ana),
        "poll.vote",
        "v1",
        activity_id=activity.pk,
        ballot=["a"],
    )
    assert not duplicate and len(result["receipt"]) > 8
    again, duplicate = command(
        live_session,
        participant_actor(ana),
        "poll.vote",
        "v1",
        activity_id=activity.pk,
        ballot=["a"],
    )
    assert duplicate and again["receipt"] == result["receipt"]
    stored = ProcessedOp.objects.get(stream=live_session.stream, op_id="v1")
    assert "receipt" not in stored.result
    payloads = StreamEvent.objects.filter(stream=live_session.stream).values_list("payload")
    assert result["receipt"] not in repr(list(payloads))
    with pytest.raises(live.CommandError) as error:
        command(
            live_session,
            participant_actor(ana),
            "poll.vote",
            "v2",
            activity_id=activity.pk,
            ballot=["b"],
        )
    assert (error.value.code, error.value.field) == ("already_voted", "ballot")


@pytest.mark.django_db
def test_status_events_hide_results_from_participants(live_session, facilitator, ana):
    activity = add_poll(live_session, results_visibility="on_publish")
    started(live_session, facilitator, activity)
    command(
        live_session,
        participant_actor(ana),
        "poll.vote",
        "v1",
        activity_id=activity.pk,
        ballot=["a"],
    )
    command(live_session, facilitator, "poll.close", "c1", activity_id=activity.pk)
    event = StreamEvent.objects.filter(stream=live_session.stream, type="poll.status").last()
    frame = event.as_frame()
    seen = visible_frame(frame, role="participant", participant_id=ana.pk)["data"]
    assert seen["counts"] is None and seen["result"] is None and seen["status"] == "closed"
    full = visible_frame(frame, role="facilitator", participant_id=None)["data"]
    assert full["counts"]["options"]["a"]["approvals"] == 1
    assert full["result"]["winner"] == "a" and full["result"]["explanation"]
    command(live_session, facilitator, "poll.publish", "p1", activity_id=activity.pk)
    event = StreamEvent.objects.filter(stream=live_session.stream, type="poll.status").last()
    seen = visible_frame(event.as_frame(), role="participant", participant_id=ana.pk)["data"]
    assert seen["result"]["winner"] == "a"


BALLOTS = {
    "single": st.sampled_from(["a", "b", "c"]),
    "approval": st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=3, unique=True),
    "irv": st.permutations(["a", "b", "c"]).map(list),
    "score": st.fixed_dictionaries(
        {k: st.integers(min_value=1, max_value=5) for k in ("a", "b", "c")}
    ),
    "consensus": st.dictionaries(
        st.sampled_from(["a", "b", "c"]), st.sampled_from(["agree", "disagree", "pass"]), min_size=1
    ),
}


@pytest.mark.django_db
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), method=st.sampled_from(sorted(BALLOTS)))
def test_running_counters_equal_a_recount(entity, data, method):
    poll = services.poll_create(
        entity=entity,
        title="Prueba",
        method=method,
        options=[OptionInput(k, k.upper()) for k in ("a", "b", "c")],
        eligibility="entity",
        allow_change=True,
    )
    services.poll_open(poll=poll)
    receipts = []
    for i, ballot in enumerate(data.draw(st.lists(BALLOTS[method], max_size=8))):
        receipts.append(services.ballot_cast(poll=poll, voter_key=f"u:{i}", content=ballot))
    changes = data.draw(st.lists(st.tuples(st.integers(0, 7), BALLOTS[method]), max_size=3))
    for index, ballot in changes:
        if index < len(receipts):
            receipts[index] = services.ballot_change(
                poll=poll, voter_key=f"u:{index}", receipt_code=receipts[index], content=ballot
            )
    poll.refresh_from_db()
    assert (poll.live_counts or recount(poll)) == recount(poll)
    assert recount(poll)["ballots"] == len(receipts)
