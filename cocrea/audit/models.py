"""The audit log: what facilitators, officials and staff did, and in which role.

Events are append-only (no service updates or deletes them) and carry no personal
data of citizens: participants appear only as opaque ids in ``object_id`` or
``detail``, never by name."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cocrea.accounts.models import Entity, User


class AuditEvent(models.Model):
    # SET_NULL: deleting an account must not erase the trace of what it did.
    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("quién"),
    )
    # The role at the time of the action: memberships change later, the log must not.
    role = models.CharField(_("rol"), max_length=60, blank=True)
    action = models.CharField(_("acción"), max_length=80, db_index=True)
    entity = models.ForeignKey(
        Entity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entidad"),
    )
    object_type = models.CharField(_("tipo de objeto"), max_length=60, blank=True)
    object_id = models.CharField(_("id del objeto"), max_length=64, blank=True)
    detail = models.JSONField(_("detalle"), default=dict, blank=True)
    created = models.DateTimeField(_("fecha"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ("-created", "-pk")
        verbose_name = _("evento de auditoría")
        verbose_name_plural = _("eventos de auditoría")
        indexes = [models.Index(fields=("entity", "-created"), name="audit_entity_created")]

    def __str__(self) -> str:
        return f"{self.created:%Y-%m-%d %H:%M} · {self.action}"
