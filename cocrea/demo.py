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
from sessions import live
from sessions.models import LiveSession, Process, ProcessStatus
from sessions.services import StageInput, process_create, process_set_status

DEMO_PASSWORD = "cocrea-demo-2026"
FACILITATOR_EMAIL = "facilitadora@demo.cocrea.co"
OFFICIAL_EMAIL = "funcionario@demo.cocrea.co"
ENTITY_SLUG = "alcaldia-de-yumbo-demo"
PROCESS_SLUG = "juventudes-yumbo-presupuesto-participativo"
WORKSHOP_TITLE = "Taller de propuestas con juventudes (realizado)"

# The finished workshop officials build their draft from: what young people wrote on a
# "¿Cómo podríamos…?" canvas, a question, and a vote on four proposals.
WORKSHOP_PEOPLE = ["Valentina", "Juan Camilo", "Daniela", "Santiago", "Mariana", "Andrés"]
WORKSHOP_NOTES = [
    (0, "Publicar en datos abiertos cuánto se invierte en cada barrio"),
    (1, "Crear una mesa juvenil que haga seguimiento al presupuesto"),
    (2, "Recuperar el parque del barrio Las Américas con las juntas de acción comunal"),
    (3, "Rutas seguras en bicicleta hacia los colegios"),
    (4, "Talleres de programación y robótica en la biblioteca"),
    (5, "Que las obras tengan un tablero público de avance"),
]
WORKSHOP_PROPOSALS = [
    {"key": "parque", "label": "Recuperar el parque Las Américas"},
    {"key": "ciclorruta", "label": "Rutas seguras en bicicleta a los colegios"},
    {"key": "robotica", "label": "Talleres de robótica en la biblioteca"},
    {"key": "tablero", "label": "Tablero público de avance de obras"},
]
WORKSHOP_BALLOTS = [
    ["parque", "tablero"],
    ["ciclorruta"],
    ["parque", "robotica"],
    ["tablero", "parque"],
    ["parque"],
    ["ciclorruta", "tablero"],
]


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
    if not LiveSession.objects.filter(stage__process=process, title=WORKSHOP_TITLE).exists():
        _finished_workshop(process, facilitator)
    return DemoResult(entity, facilitator, official, process, created)


def _finished_workshop(process: Process, facilitator: User) -> LiveSession:
    """Run a short workshop through the same commands a live one uses, so its records
    (notes, dots, the cluster, the question, the ballots with their receipts) are exactly
    what a real session leaves behind."""
    from cocrea.toolkit.models import Methodology

    stage = process.stages.get(level__code="colaborar")
    session = live.session_create(stage=stage, title=WORKSHOP_TITLE, created_by=facilitator)
    canvas = live.activity_add(
        session=session,
        kind="canvas",
        title="¿Cómo podríamos mejorar la inversión para jóvenes?",
        methodology=Methodology.objects.filter(slug="como-podriamos").first(),
    )
    qa = live.activity_add(session=session, kind="qa", title="Preguntas al equipo")
    poll_activity = live.activity_add(
        session=session,
        kind="poll",
        title="¿Qué propuestas priorizamos?",
        poll_spec={
            "method": "approval",
            "options": WORKSHOP_PROPOSALS,
            "settings": {"min_choices": 1, "max_choices": 2},
            "results_visibility": "after_close",
        },
    )
    boss = live.Actor(role="facilitator", key=f"u:{facilitator.pk}", user_id=facilitator.pk)
    ops = iter(range(10_000))

    def run(actor: live.Actor, type: str, **data: object) -> dict:
        result, _duplicate = live.session_command(
            session_id=session.pk, actor=actor, type=type, data=data, op_id=f"demo-{next(ops)}"
        )
        return result

    run(boss, "session.start")
    people = []
    for name in WORKSHOP_PEOPLE:
        participant = live.participant_join(session=session, display_name=name, consent=True)
        people.append(
            live.Actor(role="participant", key=f"p:{participant.pk}", participant_id=participant.pk)
        )
    run(boss, "activity.goto", activity_id=canvas.pk)
    board = canvas.canvas
    zones = board.zones or [{"x": 0, "y": 0, "width": board.width, "height": board.height}]
    for n, (who, text) in enumerate(WORKSHOP_NOTES):
        zone = zones[n % len(zones)]
        op = {
            "op": "create",
            "id": f"demo-note-{n}",
            "text": text,
            "x": zone["x"] + 20 + (n // len(zones)) * 30,
            "y": zone["y"] + 40 + (n // len(zones)) * 30,
        }
        run(people[who], "canvas.op", activity_id=canvas.pk, op=op)
    run(
        boss,
        "canvas.op",
        activity_id=canvas.pk,
        op={
            "op": "cluster",
            "cluster": "transparencia",
            "name": "Transparencia del presupuesto",
            "notes": ["demo-note-0", "demo-note-5"],
        },
    )
    for voter in people:
        for note in ("demo-note-0", "demo-note-2"):
            run(voter, "canvas.op", activity_id=canvas.pk, op={"op": "dot", "note": note})
    run(boss, "activity.goto", activity_id=qa.pk)
    asked = run(people[1], "qa.ask", text="¿Quién hará seguimiento a lo que se decida hoy?")
    run(boss, "qa.moderate", question_id=asked["question_id"], status="approved")
    run(boss, "activity.goto", activity_id=poll_activity.pk)
    run(boss, "poll.open", activity_id=poll_activity.pk)
    for voter, ballot in zip(people, WORKSHOP_BALLOTS, strict=True):
        run(voter, "poll.vote", activity_id=poll_activity.pk, ballot=ballot)
    run(boss, "poll.close", activity_id=poll_activity.pk)
    run(boss, "poll.publish", activity_id=poll_activity.pk)
    run(boss, "session.end")
    session.refresh_from_db()
    return session
