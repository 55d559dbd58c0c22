"""Start a participatory process from a recommendation of the self-assessment.

The process is created as a draft (the team then completes it on its page) with one
stage at the recommended IAP2 level, named after the methodology, and a description
that says which self-assessment it came from, so the link between diagnosis and action
stays visible. The rules mirror :mod:`cocrea.assessment.recommendations`: a level
above what the entity can sustain (its readiness) is accepted only as the stretch
level, one step above, and only when the form says it is the stretch.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

from cocrea.accounts.models import Entity, User
from cocrea.assessment import selectors
from cocrea.assessment.models import Assessment, AssessmentStatus
from cocrea.toolkit.models import Level, Methodology, Pillar
from sessions.models import Process
from sessions.rules import can_create_process
from sessions.services import StageInput, process_create


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _scored_assessment(entity: Entity, assessment: Assessment | None) -> Assessment:
    """The assessment the recommendation came from: the given one (which must be a
    scored assessment of ``entity``) or, by default, the entity's latest scored one."""
    if assessment is None:
        scored = selectors.scored_of(entity)
        if not scored:
            raise _invalid(
                "assessment",
                _("Su entidad aún no tiene un autodiagnóstico calificado del que partir."),
            )
        return scored[-1]
    if assessment.entity_id != entity.pk or assessment.status != AssessmentStatus.SCORED:
        raise _invalid("assessment", _("Ese autodiagnóstico no está calificado."))
    return assessment


def process_from_recommendation(
    *,
    entity: Entity,
    pillar_code: str,
    methodology_slug: str | None,
    level_code: str,
    actor: User | AnonymousUser,
    stretch: bool = False,
    assessment: Assessment | None = None,
) -> Process:
    """Create the draft process a recommendation proposes; its team only."""
    if not can_create_process(actor, entity):
        raise PermissionDenied(_("Solo el equipo de la entidad puede iniciar procesos."))

    pillar = Pillar.objects.filter(code=pillar_code).first()
    if pillar is None:
        raise _invalid("pillar", _("No existe el pilar «%(c)s».") % {"c": pillar_code})
    level = Level.objects.filter(code=level_code).first()
    if level is None:
        raise _invalid("level", _("No existe el nivel «%(c)s».") % {"c": level_code})
    methodology = None
    if methodology_slug:
        methodology = (
            Methodology.objects.prefetch_related("levels", "pillars", "lineamientos")
            .filter(slug=methodology_slug)
            .first()
        )
        if methodology is None:
            raise _invalid(
                "methodology", _("No existe la metodología «%(s)s».") % {"s": methodology_slug}
            )
        if level not in methodology.levels.all():
            raise _invalid(
                "level",
                _("«%(m)s» no se trabaja en el nivel %(l)s.")
                % {"m": methodology.tr("name"), "l": level.tr("name")},
            )
        if pillar not in methodology.pillars.all():
            raise _invalid(
                "methodology",
                _("«%(m)s» no se recomienda para el pilar %(p)s.")
                % {"m": methodology.tr("name"), "p": pillar.tr("name")},
            )

    source = _scored_assessment(entity, assessment)
    result = selectors.result_of(source)
    readiness = Level.objects.filter(code=result.readiness).first() if result else None
    if readiness is None:
        raise _invalid("assessment", _("Ese autodiagnóstico no tiene un nivel de preparación."))
    # What the entity sustains is always fine; one step above only as a declared stretch.
    if level.order > readiness.order and not (stretch and level.order == readiness.order + 1):
        raise _invalid(
            "level",
            _(
                "El nivel %(l)s está por encima de lo que su entidad sostiene hoy (%(r)s); "
                "solo se admite el siguiente nivel, como reto."
            )
            % {"l": level.tr("name"), "r": readiness.tr("name")},
        )

    names = {"p": pillar.tr("name"), "l": level.tr("name")}
    assessed_on = formats.date_format(source.scored_at or source.created, "DATE_FORMAT")
    if methodology is not None:
        names["m"] = methodology.tr("name")
        title = _("«%(m)s» para fortalecer el pilar «%(p)s»") % names
        stage_name = methodology.tr("name")
        intro = _(
            "Proceso propuesto por las recomendaciones del autodiagnóstico del %(d)s: "
            "aplicar «%(m)s» en el pilar %(p)s, al nivel %(l)s."
        ) % {**names, "d": assessed_on}
        description = f"{intro}\n\n{methodology.tr('summary')}"
        lineamientos = list(methodology.lineamientos.all())
    else:
        title = _("Proceso para fortalecer el pilar «%(p)s»") % names
        stage_name = level.tr("name")
        description = _(
            "Proceso propuesto por las recomendaciones del autodiagnóstico del %(d)s, "
            "para el pilar %(p)s al nivel %(l)s."
        ) % {**names, "d": assessed_on}
        lineamientos = []
    return process_create(
        entity=entity,
        title=title,
        description=description,
        primary_pillar=pillar,
        lineamientos=lineamientos,
        stages=[StageInput(name=stage_name, level=level)],
        created_by=actor if isinstance(actor, User) else None,
    )
