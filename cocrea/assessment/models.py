"""The staged model (Modelo Escalonado): an entity's self-assessments over time.

The questions and their rubrics are reference data in code (:mod:`.questionnaire`,
versioned), so an assessment stores only which answer was chosen for each question and
the evidence offered. Scoring is a pure function (:mod:`.scoring`, documented in
``docs/staged-model.md``); its result is frozen into ``scores`` when an assessment is
scored, so a later change of the model never rewrites an entity's history.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cocrea.accounts.models import Entity, User


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Borrador")
    SCORED = "scored", _("Calificada")


class Assessment(models.Model):
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="assessments")
    questionnaire = models.CharField(_("versión del cuestionario"), max_length=20)
    status = models.CharField(
        max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    # The scoring result as computed when scored (see scoring.Result.as_dict).
    scores = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    scored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("entity", "-created", "-pk")
        verbose_name = _("autodiagnóstico")
        verbose_name_plural = _("autodiagnósticos")

    def __str__(self) -> str:
        return f"{self.entity} {self.created:%Y-%m-%d}"


class Answer(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(_("pregunta"), max_length=40)
    level = models.PositiveSmallIntegerField(_("respuesta"))
    evidence_url = models.URLField(_("enlace a la evidencia"), blank=True, max_length=500)
    evidence_note = models.TextField(_("nota sobre la evidencia"), blank=True, max_length=2000)

    class Meta:
        ordering = ("assessment", "question")
        constraints = [
            models.UniqueConstraint(fields=("assessment", "question"), name="answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.question}={self.level}"


class StageVisibility(models.Model):
    """Whether the entity shows its stage on the public page (off until it chooses)."""

    entity = models.OneToOneField(Entity, on_delete=models.CASCADE, related_name="stage_visibility")
    public = models.BooleanField(_("etapa pública"), default=False)
    updated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.entity}: {'public' if self.public else 'private'}"
