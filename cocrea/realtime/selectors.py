"""Reading event streams."""

from __future__ import annotations

from dataclasses import dataclass

from cocrea.realtime.models import StreamEvent, StreamHead


@dataclass(frozen=True)
class Replay:
    """Events after a client's ``last_seq``, or ``resync`` with the reason."""

    events: list[StreamEvent]
    resync: str | None
    head: int


def stream_head(stream: str) -> int:
    return StreamHead.objects.filter(stream=stream).values_list("last_seq", flat=True).first() or 0


def events_after(stream: str, last_seq: int, *, until: int | None = None) -> Replay:
    head_row = StreamHead.objects.filter(stream=stream).first()
    head = head_row.last_seq if head_row else 0
    pruned_before = head_row.pruned_before if head_row else 1
    if last_seq > head:
        return Replay([], "ahead", head)
    if last_seq + 1 < pruned_before:
        return Replay([], "pruned", head)
    events = StreamEvent.objects.filter(stream=stream, seq__gt=last_seq)
    if until is not None:
        events = events.filter(seq__lte=until)
    return Replay(list(events.order_by("seq")), None, head)
