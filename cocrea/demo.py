"""The demo data ``make run`` loads: one entity, a facilitator, an official and one
process. Idempotent: running it again finds what is there and changes nothing but
the demo passwords, which it resets so the printed credentials always work."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from cocrea.accounts.models import Entity, EntityKind, Role, User
from cocrea.accounts.services import membership_grant
from cocrea.toolkit.models import Level, Lineamiento, Pillar
from sessions.models import Process, ProcessStatus
from sessions.services import StageInput, process_create, process_set_status

DEMO_PASSWORD = "cocrea-demo-2026"
FACILITATOR_EMAIL = "facilitadora@demo.cocrea.co"
OFFICIAL_EMAIL = "funcionario@demo.cocrea.co"
ENTITY_SLUG = "alcaldia-de-yumbo-demo"
PROCESS_SLUG = "juventudes-yumbo-presupuesto-participativo"


@dataclass(frozen=True)
class DemoResult:
    entity: Entity
    facilitator: User
    official: User
    process: Process
    created: bool


def _user(email: str, full_name: str) -> tuple[User, bool]:
    user, created = User.objects.get_or_create(email=email, defaults={"full_name": full_name})
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    return user, created


@transaction.atomic
def load_demo() -> DemoResult:
    entity, entity_created = Entity.objects.get_or_create(
        slug=ENTITY_SLUG,
        defaults={
            "name": "Alcaldía de Yumbo (demo)",
            "kind": EntityKind.ALCALDIA,
            "department": "76",
            "municipality": "Yumbo",
            "divipola_code": "76892",
        },
    )
    facilitator, _ = _user(FACILITATOR_EMAIL, "Laura Facilitadora")
    official, _ = _user(OFFICIAL_EMAIL, "Andrés Funcionario")
    membership_grant(user=facilitator, entity=entity, role=Role.FACILITATOR)
    membership_grant(user=official, entity=entity, role=Role.OFFICIAL)

    process = Process.objects.filter(slug=PROCESS_SLUG).first()
    created = entity_created or process is None
    if process is None:
        levels = {level.code: level for level in Level.objects.all()}
        process = process_create(
            entity=entity,
            title="Juventudes de Yumbo: presupuesto participativo 2027",
            description=(
                "Proceso para que jóvenes de Yumbo identifiquen problemas de su territorio, "
                "co-creen propuestas y decidan cómo invertir una bolsa del presupuesto "
                "municipal."
            ),
            primary_pillar=Pillar.objects.get(code="participacion"),
            secondary_pillar=Pillar.objects.get(code="rendicion-de-cuentas"),
            lineamientos=list(
                Lineamiento.objects.filter(
                    code__in=["gobernanza-abierta", "empoderamiento-abierto"]
                )
            ),
            stages=[
                StageInput(
                    name="Diagnóstico con árbol de problemas",
                    level=levels["consultar"],
                    starts_on=dt.date(2027, 2, 1),
                    ends_on=dt.date(2027, 2, 28),
                ),
                StageInput(
                    name="Taller de co-creación de propuestas",
                    level=levels["colaborar"],
                    starts_on=dt.date(2027, 3, 1),
                    ends_on=dt.date(2027, 3, 31),
                ),
                StageInput(
                    name="Votación de propuestas",
                    level=levels["empoderar"],
                    starts_on=dt.date(2027, 4, 1),
                    ends_on=dt.date(2027, 4, 15),
                ),
            ],
            created_by=facilitator,
            slug=PROCESS_SLUG,
        )
        process = process_set_status(process=process, status=ProcessStatus.ACTIVE)
    return DemoResult(entity, facilitator, official, process, created)
