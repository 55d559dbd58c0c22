"""The event stream: gap-free numbering per stream, broadcast after commit, replay."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from cocrea.realtime import services
from cocrea.realtime.models import StreamEvent, StreamHead
from cocrea.realtime.selectors import events_after, stream_head
from cocrea.realtime.services import event_append, group_name, stream_prune


class Boom(Exception):
    pass


@pytest.fixture
def sent(monkeypatch):
    """Every broadcast, as ``(stream, frame)``, instead of the channel layer."""
    calls: list[tuple[str, dict]] = []
    lock = threading.Lock()

    def record(stream, frame):
        with lock:
            calls.append((stream, frame))

    monkeypatch.setattr(services, "broadcast", record)
    return calls


def append(stream: str, type: str = "tick", **payload) -> StreamEvent:
    with transaction.atomic():
        return event_append(stream=stream, type=type, payload=payload)


def seqs(stream: str) -> list[int]:
    return list(
        StreamEvent.objects.filter(stream=stream).order_by("seq").values_list("seq", flat=True)
    )


def test_group_name_is_a_valid_channel_group():
    assert group_name("session:42") == "stream.session.42"


@pytest.mark.django_db
def test_seq_counts_per_stream_independently(sent):
    assert [append("session:1").seq for _ in range(3)] == [1, 2, 3]
    assert [append("session:2").seq for _ in range(2)] == [1, 2]
    assert append("session:1").seq == 4
    assert seqs("session:1") == [1, 2, 3, 4]
    assert seqs("session:2") == [1, 2]
    assert stream_head("session:1") == 4
    assert stream_head("session:2") == 2
    assert stream_head("session:3") == 0


@pytest.mark.django_db
def test_event_row_and_frame(sent):
    event = append("session:1", "session.input", locked=True)
    row = StreamEvent.objects.get(stream="session:1", seq=1)
    assert (row.type, row.payload) == ("session.input", {"locked": True})
    assert event.as_frame() == {"seq": 1, "event": "session.input", "data": {"locked": True}}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_append_outside_a_transaction_is_refused(sent):
    with pytest.raises(RuntimeError, match="transaction.atomic"):
        event_append(stream="session:1", type="tick", payload={})
    assert StreamEvent.objects.count() == 0
    assert StreamHead.objects.count() == 0
    assert sent == []


@pytest.mark.django_db
def test_a_rolled_back_append_does_not_consume_a_seq(sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        append("session:1")
        with pytest.raises(Boom), transaction.atomic():
            event_append(stream="session:1", type="lost", payload={})
            raise Boom
        event = append("session:1", "kept")
    assert event.seq == 2
    assert [(e.seq, e.type) for e in StreamEvent.objects.filter(stream="session:1")] == [
        (1, "tick"),
        (2, "kept"),
    ]
    assert len(callbacks) == 2
    assert sent == [
        ("session:1", {"seq": 1, "event": "tick", "data": {}}),
        ("session:1", {"seq": 2, "event": "kept", "data": {}}),
    ]


@pytest.mark.django_db
def test_a_rolled_back_first_append_leaves_the_stream_empty(sent):
    with pytest.raises(Boom), transaction.atomic():
        event_append(stream="session:9", type="lost", payload={})
        raise Boom
    assert stream_head("session:9") == 0
    assert append("session:9").seq == 1


@pytest.mark.django_db
def test_broadcast_only_after_commit(sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            event_append(stream="session:1", type="session.input", payload={"locked": True})
            assert sent == []
        # Still inside the test's outer transaction: nothing is committed yet.
        assert sent == []
    assert len(callbacks) == 1
    assert sent == [("session:1", {"seq": 1, "event": "session.input", "data": {"locked": True}})]


@pytest.mark.django_db
def test_no_broadcast_for_a_rolled_back_append(sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Boom), transaction.atomic():
            event_append(stream="session:1", type="lost", payload={})
            raise Boom
    assert callbacks == []
    assert sent == []


@pytest.mark.django_db
def test_broadcast_sends_the_frame_to_the_stream_group(monkeypatch):
    calls = []

    class Layer:
        async def group_send(self, group, message):
            calls.append((group, message))

    monkeypatch.setattr(services, "get_channel_layer", lambda: Layer())
    services.broadcast("session:7", {"seq": 3, "event": "x", "data": {}})
    assert calls == [
        (
            "stream.session.7",
            {"type": "stream.event", "frame": {"seq": 3, "event": "x", "data": {}}},
        )
    ]


@pytest.mark.django_db
def test_a_failing_channel_layer_does_not_raise(monkeypatch, caplog):
    class Layer:
        async def group_send(self, group, message):
            raise ConnectionError("redis is down")

    monkeypatch.setattr(services, "get_channel_layer", lambda: Layer())
    services.broadcast("session:7", {"seq": 3, "event": "x", "data": {}})
    assert "broadcast of session:7#3 failed" in caplog.text


# --- reading -------------------------------------------------------------------------


@pytest.mark.django_db
def test_events_after(sent):
    for n in range(5):
        append("session:1", n=n)
    append("session:2")
    replay = events_after("session:1", 2)
    assert replay.resync is None
    assert replay.head == 5
    assert [(e.seq, e.payload) for e in replay.events] == [
        (3, {"n": 2}),
        (4, {"n": 3}),
        (5, {"n": 4}),
    ]
    assert [e.seq for e in events_after("session:1", 0).events] == [1, 2, 3, 4, 5]
    assert [e.seq for e in events_after("session:1", 1, until=3).events] == [2, 3]
    at_head = events_after("session:1", 5)
    assert (at_head.events, at_head.resync, at_head.head) == ([], None, 5)


@pytest.mark.django_db
def test_events_after_on_an_empty_stream():
    replay = events_after("session:404", 0)
    assert (replay.events, replay.resync, replay.head) == ([], None, 0)
    assert events_after("session:404", 1).resync == "ahead"


@pytest.mark.django_db
def test_events_after_beyond_the_head_is_ahead(sent):
    for _ in range(3):
        append("session:1")
    replay = events_after("session:1", 4)
    assert (replay.events, replay.resync, replay.head) == ([], "ahead", 3)


@pytest.mark.django_db
def test_prune_keeps_the_last_events_and_asks_older_readers_to_resync(sent):
    for _ in range(10):
        append("session:1")
    append("session:2")
    assert stream_prune(stream="session:1", keep_last=3) == 7
    assert seqs("session:1") == [8, 9, 10]
    assert seqs("session:2") == [1]
    assert StreamHead.objects.get(stream="session:1").pruned_before == 8
    for last_seq in (0, 1, 6):
        replay = events_after("session:1", last_seq)
        assert (replay.events, replay.resync, replay.head) == ([], "pruned", 10), last_seq
    assert [e.seq for e in events_after("session:1", 7).events] == [8, 9, 10]
    assert events_after("session:1", 10).resync is None
    # Appending goes on from the head; pruning again never moves the cut backwards.
    assert append("session:1").seq == 11
    assert stream_prune(stream="session:1", keep_last=100) == 0
    assert StreamHead.objects.get(stream="session:1").pruned_before == 8
    assert stream_prune(stream="session:1", keep_last=0) == 4
    assert seqs("session:1") == []
    assert events_after("session:1", 11).resync is None
    assert events_after("session:1", 10).resync == "pruned"
    assert append("session:1").seq == 12


# --- concurrency ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_appends_are_gap_free(sent):
    threads_count, per_thread = 8, 25
    barrier = threading.Barrier(threads_count)
    errors: list[BaseException] = []
    got: list[int] = []
    lock = threading.Lock()

    def writer(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            for n in range(per_thread):
                event = append("session:1", "tick", writer=index, n=n)
                with lock:
                    got.append(event.seq)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    total = threads_count * per_thread
    assert sorted(got) == list(range(1, total + 1))
    assert seqs("session:1") == list(range(1, total + 1))
    assert stream_head("session:1") == total
    # Each writer's own events are in its order; every event was broadcast once.
    for index in range(threads_count):
        mine = StreamEvent.objects.filter(stream="session:1", payload__writer=index).order_by("seq")
        assert [e.payload["n"] for e in mine] == list(range(per_thread))
    assert sorted(frame["seq"] for _stream, frame in sent) == list(range(1, total + 1))
