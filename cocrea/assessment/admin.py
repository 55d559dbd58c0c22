"""Admin for the staged model: read-mostly, because scored assessments are frozen
history and every write must go through the services (which check permissions and the
rubric). Staff may look, and may fix who can see a stage."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from cocrea.assessment.models import Answer, Assessment, StageVisibility


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    fields = ("question", "level", "evidence_url", "evidence_note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ("entity", "questionnaire", "status", "created", "scored_at")
    list_filter = ("status", "questionnaire")
    search_fields = ("entity__name",)
    readonly_fields = (
        "entity",
        "questionnaire",
        "status",
        "scores",
        "created_by",
        "created",
        "updated",
        "scored_at",
    )
    inlines = (AnswerInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Assessments start from the entity's page, by its officials.
        return False


@admin.register(StageVisibility)
class StageVisibilityAdmin(admin.ModelAdmin):
    list_display = ("entity", "public", "updated_by", "updated")
    list_filter = ("public",)
    search_fields = ("entity__name",)
    readonly_fields = ("updated_by", "updated")
