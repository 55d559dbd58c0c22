"""The data-processing notice shown before joining (Ley 1581 de 2012, Decreto 1377
de 2013). Its version is stored with each participant's consent, so changing the
text means bumping the version."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

NOTICE_VERSION = "2026-11-v1"

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
        "sus datos ante esa entidad."
    ),
    _("Su participación es voluntaria. Si no acepta, puede seguir la sesión sin aportar datos."),
)
