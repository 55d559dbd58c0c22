"""From participation to policy: lineamiento drafts, OGP action plans and the reasoned
response to every contribution.

The trace is the point: a :class:`DraftItem` keeps its :class:`ItemSource` rows (which
session, which IAP2 level, which notes or poll, how many participants, and a snapshot of
what the source said when it was promoted), a :class:`Commitment` keeps the draft items
it came from, and a :class:`ContributionResponse` says what became of each contribution.
Published documents are frozen as numbered versions (:class:`DraftVersion`,
:class:`PlanVersion`): a change after publishing makes a new version, never an
overwrite.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cocrea.accounts.models import User
from cocrea.toolkit.models import Level, Lineamiento, Pillar
from sessions.models import LiveSession, Process


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("Borrador")
    IN_REVIEW = "in_review", _("En revisión")
    APPROVED = "approved", _("Aprobado")


class Draft(models.Model):
    """The lineamiento draft of a process (one per process)."""

    process = models.OneToOneField(Process, on_delete=models.CASCADE, related_name="draft")
    title = models.CharField(_("título"), max_length=200)
    status = models.CharField(
        _("estado"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    # The number the next published version will take (published ones are frozen).
    next_version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("borrador de lineamientos")
        verbose_name_plural = _("borradores de lineamientos")

    def __str__(self) -> str:
        return self.title


class ItemOrigin(models.TextChoices):
    WRITTEN = "written", _("Escrito por el equipo")
    NOTE = "note", _("Nota de un lienzo")
    CLUSTER = "cluster", _("Grupo de notas de un lienzo")
    POLL = "poll", _("Resultado de una votación")
    QUESTION = "question", _("Pregunta del público")
    STATEMENT = "statement", _("Afirmación")
    ANSWER = "answer", _("Respuesta abierta")


class DraftItem(models.Model):
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="items")
    lineamiento = models.ForeignKey(
        Lineamiento, on_delete=models.PROTECT, related_name="draft_items"
    )
    pillar = models.ForeignKey(
        Pillar, on_delete=models.PROTECT, null=True, blank=True, related_name="draft_items"
    )
    title = models.CharField(_("título"), max_length=200)
    text = models.TextField(_("texto"), blank=True)
    origin = models.CharField(max_length=10, choices=ItemOrigin.choices)
    status = models.CharField(
        _("estado"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    order = models.PositiveIntegerField(default=0)
    removed = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("draft", "lineamiento__order", "order", "pk")

    def __str__(self) -> str:
        return self.title


class SourceKind(models.TextChoices):
    NOTE = "note", _("Nota")
    CLUSTER = "cluster", _("Grupo de notas")
    POLL = "poll", _("Votación")
    QUESTION = "question", _("Pregunta")
    STATEMENT = "statement", _("Afirmación")
    ANSWER = "answer", _("Respuesta abierta")


class ItemSource(models.Model):
    """Where a draft item came from. ``ref`` names the source object (``note:<id>``,
    ``cluster:<canvas id>:<cluster id>``, ``poll:<id>``, ``question:<id>``,
    ``statement:<id>``, ``answer:<id>``); ``snapshot`` is what it said when promoted
    (a poll's full result included), so the trace survives later edits or deletion."""

    item = models.ForeignKey(DraftItem, on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField(max_length=10, choices=SourceKind.choices)
    ref = models.CharField(max_length=120)
    session = models.ForeignKey(
        LiveSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    level = models.ForeignKey(
        Level, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    participants = models.PositiveIntegerField(_("participantes"), default=0)
    snapshot = models.JSONField(default=dict)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("item", "pk")
        constraints = [models.UniqueConstraint(fields=("item", "ref"), name="item_source_once")]

    def __str__(self) -> str:
        return self.ref


class ItemChange(models.Model):
    """The history of a draft item: who changed what, when (before and after)."""

    item = models.ForeignKey(DraftItem, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=20)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("item", "created", "pk")

    def __str__(self) -> str:
        return f"{self.item_id} {self.action}"


class ItemComment(models.Model):
    item = models.ForeignKey(DraftItem, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("comentario"), max_length=2000)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("item", "created", "pk")

    def __str__(self) -> str:
        return self.text[:60]


class DraftVersion(models.Model):
    """A published version of a draft: frozen, never edited."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    published_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("draft", "number")
        constraints = [
            models.UniqueConstraint(fields=("draft", "number"), name="draft_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.draft_id} v{self.number}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Borrador")
    PUBLISHED = "published", _("Publicado")


class ActionPlan(models.Model):
    """An action plan in the OGP commitment template, for a process."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="action_plans")
    title = models.CharField(_("título"), max_length=200)
    period_start = models.DateField(_("inicio del periodo"), null=True, blank=True)
    period_end = models.DateField(_("fin del periodo"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    next_version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.title


class Completion(models.TextChoices):
    NOT_STARTED = "not_started", _("No iniciado")
    LIMITED = "limited", _("Limitado")
    SUBSTANTIAL = "substantial", _("Sustancial")
    COMPLETED = "completed", _("Completo")


class Commitment(models.Model):
    """One commitment, with the fields of the OGP template (../shared/DOMAIN.md)."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="commitments")
    number = models.PositiveIntegerField()
    title = models.CharField(_("nombre"), max_length=200)
    start = models.DateField(_("inicio"), null=True, blank=True)
    end = models.DateField(_("fin"), null=True, blank=True)
    lead_agency = models.CharField(_("entidad responsable"), max_length=200, blank=True)
    problem = models.TextField(_("problema público"), blank=True)
    baseline = models.TextField(_("línea base"), blank=True)
    objective = models.TextField(_("compromiso y objetivo"), blank=True)
    expected_results = models.TextField(_("resultados esperados"), blank=True)
    how_it_helps = models.TextField(_("cómo contribuye a resolver el problema"), blank=True)
    relevance_transparency = models.TextField(_("relevancia: transparencia"), blank=True)
    relevance_participation = models.TextField(_("relevancia: participación"), blank=True)
    relevance_accountability = models.TextField(_("relevancia: rendición de cuentas"), blank=True)
    relevance_innovation = models.TextField(_("relevancia: tecnología e innovación"), blank=True)
    # {"government": [...], "civil_society": [...], "private": [...], "multilateral": [...]}
    other_actors = models.JSONField(default=dict, blank=True)
    budget = models.CharField(_("presupuesto"), max_length=200, blank=True)
    development_plan = models.CharField(_("plan de desarrollo"), max_length=300, blank=True)
    sdgs = models.JSONField(_("ODS"), default=list, blank=True)  # [1..17]
    completion = models.CharField(
        max_length=12, choices=Completion.choices, default=Completion.NOT_STARTED
    )
    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    items = models.ManyToManyField(DraftItem, related_name="commitments", blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("plan", "number")
        constraints = [
            models.UniqueConstraint(fields=("plan", "number"), name="commitment_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Milestone(models.Model):
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="milestones")
    deliverable = models.CharField(_("entregable verificable"), max_length=300)
    start = models.DateField(_("inicio"), null=True, blank=True)
    end = models.DateField(_("fin"), null=True, blank=True)
    responsible = models.CharField(_("responsable"), max_length=200, blank=True)
    done = models.BooleanField(default=False)
    done_at = models.DateField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("commitment", "order", "pk")

    def __str__(self) -> str:
        return self.deliverable


class ProgressUpdate(models.Model):
    """A dated progress report on a commitment (the accountability timeline)."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField(_("avance"))
    completion = models.CharField(max_length=12, choices=Completion.choices)
    author = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("commitment", "created", "pk")

    def __str__(self) -> str:
        return f"{self.commitment_id} {self.completion}"


class PlanVersion(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    published_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("plan", "number")
        constraints = [models.UniqueConstraint(fields=("plan", "number"), name="plan_version_once")]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.number}"


class ResponseStatus(models.TextChoices):
    PENDING = "pending", _("Pendiente")
    INCORPORATED = "incorporated", _("Incorporado")
    MERGED = "merged", _("Unido a otro aporte")
    NOT_INCORPORATED = "not_incorporated", _("No incorporado")


class ContributionResponse(models.Model):
    """The reasoned response to one contribution (OGP): what became of it and why.

    ``ref`` uses :class:`ItemSource`'s naming. ``participant_key`` is the contribution's
    author (``p:<participant id>`` / ``u:<user id>``) so a participant can list the
    responses to their own contributions from their cookie, without an account."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="responses")
    session = models.ForeignKey(
        LiveSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=SourceKind.choices)
    ref = models.CharField(max_length=120)
    participant_key = models.CharField(max_length=64, blank=True)
    text = models.TextField(blank=True)  # the contribution as it read
    status = models.CharField(
        max_length=16, choices=ResponseStatus.choices, default=ResponseStatus.PENDING
    )
    item = models.ForeignKey(
        DraftItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="responses"
    )
    commitment = models.ForeignKey(
        Commitment, on_delete=models.SET_NULL, null=True, blank=True, related_name="responses"
    )
    merged_into = models.CharField(max_length=120, blank=True)
    reason = models.TextField(_("razón"), blank=True)
    updated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("process", "ref"), name="response_once")]
        indexes = [models.Index(fields=("participant_key",))]

    def __str__(self) -> str:
        return f"{self.ref}: {self.status}"
