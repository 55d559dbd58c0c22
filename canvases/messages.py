"""Human messages for canvas error codes, in the reader's language.

``canvases.ops`` stays free of translation (pure, and its messages are for logs and
tests); the protocol sends these instead."""

from __future__ import annotations

from django.utils.translation import gettext as _

from canvases.ops import MAX_NAME, MAX_TEXT


def message_for(code: str, fallback: str, field: str | None = None) -> str:
    messages = {
        "text_too_long": _("El texto admite como máximo %(n)s caracteres.") % {"n": MAX_TEXT},
        "empty_text": _("Escriba un texto."),
        "not_finite": _("La posición o el tamaño no es un número válido."),
        "out_of_board": _("Esa posición queda fuera del lienzo."),
        "unknown_colour": _("Ese color no está disponible."),
        "unknown_note": _("Esa nota no existe."),
        "deleted": _("Esa nota fue borrada."),
        "duplicate_id": _("Ya existe un elemento con ese identificador."),
        "canvas_locked": _("El equipo facilitador bloqueó el lienzo."),
        "zone_locked": _("El equipo facilitador bloqueó esa zona."),
        "note_limit": _("Llegó al máximo de notas por persona en este lienzo."),
        "no_dots_left": _("Ya usó todos sus puntos."),
        "one_dot_per_note": _("Solo se admite un punto por nota."),
        "forbidden": _("Solo quien escribió la nota o el equipo facilitador puede hacer esto."),
        "unknown_op": _("Operación de lienzo desconocida."),
        "unknown_zone": _("Esa zona no existe en el lienzo."),
        "private_mode": _("Desactive el modo privado antes de fusionar notas."),
        "invalid": _("Dato no válido: %(detail)s") % {"detail": fallback},
    }
    if code == "text_too_long" and field == "name":
        return _("El nombre admite como máximo %(n)s caracteres.") % {"n": MAX_NAME}
    return messages.get(code, fallback)
