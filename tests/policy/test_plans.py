"""Action plan services and selectors: commitments from approved draft items (with their
trace), milestones, progress, publishing as frozen versions, accountability."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from cocrea.accounts.models import Role, User
from cocrea.accounts.services import membership_grant
from cocrea.policy.models import (
    ActionPlan,
    Commitment,
    Completion,
    ContributionResponse,
    Draft,
    DraftItem,
    ItemOrigin,
    ItemSource,
    PlanStatus,
    PlanVersion,
    ReviewStatus,
    SourceKind,
)
from cocrea.policy.selectors import plans as selectors
from cocrea.policy.services import plans as services
from cocrea.toolkit.models import Level, Lineamiento, Pillar
from sessions import live
from sessions.models import LiveSession, Process, ProcessStatus
from sessions.services import StageInput, process_create
from tests.conftest import PASSWORD

# --- fixtures --------------------------------------------------------------------------


@dataclass
class PlanWorld:
    process: Process
    session: LiveSession
    items: list[DraftItem]  # two approved items with sources
    unapproved: DraftItem  # in review
    removed: DraftItem  # approved but removed
    other_item: DraftItem  # approved, same entity, another process
    foreign_item: DraftItem  # approved, another entity's process
    responses: list[ContributionResponse]  # [on items[0], on items[1], on nothing]


def _process(entity, title: str, creator) -> tuple[Process, LiveSession]:
    process = process_create(
        entity=entity,
        title=title,
        primary_pillar=Pillar.objects.get(code="participacion"),
        stages=[StageInput(name="Taller", level=Level.objects.get(code="colaborar"))],
        created_by=creator,
    )
    session = live.session_create(stage=process.stages.get(), title=f"Taller {title}")
    return process, session


def _item(process: Process, title: str, text: str = "", **fields) -> DraftItem:
    draft, _ = Draft.objects.get_or_create(process=process, defaults={"title": "Borrador"})
    return DraftItem.objects.create(
        draft=draft,
        lineamiento=Lineamiento.objects.get(code="datos-abiertos"),
        pillar=Pillar.objects.get(code="transparencia"),
        title=title,
        text=text,
        origin=ItemOrigin.NOTE,
        status=fields.pop("status", ReviewStatus.APPROVED),
        **fields,
    )


@pytest.fixture
def pw(entity, other_entity, alice) -> PlanWorld:
    process, session = _process(entity, "Movilidad en Buenaventura", alice)
    # Active: its published plans are public (a draft process hides everything).
    Process.objects.filter(pk=process.pk).update(status=ProcessStatus.ACTIVE)
    process.refresh_from_db()
    level = Level.objects.get(code="colaborar")
    first = _item(process, "Datos de accidentes abiertos", "No se publican los accidentes.")
    second = _item(process, "Cruces seguros", "Los niños cruzan sin semáforo.")
    ItemSource.objects.create(
        item=first,
        kind=SourceKind.NOTE,
        ref="note:1",
        session=session,
        level=level,
        participants=7,
        snapshot={"text": "Publicar los datos de accidentes"},
    )
    ItemSource.objects.create(
        item=second,
        kind=SourceKind.POLL,
        ref="poll:2",
        session=session,
        level=level,
        participants=12,
        snapshot={"title": "Prioridades", "result": {"a": 9}},
    )
    responses = [
        ContributionResponse.objects.create(
            process=process, session=session, kind="note", ref="note:1", item=first
        ),
        ContributionResponse.objects.create(
            process=process, session=session, kind="poll", ref="poll:2", item=second
        ),
        ContributionResponse.objects.create(
            process=process, session=session, kind="note", ref="note:3"
        ),
    ]
    other, _ = _process(entity, "Otro proceso", alice)
    foreign, _ = _process(other_entity, "Proceso ajeno", None)
    return PlanWorld(
        process=process,
        session=session,
        items=[first, second],
        unapproved=_item(process, "En revisión", status=ReviewStatus.IN_REVIEW),
        removed=_item(process, "Retirado", removed=True),
        other_item=_item(other, "De otro proceso"),
        foreign_item=_item(foreign, "De otra entidad"),
        responses=responses,
    )


@pytest.fixture
def foreign_official(other_entity) -> User:
    user = User.objects.create_user(
        email="olivia@example.org", password=PASSWORD, full_name="Olivia Externa"
    )
    membership_grant(user=user, entity=other_entity, role=Role.OFFICIAL)
    return user


@pytest.fixture
def plan(pw, bob) -> ActionPlan:
    return services.plan_create(
        process=pw.process,
        title="Plan de acción 2026",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2027, 6, 30),
        actor=bob,
    )


RELEVANT = {"objective": "Publicar datos", "relevance_transparency": "Datos abiertos"}


def commitment(plan: ActionPlan, items: list[DraftItem], actor, **fields) -> Commitment:
    return services.commitment_create(
        plan=plan, title=fields.pop("title", ""), items=items, actor=actor, **fields
    )


def errors_of(exc: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return exc.value.message_dict


# --- plans -----------------------------------------------------------------------------


def test_plan_create_stores_the_plan_as_a_draft(plan, pw, bob):
    assert plan.process == pw.process
    assert plan.status == PlanStatus.DRAFT
    assert plan.created_by == bob
    assert plan.next_version == 1


@pytest.mark.parametrize(
    ("title", "start", "end", "field"),
    [
        ("  ", None, None, "title"),
        ("x" * 201, None, None, "title"),
        ("Plan", dt.date(2026, 5, 1), dt.date(2026, 4, 30), "period_end"),
    ],
)
def test_plan_create_rejects_bad_input_naming_the_field(pw, bob, title, start, end, field):
    with pytest.raises(ValidationError) as exc:
        services.plan_create(
            process=pw.process, title=title, period_start=start, period_end=end, actor=bob
        )
    assert list(errors_of(exc)) == [field]
    assert not ActionPlan.objects.exists()


@pytest.mark.parametrize("who", ["alice", "carol", "oscar"])
def test_only_officials_of_the_entity_create_plans(pw, who, request):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.plan_create(process=pw.process, title="Plan", actor=user)
    assert not ActionPlan.objects.exists()


# --- commitments -----------------------------------------------------------------------


def test_commitment_from_items_keeps_trace_and_prefills(plan, pw, bob):
    c = commitment(plan, pw.items, bob)
    assert c.number == 1
    assert c.title == "Datos de accidentes abiertos"  # the first item's, when left blank
    assert "No se publican los accidentes." in c.problem
    assert "Los niños cruzan sin semáforo." in c.problem
    assert "- Cruces seguros" in c.objective
    assert set(c.items.all()) == set(pw.items)


def test_explicit_fields_win_over_the_prefill(plan, pw, bob):
    c = commitment(
        plan,
        pw.items[:1],
        bob,
        title="Datos abiertos de movilidad",
        problem="Nadie sabe dónde ocurren los accidentes.",
        lead_agency="Secretaría de Movilidad",
    )
    assert c.title == "Datos abiertos de movilidad"
    assert c.problem == "Nadie sabe dónde ocurren los accidentes."
    assert c.lead_agency == "Secretaría de Movilidad"


def test_commitment_numbers_follow_each_other(plan, pw, bob):
    assert [commitment(plan, pw.items[:1], bob).number for _ in range(3)] == [1, 2, 3]


def test_contribution_responses_get_the_commitment(plan, pw, bob):
    c = commitment(plan, pw.items[:1], bob)
    first, second, loose = (ContributionResponse.objects.get(pk=r.pk) for r in pw.responses)
    assert first.commitment == c
    assert second.commitment is None  # its item was not chosen
    assert loose.commitment is None
    # The contributor's trace reads: contribution → item → commitment.
    assert list(c.responses.values_list("ref", flat=True)) == ["note:1"]


def test_a_second_commitment_on_the_same_item_does_not_steal_the_response(plan, pw, bob):
    first = commitment(plan, pw.items[:1], bob)
    commitment(plan, pw.items, bob)
    assert ContributionResponse.objects.get(pk=pw.responses[0].pk).commitment == first
    assert ContributionResponse.objects.get(pk=pw.responses[1].pk).commitment.number == 2


@pytest.mark.parametrize("which", ["unapproved", "removed", "other_item", "none"])
def test_commitment_create_rejects_items_naming_items(plan, pw, bob, which):
    items = [] if which == "none" else [pw.items[0], getattr(pw, which)]
    with pytest.raises(ValidationError) as exc:
        commitment(plan, items, bob)
    assert list(errors_of(exc)) == ["items"]
    assert not Commitment.objects.exists()
    assert ContributionResponse.objects.filter(commitment__isnull=False).count() == 0


def test_another_entitys_item_is_permission_denied(plan, pw, bob):
    with pytest.raises(PermissionDenied):
        commitment(plan, [pw.items[0], pw.foreign_item], bob)
    assert not Commitment.objects.exists()


def test_another_entitys_official_cannot_add_commitments(plan, pw, foreign_official):
    with pytest.raises(PermissionDenied):
        commitment(plan, pw.items, foreign_official)


def test_facilitators_cannot_write_commitments(plan, pw, alice):
    with pytest.raises(PermissionDenied):
        commitment(plan, pw.items, alice)


def test_commitment_create_validates_fields_before_writing(plan, pw, bob):
    with pytest.raises(ValidationError) as exc:
        commitment(
            plan, pw.items, bob, start=dt.date(2026, 3, 1), end=dt.date(2026, 2, 1), sdgs=[18]
        )
    assert set(errors_of(exc)) == {"end", "sdgs"}
    assert not Commitment.objects.exists()


# --- the race on numbering -------------------------------------------------------------


def race(*jobs) -> list:
    """Run each job in its own thread (own connection), released together."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def runner(index, job):
        try:
            barrier.wait(timeout=30)
            results[index] = job()
        except BaseException as exc:  # reported by the caller
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive()
    return results


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_commitments_get_distinct_numbers(pw, bob):
    plan = services.plan_create(process=pw.process, title="Plan", actor=bob)
    results = race(
        *[
            (lambda i=i: commitment(plan, pw.items[i % 2 : i % 2 + 1], bob, title=f"C{i}"))
            for i in range(8)
        ]
    )
    assert all(isinstance(r, Commitment) for r in results), results
    assert sorted(r.number for r in results) == list(range(1, 9))
    assert sorted(plan.commitments.values_list("number", flat=True)) == list(range(1, 9))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_publishes_make_distinct_versions(pw, bob):
    plan = services.plan_create(process=pw.process, title="Plan", actor=bob)
    commitment(plan, pw.items, bob, **RELEVANT)
    results = race(*[(lambda: services.plan_publish(plan=plan, actor=bob)) for _ in range(4)])
    assert all(isinstance(r, PlanVersion) for r in results), results
    assert sorted(r.number for r in results) == [1, 2, 3, 4]
    plan.refresh_from_db()
    assert plan.next_version == 5


# --- editing -----------------------------------------------------------------------------


def full_fields() -> dict:
    return {
        "title": "Datos abiertos de siniestralidad",
        "start": dt.date(2026, 2, 1),
        "end": dt.date(2026, 12, 15),
        "lead_agency": "Secretaría de Movilidad",
        "problem": "No se conocen los puntos críticos.",
        "baseline": "0 conjuntos de datos publicados.",
        "objective": "Publicar mensualmente los siniestros georreferenciados.",
        "expected_results": "Un conjunto de datos mensual en datos.gov.co.",
        "how_it_helps": "La ciudadanía y la academia pueden priorizar intervenciones.",
        "relevance_transparency": "Información pública en formato abierto.",
        "relevance_participation": "Veedurías priorizan cruces.",
        "relevance_accountability": "Informe trimestral al concejo.",
        "relevance_innovation": "Tablero abierto.",
        "other_actors": {
            "government": ["Policía de Tránsito"],
            "civil_society": ["Veeduría de movilidad", "  "],
            "private": [],
            "multilateral": ["BID"],
        },
        "budget": "$120.000.000, recursos propios",
        "development_plan": "Programa 4.2: movilidad segura",
        "sdgs": [11, 3, 16, 3],
        "completion": Completion.LIMITED,
    }


def test_commitment_edit_stores_every_ogp_field(plan, pw, bob):
    c = commitment(plan, pw.items, bob)
    services.commitment_edit(commitment=c, actor=bob, **full_fields())
    c.refresh_from_db()
    assert c.title == "Datos abiertos de siniestralidad"
    assert (c.start, c.end) == (dt.date(2026, 2, 1), dt.date(2026, 12, 15))
    assert c.sdgs == [3, 11, 16]
    assert c.other_actors == {
        "government": ["Policía de Tránsito"],
        "civil_society": ["Veeduría de movilidad"],
        "private": [],
        "multilateral": ["BID"],
    }
    assert c.completion == Completion.LIMITED
    assert c.relevance_innovation == "Tablero abierto."


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"start": dt.date(2026, 3, 2), "end": dt.date(2026, 3, 1)}, "end"),
        ({"sdgs": [0]}, "sdgs"),
        ({"sdgs": [18]}, "sdgs"),
        ({"sdgs": ["3"]}, "sdgs"),
        ({"sdgs": [True]}, "sdgs"),
        ({"completion": "done"}, "completion"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"budget": "x" * 201}, "budget"),
        ({"relevance_participation": "x" * 10_001}, "relevance_participation"),
        ({"relevance_transparency": 5}, "relevance_transparency"),
        ({"other_actors": {"aliens": ["x"]}}, "other_actors"),
        ({"other_actors": {"government": "Policía"}}, "other_actors"),
        ({"start": "2026-13-01"}, "start"),
    ],
)
def test_commitment_edit_rejects_bad_input_naming_the_field(plan, pw, bob, changes, field):
    c = commitment(plan, pw.items, bob, title="Original")
    with pytest.raises(ValidationError) as exc:
        services.commitment_edit(commitment=c, actor=bob, lead_agency="Nueva", **changes)
    assert list(errors_of(exc)) == [field]
    c.refresh_from_db()
    assert (c.title, c.lead_agency) == ("Original", "")  # nothing half-written


def test_commitment_edit_checks_end_against_the_stored_start(plan, pw, bob):
    c = commitment(plan, pw.items, bob, start=dt.date(2026, 5, 1))
    with pytest.raises(ValidationError) as exc:
        services.commitment_edit(commitment=c, actor=bob, end=dt.date(2026, 4, 1))
    assert list(errors_of(exc)) == ["end"]


def test_commitment_edit_needs_an_official(plan, pw, bob, alice):
    c = commitment(plan, pw.items, bob)
    with pytest.raises(PermissionDenied):
        services.commitment_edit(commitment=c, actor=alice, title="Nuevo")


# --- milestones and progress ---------------------------------------------------------------


def test_milestones_are_added_in_order_and_marked_done(plan, pw, bob):
    c = commitment(plan, pw.items, bob)
    m1 = services.milestone_add(
        commitment=c,
        deliverable="Conjunto de datos publicado",
        start=dt.date(2026, 2, 1),
        end=dt.date(2026, 3, 1),
        responsible="Oficina TIC",
        actor=bob,
    )
    m2 = services.milestone_add(commitment=c, deliverable="Tablero en línea", actor=bob)
    assert (m1.order, m2.order) == (1, 2)
    done = services.milestone_done(milestone=m1, actor=bob)
    assert done.done and done.done_at is not None
    undone = services.milestone_done(milestone=m1, actor=bob, done=False)
    assert not undone.done and undone.done_at is None
    edited = services.milestone_edit(
        milestone=m2, deliverable="Tablero público", end=dt.date(2026, 9, 1), actor=bob
    )
    assert (edited.deliverable, edited.end) == ("Tablero público", dt.date(2026, 9, 1))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"deliverable": " "}, "deliverable"),
        ({"deliverable": "x" * 301}, "deliverable"),
        ({"deliverable": "Informe", "responsible": "x" * 201}, "responsible"),
        (
            {"deliverable": "Informe", "start": dt.date(2026, 5, 2), "end": dt.date(2026, 5, 1)},
            "end",
        ),
    ],
)
def test_milestone_rejects_bad_input_naming_the_field(plan, pw, bob, kwargs, field):
    c = commitment(plan, pw.items, bob)
    with pytest.raises(ValidationError) as exc:
        services.milestone_add(commitment=c, actor=bob, **kwargs)
    assert list(errors_of(exc)) == [field]
    assert not c.milestones.exists()
    m = services.milestone_add(commitment=c, deliverable="Bueno", actor=bob)
    with pytest.raises(ValidationError) as exc:
        services.milestone_edit(milestone=m, actor=bob, **kwargs)
    assert list(errors_of(exc)) == [field]
    m.refresh_from_db()
    assert m.deliverable == "Bueno"


def test_milestone_writes_need_an_official(plan, pw, bob, alice):
    c = commitment(plan, pw.items, bob)
    m = services.milestone_add(commitment=c, deliverable="Informe", actor=bob)
    with pytest.raises(PermissionDenied):
        services.milestone_add(commitment=c, deliverable="Otro", actor=alice)
    with pytest.raises(PermissionDenied):
        services.milestone_done(milestone=m, actor=alice)


def test_progress_updates_the_completion(plan, pw, bob):
    c = commitment(plan, pw.items, bob)
    update = services.progress_add(
        commitment=c, text="Primer conjunto publicado.", completion="substantial", actor=bob
    )
    assert update.author == bob
    c.refresh_from_db()
    assert c.completion == Completion.SUBSTANTIAL


@pytest.mark.parametrize(
    ("text", "completion", "fields"),
    [
        ("", "limited", {"text"}),
        ("Avance", "halfway", {"completion"}),
        (" ", "", {"text", "completion"}),
    ],
)
def test_progress_rejects_bad_input(plan, pw, bob, text, completion, fields):
    c = commitment(plan, pw.items, bob)
    with pytest.raises(ValidationError) as exc:
        services.progress_add(commitment=c, text=text, completion=completion, actor=bob)
    assert set(errors_of(exc)) == fields
    c.refresh_from_db()
    assert c.completion == Completion.NOT_STARTED
    assert not c.updates.exists()


def test_progress_needs_an_official(plan, pw, bob, alice):
    c = commitment(plan, pw.items, bob)
    with pytest.raises(PermissionDenied):
        services.progress_add(commitment=c, text="x", completion="limited", actor=alice)


# --- publishing ------------------------------------------------------------------------------


def publishable(plan, pw, bob) -> Commitment:
    c = commitment(plan, pw.items, bob)
    services.commitment_edit(commitment=c, actor=bob, **full_fields())
    services.milestone_add(
        commitment=c,
        deliverable="Conjunto de datos publicado",
        end=dt.date(2026, 3, 1),
        responsible="Oficina TIC",
        actor=bob,
    )
    return c


def test_publish_freezes_a_full_snapshot(plan, pw, bob):
    c = publishable(plan, pw, bob)
    version = services.plan_publish(plan=plan, actor=bob)
    plan.refresh_from_db()
    assert (version.number, plan.next_version, plan.status) == (1, 2, PlanStatus.PUBLISHED)
    assert version.published_by == bob
    snap = version.snapshot
    assert snap["plan"]["title"] == "Plan de acción 2026"
    assert snap["plan"]["period_end"] == "2027-06-30"
    [data] = snap["commitments"]
    assert data["id"] == c.pk and data["number"] == 1
    for key in (
        "title",
        "start",
        "end",
        "lead_agency",
        "problem",
        "baseline",
        "objective",
        "expected_results",
        "how_it_helps",
        "budget",
        "development_plan",
    ):
        assert data[key] not in ("", None), key
    assert data["relevance"]["accountability"] == "Informe trimestral al concejo."
    assert data["other_actors"]["multilateral"] == ["BID"]
    assert data["sdgs"] == [3, 11, 16]
    assert data["completion"] == "limited"
    assert data["milestones"][0]["deliverable"] == "Conjunto de datos publicado"
    assert data["milestones"][0]["end"] == "2026-03-01"
    items = {i["title"]: i for i in data["items"]}
    source = items["Cruces seguros"]["sources"][0]
    assert source["session"] == {
        "id": pw.session.pk,
        "title": pw.session.title,
        "code": pw.session.code,
    }
    assert source["level"]["code"] == "colaborar"
    assert source["participants"] == 12
    assert source["snapshot"] == {"title": "Prioridades", "result": {"a": 9}}
    assert items["Cruces seguros"]["lineamiento"]["code"] == "datos-abiertos"


def test_publishing_needs_commitments_with_objective_and_relevance(plan, pw, bob):
    with pytest.raises(ValidationError) as exc:
        services.plan_publish(plan=plan, actor=bob)
    assert list(errors_of(exc)) == ["commitments"]
    commitment(plan, pw.items, bob, objective="")
    with pytest.raises(ValidationError) as exc:
        services.plan_publish(plan=plan, actor=bob)
    [message] = errors_of(exc)["commitments"]
    assert "compromiso 1" in message and "relevancia" in message
    assert not PlanVersion.objects.exists()
    plan.refresh_from_db()
    assert (plan.status, plan.next_version) == (PlanStatus.DRAFT, 1)


def test_publish_needs_an_official(plan, pw, bob, alice, foreign_official):
    publishable(plan, pw, bob)
    for user in (alice, foreign_official):
        with pytest.raises(PermissionDenied):
            services.plan_publish(plan=plan, actor=user)
    assert not PlanVersion.objects.exists()


def test_edit_after_publishing_goes_to_the_working_copy_and_versions_stay(plan, pw, bob):
    c = publishable(plan, pw, bob)
    v1 = services.plan_publish(plan=plan, actor=bob)
    frozen = PlanVersion.objects.get(pk=v1.pk).snapshot
    assert not selectors.plan_detail(plan).unpublished_changes

    services.commitment_edit(commitment=c, actor=bob, title="Nombre nuevo")
    services.milestone_add(commitment=c, deliverable="Segundo hito", actor=bob)
    detail = selectors.plan_detail(plan)
    assert detail.unpublished_changes
    assert PlanVersion.objects.get(pk=v1.pk).snapshot == frozen
    assert selectors.published_version(plan).snapshot["commitments"][0]["title"] == (
        "Datos abiertos de siniestralidad"
    )

    v2 = services.plan_publish(plan=plan, actor=bob)
    assert v2.number == 2
    assert v2.snapshot["commitments"][0]["title"] == "Nombre nuevo"
    assert len(v2.snapshot["commitments"][0]["milestones"]) == 2
    assert PlanVersion.objects.get(pk=v1.pk).snapshot == frozen
    assert selectors.published_version(plan, 1).snapshot == frozen
    assert selectors.published_version(plan).number == 2
    assert selectors.published_version(plan, 3) is None
    assert not selectors.plan_detail(plan).unpublished_changes
    assert list(plan.versions.values_list("number", flat=True)) == [1, 2]


def test_progress_on_a_published_plan_is_not_an_unpublished_change(plan, pw, bob):
    c = publishable(plan, pw, bob)
    v1 = services.plan_publish(plan=plan, actor=bob)
    frozen = PlanVersion.objects.get(pk=v1.pk).snapshot
    services.progress_add(
        commitment=c, text="Publicado el primer mes.", completion="completed", actor=bob
    )
    services.milestone_done(milestone=c.milestones.get(), actor=bob)
    assert not selectors.plan_detail(plan).unpublished_changes
    assert PlanVersion.objects.get(pk=v1.pk).snapshot == frozen


# --- selectors -------------------------------------------------------------------------------


def test_plans_of_lists_the_process_plans_with_counts(plan, pw, bob, entity):
    commitment(plan, pw.items, bob)
    services.plan_create(process=pw.process, title="Otro plan", actor=bob)
    listed = {p.title: p.commitment_count for p in selectors.plans_of(pw.process)}
    assert listed == {"Plan de acción 2026": 1, "Otro plan": 0}


def test_plan_detail_and_approved_items(plan, pw, bob):
    c = publishable(plan, pw, bob)
    services.progress_add(commitment=c, text="Uno", completion="limited", actor=bob)
    detail = selectors.plan_detail(plan)
    [row] = detail.commitments
    assert row.milestones.all()[0].deliverable == "Conjunto de datos publicado"
    assert [u.text for u in row.updates.all()] == ["Uno"]
    trace = detail.traces[c.pk]
    assert {i["title"] for i in trace} == {"Datos de accidentes abiertos", "Cruces seguros"}
    assert detail.latest is None and not detail.unpublished_changes
    assert set(selectors.approved_items(pw.process)) == set(pw.items)


def test_accountability_reports_live_progress_of_the_published_plan(plan, pw, bob):
    assert selectors.accountability(plan) is None
    c = publishable(plan, pw, bob)
    services.milestone_add(commitment=c, deliverable="Tablero", actor=bob)
    services.plan_publish(plan=plan, actor=bob)
    first, second = c.milestones.order_by("order")
    services.milestone_done(milestone=first, actor=bob)
    services.progress_add(commitment=c, text="Primer avance", completion="limited", actor=bob)
    services.progress_add(commitment=c, text="Segundo avance", completion="substantial", actor=bob)
    # Unpublished edits stay out of the public report; a new milestone too.
    services.commitment_edit(commitment=c, actor=bob, title="Borrador de nombre")
    services.milestone_add(commitment=c, deliverable="Hito sin publicar", actor=bob)

    report = selectors.accountability(plan)
    [row] = report.commitments
    assert row.title == "Datos abiertos de siniestralidad"
    assert (row.completion, row.step, report.steps) == ("substantial", 2, 3)
    assert (row.milestones_done, row.milestones_total) == (1, 2)
    assert [m.deliverable for m in row.milestones] == ["Conjunto de datos publicado", "Tablero"]
    assert [u.text for u in row.updates] == ["Segundo avance", "Primer avance"]
    assert {i["title"] for i in row.items} == {"Datos de accidentes abiertos", "Cruces seguros"}
