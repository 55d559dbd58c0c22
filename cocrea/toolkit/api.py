"""Read-only toolkit API under /api/v1/toolkit/."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import routers, viewsets
from rest_framework.exceptions import ValidationError

from cocrea.toolkit import selectors
from cocrea.toolkit.filters import FilterError, parse_experience_filters
from cocrea.toolkit.models import Experience, ExperienceKind
from cocrea.toolkit.serializers import (
    DecalogoTipSerializer,
    ExperienceSerializer,
    LevelSerializer,
    LineamientoSerializer,
    MethodologySerializer,
    PillarSerializer,
)

PAGINATION_PARAMS = ("page", "page_size", "format")


class PillarViewSet(viewsets.ReadOnlyModelViewSet):
    """The four pillars of open government."""

    serializer_class = PillarSerializer
    lookup_field = "code"

    def get_queryset(self) -> QuerySet:
        return selectors.pillars()


class LevelViewSet(viewsets.ReadOnlyModelViewSet):
    """The five IAP2 levels of citizen involvement, with goal and promise to the public."""

    serializer_class = LevelSerializer
    lookup_field = "code"

    def get_queryset(self) -> QuerySet:
        return selectors.levels()


class LineamientoViewSet(viewsets.ReadOnlyModelViewSet):
    """The four families of open-government policy guidelines."""

    serializer_class = LineamientoSerializer
    lookup_field = "code"

    def get_queryset(self) -> QuerySet:
        return selectors.lineamientos()


class DecalogoViewSet(viewsets.ReadOnlyModelViewSet):
    """Ten tips for implementing open government and public innovation."""

    serializer_class = DecalogoTipSerializer
    lookup_field = "number"

    def get_queryset(self) -> QuerySet:
        return selectors.decalogo()


class MethodologyViewSet(viewsets.ReadOnlyModelViewSet):
    """Methodologies with their step-by-step and canvas template."""

    serializer_class = MethodologySerializer
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet:
        return selectors.methodologies()


def _code_param(name: str, description: str, enum: list[str] | None = None) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.STR, description=description, enum=enum)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            _code_param("pillar", "Pillar code (first or second pillar)."),
            _code_param("level", "IAP2 level code."),
            _code_param("lineamiento", "Lineamiento code."),
            _code_param("country", "ISO 3166-1 alpha-2 country code."),
            _code_param("kind", "Experience or tool.", list(ExperienceKind.values)),
            _code_param("q", "Free text; accent- and case-insensitive; every word must match."),
        ]
    )
)
class ExperienceViewSet(viewsets.ReadOnlyModelViewSet):
    """The repository of national and international experiences and tools.

    Unknown parameters or values answer 400 with the offending parameter named."""

    serializer_class = ExperienceSerializer
    lookup_field = "slug"
    queryset = Experience.objects.none()

    def get_queryset(self) -> QuerySet:
        if self.action != "list":
            return selectors.experiences()
        try:
            filters = parse_experience_filters(
                dict(self.request.query_params.lists()),
                vocabulary=selectors.experience_vocabulary(),
                allowed_extra=PAGINATION_PARAMS,
            )
        except FilterError as exc:
            raise ValidationError({name: [msg] for name, msg in exc.errors.items()}) from exc
        return selectors.experiences(filters)


router = routers.DefaultRouter()
router.register("pillars", PillarViewSet, basename="pillar")
router.register("levels", LevelViewSet, basename="level")
router.register("lineamientos", LineamientoViewSet, basename="lineamiento")
router.register("decalogo", DecalogoViewSet, basename="decalogo")
router.register("methodologies", MethodologyViewSet, basename="methodology")
router.register("experiences", ExperienceViewSet, basename="experience")
