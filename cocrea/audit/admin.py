"""The audit log in Django's admin: readable by any staff member, written by no one
(events come only from services), with filters by action, role, entity and date."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from cocrea.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created", "action", "actor", "role", "entity", "object_type", "object_id")
    list_filter = ("action", "role", "entity", ("created", admin.DateFieldListFilter))
    search_fields = ("action", "object_id", "actor__email")
    date_hierarchy = "created"
    list_select_related = ("actor", "entity")
    readonly_fields = tuple(f.name for f in AuditEvent._meta.fields)

    # Staff read it without a model permission to grant; no one edits history.
    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
