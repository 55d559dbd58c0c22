"""Participatory processes, their stages, and the live sessions run at a stage."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cocrea.accounts.models import Entity, User
from cocrea.toolkit.models import Level, Lineamiento, Pillar


class ProcessStatus(models.TextChoices):
    DRAFT = "draft", _("Borrador")
    ACTIVE = "active", _("Activo")
    CLOSED = "closed", _("Cerrado")


class Process(models.Model):
    """A participatory process an entity runs: what it is about (pillars), which
    policy guidelines it feeds (lineamientos), and its stages."""

    entity = models.ForeignKey(
        Entity, on_delete=models.PROTECT, related_name="processes", verbose_name=_("entidad")
    )
    title = models.CharField(_("título"), max_length=200)
    slug = models.SlugField(_("identificador"), max_length=220, unique=True)
    description = models.TextField(_("descripción"), blank=True)
    primary_pillar = models.ForeignKey(
        Pillar,
        on_delete=models.PROTECT,
        related_name="processes",
        verbose_name=_("pilar principal"),
    )
    secondary_pillar = models.ForeignKey(
        Pillar,
        on_delete=models.PROTECT,
        related_name="processes_as_secondary",
        null=True,
        blank=True,
        verbose_name=_("pilar secundario"),
    )
    lineamientos = models.ManyToManyField(
        Lineamiento, related_name="processes", blank=True, verbose_name=_("lineamientos objetivo")
    )
    status = models.CharField(
        _("estado"), max_length=10, choices=ProcessStatus.choices, default=ProcessStatus.DRAFT
    )
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created",)
        verbose_name = _("proceso participativo")
        verbose_name_plural = _("procesos participativos")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(secondary_pillar=models.F("primary_pillar")),
                name="process_secondary_pillar_differs",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Stage(models.Model):
    """A stage of a process, run at one IAP2 level (what the public is promised)."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveSmallIntegerField(_("orden"))
    name = models.CharField(_("nombre"), max_length=160)
    description = models.TextField(_("descripción"), blank=True)
    level = models.ForeignKey(
        Level, on_delete=models.PROTECT, related_name="stages", verbose_name=_("nivel")
    )
    starts_on = models.DateField(_("inicio"), null=True, blank=True)
    ends_on = models.DateField(_("fin"), null=True, blank=True)

    class Meta:
        ordering = ("process", "order")
        verbose_name = _("etapa")
        verbose_name_plural = _("etapas")
        constraints = [
            models.UniqueConstraint(fields=("process", "order"), name="stage_order_unique"),
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="stage_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.process} · {self.order}. {self.name}"


# --- live sessions -----------------------------------------------------------------


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Programada")
    LIVE = "live", _("En vivo")
    PAUSED = "paused", _("En pausa")
    ENDED = "ended", _("Terminada")


class LiveSession(models.Model):
    """A live workshop at one IAP2 level, joined with a short code."""

    stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("etapa")
    )
    level = models.ForeignKey(
        Level, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("nivel")
    )
    title = models.CharField(_("título"), max_length=200)
    code = models.CharField(_("código"), max_length=6, db_index=True)
    status = models.CharField(
        _("estado"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    require_account = models.BooleanField(_("exige cuenta ciudadana"), default=False)
    moderate_questions = models.BooleanField(_("moderar preguntas"), default=True)
    input_locked = models.BooleanField(default=False)
    results_hidden = models.BooleanField(default=True)
    current_activity = models.ForeignKey(
        "Activity", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    timer_ends_at = models.DateTimeField(null=True, blank=True)
    timer_remaining = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created",)
        verbose_name = _("sesión en vivo")
        verbose_name_plural = _("sesiones en vivo")
        constraints = [
            # A code identifies one session among those not ended; ended ones free it.
            models.UniqueConstraint(
                fields=("code",),
                condition=~models.Q(status="ended"),
                name="live_session_code_unique_while_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"

    @property
    def stream(self) -> str:
        return f"session:{self.pk}"

    @property
    def entity(self) -> Entity:
        return self.stage.process.entity


class ActivityKind(models.TextChoices):
    SLIDE = "slide", _("Diapositiva informativa")
    QA = "qa", _("Preguntas y respuestas")
    CANVAS = "canvas", _("Lienzo")
    POLL = "poll", _("Votación")
    BREAK = "break", _("Pausa")


class Activity(models.Model):
    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="activities")
    order = models.PositiveSmallIntegerField(_("orden"))
    kind = models.CharField(_("tipo"), max_length=10, choices=ActivityKind.choices)
    title = models.CharField(_("título"), max_length=200)
    body = models.TextField(_("contenido (Markdown)"), blank=True)
    body_html = models.TextField(editable=False, blank=True)
    duration = models.PositiveIntegerField(_("duración (segundos)"), null=True, blank=True)
    config = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("session", "order")
        constraints = [
            models.UniqueConstraint(fields=("session", "order"), name="activity_order_unique")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class Participant(models.Model):
    """Someone who joined a session: a display name and proof of consent, no account
    needed (``user`` is set when the session requires signed-in citizens)."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="participations"
    )
    display_name = models.CharField(_("nombre visible"), max_length=60)
    token = models.CharField(max_length=43, unique=True)
    consent_version = models.CharField(max_length=20)
    consented_at = models.DateTimeField()
    joined_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    connections = models.IntegerField(default=0)
    last_seen = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("joined_at",)
        constraints = [
            models.UniqueConstraint(
                fields=("session", "user"),
                condition=models.Q(user__isnull=False),
                name="participant_one_per_user",
            )
        ]

    def __str__(self) -> str:
        return self.display_name


class QuestionStatus(models.TextChoices):
    PENDING = "pending", _("En moderación")
    APPROVED = "approved", _("Aprobada")
    REJECTED = "rejected", _("Rechazada")
    ANSWERED = "answered", _("Respondida")


class Question(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="questions")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, null=True, blank=True, related_name="questions"
    )
    text = models.CharField(max_length=500)
    status = models.CharField(max_length=10, choices=QuestionStatus.choices)
    upvotes = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-upvotes", "created")

    def __str__(self) -> str:
        return self.text[:60]


class QuestionVote(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="votes")
    voter = models.CharField(max_length=64)  # "p:<participant id>" or "u:<user id>"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("question", "voter"), name="question_vote_once")
        ]

    def __str__(self) -> str:
        return f"{self.voter} → {self.question_id}"
