"""Polls with secret, verifiable ballots.

"Who voted" (:class:`Participation`) and "what was voted" (:class:`Ballot`) are two
tables that share nothing a reader could join on: no foreign key between them, no
common id, no timestamp, and no insertion order (see each model's docstring). A voter
checks that their ballot was counted with a random receipt code only they hold; the
public bulletin lists every ballot with the hash of its receipt, chained so that no
ballot can be altered, dropped or reordered without breaking the chain.
"""

from __future__ import annotations

import secrets
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from cocrea.accounts.models import Entity, User
from sessions.models import Activity, ActivityKind
from voting.methods import METHODS


class PollStatus(models.TextChoices):
    DRAFT = "draft", _("Borrador")
    OPEN = "open", _("Abierta")
    CLOSED = "closed", _("Cerrada")
    PUBLISHED = "published", _("Resultados publicados")


class ResultsVisibility(models.TextChoices):
    LIVE = "live", _("En vivo, mientras se vota")
    AFTER_CLOSE = "after_close", _("Al cerrar la votación")
    ON_PUBLISH = "on_publish", _("Al publicar los resultados")


class Eligibility(models.TextChoices):
    SESSION = "session", _("Participantes de la sesión")
    ENTITY = "entity", _("Ciudadanía registrada en la entidad")
    CODES = "codes", _("Códigos de votación")


def new_salt() -> str:
    return secrets.token_hex(32)


class Poll(models.Model):
    """A vote run by an entity, inside a live session (``activity``) or on its own.

    ``settings`` holds the method's parameters (``min_choices``, ``max_score``,
    ``total``, ``budget``…), passed as keyword arguments to the method's
    ``validate_ballot`` and ``tally``. Settings and options are frozen once the poll
    opens; only an audited reset (which discards every vote) unfreezes them."""

    entity = models.ForeignKey(
        Entity, on_delete=models.PROTECT, related_name="polls", verbose_name=_("entidad")
    )
    activity = models.OneToOneField(
        Activity,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="poll",
        limit_choices_to={"kind": ActivityKind.POLL},
        verbose_name=_("actividad"),
    )
    title = models.CharField(_("título"), max_length=200)
    method = models.CharField(
        _("método"), max_length=20, choices=[(name, name) for name in METHODS]
    )
    settings = models.JSONField(_("parámetros"), default=dict, blank=True)
    status = models.CharField(
        _("estado"), max_length=10, choices=PollStatus.choices, default=PollStatus.DRAFT
    )
    results_visibility = models.CharField(
        _("visibilidad de resultados"),
        max_length=12,
        choices=ResultsVisibility.choices,
        default=ResultsVisibility.AFTER_CLOSE,
    )
    eligibility = models.CharField(
        _("quién puede votar"),
        max_length=10,
        choices=Eligibility.choices,
        default=Eligibility.SESSION,
    )
    allow_change = models.BooleanField(_("permite cambiar el voto"), default=False)
    # Secret: receipt_hash = sha256(salt + code). Never shown; it keeps receipt hashes of
    # one poll unrelated to those of another.
    salt = models.CharField(max_length=64, default=new_salt, editable=False)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Running counters of the ballots in force (see voting.live), kept in the ballot's
    # transaction so live results never need a recount: ``{"ballots": n, "options":
    # {key: {metric: int}}}``. Aggregates only: no ballot, no order, no voter.
    live_counts = models.JSONField(default=dict, blank=True, editable=False)
    # Coalescing of ``poll.results`` events in a live session: when the last one went
    # out, and whether counts changed since.
    results_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    results_pending = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ("-created",)
        verbose_name = _("votación")
        verbose_name_plural = _("votaciones")

    def __str__(self) -> str:
        return self.title

    @property
    def stream(self) -> str:
        """Namespace of this poll's idempotency records (``ProcessedOp.stream``)."""
        return f"poll:{self.pk}"


class PollOption(models.Model):
    """An option, project (``cost`` set, for participatory budgeting) or statement."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    key = models.CharField(_("clave"), max_length=40)
    # 1,000 like a PollSubmission's text: an approved statement becomes an option whole.
    label = models.CharField(_("texto"), max_length=1000)
    order = models.PositiveSmallIntegerField(_("orden"))
    cost = models.PositiveBigIntegerField(_("costo"), null=True, blank=True)

    class Meta:
        ordering = ("poll", "order")
        verbose_name = _("opción")
        verbose_name_plural = _("opciones")
        constraints = [
            models.UniqueConstraint(fields=("poll", "key"), name="poll_option_key_unique"),
            models.UniqueConstraint(fields=("poll", "order"), name="poll_option_order_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.label}"


class Participation(models.Model):
    """Who voted in a poll — and nothing about what, or when.

    Timing side channels, and how each is closed:

    - no timestamp at all (not even a date: a poll lasting one day would make a date
      useless, and a poll lasting days would narrow the ballots it could match);
    - a random UUID primary key instead of an auto-increment, so the n-th participation
      cannot be matched with the ballot at position n (ballot positions are public);
    - no default ordering: listings come sorted by ``voter_key``, never by insertion.

    What remains: the database's physical row order (SQLite's hidden rowid, PostgreSQL's
    heap order) and its write-ahead log still reflect insertion order to someone with raw
    access to the database files. Closing that would need batching or shuffling the
    writes; it is out of reach of anyone using the application or its backups as JSON."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="participations")
    # "p:<participant id>", "u:<user id>" or "c:<voting code id>": the same key the
    # session commands use for actors.
    voter_key = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("poll", "voter_key"), name="participation_once")
        ]

    def __str__(self) -> str:
        return f"{self.poll_id} · {self.voter_key}"


class Ballot(models.Model):
    """What was voted — and nothing about who.

    No voter key, no link to :class:`Participation`, no timestamp. ``position`` is the
    ballot's place in the poll's hash chain and is public (the bulletin shows it); the
    random UUID primary key keeps row ids from carrying any other order.

    ``chain_hash = sha256(previous chain_hash + receipt_hash + replaces + canonical JSON
    of content)`` (see :mod:`voting.receipts`). ``replaces`` is the receipt hash of the
    ballot this one supersedes (when the poll allows changing one's vote), so the
    ``superseded`` flags can be re-derived from the chain and checked too."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    position = models.PositiveIntegerField()
    content = models.JSONField()
    receipt_hash = models.CharField(max_length=64)
    replaces = models.CharField(max_length=64, blank=True, default="")
    chain_hash = models.CharField(max_length=64)
    superseded = models.BooleanField(default=False)

    class Meta:
        ordering = ("poll", "position")
        constraints = [
            models.UniqueConstraint(fields=("poll", "position"), name="ballot_position_unique"),
            models.UniqueConstraint(fields=("poll", "receipt_hash"), name="ballot_receipt_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.poll_id} #{self.position}"


class PollAuditAction(models.TextChoices):
    CREATE = "create", _("Creada")
    CONFIGURE = "configure", _("Configurada")
    OPEN = "open", _("Abierta")
    CLOSE = "close", _("Cerrada")
    PUBLISH = "publish", _("Publicada")
    RESET = "reset", _("Reiniciada: votos descartados")
    CODES = "codes", _("Códigos de votación emitidos")
    VOID_CODES = "void_codes", _("Códigos de votación anulados")
    MODERATE = "moderate", _("Aporte moderado")


class PollAudit(models.Model):
    """Facilitator actions on a poll, kept for accountability (never votes)."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="audit")
    action = models.CharField(max_length=12, choices=PollAuditAction.choices)
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    detail = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("poll", "created", "pk")

    def __str__(self) -> str:
        return f"{self.poll_id} {self.action}"


class VotingCode(models.Model):
    """A one-time code for polls with ``eligibility = codes`` (in-person assemblies).

    Only a hash of the code is stored: the plain code exists on the printed sheet alone,
    so nobody reading the database can vote with it. Using a code writes nothing here —
    the :class:`Participation` with ``voter_key = "c:<id>"`` is what spends it (one per
    poll, by the same constraint as every voter), so a code row says nothing about which
    ballot it cast. ``batch`` groups the codes printed together; a lost sheet's batch
    can be voided."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    batch = models.PositiveIntegerField()
    void = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("poll", "code_hash"), name="voting_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.poll_id} batch {self.batch}"


class SubmissionKind(models.TextChoices):
    STATEMENT = "statement", _("Afirmación")
    ANSWER = "answer", _("Respuesta abierta")


class SubmissionStatus(models.TextChoices):
    PENDING = "pending", _("En moderación")
    APPROVED = "approved", _("Publicada")
    REJECTED = "rejected", _("No publicada")


class PollSubmission(models.Model):
    """Text a participant contributes to a poll: a statement proposed for a consensus poll
    (which becomes an option once approved) or an answer to an open question. These are
    contributions, not ballots: they are signed by their author (kept for the reasoned
    response to each contribution) and published only after moderation."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="submissions")
    kind = models.CharField(max_length=10, choices=SubmissionKind.choices)
    text = models.TextField(_("texto"), max_length=1000)
    status = models.CharField(
        max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.PENDING
    )
    participant = models.ForeignKey(
        "live_sessions.Participant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="poll_submissions",
    )
    author = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="poll_submissions"
    )
    # For an approved statement: the option key it became.
    option_key = models.CharField(max_length=40, blank=True, default="")
    created = models.DateTimeField(auto_now_add=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("poll", "created", "pk")
        indexes = [models.Index(fields=("poll", "status"))]

    def __str__(self) -> str:
        return f"{self.poll_id} {self.kind} {self.pk}"
