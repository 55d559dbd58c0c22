"""Poll management API under /api/v1/polls/ for an entity's facilitators and officials:
polls run outside live sessions (consultations open for days, voted by the entity's
registered citizens or with one-time codes).

Every endpoint needs a signed-in member of the entity's team. Polls of other entities
do not exist for the caller (404), so their ids reveal nothing. Views only translate:
the services in :mod:`voting.services` validate and write.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import mixins, routers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from cocrea.accounts.models import Entity
from cocrea.accounts.rules import is_entity_staff
from voting import selectors, services
from voting.methods import METHODS
from voting.models import Eligibility, Poll, PollStatus, ResultsVisibility
from voting.views import ballot_url, codes_sheet_pdf

# Errors about the poll's state, not the request's content.
CONFLICT_CODES = {"bad_status", "frozen", "not_codes_poll"}


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _as_drf(exc: DjangoValidationError) -> APIException:
    """A service's error as the API answers it: ``{field: [message]}`` for bad input,
    ``{"detail", "code"}`` (409 for the poll's state) otherwise."""
    if hasattr(exc, "error_dict"):
        return ValidationError(exc.message_dict)
    first = exc.error_list[0]
    detail = {"detail": first.messages[0], "code": first.code or "invalid"}
    if first.code in CONFLICT_CODES:
        return Conflict(detail)
    return ValidationError(detail)


class PdfRenderer(BaseRenderer):
    """Answers ``?format=pdf`` or ``Accept: application/pdf`` on the codes action."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: dict[str, Any] | None = None,
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        return json.dumps(data, ensure_ascii=False).encode("utf-8")


# --- representations ---------------------------------------------------------------------


class OptionSerializer(serializers.Serializer):
    key = serializers.RegexField(r"^[A-Za-z0-9_-]+$", max_length=40)
    label = serializers.CharField(max_length=300)
    cost = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)


class PollSerializer(serializers.ModelSerializer):
    entity = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    options = serializers.SerializerMethodField()
    ballots = serializers.IntegerField(source="turnout", read_only=True, default=0)
    ballot_url = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()

    class Meta:
        model = Poll
        fields = (
            "id",
            "entity",
            "title",
            "method",
            "settings",
            "options",
            "status",
            "results_visibility",
            "eligibility",
            "allow_change",
            "ballots",
            "ballot_url",
            "created",
            "opened_at",
            "closed_at",
            "published_at",
        )
        read_only_fields = fields

    @extend_schema_field(OptionSerializer(many=True))
    def get_options(self, obj: Poll) -> list[dict[str, Any]]:
        return [
            {"key": o.key, "label": o.label, "cost": o.cost}
            for o in sorted(obj.options.all(), key=lambda o: o.order)
        ]

    # A plain string: any enum named after a "status" field collides with the processes'
    # one (drf-spectacular renames both) until ENUM_NAME_OVERRIDES names them apart.
    @extend_schema_field(
        {"type": "string", "description": "Uno de: " + ", ".join(PollStatus.values) + "."}
    )
    def get_status(self, obj: Poll) -> str:
        return obj.status

    def get_ballot_url(self, obj: Poll) -> str | None:
        """Where people vote (null for session polls, voted in their live session)."""
        request = self.context.get("request")
        if obj.eligibility == Eligibility.SESSION or request is None:
            return None
        return ballot_url(request, obj)


class PollCreateSerializer(serializers.Serializer):
    entity = serializers.SlugRelatedField(slug_field="slug", queryset=Entity.objects.all())
    title = serializers.CharField(max_length=200)
    method = serializers.ChoiceField(choices=sorted(METHODS))
    options = OptionSerializer(many=True)
    settings = serializers.DictField(required=False, default=dict)
    results_visibility = serializers.ChoiceField(
        choices=ResultsVisibility.choices, default=ResultsVisibility.AFTER_CLOSE
    )
    eligibility = serializers.ChoiceField(
        choices=[
            (Eligibility.ENTITY, Eligibility.ENTITY.label),
            (Eligibility.CODES, Eligibility.CODES.label),
        ],
        help_text="entity: ciudadanía registrada en la entidad; codes: códigos de un solo uso.",
    )
    allow_change = serializers.BooleanField(default=False)


class PollConfigureSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    options = OptionSerializer(many=True, required=False)
    settings = serializers.DictField(required=False)
    results_visibility = serializers.ChoiceField(choices=ResultsVisibility.choices, required=False)
    allow_change = serializers.BooleanField(required=False)


class ResetSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class CodesRequestSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=1, max_value=services.MAX_CODES)


class CodesSerializer(serializers.Serializer):
    batch = serializers.IntegerField()
    count = serializers.IntegerField()
    codes = serializers.ListField(
        child=serializers.CharField(),
        help_text="Los códigos en claro: se muestran solo esta vez y no se guardan.",
    )


class VoidRequestSerializer(serializers.Serializer):
    batch = serializers.IntegerField(min_value=1)


class VoidSerializer(serializers.Serializer):
    batch = serializers.IntegerField()
    voided = serializers.IntegerField()


class BatchSerializer(serializers.Serializer):
    batch = serializers.IntegerField()
    count = serializers.IntegerField()
    used = serializers.IntegerField()
    void = serializers.BooleanField()


def _options(values: list[dict[str, Any]]) -> list[services.OptionInput]:
    return [services.OptionInput(v["key"], v["label"], v.get("cost")) for v in values]


# --- the viewset -------------------------------------------------------------------------


class PollViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Polls of the entities where you are a facilitator or official."""

    serializer_class = PollSerializer
    permission_classes = (IsAuthenticated,)

    def get_queryset(self) -> QuerySet[Poll]:
        return (
            selectors.polls_managed_by(self.request.user)
            .annotate(turnout=Count("participations", distinct=True))
            .order_by("-created", "-pk")
        )

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        # An error asked for as PDF is still an error: answer it as JSON.
        renderer = getattr(request, "accepted_renderer", None)
        if getattr(response, "exception", False) and isinstance(renderer, PdfRenderer):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def _reply(self, poll: Poll, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=poll.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    @extend_schema(request=PollCreateSerializer, responses={201: PollSerializer})
    def create(self, request: Request) -> Response:
        data = PollCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if not is_entity_staff(request.user, values["entity"]):
            raise PermissionDenied(
                _("Solo el equipo facilitador o funcionario de la entidad puede crear votaciones.")
            )
        try:
            poll = services.poll_create(
                entity=values["entity"],
                title=values["title"],
                method=values["method"],
                options=_options(values["options"]),
                settings=values["settings"],
                results_visibility=values["results_visibility"],
                eligibility=values["eligibility"],
                allow_change=values["allow_change"],
                created_by=request.user,
            )
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        return self._reply(poll, status.HTTP_201_CREATED)

    @extend_schema(
        request=PollConfigureSerializer,
        responses={200: PollSerializer, 409: OpenApiResponse(description="Ya se abrió.")},
        description="Editar una votación en borrador; al abrirse su configuración queda fija.",
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        poll = self.get_object()
        data = PollConfigureSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            services.poll_configure(
                poll=poll,
                actor=request.user,
                title=values.get("title"),
                settings=values.get("settings"),
                options=_options(values["options"]) if "options" in values else None,
                results_visibility=values.get("results_visibility"),
                allow_change=values.get("allow_change"),
            )
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        return self._reply(poll)

    def _transition(self, request: Request, service: Any, **kwargs: Any) -> Response:
        poll = self.get_object()
        try:
            service(poll=poll, actor=request.user, **kwargs)
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        return self._reply(poll)

    @extend_schema(request=None, responses={200: PollSerializer, 409: OpenApiResponse()})
    @action(detail=True, methods=["post"])
    def open(self, request: Request, pk: str) -> Response:
        """Abrir la votación (borrador → abierta)."""
        return self._transition(request, services.poll_open)

    @extend_schema(request=None, responses={200: PollSerializer, 409: OpenApiResponse()})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        """Cerrar la votación (abierta → cerrada)."""
        return self._transition(request, services.poll_close)

    @extend_schema(request=None, responses={200: PollSerializer, 409: OpenApiResponse()})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        """Publicar los resultados (cerrada → publicada)."""
        return self._transition(request, services.poll_publish)

    @extend_schema(request=ResetSerializer, responses={200: PollSerializer})
    @action(detail=True, methods=["post"])
    def reset(self, request: Request, pk: str) -> Response:
        """Descartar todos los votos y volver a borrador (queda en la auditoría); los
        códigos emitidos quedan anulados."""
        data = ResetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._transition(request, services.poll_reset, reason=data.validated_data["reason"])

    @extend_schema(
        request=CodesRequestSerializer,
        parameters=[
            OpenApiParameter(
                "format",
                str,
                enum=["json", "pdf"],
                required=False,
                description="pdf: la hoja imprimible de tarjetas (también con Accept: "
                "application/pdf).",
            )
        ],
        responses={
            (201, "application/json"): CodesSerializer,
            (201, "application/pdf"): OpenApiTypes.BINARY,
            409: OpenApiResponse(description="La votación no usa códigos, o ya cerró."),
        },
        description="Emitir un lote de códigos de un solo uso. Los códigos en claro solo "
        "existen en esta respuesta: no se guardan.",
    )
    @action(detail=True, methods=["post"], renderer_classes=[JSONRenderer, PdfRenderer])
    def codes(self, request: Request, pk: str) -> Response:
        poll = self.get_object()
        data = CodesRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            issued = services.codes_issue(
                poll=poll, count=data.validated_data["count"], actor=request.user
            )
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        if isinstance(request.accepted_renderer, PdfRenderer):
            pdf = codes_sheet_pdf(poll, issued, ballot_url(request, poll))
            return Response(
                pdf,
                status=status.HTTP_201_CREATED,
                content_type="application/pdf",
                headers={
                    "Content-Disposition": f'attachment; filename="votacion-{poll.pk}-codigos-'
                    f'lote-{issued.batch}.pdf"'
                },
            )
        body = {"batch": issued.batch, "count": len(issued.codes), "codes": issued.codes}
        return Response(CodesSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: BatchSerializer(many=True)})
    @codes.mapping.get
    def code_batches(self, request: Request, pk: str) -> Response:
        """Los lotes emitidos, con cuántos códigos se usaron (nunca los códigos)."""
        poll = self.get_object()
        return Response(BatchSerializer(selectors.code_batches(poll), many=True).data)

    @extend_schema(request=VoidRequestSerializer, responses={200: VoidSerializer})
    @action(detail=True, methods=["post"], url_path="codes/void")
    def void_codes(self, request: Request, pk: str) -> Response:
        """Anular un lote (una hoja perdida): sus códigos dejan de servir."""
        poll = self.get_object()
        data = VoidRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        batch = data.validated_data["batch"]
        try:
            voided = services.codes_void(poll=poll, batch=batch, actor=request.user)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        return Response(VoidSerializer({"batch": batch, "voided": voided}).data)


router = routers.SimpleRouter()
router.register("polls", PollViewSet, basename="poll")
