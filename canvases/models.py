"""Canvas activities and their notes.

The board is stored incrementally: one row per note (``CanvasNote``, which later work
— lineamiento drafts, provenance — queries and cites), and the small shared parts
(clusters, links, dots) as JSON on the canvas. An op rewrites only what it touched, in
the same transaction as its stream event; ``version`` is the ``seq`` of the last
effect, which lets each process keep the board in memory and know when it is current
(``canvases.services``)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cocrea.toolkit.models import Methodology
from sessions.models import Activity


class Canvas(models.Model):
    activity = models.OneToOneField(Activity, on_delete=models.CASCADE, related_name="canvas")
    methodology = models.ForeignKey(
        Methodology, on_delete=models.PROTECT, null=True, blank=True, related_name="canvases"
    )
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # [{"key", "x", "y", "width", "height", "colour", "label": {lang: text}, "prompt": …}]:
    # copied from the methodology when the canvas is made, so later edits of the
    # toolkit never move a workshop's notes out of their zones.
    zones = models.JSONField(default=list)
    version = models.PositiveBigIntegerField(default=0)
    clusters = models.JSONField(default=dict)  # id -> name
    links = models.JSONField(default=dict)  # id -> [from, to]
    dots = models.JSONField(default=dict)  # voter -> note -> count
    locked = models.BooleanField(default=False)
    locked_zones = models.JSONField(default=list)
    anonymous = models.BooleanField(_("anónimo"), default=False)
    private_mode = models.BooleanField(_("modo privado"), default=False)
    dots_per_voter = models.PositiveSmallIntegerField(default=5)
    one_dot_per_note = models.BooleanField(default=False)
    dots_revealed = models.BooleanField(default=False)
    note_limit = models.PositiveSmallIntegerField(default=50)
    focus_zone = models.CharField(max_length=64, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lienzo")
        verbose_name_plural = _("lienzos")

    def __str__(self) -> str:
        return f"{self.activity}"

    @property
    def state(self) -> dict:
        """The board as canonical data (``canvases.ops.as_data``), as committed."""
        # Imported here: the store module imports this one.
        from canvases.store import board_data

        return board_data(self)


class CanvasNote(models.Model):
    canvas = models.ForeignKey(Canvas, on_delete=models.CASCADE, related_name="notes")
    key = models.CharField(max_length=64)  # the client-chosen id used in ops
    text = models.TextField()
    colour = models.CharField(max_length=12)
    zone = models.CharField(max_length=64, blank=True)
    author = models.CharField(max_length=64)  # "p:<participant>" or "u:<user>"
    cluster = models.CharField(max_length=64, blank=True)
    deleted = models.BooleanField(default=False)
    merged_into = models.CharField(max_length=64, blank=True)
    x = models.FloatField(default=0)
    y = models.FloatField(default=0)
    width = models.FloatField(default=160)
    height = models.FloatField(default=160)
    merged_from = models.JSONField(default=list)
    created_seq = models.PositiveBigIntegerField()
    updated_seq = models.PositiveBigIntegerField()
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("canvas", "key"), name="canvas_note_key_unique")
        ]

    def __str__(self) -> str:
        return self.text[:60]
