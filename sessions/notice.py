"""The data-processing notice shown before joining (Ley 1581 de 2012, Decreto 1377
de 2013). Its version and purposes are stored with each participant's consent
(``cocrea.privacy.models.ConsentRecord``), so changing the text or the purposes means
bumping the version: a consent is proof only for the text the person actually read."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

NOTICE_VERSION = "2026-11-v2"

# The purposes consent is asked for, as stable codes (stored with each consent record)
# and the Spanish text shown. A new purpose is a new version of the notice.
NOTICE_PURPOSES: tuple[tuple[str, Promise], ...] = (
    ("session", _("Desarrollar el taller participativo y mostrar sus aportes al grupo.")),
    (
        "traceability",
        _("Dejar trazabilidad de cómo se usaron sus aportes en lineamientos y planes de acción."),
    ),
    (
        "response",
        _("Mostrarle la respuesta razonada de la entidad a cada uno de sus aportes."),
    ),
)
PURPOSE_CODES: tuple[str, ...] = tuple(code for code, _label in NOTICE_PURPOSES)

NOTICE_POINTS = (
    _(
        "Qué recogemos: el nombre visible que elija, sus aportes en la sesión (preguntas, "
        "notas, votos) y la fecha y hora de su participación. No pedimos documento, "
        "correo ni teléfono."
    ),
    _(
        "Para qué: para desarrollar este taller participativo, mostrar sus aportes al "
        "grupo y al equipo facilitador, y dejar trazabilidad de cómo se usaron en las "
        "decisiones y planes de acción de la entidad."
    ),
    _(
        "Responsable: la entidad que convoca el proceso, que trata los datos conforme a la "
        "Ley 1581 de 2012. Puede conocer, actualizar, rectificar y pedir la supresión de "
        "sus datos ante esa entidad. En «Mis datos» (/privacidad/mis-datos/) puede "
        "descargarlos o suprimirlos: sus aportes se conservan sin su nombre."
    ),
    _(
        "Conservación: pasado el plazo de conservación después de terminar la sesión, su "
        "nombre visible se reemplaza por «Participante anónimo» y se conservan solo los "
        "aportes. Los votos son secretos y nunca se guardan junto a su nombre."
    ),
    _("Su participación es voluntaria. Si no acepta, puede seguir la sesión sin aportar datos."),
)
