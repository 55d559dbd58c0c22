"""The OpenAPI generator: drf-spectacular's, plus the error answers every operation
can give, so the schema (/api/schema/) documents every status code the API returns
(checked by Schemathesis in tests/security/test_schemathesis.py).

Its own module, not cocrea.api: DRF imports cocrea.api while drf-spectacular's
module is still importing DRF's generics (a circular import)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

# Every operation can answer these (the exception handler and DRF's permission and
# CSRF checks): documented so clients and Schemathesis know them. 403, not 401: with
# session authentication DRF has no WWW-Authenticate challenge to send.
ERROR_RESPONSES = {
    "400": "Parámetros o datos inválidos; cada campo con sus mensajes.",
    "403": "Sin sesión, sin permiso o sin token CSRF.",
    "404": "No existe, no es visible para quien pregunta, o la página está fuera de rango.",
}
ERROR_BODY = {
    "type": "object",
    "description": "`detail` (a message) or one list of messages per field.",
    "additionalProperties": True,
}


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code, description in ERROR_RESPONSES.items():
            responses.setdefault(
                code,
                {
                    "description": description,
                    "content": {"application/json": {"schema": ERROR_BODY}},
                },
            )
        return responses
