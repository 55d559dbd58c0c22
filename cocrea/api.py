"""Shared API plumbing: strict pagination and an exception handler that never 500s
on bad query input."""

from __future__ import annotations

from typing import Any

from django.core.paginator import InvalidPage
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class StrictPageNumberPagination(PageNumberPagination):
    """Page-number pagination where a malformed ``page``/``page_size`` is a 400 naming
    the parameter (DRF's default answers 404 "Invalid page" for ``page=abc``)."""

    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(
        self, queryset: QuerySet, request: Request, view: Any = None
    ) -> list[Any] | None:
        for name in (self.page_query_param, self.page_size_query_param):
            raw = request.query_params.get(name)
            if raw is None or (name == self.page_query_param and raw == "last"):
                continue
            if not raw.isdigit() or int(raw) < 1:
                raise ValidationError(
                    {
                        name: [
                            _("Debe ser un número entero positivo; se recibió «%(value)s».")
                            % {"value": raw}
                        ]
                    }
                )
        size = request.query_params.get(self.page_size_query_param)
        if size is not None and int(size) > self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Como máximo %(max)d elementos por página.") % {"max": self.max_page_size}
                    ]
                }
            )
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as exc:  # out-of-range page: keep 404, but say which parameter
            raise NotFound({self.page_query_param: [str(exc.detail)]}) from exc

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """DRF's parameters with the bounds enforced above, so the schema tells
        clients (and Schemathesis) that ``page_size`` over the maximum is a 400."""
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, InvalidPage):
        exc = NotFound({"page": [str(exc)]})
    return drf_exception_handler(exc, context)
