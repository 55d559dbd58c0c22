from django.contrib import admin

from cocrea.toolkit.models import (
    CanvasZone,
    DecalogoTip,
    Experience,
    Level,
    Lineamiento,
    Methodology,
    MethodologyStep,
    Pillar,
)


@admin.register(Pillar, Lineamiento)
class VocabularyAdmin(admin.ModelAdmin):
    list_display = ("order", "code", "name")
    ordering = ("order",)


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ("order", "code", "name", "promise")
    ordering = ("order",)


@admin.register(DecalogoTip)
class DecalogoTipAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "enabling_factor")


class StepInline(admin.StackedInline):
    model = MethodologyStep
    extra = 0


class ZoneInline(admin.TabularInline):
    model = CanvasZone
    extra = 0


@admin.register(Methodology)
class MethodologyAdmin(admin.ModelAdmin):
    list_display = ("order", "name", "slug")
    filter_horizontal = ("levels", "pillars", "lineamientos")
    inlines = (StepInline, ZoneInline)


@admin.register(Experience)
class ExperienceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "country", "pillar", "level")
    list_filter = ("kind", "pillar", "level", "country")
    search_fields = ("name", "description")
    filter_horizontal = ("lineamientos",)
