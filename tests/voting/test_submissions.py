"""Participants' statements (consensus polls) and open answers, moderated: the service
rules and their error codes, the live commands, per-recipient visibility, the snapshot,
a statement added mid-poll, concurrent approvals, and the same over the real socket."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from cocrea.realtime.models import ProcessedOp, StreamEvent
from sessions import live
from sessions.live_selectors import session_snapshot
from sessions.serialization import visible_frame
from tests.sessions.conftest import participant_actor, participant_cookie
from tests.sessions.test_consumer import Ws, error_of, fresh_channel_layer, run, wait_subscribed
from tests.voting.test_polls import race
from voting import moderation
from voting.live import recount, result_data
from voting.models import (
    Poll,
    PollAudit,
    PollAuditAction,
    PollOption,
    PollStatus,
    PollSubmission,
)

__all__ = ["fresh_channel_layer"]  # an autouse fixture, used by being imported

STATEMENTS = [
    {"key": "a", "label": "Más ciclovías"},
    {"key": "b", "label": "Menos autos en el centro"},
]


def add_poll(session, method: str = "consensus", **spec):
    if method == "consensus":
        spec.setdefault("options", STATEMENTS)
        spec.setdefault("settings", {"allow_submissions": True, "min_votes": 1})
    return live.activity_add(
        session=session, kind="poll", title="Movilidad", poll_spec={"method": method, **spec}
    )


def command(session, actor, type, op_id, **data):
    return live.session_command(
        session_id=session.pk, actor=actor, type=type, data=data, op_id=op_id
    )[0]


def started(session, facilitator, activity):
    command(session, facilitator, "session.start", "s1")
    command(session, facilitator, "poll.open", "o1", activity_id=activity.pk)
    return Poll.objects.get(activity=activity)


def code_of(exc: ValidationError) -> tuple[str, str | None]:
    error = exc.error_list[0]
    return error.code, (error.params or {}).get("field")


def refused(call, code, field=None):
    """The call fails with (code, field) and writes no submission, option or audit."""
    counts = (PollSubmission.objects.count(), PollOption.objects.count(), PollAudit.objects.count())
    with pytest.raises((ValidationError, live.CommandError)) as error:
        call()
    exc = error.value
    got = (exc.code, exc.field) if isinstance(exc, live.CommandError) else code_of(exc)
    assert got == (code, field)
    assert counts == (
        PollSubmission.objects.count(),
        PollOption.objects.count(),
        PollAudit.objects.count(),
    )


# --- the service ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_bad_submission_has_its_code_and_writes_nothing(live_session, facilitator, ana):
    activity = add_poll(live_session)
    poll = Poll.objects.get(activity=activity)

    def submit(text="Tarifa social de transporte", target=None):
        return lambda: moderation.submission_create(
            poll=target or poll, text=text, participant_id=ana.pk
        )

    refused(submit(), "not_open")
    poll = started(live_session, facilitator, activity)
    refused(submit(""), "invalid", "text")
    refused(submit("   \n "), "invalid", "text")
    refused(submit("x" * 1001), "invalid", "text")
    refused(submit(42), "invalid", "text")
    no_submissions = add_poll(
        live_session, options=STATEMENTS, settings={"allow_submissions": False}
    )
    closed = Poll.objects.get(activity=no_submissions)
    closed.status = PollStatus.OPEN
    closed.save()
    refused(submit(target=closed), "conflict")
    other = Poll.objects.get(
        activity=add_poll(live_session, "approval", options=STATEMENTS, settings={"max_choices": 1})
    )
    other.status = PollStatus.OPEN
    other.save()
    refused(submit(target=other), "conflict")
    # 1,000 characters after trimming are fine, and stored trimmed.
    kept = moderation.submission_create(poll=poll, text=f"  {'y' * 1000}  ", participant_id=ana.pk)
    assert (kept.text, kept.kind, kept.status) == ("y" * 1000, "statement", "pending")
    command(live_session, facilitator, "poll.close", "c1", activity_id=activity.pk)
    refused(submit(), "closed")
    assert PollSubmission.objects.count() == 1


@pytest.mark.django_db
def test_open_answers_are_limited_per_participant(live_session, facilitator, ana, beto):
    activity = add_poll(live_session, "open", settings={"max_answers": 2})
    poll = started(live_session, facilitator, activity)
    for text in ("Uno", "Dos"):
        moderation.submission_create(poll=poll, text=text, participant_id=ana.pk)
    moderation.submission_moderate(
        poll=poll, submission_id=PollSubmission.objects.first().pk, decision="reject"
    )
    # A rejected answer still counts: the queue a participant can fill is bounded.
    refused(
        lambda: moderation.submission_create(poll=poll, text="Tres", participant_id=ana.pk),
        "too_many",
        "text",
    )
    moderation.submission_create(poll=poll, text="Otra persona", participant_id=beto.pk)
    assert PollSubmission.objects.filter(kind="answer").count() == 3


@pytest.mark.django_db
def test_approving_a_statement_appends_an_option_and_is_audited(
    live_session, facilitator, ana, beto, alice
):
    activity = add_poll(live_session)
    poll = started(live_session, facilitator, activity)
    command(
        live_session,
        participant_actor(beto),
        "poll.vote",
        "v1",
        activity_id=activity.pk,
        ballot={"a": "agree"},
    )
    submission = moderation.submission_create(
        poll=poll, text="Buses eléctricos", participant_id=ana.pk
    )
    moderated = moderation.submission_moderate(
        poll=poll, submission_id=submission.pk, decision="approve", actor=alice
    )
    option = moderated.option
    assert (option.key, option.label, option.order) == (f"s{submission.pk}", "Buses eléctricos", 3)
    submission.refresh_from_db()
    assert (submission.status, submission.option_key, submission.moderated_by) == (
        "approved",
        option.key,
        alice,
    )
    assert submission.moderated_at is not None
    audit = PollAudit.objects.get(poll=poll, action=PollAuditAction.MODERATE)
    assert (audit.actor, audit.detail) == (
        alice,
        {"submission": submission.pk, "decision": "approve"},
    )
    poll.refresh_from_db()
    # The running counters list the new statement at zero, equal to a recount.
    assert poll.live_counts["options"][option.key] == {"agree": 0, "disagree": 0, "pass": 0}
    assert poll.live_counts == recount(poll)


@pytest.mark.django_db
def test_rejecting_adds_no_option_and_moderating_twice_is_a_conflict(
    live_session, facilitator, ana
):
    activity = add_poll(live_session)
    poll = started(live_session, facilitator, activity)
    first = moderation.submission_create(poll=poll, text="Peajes urbanos", participant_id=ana.pk)
    second = moderation.submission_create(poll=poll, text="Más parqueo", participant_id=ana.pk)
    moderated = moderation.submission_moderate(poll=poll, submission_id=first.pk, decision="reject")
    assert moderated.option is None and moderated.submission.status == "rejected"
    assert poll.options.count() == 2
    moderation.submission_moderate(poll=poll, submission_id=second.pk, decision="approve")
    for submission in (first, second):
        for decision in ("approve", "reject"):
            refused(
                lambda s=submission, d=decision: moderation.submission_moderate(
                    poll=poll, submission_id=s.pk, decision=d
                ),
                "conflict",
                "submission_id",
            )
    refused(
        lambda: moderation.submission_moderate(poll=poll, submission_id=999999, decision="approve"),
        "not_found",
        "submission_id",
    )
    refused(
        lambda: moderation.submission_moderate(poll=poll, submission_id=first.pk, decision="maybe"),
        "invalid",
        "decision",
    )
    assert list(poll.options.values_list("key", flat=True)) == ["a", "b", f"s{second.pk}"]


@pytest.mark.django_db
def test_statements_are_moderated_only_while_open_answers_until_published(
    live_session, facilitator, ana
):
    statements = add_poll(live_session)
    poll = started(live_session, facilitator, statements)
    late = moderation.submission_create(poll=poll, text="Tarde", participant_id=ana.pk)
    command(live_session, facilitator, "poll.close", "c1", activity_id=statements.pk)
    refused(
        lambda: moderation.submission_moderate(
            poll=poll, submission_id=late.pk, decision="approve"
        ),
        "closed",
    )
    answers = add_poll(live_session, "open")
    command(live_session, facilitator, "poll.open", "o2", activity_id=answers.pk)
    open_poll = Poll.objects.get(activity=answers)
    first = moderation.submission_create(poll=open_poll, text="Uno", participant_id=ana.pk)
    second = moderation.submission_create(poll=open_poll, text="Dos", participant_id=ana.pk)
    command(live_session, facilitator, "poll.close", "c2", activity_id=answers.pk)
    moderation.submission_moderate(poll=open_poll, submission_id=first.pk, decision="approve")
    command(live_session, facilitator, "poll.publish", "p2", activity_id=answers.pk)
    refused(
        lambda: moderation.submission_moderate(
            poll=open_poll, submission_id=second.pk, decision="approve"
        ),
        "closed",
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_approvals_get_distinct_option_orders(live_session, facilitator, ana):
    activity = add_poll(live_session)
    poll = started(live_session, facilitator, activity)
    submissions = [
        moderation.submission_create(poll=poll, text=f"Afirmación {i}", participant_id=ana.pk)
        for i in range(8)
    ]
    results = race(
        *[
            lambda s=s: moderation.submission_moderate(
                poll=poll, submission_id=s.pk, decision="approve"
            )
            for s in submissions
        ]
    )
    assert all(isinstance(r, moderation.Moderated) for r in results), results
    orders = sorted(r.option.order for r in results)
    assert orders == list(range(3, 11))
    assert poll.options.count() == 10
    # The same submission approved from two connections at once: one wins.
    extra = moderation.submission_create(poll=poll, text="Dos veces", participant_id=ana.pk)
    twice = race(
        *[
            lambda: moderation.submission_moderate(
                poll=poll, submission_id=extra.pk, decision="approve"
            )
            for _ in range(4)
        ]
    )
    assert sum(isinstance(r, moderation.Moderated) for r in twice) == 1
    assert all(code_of(r)[0] == "conflict" for r in twice if isinstance(r, ValidationError))
    assert PollOption.objects.filter(poll=poll, key=f"s{extra.pk}").count() == 1


@pytest.mark.django_db
def test_a_statement_added_mid_poll_tallies_correctly(live_session, facilitator, alice):
    activity = add_poll(live_session)
    poll = started(live_session, facilitator, activity)
    people = [
        live.participant_join(session=live_session, display_name=f"P{i}", consent=True)
        for i in range(5)
    ]
    before = [{"a": "agree", "b": "disagree"}, {"a": "agree", "b": "agree"}]
    for person, ballot in zip(people, before, strict=False):
        command(
            live_session,
            participant_actor(person),
            "poll.vote",
            f"v{person.pk}",
            activity_id=activity.pk,
            ballot=ballot,
        )
    submission = moderation.submission_create(
        poll=poll, text="Calles peatonales", participant_id=people[0].pk
    )
    key = moderation.submission_moderate(
        poll=poll, submission_id=submission.pk, decision="approve"
    ).option.key
    after = [{key: "agree", "a": "disagree"}, {key: "agree"}, {key: "pass", "b": "agree"}]
    for person, ballot in zip(people[2:], after, strict=True):
        command(
            live_session,
            participant_actor(person),
            "poll.vote",
            f"v{person.pk}",
            activity_id=activity.pk,
            ballot=ballot,
        )
    poll.refresh_from_db()
    assert poll.live_counts == recount(poll)
    assert poll.live_counts["options"][key] == {"agree": 2, "disagree": 0, "pass": 1}
    command(live_session, facilitator, "poll.close", "c1", activity_id=activity.pk)
    poll.refresh_from_db()
    result = result_data(poll)
    # "a": 2 agree of 3 (67 %), the new statement 2 of 3 (67 %), "b": 2 of 3 (67 %); ties
    # are kept in statement order, and the new statement comes last.
    assert result["winners"] == ["a", "b", key]
    consensus = [s for s in result["steps"] if s["code"] == "consensus"]
    assert [(s["option"], s["votes"]) for s in consensus] == [("a", 3), ("b", 3), (key, 3)]


# --- the live commands -----------------------------------------------------------------------


@pytest.mark.django_db
def test_submit_and_moderate_commands(live_session, facilitator, ana, beto):
    activity = add_poll(live_session)
    poll = started(live_session, facilitator, activity)
    ana_actor = participant_actor(ana)
    result = command(
        live_session, ana_actor, "poll.submit", "p1", activity_id=activity.pk, text=" Hola "
    )
    submission = PollSubmission.objects.get()
    assert result == {"seq": result["seq"], "submission_id": submission.pk, "status": "pending"}
    assert (submission.text, submission.participant_id) == ("Hola", ana.pk)
    # A retry of the same op_id is answered as before and stores nothing new.
    again, duplicate = live.session_command(
        session_id=live_session.pk,
        actor=ana_actor,
        type="poll.submit",
        data={"activity_id": activity.pk, "text": " Hola "},
        op_id="p1",
    )
    assert duplicate and again == result and PollSubmission.objects.count() == 1
    refused(
        lambda: command(
            live_session, facilitator, "poll.submit", "f1", activity_id=activity.pk, text="x"
        ),
        "forbidden",
    )
    refused(
        lambda: command(
            live_session,
            ana_actor,
            "poll.moderate",
            "m0",
            activity_id=activity.pk,
            submission_id=submission.pk,
            decision="approve",
        ),
        "forbidden",
    )
    refused(
        lambda: command(live_session, ana_actor, "poll.submit", "p2", activity_id=999999, text="x"),
        "not_found",
        "activity_id",
    )
    refused(
        lambda: command(
            live_session, ana_actor, "poll.submit", "p3", activity_id=activity.pk, text=""
        ),
        "invalid",
        "text",
    )
    command(live_session, facilitator, "input.lock", "l1")
    refused(
        lambda: command(
            live_session, ana_actor, "poll.submit", "p4", activity_id=activity.pk, text="x"
        ),
        "locked",
    )
    command(live_session, facilitator, "input.unlock", "l2")
    command(live_session, facilitator, "session.pause", "pa")
    refused(
        lambda: command(
            live_session, ana_actor, "poll.submit", "p5", activity_id=activity.pk, text="x"
        ),
        "locked",
    )
    command(live_session, facilitator, "session.resume", "re")
    moderated = command(
        live_session,
        facilitator,
        "poll.moderate",
        "m1",
        activity_id=activity.pk,
        submission_id=submission.pk,
        decision="approve",
    )
    assert moderated == {"seq": moderated["seq"], "status": "approved"}
    event = StreamEvent.objects.get(stream=live_session.stream, seq=moderated["seq"])
    assert event.type == "poll.submission"
    assert event.payload["option"] == {"key": f"s{submission.pk}", "label": "Hola", "cost": None}
    refused(
        lambda: command(
            live_session,
            facilitator,
            "poll.moderate",
            "m2",
            activity_id=activity.pk,
            submission_id=submission.pk,
            decision="reject",
        ),
        "conflict",
        "submission_id",
    )
    assert ProcessedOp.objects.filter(stream=live_session.stream, op_id="m2").count() == 0
    assert Poll.objects.get(pk=poll.pk).options.count() == 3


def frames_for(session, seq, *, participant=None):
    event = StreamEvent.objects.get(stream=session.stream, seq=seq)
    frame = {"seq": seq, "event": event.type, "data": event.payload}
    role = "participant" if participant else "facilitator"
    return visible_frame(frame, role=role, participant_id=participant.pk if participant else None)


@pytest.mark.django_db
def test_submission_events_and_snapshot_per_recipient(live_session, facilitator, ana, beto, alice):
    activity = add_poll(live_session)
    started(live_session, facilitator, activity)
    ana_actor = participant_actor(ana)
    asked = command(
        live_session, ana_actor, "poll.submit", "p1", activity_id=activity.pk, text="Sí"
    )
    rejected = command(
        live_session, ana_actor, "poll.submit", "p2", activity_id=activity.pk, text="No"
    )
    seq = asked["seq"]
    facilitator_view = frames_for(live_session, seq)["data"]["submission"]
    assert facilitator_view == {
        "id": asked["submission_id"],
        "kind": "statement",
        "text": "Sí",
        "status": "pending",
        "participant_id": ana.pk,
    }
    assert frames_for(live_session, seq, participant=ana)["data"]["submission"] == {
        "id": asked["submission_id"],
        "kind": "statement",
        "text": "Sí",
        "status": "pending",
        "mine": True,
    }
    assert frames_for(live_session, seq, participant=beto)["event"] == "hidden"
    approved = command(
        live_session,
        facilitator,
        "poll.moderate",
        "m1",
        activity_id=activity.pk,
        submission_id=asked["submission_id"],
        decision="approve",
    )
    shown = frames_for(live_session, approved["seq"], participant=beto)["data"]
    assert shown["submission"] == {
        "id": asked["submission_id"],
        "kind": "statement",
        "text": "Sí",
        "status": "approved",
        "mine": False,
    }
    assert shown["option"]["label"] == "Sí"
    refusal = command(
        live_session,
        facilitator,
        "poll.moderate",
        "m2",
        activity_id=activity.pk,
        submission_id=rejected["submission_id"],
        decision="reject",
    )
    assert frames_for(live_session, refusal["seq"], participant=beto)["event"] == "hidden"
    mine = frames_for(live_session, refusal["seq"], participant=ana)["data"]
    assert (mine["submission"]["status"], mine["submission"]["mine"]) == ("rejected", True)
    assert "option" not in mine

    def snapshot_submissions(role, participant=None):
        snapshot = session_snapshot(
            live_session.pk,
            role=role,
            participant=participant,
            voter=f"u:{alice.pk}" if participant is None else None,
        )
        return [
            (s["text"], s["status"], s.get("mine")) for s in snapshot["polls"][0]["submissions"]
        ]

    assert snapshot_submissions("facilitator") == [
        ("Sí", "approved", None),
        ("No", "rejected", None),
    ]
    assert snapshot_submissions("participant", ana) == [
        ("Sí", "approved", True),
        ("No", "rejected", True),
    ]
    assert snapshot_submissions("participant", beto) == [("Sí", "approved", False)]
    labels = [
        o["label"]
        for o in session_snapshot(live_session.pk, role="participant", participant=beto)["polls"][
            0
        ]["options"]
    ]
    assert labels == ["Más ciclovías", "Menos autos en el centro", "Sí"]


# --- over the real socket ------------------------------------------------------------------


@pytest.fixture
def alice_cookie(alice) -> str:
    from django.test import Client as HttpClient

    client = HttpClient()
    client.force_login(alice)
    return f"sessionid={client.cookies['sessionid'].value}"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_submissions_over_the_socket(live_session, facilitator, ana, beto, alice_cookie):
    activity = add_poll(live_session)
    started(live_session, facilitator, activity)

    async def scenario():
        a = await Ws(live_session.code, participant_cookie(ana)).open()
        b = await Ws(live_session.code, participant_cookie(beto)).open()
        f = await Ws(live_session.code, alice_cookie).open()
        for ws in (a, b, f):
            assert (await ws.hello())["polls"][0]["submissions"] == []
        await wait_subscribed(live_session.stream, 3)
        ack = await a.command("poll.submit", "p1", activity_id=activity.pk, text="Buses gratis")
        assert ack["type"] == "ack" and ack["result"]["status"] == "pending"
        sid = ack["result"]["submission_id"]
        mine = await a.recv()
        assert mine["event"] == "poll.submission"
        assert (mine["data"]["submission"]["status"], mine["data"]["submission"]["mine"]) == (
            "pending",
            True,
        )
        pending = await f.recv()
        assert pending["data"]["submission"]["text"] == "Buses gratis"
        assert (await b.recv())["event"] == "hidden"
        bad = await f.command("poll.submit", "f1", activity_id=activity.pk, text="x")
        assert error_of(bad) == ("forbidden", None, "f1")
        bad = await b.command("poll.submit", "b1", activity_id=activity.pk, text=" ")
        assert error_of(bad) == ("invalid", "text", "b1")
        bad = await b.command(
            "poll.moderate", "b2", activity_id=activity.pk, submission_id=sid, decision="approve"
        )
        assert error_of(bad)[0] == "forbidden"
        bad = await f.command(
            "poll.moderate", "m0", activity_id=activity.pk, submission_id=sid, decision="maybe"
        )
        assert error_of(bad) == ("invalid", "decision", "m0")
        ack = await f.command(
            "poll.moderate", "m1", activity_id=activity.pk, submission_id=sid, decision="approve"
        )
        assert ack["result"]["status"] == "approved"
        for ws, is_mine in ((a, True), (b, False)):
            frame = await ws.recv()
            assert frame["data"]["submission"] == {
                "id": sid,
                "kind": "statement",
                "text": "Buses gratis",
                "status": "approved",
                "mine": is_mine,
            }
            assert frame["data"]["option"] == {
                "key": f"s{sid}",
                "label": "Buses gratis",
                "cost": None,
            }
        assert (await f.recv())["data"]["option"]["key"] == f"s{sid}"
        # The new statement can be voted on at once.
        ack = await b.command(
            "poll.vote", "v1", activity_id=activity.pk, ballot={f"s{sid}": "agree"}
        )
        assert ack["type"] == "ack", ack
        ack = await b.command("poll.submit", "b3", activity_id=activity.pk, text="Peajes")
        rejected_id = ack["result"]["submission_id"]
        await f.command(
            "poll.moderate",
            "m2",
            activity_id=activity.pk,
            submission_id=rejected_id,
            decision="reject",
        )
        late = await Ws(live_session.code, participant_cookie(ana)).open()
        texts = [s["text"] for s in (await late.hello())["polls"][0]["submissions"]]
        assert texts == ["Buses gratis"]
        author = await Ws(live_session.code, participant_cookie(beto)).open()
        own = (await author.hello())["polls"][0]["submissions"]
        assert [(s["text"], s["status"], s["mine"]) for s in own] == [
            ("Buses gratis", "approved", False),
            ("Peajes", "rejected", True),
        ]
        for ws in (a, b, f, late, author):
            await ws.close()

    run(scenario())
