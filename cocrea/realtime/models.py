"""The event stream: every change others must see, numbered gap-free per stream.

The database is the source of truth; the channel layer only fans events out. A
client that misses a broadcast (channels_redis drops messages under load) gets it
from here by ``seq``."""

from __future__ import annotations

from django.db import models


class StreamHead(models.Model):
    """One row per stream: the last ``seq`` handed out, and where history starts.

    Appending locks this row, so two writers can never take the same ``seq`` and no
    number is skipped (a rolled-back transaction releases its number with it)."""

    stream = models.CharField(max_length=64, primary_key=True)
    last_seq = models.PositiveBigIntegerField(default=0)
    # Events with seq < pruned_before are gone; a client behind that must resync.
    pruned_before = models.PositiveBigIntegerField(default=1)

    def __str__(self) -> str:
        return f"{self.stream}@{self.last_seq}"


class StreamEvent(models.Model):
    stream = models.CharField(max_length=64)
    seq = models.PositiveBigIntegerField()
    type = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("stream", "seq")
        constraints = [
            models.UniqueConstraint(fields=("stream", "seq"), name="stream_event_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.stream}#{self.seq} {self.type}"

    def as_frame(self) -> dict:
        return {"seq": self.seq, "event": self.type, "data": self.payload}


class ProcessedOp(models.Model):
    """A client operation already applied, with the result it got: a retried
    ``op_id`` is answered from here and never applied twice."""

    stream = models.CharField(max_length=64)
    actor = models.CharField(max_length=64)
    op_id = models.CharField(max_length=64)
    result = models.JSONField(default=dict)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("stream", "actor", "op_id"), name="processed_op_unique")
        ]

    def __str__(self) -> str:
        return f"{self.stream} {self.actor} {self.op_id}"
