"""Participatory processes and their stages. Live sessions (join codes, agenda,
presence) hang off a stage and arrive with the live-session work."""

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
