"""Read-only representations of the toolkit, in the request's language."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

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


class TranslatedField(serializers.CharField):
    """A text field read through ``Translatable.tr`` (active language, Spanish fallback)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance: Any) -> str:
        return instance.tr(self.source)


class PillarSerializer(serializers.ModelSerializer):
    name = TranslatedField()
    description = TranslatedField()

    class Meta:
        model = Pillar
        fields = ("code", "order", "name", "description")


class LevelSerializer(serializers.ModelSerializer):
    name = TranslatedField()
    goal = TranslatedField()
    promise = TranslatedField()
    techniques = TranslatedField()

    class Meta:
        model = Level
        fields = ("code", "order", "name", "goal", "promise", "techniques")


class LineamientoSerializer(serializers.ModelSerializer):
    name = TranslatedField()
    description = TranslatedField()

    class Meta:
        model = Lineamiento
        fields = ("code", "order", "name", "description")


class DecalogoTipSerializer(serializers.ModelSerializer):
    title = TranslatedField()
    body = TranslatedField()

    class Meta:
        model = DecalogoTip
        fields = ("number", "title", "body", "enabling_factor")


class StepSerializer(serializers.ModelSerializer):
    title = TranslatedField()
    body = TranslatedField()

    class Meta:
        model = MethodologyStep
        fields = ("order", "title", "body")


class ZoneSerializer(serializers.ModelSerializer):
    label = TranslatedField()
    prompt = TranslatedField()

    class Meta:
        model = CanvasZone
        fields = ("key", "order", "label", "prompt", "x", "y", "width", "height", "color")


class CanvasSerializer(serializers.Serializer):
    width = serializers.IntegerField(source="canvas_width")
    height = serializers.IntegerField(source="canvas_height")
    zones = ZoneSerializer(many=True)


class MethodologySerializer(serializers.ModelSerializer):
    name = TranslatedField()
    summary = TranslatedField()
    levels = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    pillars = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    lineamientos = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    steps = StepSerializer(many=True, read_only=True)
    canvas = serializers.SerializerMethodField()

    class Meta:
        model = Methodology
        fields = (
            "slug",
            "order",
            "name",
            "summary",
            "levels",
            "pillars",
            "lineamientos",
            "steps",
            "canvas",
        )

    @extend_schema_field(CanvasSerializer)
    def get_canvas(self, obj: Methodology) -> dict[str, Any]:
        return CanvasSerializer(obj).data


class ExperienceSerializer(serializers.ModelSerializer):
    name = TranslatedField()
    description = TranslatedField()
    pillar = serializers.SlugRelatedField(slug_field="code", read_only=True)
    # allow_null: many experiences have no second pillar, and the schema must say so.
    second_pillar = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    level = serializers.SlugRelatedField(slug_field="code", read_only=True)
    lineamientos = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    country_name = serializers.CharField(read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    initiative_of_label = serializers.CharField(source="get_initiative_of_display", read_only=True)

    class Meta:
        model = Experience
        fields = (
            "slug",
            "name",
            "kind",
            "description",
            "country",
            "country_name",
            "pillar",
            "second_pillar",
            "level",
            "lineamientos",
            "category",
            "category_label",
            "initiative_of",
            "initiative_of_label",
            "url",
            "since",
        )
