"""Transient database errors (SQLite "database is locked", PostgreSQL serialization
failures and deadlocks) rerun the whole command or vote: exactly one write, the same
answer, a gap-free stream; permanent errors give up after the bound.

Transactional tests: the retry only reruns an outermost transaction, and pytest's
usual per-test transaction would make every call nested."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import IntegrityError, OperationalError, connection

from cocrea.realtime import retry
from cocrea.realtime import services as realtime_services
from cocrea.realtime.models import ProcessedOp, StreamEvent
from sessions import live
from sessions.models import Question
from tests.sessions.conftest import participant_actor
from voting import services as voting
from voting.models import Ballot, Participation, Poll

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LOCKED = "database is locked"


class PgError(Exception):
    """Stands in for a psycopg error: Django keeps the driver's error as __cause__."""

    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"SQLSTATE {sqlstate}")
        self.sqlstate = sqlstate


def wrapped(sqlstate: str) -> OperationalError:
    error = OperationalError(f"SQLSTATE {sqlstate}")
    error.__cause__ = PgError(sqlstate)
    return error


@pytest.fixture(autouse=True)
def no_backoff_sleep(monkeypatch) -> list[float]:
    """Record the back-off instead of sleeping it (the lock test restores sleeping)."""
    slept: list[float] = []
    monkeypatch.setattr(retry, "sleep", slept.append)
    return slept


@pytest.fixture
def broadcasts(monkeypatch) -> list[tuple[str, int]]:
    """Every broadcast after commit, as (stream, seq): a rolled-back attempt sends none."""
    sent: list[tuple[str, int]] = []
    monkeypatch.setattr(
        realtime_services, "broadcast", lambda stream, frame: sent.append((stream, frame["seq"]))
    )
    return sent


def failing(monkeypatch, model: type, error: Callable[[], Exception], times: int) -> list[int]:
    """Make ``model.save`` raise ``error()`` the first ``times`` calls (inside the
    transaction, after earlier writes of it: the rollback must undo those)."""
    calls: list[int] = []
    original = model.save

    def save(self: Any, *args: Any, **kwargs: Any) -> None:
        calls.append(1)
        if len(calls) <= times:
            raise error()
        original(self, *args, **kwargs)

    monkeypatch.setattr(model, "save", save)
    return calls


def command(session, actor, type: str, op_id: str, **data: Any):
    return live.session_command(
        session_id=session.pk, actor=actor, type=type, data=data, op_id=op_id
    )


def seqs(session) -> list[int]:
    return list(
        StreamEvent.objects.filter(stream=session.stream)
        .order_by("seq")
        .values_list("seq", flat=True)
    )


def open_qa(session, facilitator, qa) -> None:
    command(session, facilitator, "session.start", "start")
    command(session, facilitator, "activity.goto", "goto", activity_id=qa.pk)


# --- classification ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (OperationalError(LOCKED), True),
        (OperationalError("database table is locked"), True),
        (sqlite3.OperationalError(LOCKED), True),
        (wrapped("40001"), True),  # serialization_failure
        (wrapped("40P01"), True),  # deadlock_detected
        (wrapped("55P03"), True),  # lock_not_available
        (OperationalError("no such table: sessions_question"), False),
        (wrapped("57P01"), False),  # admin_shutdown: not a lock, do not rerun
        (IntegrityError("UNIQUE constraint failed"), False),
        (ValueError(LOCKED), False),
    ],
)
def test_what_counts_as_transient(error: Exception, transient: bool) -> None:
    assert retry.is_transient(error) is transient


def test_backoff_is_jittered_and_bounded() -> None:
    waits = [retry.backoff(attempt) for attempt in (1, 2, 3, 10) for _ in range(50)]
    assert all(0 <= wait <= retry.MAX_DELAY for wait in waits)
    assert len(set(waits)) > 100  # random, so colliding writers spread out


# --- injected failures ------------------------------------------------------------------


@pytest.mark.parametrize("error", [lambda: OperationalError(LOCKED), lambda: wrapped("40001")])
def test_a_question_retried_is_written_once(
    monkeypatch, agenda, live_session, facilitator, ana, broadcasts, no_backoff_sleep, error
):
    _slide, qa = agenda
    open_qa(live_session, facilitator, qa)
    before = seqs(live_session)
    broadcasts.clear()
    calls = failing(monkeypatch, ProcessedOp, error, times=2)

    result, duplicate = command(
        live_session, participant_actor(ana), "qa.ask", "ask-1", text="¿Y el presupuesto?"
    )

    assert len(calls) == 3 and len(no_backoff_sleep) == 2
    assert not duplicate
    question = Question.objects.get()
    assert result == {"seq": before[-1] + 1, "question_id": question.pk}
    # The rolled-back attempts took no seq and sent nothing.
    assert seqs(live_session) == [*before, before[-1] + 1]
    assert broadcasts == [(live_session.stream, before[-1] + 1)]
    assert ProcessedOp.objects.filter(op_id="ask-1").count() == 1
    # The client resends (it never saw the ack): the same answer, nothing new.
    again = command(
        live_session, participant_actor(ana), "qa.ask", "ask-1", text="¿Y el presupuesto?"
    )
    assert again == (result, True)
    assert Question.objects.count() == 1 and len(seqs(live_session)) == len(before) + 1


def vote_setup(live_session, facilitator) -> Any:
    activity = live.activity_add(
        session=live_session,
        kind="poll",
        title="Prioridad",
        poll_spec={
            "method": "approval",
            "options": [{"key": "a", "label": "Parque"}, {"key": "b", "label": "Biblioteca"}],
            "settings": {"min_choices": 1, "max_choices": 1},
        },
    )
    command(live_session, facilitator, "session.start", "start")
    command(live_session, facilitator, "activity.goto", "goto", activity_id=activity.pk)
    command(live_session, facilitator, "poll.open", "open", activity_id=activity.pk)
    return activity


def test_a_vote_retried_through_the_session_is_counted_once(
    monkeypatch, live_session, facilitator, ana, broadcasts
):
    activity = vote_setup(live_session, facilitator)
    before = seqs(live_session)
    broadcasts.clear()
    # The ballot row is written after the participation: the rollback must undo both.
    calls = failing(monkeypatch, Ballot, lambda: wrapped("40P01"), times=2)

    result, duplicate = command(
        live_session,
        participant_actor(ana),
        "poll.vote",
        "v-1",
        activity_id=activity.pk,
        ballot=["a"],
    )

    assert len(calls) == 3 and not duplicate
    poll = Poll.objects.get(activity=activity)
    assert Participation.objects.filter(poll=poll).count() == 1
    assert Ballot.objects.filter(poll=poll).count() == 1
    assert poll.live_counts["options"]["a"] == {"approvals": 1}
    assert poll.live_counts["ballots"] == 1
    # A vote right after the opening leaves its poll.results pending (at most two a
    # second): the answer is the head, and any event it did append is there once.
    after = seqs(live_session)
    assert after == list(range(1, len(after) + 1)) and after[-1] == result["seq"]
    assert broadcasts == [(live_session.stream, seq) for seq in after[len(before) :]]
    again, duplicate = command(
        live_session,
        participant_actor(ana),
        "poll.vote",
        "v-1",
        activity_id=activity.pk,
        ballot=["a"],
    )
    assert duplicate and again["receipt"] == result["receipt"]
    assert Ballot.objects.filter(poll=poll).count() == 1


def test_ballot_cast_alone_retries_its_own_transaction(monkeypatch, live_session, facilitator, ana):
    """The HTTP paths call ballot_cast outside any transaction: it reruns by itself."""
    activity = vote_setup(live_session, facilitator)
    poll = Poll.objects.get(activity=activity)
    calls = failing(monkeypatch, Participation, lambda: OperationalError(LOCKED), times=1)

    receipt = voting.ballot_cast(poll=poll, voter_key="u:99", content=["b"], op_id="web-1")

    assert len(calls) == 2
    assert Participation.objects.filter(poll=poll).count() == 1
    assert Ballot.objects.filter(poll=poll).count() == 1
    assert voting.ballot_cast(poll=poll, voter_key="u:99", content=["b"], op_id="web-1") == receipt


def test_a_permanent_lock_gives_up_after_the_bound(
    monkeypatch, agenda, live_session, facilitator, ana, broadcasts
):
    _slide, qa = agenda
    open_qa(live_session, facilitator, qa)
    before = seqs(live_session)
    broadcasts.clear()
    calls = failing(monkeypatch, ProcessedOp, lambda: OperationalError(LOCKED), times=10**6)

    with pytest.raises(OperationalError, match="locked"):
        command(live_session, participant_actor(ana), "qa.ask", "ask-x", text="¿Hola?")

    assert len(calls) == retry.ATTEMPTS
    assert not Question.objects.exists() and seqs(live_session) == before and not broadcasts


def test_other_errors_are_not_retried(monkeypatch, agenda, live_session, facilitator, ana):
    _slide, qa = agenda
    open_qa(live_session, facilitator, qa)
    calls = failing(monkeypatch, ProcessedOp, lambda: OperationalError("disk I/O error"), 1)
    with pytest.raises(OperationalError, match="disk"):
        command(live_session, participant_actor(ana), "qa.ask", "ask-y", text="¿Hola?")
    assert len(calls) == 1 and not Question.objects.exists()


def test_inside_an_outer_transaction_the_error_goes_to_its_owner(
    monkeypatch, agenda, live_session, facilitator, ana
):
    """A nested call cannot rerun a transaction it does not own (PostgreSQL has
    already aborted it): it raises at once, for the outermost caller to retry."""
    from django.db import transaction

    _slide, qa = agenda
    open_qa(live_session, facilitator, qa)
    calls = failing(monkeypatch, ProcessedOp, lambda: wrapped("40001"), times=1)
    with pytest.raises(OperationalError), transaction.atomic():
        command(live_session, participant_actor(ana), "qa.ask", "ask-z", text="¿Hola?")
    assert len(calls) == 1 and not Question.objects.exists()


# --- a real lock: another writer holds SQLite's write lock -----------------------------


@pytest.fixture
def short_busy_timeout() -> Iterator[None]:
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's file lock; PostgreSQL is covered by the injected errors")
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout = 100")  # ms: fail fast instead of 20 s
    yield
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout = 20000")


def hold_write_lock(seconds: float, locked: threading.Event) -> threading.Thread:
    def run() -> None:
        other = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            locked.set()
            time.sleep(seconds)
            other.execute("COMMIT")
        finally:
            other.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_real_concurrent_writer_delays_but_does_not_lose_the_command(
    monkeypatch, short_busy_timeout, agenda, live_session, facilitator, ana, broadcasts
):
    monkeypatch.setattr(retry, "sleep", time.sleep)
    monkeypatch.setattr(retry, "ATTEMPTS", 30)  # 30 × (100 ms + back-off) ≫ the hold
    _slide, qa = agenda
    open_qa(live_session, facilitator, qa)
    before = seqs(live_session)
    broadcasts.clear()
    attempts = failing(monkeypatch, ProcessedOp, lambda: AssertionError("unused"), times=0)
    begins: list[str] = []
    original = retry.is_transient
    monkeypatch.setattr(retry, "is_transient", lambda exc: begins.append(str(exc)) or original(exc))

    locked = threading.Event()
    holder = hold_write_lock(0.6, locked)
    assert locked.wait(5)
    started = time.monotonic()
    try:
        result, duplicate = command(
            live_session, participant_actor(ana), "qa.ask", "ask-lock", text="¿Se bloquea?"
        )
    finally:
        holder.join()
    assert time.monotonic() - started >= 0.5  # it did wait for the other writer
    assert begins and all(LOCKED in message for message in begins)
    assert len(attempts) == 1  # only the last attempt got past BEGIN IMMEDIATE
    assert not duplicate and Question.objects.count() == 1
    assert seqs(live_session) == [*before, before[-1] + 1] == [*before, result["seq"]]
    assert broadcasts == [(live_session.stream, result["seq"])]


def test_a_lock_held_too_long_fails_cleanly_and_the_resend_applies_once(
    monkeypatch, short_busy_timeout, agenda, live_session, facilitator, ana
):
    monkeypatch.setattr(retry, "ATTEMPTS", 2)
    _slide, qa = agenda
    open_qa(live_session, facilitator, qa)
    before = seqs(live_session)
    locked = threading.Event()
    holder = hold_write_lock(1.0, locked)
    assert locked.wait(5)
    try:
        with pytest.raises(OperationalError, match="locked"):
            command(live_session, participant_actor(ana), "qa.ask", "ask-late", text="¿Tarde?")
    finally:
        holder.join()
    assert not Question.objects.exists() and seqs(live_session) == before
    # No ack went out, so the client resends the same op_id: applied now, once.
    result, duplicate = command(
        live_session, participant_actor(ana), "qa.ask", "ask-late", text="¿Tarde?"
    )
    assert not duplicate and Question.objects.count() == 1
    assert seqs(live_session) == [*before, result["seq"]]
