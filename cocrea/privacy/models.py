"""Proof of consent and the state of anonymisation (Ley 1581 de 2012).

The controller must be able to prove that consent was prior, express and informed for
a stated purpose: a :class:`ConsentRecord` keeps which notice version and which
purposes were accepted, when, and when consent was withdrawn. No raw IP address is
kept: ``address_hash`` is a keyed hash (HMAC with the secret key) that can show two
consents came from the same network address without storing the address itself."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cocrea.accounts.models import User
from sessions.models import LiveSession, Participant


class ConsentChannel(models.TextChoices):
    JOIN = "join", _("Al unirse a una sesión")


class ConsentRecord(models.Model):
    # SET_NULL everywhere: the proof outlives the session and the account, and a
    # deletion request unlinks it instead of destroying the evidence.
    participant = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consent_records",
    )
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="consent_records"
    )
    session = models.ForeignKey(
        LiveSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(
        max_length=10, choices=ConsentChannel.choices, default=ConsentChannel.JOIN
    )
    notice_version = models.CharField(_("versión del aviso"), max_length=20)
    purposes = models.JSONField(_("finalidades"), default=list)
    granted_at = models.DateTimeField(_("otorgado"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("retirado"), null=True, blank=True)
    address_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ("-granted_at", "-pk")
        verbose_name = _("registro de consentimiento")
        verbose_name_plural = _("registros de consentimiento")

    def __str__(self) -> str:
        return f"{self.notice_version} · {self.granted_at:%Y-%m-%d %H:%M}"


class AnonymisationReason(models.TextChoices):
    REQUEST = "request", _("Solicitud de la persona")
    RETENTION = "retention", _("Plazo de conservación vencido")


class Anonymisation(models.Model):
    """A participant whose identity was removed. The participant row stays so that
    contributions keep their opaque author key (``p:<id>``) and no result changes; its
    name becomes «Participante anónimo N», N its order of arrival in the session."""

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="anonymisation"
    )
    number = models.PositiveIntegerField()
    reason = models.CharField(max_length=10, choices=AnonymisationReason.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("anonimización")
        verbose_name_plural = _("anonimizaciones")

    def __str__(self) -> str:
        return f"{self.participant_id} · {self.reason}"


class TaskRun(models.Model):
    """When a periodic privacy task last ran, shared by every process: the
    opportunistic trigger claims the day's run with one conditional UPDATE."""

    name = models.CharField(max_length=40, primary_key=True)
    last_run = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} · {self.last_run:%Y-%m-%d %H:%M}"
