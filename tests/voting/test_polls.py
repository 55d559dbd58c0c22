"""Polls with secret, verifiable ballots: lifecycle, casting, secrecy, receipts."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from cocrea.realtime.models import ProcessedOp
from sessions import live
from voting import receipts, selectors, services
from voting.models import (
    Ballot,
    Eligibility,
    Participation,
    Poll,
    PollAudit,
    PollAuditAction,
    PollStatus,
)
from voting.services import OptionInput

OPTIONS = [OptionInput("a", "Parque"), OptionInput("b", "Biblioteca"), OptionInput("c", "Vía")]


def make_poll(entity, method: str = "approval", **kwargs) -> Poll:
    kwargs.setdefault("options", OPTIONS)
    kwargs.setdefault("settings", {"min_choices": 1, "max_choices": 2})
    kwargs.setdefault("eligibility", Eligibility.ENTITY)
    return services.poll_create(entity=entity, title="Prioridades", method=method, **kwargs)


def opened(entity, **kwargs) -> Poll:
    return services.poll_open(poll=make_poll(entity, **kwargs))


def code_of(error: ValidationError) -> str | None:
    return error.error_list[0].code


# --- lifecycle ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_lifecycle_draft_open_closed_published(entity, alice):
    poll = make_poll(entity, created_by=alice)
    assert poll.status == PollStatus.DRAFT
    assert [o.key for o in poll.options.all()] == ["a", "b", "c"]
    services.poll_open(poll=poll, actor=alice)
    assert poll.status == PollStatus.OPEN and poll.opened_at is not None
    services.poll_close(poll=poll, actor=alice)
    assert poll.status == PollStatus.CLOSED and poll.closed_at is not None
    services.poll_publish(poll=poll, actor=alice)
    assert poll.status == PollStatus.PUBLISHED and poll.published_at is not None
    assert list(poll.audit.values_list("action", flat=True)) == [
        "create",
        "open",
        "close",
        "publish",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("step", "status"),
    [
        ("poll_close", PollStatus.DRAFT),
        ("poll_publish", PollStatus.DRAFT),
        ("poll_publish", PollStatus.OPEN),
        ("poll_open", PollStatus.OPEN),
        ("poll_open", PollStatus.CLOSED),
    ],
)
def test_transitions_out_of_order_are_refused(entity, step, status):
    poll = make_poll(entity)
    if status != PollStatus.DRAFT:
        services.poll_open(poll=poll)
    if status == PollStatus.CLOSED:
        services.poll_close(poll=poll)
    with pytest.raises(ValidationError) as caught:
        getattr(services, step)(poll=poll)
    assert code_of(caught.value) == "bad_status"
    poll.refresh_from_db()
    assert poll.status == status


@pytest.mark.django_db
def test_settings_and_options_are_frozen_once_open(entity):
    poll = make_poll(entity)
    services.poll_configure(poll=poll, settings={"min_choices": 1, "max_choices": 3})
    services.poll_open(poll=poll)
    for change in (
        {"settings": {"max_choices": 1}},
        {"options": [OptionInput("z", "Otra")]},
        {"title": "Otro título"},
        {"allow_change": True},
    ):
        with pytest.raises(ValidationError) as caught:
            services.poll_configure(poll=poll, **change)
        assert code_of(caught.value) == "frozen"
    poll.refresh_from_db()
    assert poll.settings == {"min_choices": 1, "max_choices": 3}
    assert [o.key for o in poll.options.all()] == ["a", "b", "c"]


@pytest.mark.django_db
def test_reset_discards_votes_unfreezes_and_is_audited(entity, alice):
    poll = opened(entity)
    code = services.ballot_cast(poll=poll, voter_key="u:1", content=["a"], op_id="x")
    services.ballot_cast(poll=poll, voter_key="u:2", content=["b"])
    services.poll_reset(poll=poll, actor=alice, reason="Opción mal escrita")
    assert poll.status == PollStatus.DRAFT
    assert not Ballot.objects.filter(poll=poll).exists()
    assert not Participation.objects.filter(poll=poll).exists()
    assert not ProcessedOp.objects.filter(stream=poll.stream).exists()
    assert not selectors.receipt_counted(poll, code)
    audit = PollAudit.objects.get(poll=poll, action=PollAuditAction.RESET)
    assert audit.actor == alice
    assert audit.detail == {
        "reason": "Opción mal escrita",
        "previous_status": "open",
        "ballots": 2,
        "participations": 2,
    }
    services.poll_configure(poll=poll, options=[*OPTIONS[1:], OptionInput("a", "Parque nuevo")])
    services.poll_open(poll=poll)
    services.ballot_cast(poll=poll, voter_key="u:1", content=["a"])


@pytest.mark.django_db
def test_open_refuses_an_invalid_configuration(entity):
    poll = make_poll(entity, settings={"min_choices": 1, "max_choices": 7})
    with pytest.raises(ValidationError) as caught:
        services.poll_open(poll=poll)
    assert code_of(caught.value) == "invalid_parameter"
    empty = make_poll(entity, options=[])
    with pytest.raises(ValidationError) as caught:
        services.poll_open(poll=empty)
    assert code_of(caught.value) == "no_options"


@pytest.mark.django_db
def test_create_checks_method_and_activity(entity, live_session):
    with pytest.raises(ValidationError) as caught:
        make_poll(entity, method="dictator")
    assert "method" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        make_poll(entity, eligibility=Eligibility.SESSION)
    assert "eligibility" in caught.value.message_dict
    slide = live.activity_add(session=live_session, kind="slide", title="Hola")
    with pytest.raises(ValidationError) as caught:
        make_poll(entity, activity=slide, eligibility=Eligibility.SESSION)
    assert "activity" in caught.value.message_dict
    activity = live.activity_add(session=live_session, kind="poll", title="¿Qué priorizar?")
    poll = make_poll(entity, activity=activity, eligibility=Eligibility.SESSION)
    assert activity.poll == poll


# --- casting -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "code"),
    [
        (["a", "b", "c"], "too_many_choices"),
        ([], "too_few_choices"),
        (["a", "a"], "duplicate_choice"),
        (["x"], "unknown_option"),
        ("a", "invalid_ballot"),
    ],
)
def test_invalid_ballots_are_rejected_with_the_methods_code(entity, content, code):
    poll = opened(entity)
    with pytest.raises(ValidationError) as caught:
        services.ballot_cast(poll=poll, voter_key="u:1", content=content)
    assert code_of(caught.value) == code
    assert code in caught.value.messages[0]
    assert not Participation.objects.exists() and not Ballot.objects.exists()


@pytest.mark.django_db
def test_budget_ballot_over_budget(entity):
    poll = opened(
        entity,
        method="budget",
        options=[OptionInput("p1", "Parque", 60), OptionInput("p2", "Vía", 50)],
        settings={"budget": 100},
    )
    with pytest.raises(ValidationError) as caught:
        services.ballot_cast(poll=poll, voter_key="u:1", content=["p1", "p2"])
    assert code_of(caught.value) == "over_budget"
    services.ballot_cast(poll=poll, voter_key="u:1", content=["p1"])
    assert selectors.tally(poll).method == "budget"


@pytest.mark.django_db
def test_vote_before_open_and_after_close_is_refused(entity):
    poll = make_poll(entity)
    with pytest.raises(ValidationError) as caught:
        services.ballot_cast(poll=poll, voter_key="u:1", content=["a"])
    assert code_of(caught.value) == "not_open"
    services.poll_open(poll=poll)
    services.poll_close(poll=poll)
    with pytest.raises(ValidationError) as caught:
        services.ballot_cast(poll=poll, voter_key="u:1", content=["a"])
    assert code_of(caught.value) == "closed"
    services.poll_publish(poll=poll)
    with pytest.raises(ValidationError) as caught:
        services.ballot_cast(poll=poll, voter_key="u:1", content=["a"])
    assert code_of(caught.value) == "closed"
    assert not Ballot.objects.exists()


@pytest.mark.django_db
def test_second_vote_is_refused_and_tally_counts_once(entity):
    poll = opened(entity, method="single", settings={})
    services.ballot_cast(poll=poll, voter_key="u:1", content="a")
    services.ballot_cast(poll=poll, voter_key="u:2", content="b")
    services.ballot_cast(poll=poll, voter_key="u:3", content="a")
    with pytest.raises(ValidationError) as caught:
        services.ballot_cast(poll=poll, voter_key="u:1", content="b")
    assert code_of(caught.value) == "already_voted"
    result = selectors.tally(poll)
    assert result.counts == {"a": 2, "b": 1, "c": 0}
    assert result.winner == "a"


@pytest.mark.django_db
def test_retried_op_id_returns_the_same_receipt_and_stores_nothing(entity):
    poll = opened(entity)
    code = services.ballot_cast(poll=poll, voter_key="u:1", content=["a"], op_id="op-1")
    again = services.ballot_cast(poll=poll, voter_key="u:1", content=["b"], op_id="op-1")
    assert again == code
    assert Ballot.objects.filter(poll=poll).count() == 1
    assert Participation.objects.filter(poll=poll).count() == 1
    with pytest.raises(ValidationError) as caught:
        services.ballot_cast(poll=poll, voter_key="u:1", content=["b"], op_id="op-2")
    assert code_of(caught.value) == "already_voted"


@pytest.mark.django_db
def test_close_deletes_the_retry_records_that_link_voter_and_receipt(entity):
    poll = opened(entity)
    services.ballot_cast(poll=poll, voter_key="u:1", content=["a"], op_id="op-1")
    assert ProcessedOp.objects.filter(stream=poll.stream).count() == 1
    services.poll_close(poll=poll)
    assert not ProcessedOp.objects.filter(stream=poll.stream).exists()
    with pytest.raises(ValidationError) as caught:
        services.ballot_cast(poll=poll, voter_key="u:1", content=["a"], op_id="op-1")
    assert code_of(caught.value) == "closed"


@pytest.mark.django_db
def test_retry_records_older_than_the_window_are_pruned(entity):
    poll = opened(entity)
    services.ballot_cast(poll=poll, voter_key="u:1", content=["a"], op_id="op-1")
    ProcessedOp.objects.filter(stream=poll.stream).update(
        created=models.F("created") - services.RETRY_WINDOW * 2
    )
    services.ballot_cast(poll=poll, voter_key="u:2", content=["a"], op_id="op-2")
    assert list(ProcessedOp.objects.filter(stream=poll.stream).values_list("actor", flat=True)) == [
        "u:2"
    ]


def race(*jobs) -> list:
    """Run each job in its own thread (own connection), released together."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def runner(index, job):
        try:
            barrier.wait(timeout=30)
            results[index] = job()
        except BaseException as exc:  # reported by the caller
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive()
    return results


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_100_concurrent_votes_by_one_voter_store_exactly_one(entity):
    poll = opened(entity)
    results = race(
        *[
            lambda i=i: services.ballot_cast(
                poll=poll, voter_key="u:7", content=[["a"], ["b"], ["c"]][i % 3]
            )
            for i in range(100)
        ]
    )
    codes = [r for r in results if isinstance(r, str)]
    errors = [r for r in results if not isinstance(r, str)]
    assert len(codes) == 1
    assert len(errors) == 99
    assert all(isinstance(e, ValidationError) and code_of(e) == "already_voted" for e in errors)
    assert Participation.objects.filter(poll=poll).count() == 1
    assert Ballot.objects.filter(poll=poll).count() == 1
    assert selectors.receipt_counted(poll, codes[0])
    assert selectors.verify_chain(selectors.bulletin(poll))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_retries_of_one_op_id_store_one_and_share_the_receipt(entity):
    poll = opened(entity)
    results = race(
        *[
            lambda: services.ballot_cast(poll=poll, voter_key="u:8", content=["a"], op_id="same")
            for _ in range(20)
        ]
    )
    assert all(isinstance(r, str) for r in results), results
    assert len(set(results)) == 1
    assert Ballot.objects.filter(poll=poll).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_distinct_voters_extend_one_valid_chain(entity):
    poll = opened(entity)
    results = race(
        *[
            lambda i=i: services.ballot_cast(poll=poll, voter_key=f"u:{i}", content=["a"])
            for i in range(30)
        ]
    )
    assert all(isinstance(r, str) for r in results), results
    board = selectors.bulletin(poll)
    assert [entry["position"] for entry in board] == list(range(1, 31))
    assert selectors.verify_chain(board)
    assert all(selectors.receipt_counted(poll, code) for code in results)


# --- secrecy -----------------------------------------------------------------------------


def test_no_column_links_ballot_and_participation():
    ballot_fields = {f.name: f for f in Ballot._meta.get_fields()}
    participation_fields = {f.name: f for f in Participation._meta.get_fields()}
    for fields in (ballot_fields, participation_fields):
        for field in fields.values():
            if field.is_relation:
                # The only relation either has is to the poll (and nothing points to them).
                assert field.related_model is Poll, field
                assert field.name == "poll"
            assert not isinstance(field, models.DateField | models.DateTimeField | models.TimeField)
            assert not isinstance(field, models.AutoField | models.BigAutoField), (
                "sequential ids would pair the n-th participation with the n-th ballot"
            )
    assert set(participation_fields) == {"id", "poll", "voter_key"}
    assert set(ballot_fields) == {
        "id",
        "poll",
        "position",
        "content",
        "receipt_hash",
        "replaces",
        "chain_hash",
        "superseded",
    }
    assert isinstance(ballot_fields["id"], models.UUIDField)
    assert isinstance(participation_fields["id"], models.UUIDField)
    assert ballot_fields["id"].default is uuid.uuid4
    assert not Participation._meta.ordering
    shared = {f.column for f in Ballot._meta.concrete_fields if f.name not in ("id", "poll")} & {
        f.column for f in Participation._meta.concrete_fields if f.name not in ("id", "poll")
    }
    assert shared == set()


@pytest.mark.django_db
def test_stored_rows_carry_no_voter_in_ballots(entity):
    poll = opened(entity)
    code = services.ballot_cast(poll=poll, voter_key="u:secreto", content=["a"], op_id="o")
    services.poll_close(poll=poll)
    for row in Ballot.objects.filter(poll=poll).values():
        assert "u:secreto" not in repr(row)
        assert code not in repr(row)
    for row in Participation.objects.filter(poll=poll).values():
        assert code not in repr(row)
    assert not ProcessedOp.objects.filter(result__receipt=code).exists()


# --- receipts and the bulletin -----------------------------------------------------------


@pytest.mark.django_db
def test_receipts_are_counted_after_close_and_the_chain_verifies(entity):
    poll = opened(entity)
    codes = [
        services.ballot_cast(poll=poll, voter_key=f"u:{i}", content=content)
        for i, content in enumerate([["a"], ["b", "c"], ["a", "c"]])
    ]
    services.poll_close(poll=poll)
    assert all(selectors.receipt_counted(poll, code) for code in codes)
    assert not selectors.receipt_counted(poll, receipts.new_code())
    board = selectors.bulletin(poll)
    assert [e["content"] for e in board] == [["a"], ["b", "c"], ["a", "c"]]
    assert {e["receipt_hash"] for e in board} == {
        receipts.receipt_hash(poll.salt, code) for code in codes
    }
    assert selectors.verify_chain(board)
    assert selectors.tally(poll).counts == {"a": 2, "b": 1, "c": 2}


@pytest.mark.django_db
def test_tampering_with_a_ballot_breaks_the_chain(entity):
    poll = opened(entity)
    for i, content in enumerate([["a"], ["b"], ["c"]]):
        services.ballot_cast(poll=poll, voter_key=f"u:{i}", content=content)
    Ballot.objects.filter(poll=poll, position=2).update(content=["a"])
    assert not selectors.verify_chain(selectors.bulletin(poll))

    board = selectors.bulletin(poll)
    Ballot.objects.filter(poll=poll, position=2).update(content=["b"])
    assert selectors.verify_chain(selectors.bulletin(poll))
    del board[1]  # a dropped ballot
    assert not selectors.verify_chain(board)
    board = selectors.bulletin(poll)
    board[0]["superseded"] = True  # a ballot wrongly left out of the count
    assert not selectors.verify_chain(board)
    board = selectors.bulletin(poll)
    board[0], board[1] = board[1], board[0]  # reordered
    assert not selectors.verify_chain(board)


@pytest.mark.django_db
def test_allow_change_replaces_only_with_the_right_code(entity):
    poll = opened(entity, allow_change=True)
    first = services.ballot_cast(poll=poll, voter_key="u:1", content=["a"])
    other = services.ballot_cast(poll=poll, voter_key="u:2", content=["b"])

    for wrong in (receipts.new_code(), "", first + "x"):
        with pytest.raises(ValidationError) as caught:
            services.ballot_change(poll=poll, voter_key="u:1", receipt_code=wrong, content=["c"])
        assert code_of(caught.value) == "bad_receipt"
    with pytest.raises(ValidationError) as caught:  # someone who has not voted
        services.ballot_change(poll=poll, voter_key="u:9", receipt_code=first, content=["c"])
    assert code_of(caught.value) == "not_voted"
    with pytest.raises(ValidationError) as caught:  # an invalid new ballot changes nothing
        services.ballot_change(poll=poll, voter_key="u:1", receipt_code=first, content=["x"])
    assert code_of(caught.value) == "unknown_option"
    assert Ballot.objects.filter(poll=poll).count() == 2

    second = services.ballot_change(poll=poll, voter_key="u:1", receipt_code=first, content=["c"])
    assert second != first
    assert not selectors.receipt_counted(poll, first)
    assert selectors.receipt_counted(poll, second)
    assert selectors.receipt_counted(poll, other)
    with pytest.raises(ValidationError) as caught:  # the old code is spent
        services.ballot_change(poll=poll, voter_key="u:1", receipt_code=first, content=["b"])
    assert code_of(caught.value) == "bad_receipt"

    board = selectors.bulletin(poll)
    assert [(e["content"], e["superseded"]) for e in board] == [
        (["a"], True),
        (["b"], False),
        (["c"], False),
    ]
    assert board[2]["replaces"] == board[0]["receipt_hash"]
    assert selectors.verify_chain(board)
    assert selectors.tally(poll).counts == {"a": 0, "b": 1, "c": 1}
    assert Participation.objects.filter(poll=poll).count() == 2


@pytest.mark.django_db
def test_change_refused_when_not_allowed(entity):
    poll = opened(entity)
    code = services.ballot_cast(poll=poll, voter_key="u:1", content=["a"])
    with pytest.raises(ValidationError) as caught:
        services.ballot_change(poll=poll, voter_key="u:1", receipt_code=code, content=["b"])
    assert code_of(caught.value) == "change_not_allowed"


@pytest.mark.django_db
def test_results_visibility(entity):
    live_poll = make_poll(entity, results_visibility="live")
    later = make_poll(entity, results_visibility="after_close")
    publish = make_poll(entity, results_visibility="on_publish")
    polls = (live_poll, later, publish)
    assert [selectors.results_visible(p) for p in polls] == [False, False, False]
    for p in polls:
        services.poll_open(poll=p)
    assert [selectors.results_visible(p) for p in polls] == [True, False, False]
    for p in polls:
        services.poll_close(poll=p)
    assert [selectors.results_visible(p) for p in polls] == [True, True, False]
    for p in polls:
        services.poll_publish(poll=p)
    assert [selectors.results_visible(p) for p in polls] == [True, True, True]


# --- state machine -----------------------------------------------------------------------


VOTERS = [f"u:{i}" for i in range(5)]
CONTENTS = [["a"], ["b"], ["a", "c"], ["c", "b"], ["a", "b", "c"], ["x"]]


class PollMachine(RuleBasedStateMachine):
    """Random votes, re-votes (with the right, a stale or a wrong code), retries, close
    and reopen attempts: stored ballots in force always equal the distinct voters."""

    entity = None  # set by the test

    def __init__(self) -> None:
        super().__init__()
        self.poll = opened(self.entity, allow_change=True)
        self.voted: set[str] = set()
        self.codes: dict[str, str] = {}  # the voter's current receipt code
        self.spent: list[str] = []
        self.ops: dict[tuple[str, str], str] = {}  # (voter, op_id) → receipt, before close

    @rule(voter=st.sampled_from(VOTERS), content=st.sampled_from(CONTENTS), op=st.integers(0, 3))
    def vote(self, voter, content, op):
        op_id = f"op-{op}"
        retry = (voter, op_id) in self.ops and self.poll.status == PollStatus.OPEN
        try:
            code = services.ballot_cast(
                poll=self.poll, voter_key=voter, content=content, op_id=op_id
            )
        except ValidationError as exc:
            assert not retry
            expected = (
                "closed"
                if self.poll.status != PollStatus.OPEN
                else "unknown_option"
                if content == ["x"]
                else "too_many_choices"
                if len(content) > 2
                else "already_voted"
            )
            assert code_of(exc) == expected
            return
        if retry:
            assert code == self.ops[(voter, op_id)]
            return
        assert voter not in self.voted and content in CONTENTS[:4]
        self.voted.add(voter)
        self.codes[voter] = code
        self.ops[(voter, op_id)] = code

    @precondition(lambda self: self.codes)
    @rule(data=st.data(), content=st.sampled_from(CONTENTS[:4]), which=st.integers(0, 2))
    def revote(self, data, content, which):
        voter = data.draw(st.sampled_from(sorted(self.codes)))
        code = [self.codes[voter], receipts.new_code(), *(self.spent or ["?"])][which]
        try:
            new = services.ballot_change(
                poll=self.poll, voter_key=voter, receipt_code=code, content=content
            )
        except ValidationError as exc:
            if self.poll.status != PollStatus.OPEN:
                assert code_of(exc) == "closed"
            else:
                assert which != 0 and code_of(exc) == "bad_receipt"
            return
        assert which == 0
        self.spent.append(code)
        self.codes[voter] = new

    @rule()
    def close(self):
        if self.poll.status == PollStatus.OPEN:
            services.poll_close(poll=self.poll)
            self.ops.clear()
        else:
            with pytest.raises(ValidationError):
                services.poll_close(poll=self.poll)

    @rule()
    def reopen(self):
        with pytest.raises(ValidationError) as caught:
            services.poll_open(poll=self.poll)
        assert code_of(caught.value) == "bad_status"

    @invariant()
    def one_ballot_in_force_per_voter(self):
        in_force = Ballot.objects.filter(poll=self.poll, superseded=False).count()
        voters = Participation.objects.filter(poll=self.poll).count()
        assert in_force == voters == len(self.voted)
        assert selectors.verify_chain(selectors.bulletin(self.poll))
        assert all(selectors.receipt_counted(self.poll, c) for c in self.codes.values())
        assert not any(selectors.receipt_counted(self.poll, c) for c in self.spent)
        assert sum(selectors.tally(self.poll).counts.values()) <= 2 * len(self.voted)


@pytest.mark.django_db
def test_state_machine_keeps_one_ballot_per_voter(entity):
    PollMachine.entity = entity
    run_state_machine_as_test(
        PollMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


@pytest.mark.django_db
def test_mapping_ballots_round_trip_through_storage(entity):
    poll = opened(entity, method="score", settings={"min_score": 1, "max_score": 5})
    services.ballot_cast(poll=poll, voter_key="u:1", content={"c": 5, "a": 1, "b": 3})
    services.ballot_cast(poll=poll, voter_key="u:2", content={"a": 5, "b": 3, "c": 2})
    with pytest.raises(ValidationError) as caught:
        services.ballot_cast(poll=poll, voter_key="u:3", content={"a": 9, "b": 3, "c": 2})
    assert caught.value.error_list[0].params["field"] == "a"
    assert selectors.verify_chain(selectors.bulletin(poll))
    assert selectors.tally(poll).method == "score"
