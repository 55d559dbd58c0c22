from django.contrib import admin

from sessions.models import Process, Stage


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0


@admin.register(Process)
class ProcessAdmin(admin.ModelAdmin):
    list_display = ("title", "entity", "status", "primary_pillar")
    list_filter = ("status", "primary_pillar")
    search_fields = ("title", "description")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("lineamientos",)
    inlines = (StageInline,)
