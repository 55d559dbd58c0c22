"""Process API under /api/v1/processes/: public reads, team-only writes."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, routers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from sessions import rules, selectors, services
from sessions.models import Process
from sessions.serializers import (
    ProcessCreateSerializer,
    ProcessSerializer,
    ProcessStatusSerializer,
    ProcessWriteSerializer,
    stages_from,
)


def _as_drf(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)


class ProcessViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Participatory processes. Drafts are visible only to the entity's facilitators
    and officials, who are also the only ones who can create and change processes."""

    serializer_class = ProcessSerializer
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[Process]:
        return selectors.processes_visible_to(self.request.user)

    def _deny(self) -> None:
        if not self.request.user.is_authenticated:
            raise NotAuthenticated()
        raise PermissionDenied()

    @extend_schema(request=ProcessCreateSerializer, responses={201: ProcessSerializer})
    def create(self, request: Request) -> Response:
        data = ProcessCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if not rules.can_create_process(request.user, values["entity"]):
            self._deny()
        try:
            process = services.process_create(
                entity=values["entity"],
                title=values["title"],
                description=values["description"],
                primary_pillar=values["primary_pillar"],
                secondary_pillar=values.get("secondary_pillar"),
                lineamientos=values.get("lineamientos", []),
                stages=stages_from(values) or [],
                created_by=request.user,
            )
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        process = selectors.process_by_slug(process.slug)
        return Response(ProcessSerializer(process).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ProcessWriteSerializer, responses={200: ProcessSerializer})
    def partial_update(self, request: Request, slug: str) -> Response:
        process = self.get_object()
        if not rules.can_edit_process(request.user, process):
            self._deny()
        data = ProcessWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            services.process_update(
                process=process,
                title=values.get("title"),
                description=values.get("description"),
                primary_pillar=values.get("primary_pillar"),
                secondary_pillar=values.get("secondary_pillar"),
                clear_secondary_pillar="secondary_pillar" in values
                and values["secondary_pillar"] is None,
                lineamientos=values.get("lineamientos"),
                stages=stages_from(values),
            )
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        return Response(ProcessSerializer(selectors.process_by_slug(slug)).data)

    @extend_schema(request=ProcessStatusSerializer, responses={200: ProcessSerializer})
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request: Request, slug: str) -> Response:
        process = self.get_object()
        if not rules.can_change_process_status(request.user, process):
            self._deny()
        data = ProcessStatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.process_set_status(process=process, status=data.validated_data["status"])
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        return Response(ProcessSerializer(selectors.process_by_slug(slug)).data)


router = routers.SimpleRouter()
router.register("processes", ProcessViewSet, basename="process")
