"""Process representations and the input each write accepts."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from cocrea.accounts.models import Entity
from cocrea.toolkit.models import Level, Lineamiento, Pillar
from sessions.models import Process, ProcessStatus, Stage
from sessions.services import StageInput


class StageSerializer(serializers.ModelSerializer):
    level = serializers.SlugRelatedField(slug_field="code", read_only=True)
    level_name = serializers.SerializerMethodField()

    class Meta:
        model = Stage
        fields = ("order", "name", "description", "level", "level_name", "starts_on", "ends_on")

    def get_level_name(self, obj: Stage) -> str:
        return obj.level.tr("name")


class ProcessSerializer(serializers.ModelSerializer):
    entity = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    entity_name = serializers.CharField(source="entity.name", read_only=True)
    primary_pillar = serializers.SlugRelatedField(slug_field="code", read_only=True)
    # allow_null: a process may have no second pillar, and the schema must say so.
    secondary_pillar = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    lineamientos = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    stages = StageSerializer(many=True, read_only=True)

    class Meta:
        model = Process
        fields = (
            "slug",
            "title",
            "description",
            "entity",
            "entity_name",
            "primary_pillar",
            "secondary_pillar",
            "lineamientos",
            "status",
            "stages",
            "created",
            "updated",
        )


class StageInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=160)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    level = serializers.SlugRelatedField(slug_field="code", queryset=Level.objects.all())
    starts_on = serializers.DateField(required=False, allow_null=True, default=None)
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["starts_on"] and attrs["ends_on"] and attrs["ends_on"] < attrs["starts_on"]:
            raise serializers.ValidationError({"ends_on": _("La etapa termina antes de empezar.")})
        return attrs


class ProcessWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    primary_pillar = serializers.SlugRelatedField(slug_field="code", queryset=Pillar.objects.all())
    secondary_pillar = serializers.SlugRelatedField(
        slug_field="code", queryset=Pillar.objects.all(), required=False, allow_null=True
    )
    lineamientos = serializers.SlugRelatedField(
        slug_field="code", queryset=Lineamiento.objects.all(), many=True, required=False
    )
    stages = StageInputSerializer(many=True, required=False)


class ProcessCreateSerializer(ProcessWriteSerializer):
    entity = serializers.SlugRelatedField(slug_field="slug", queryset=Entity.objects.all())


class ProcessStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ProcessStatus.choices)


def stages_from(validated: dict[str, Any]) -> list[StageInput] | None:
    if "stages" not in validated:
        return None
    return [StageInput(**stage) for stage in validated["stages"]]
