"""Processes: services, rules and the API, with the fixed people of conftest."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from cocrea.toolkit.models import Level, Lineamiento, Pillar
from sessions import rules
from sessions.models import Process, ProcessStatus, Stage
from sessions.services import (
    StageInput,
    process_create,
    process_set_status,
    process_update,
)

API = "/api/v1/processes/"


@pytest.fixture
def pillars(db) -> dict[str, Pillar]:
    return {pillar.code: pillar for pillar in Pillar.objects.all()}


@pytest.fixture
def levels(db) -> dict[str, Level]:
    return {level.code: level for level in Level.objects.all()}


@pytest.fixture
def draft(entity, alice, pillars, levels) -> Process:
    return process_create(
        entity=entity,
        title="Plan de movilidad 2027",
        primary_pillar=pillars["participacion"],
        stages=[StageInput(name="Diagnóstico", level=levels["consultar"])],
        created_by=alice,
    )


def payload(entity, /, **overrides) -> dict:
    data = {
        "entity": entity.slug,
        "title": "Presupuestos participativos 2027",
        "description": "Jóvenes deciden.",
        "primary_pillar": "participacion",
        "secondary_pillar": "rendicion-de-cuentas",
        "lineamientos": ["gobernanza-abierta"],
        "stages": [
            {"name": "Diagnóstico", "level": "consultar", "starts_on": "2027-02-01"},
            {"name": "Votación", "level": "empoderar", "ends_on": "2027-04-15"},
        ],
    }
    data.update(overrides)
    return data


# --- services ------------------------------------------------------------------------


def test_create_writes_process_and_ordered_stages(entity, pillars, levels):
    process = process_create(
        entity=entity,
        title="  Plan de datos abiertos ",
        primary_pillar=pillars["transparencia"],
        secondary_pillar=pillars["innovacion"],
        lineamientos=list(Lineamiento.objects.filter(code="datos-abiertos")),
        stages=[
            StageInput(name="Inventario", level=levels["informar"]),
            StageInput(
                name="Priorización",
                level=levels["consultar"],
                starts_on=dt.date(2027, 1, 1),
                ends_on=dt.date(2027, 1, 31),
            ),
        ],
    )
    assert process.title == "Plan de datos abiertos"
    assert process.slug == "plan-de-datos-abiertos"
    assert process.status == ProcessStatus.DRAFT
    assert [(s.order, s.name, s.level.code) for s in process.stages.all()] == [
        (1, "Inventario", "informar"),
        (2, "Priorización", "consultar"),
    ]
    assert list(process.lineamientos.values_list("code", flat=True)) == ["datos-abiertos"]


def test_bad_stage_writes_nothing(entity, pillars, levels):
    with pytest.raises(ValidationError) as caught:
        process_create(
            entity=entity,
            title="Proceso",
            primary_pillar=pillars["transparencia"],
            stages=[
                StageInput(name="Bien", level=levels["informar"]),
                StageInput(
                    name="Mal",
                    level=levels["informar"],
                    starts_on=dt.date(2027, 5, 1),
                    ends_on=dt.date(2027, 4, 1),
                ),
            ],
        )
    assert "stages" in caught.value.message_dict
    assert Process.objects.count() == 0
    assert Stage.objects.count() == 0


def test_secondary_pillar_must_differ(entity, pillars):
    with pytest.raises(ValidationError) as caught:
        process_create(
            entity=entity,
            title="Proceso",
            primary_pillar=pillars["transparencia"],
            secondary_pillar=pillars["transparencia"],
        )
    assert "secondary_pillar" in caught.value.message_dict


def test_same_title_gets_distinct_slugs(entity, pillars):
    first = process_create(entity=entity, title="Plan", primary_pillar=pillars["innovacion"])
    second = process_create(entity=entity, title="Plan", primary_pillar=pillars["innovacion"])
    assert first.slug == "plan"
    assert second.slug.startswith("plan-") and second.slug != first.slug


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_creation_with_the_same_title_never_fails(entity, pillars):
    """Two facilitators create "Presupuesto 2027" at the same moment: both succeed."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def create() -> None:
        try:
            barrier.wait()
            process_create(
                entity=entity, title="Presupuesto 2027", primary_pillar=pillars["participacion"]
            )
        except BaseException as exc:  # noqa: BLE001 - recorded and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    slugs = list(Process.objects.values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs)) == 4


def test_status_transitions(draft):
    with pytest.raises(ValidationError):
        process_set_status(process=draft, status=ProcessStatus.CLOSED)
    active = process_set_status(process=draft, status=ProcessStatus.ACTIVE)
    assert active.status == ProcessStatus.ACTIVE
    closed = process_set_status(process=active, status=ProcessStatus.CLOSED)
    with pytest.raises(ValidationError) as caught:
        process_set_status(process=closed, status=ProcessStatus.DRAFT)
    assert "status" in caught.value.message_dict
    assert process_set_status(process=closed, status=ProcessStatus.ACTIVE).status == "active"


def test_cannot_activate_without_stages(entity, pillars):
    process = process_create(entity=entity, title="Vacío", primary_pillar=pillars["innovacion"])
    with pytest.raises(ValidationError):
        process_set_status(process=process, status=ProcessStatus.ACTIVE)
    process.refresh_from_db()
    assert process.status == ProcessStatus.DRAFT


def test_status_uses_the_current_row_not_a_stale_copy(draft):
    stale = Process.objects.get(pk=draft.pk)
    process_set_status(process=draft, status=ProcessStatus.ACTIVE)
    process_set_status(process=draft, status=ProcessStatus.CLOSED)
    # ``stale`` still says draft; the service must not let draft→active rules apply.
    assert process_set_status(process=stale, status=ProcessStatus.ACTIVE).status == "active"
    with pytest.raises(ValidationError):
        process_set_status(process=stale, status=ProcessStatus.DRAFT)


def test_update_replaces_stages_and_rejects_closed(draft, levels):
    process_update(
        process=draft,
        title="Nuevo título",
        stages=[
            StageInput(name="A", level=levels["informar"]),
            StageInput(name="B", level=levels["colaborar"]),
        ],
    )
    draft.refresh_from_db()
    assert draft.title == "Nuevo título"
    assert list(draft.stages.values_list("name", flat=True)) == ["A", "B"]
    process_set_status(process=draft, status=ProcessStatus.ACTIVE)
    process_set_status(process=draft, status=ProcessStatus.CLOSED)
    with pytest.raises(ValidationError):
        process_update(process=draft, title="Otro")


# --- rules ---------------------------------------------------------------------------


def test_rules_for_the_fixed_people(draft, alice, bob, carol, oscar, django_user_model):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert rules.can_view_process(alice, draft)
    assert rules.can_view_process(bob, draft)
    assert not rules.can_view_process(carol, draft), "citizens do not see drafts"
    assert not rules.can_view_process(oscar, draft), "other entities do not see drafts"
    assert not rules.can_view_process(anonymous, draft)
    assert rules.can_edit_process(alice, draft) and rules.can_edit_process(bob, draft)
    assert not rules.can_edit_process(carol, draft)
    assert not rules.can_edit_process(oscar, draft)
    assert not rules.can_create_process(anonymous, draft.entity)
    staff = django_user_model.objects.create_user(email="staff@example.org", is_staff=True)
    assert rules.can_edit_process(staff, draft)


# --- API -----------------------------------------------------------------------------


def test_anonymous_cannot_create(client, entity):
    response = client.post(API, payload(entity), content_type="application/json")
    assert response.status_code == 403
    assert Process.objects.count() == 0


def test_outsider_cannot_create_for_another_entity(client, entity, oscar):
    client.force_login(oscar)
    response = client.post(API, payload(entity), content_type="application/json")
    assert response.status_code == 403
    assert Process.objects.count() == 0


def test_citizen_cannot_create(client, entity, carol):
    client.force_login(carol)
    assert client.post(API, payload(entity), content_type="application/json").status_code == 403


def test_facilitator_creates_with_stages(client, entity, alice):
    client.force_login(alice)
    response = client.post(API, payload(entity), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert [s["level"] for s in body["stages"]] == ["consultar", "empoderar"]
    assert body["lineamientos"] == ["gobernanza-abierta"]


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"primary_pillar": "nope"}, "primary_pillar"),
        ({"entity": "no-such-entity"}, "entity"),
        ({"lineamientos": ["x"]}, "lineamientos"),
        ({"title": ""}, "title"),
        ({"secondary_pillar": "participacion"}, "secondary_pillar"),
        (
            {
                "stages": [
                    {
                        "name": "X",
                        "level": "informar",
                        "starts_on": "2027-05-01",
                        "ends_on": "2027-01-01",
                    }
                ]
            },
            "stages",
        ),
        ({"stages": [{"name": "X", "level": "decidir"}]}, "stages"),
        ({"stages": [{"name": "X", "level": "informar", "starts_on": "mañana"}]}, "stages"),
    ],
)
def test_bad_input_is_400_naming_the_field(client, entity, alice, override, field):
    client.force_login(alice)
    response = client.post(API, payload(entity, **override), content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Process.objects.count() == 0


def test_drafts_are_hidden_from_the_public(client, draft, carol, oscar, bob):
    assert client.get(API).json()["count"] == 0
    assert client.get(f"{API}{draft.slug}/").status_code == 404
    assert client.get(f"/procesos/{draft.slug}/").status_code == 404
    for outsider in (carol, oscar):
        client.force_login(outsider)
        assert client.get(f"{API}{draft.slug}/").status_code == 404
    client.force_login(bob)
    assert client.get(f"{API}{draft.slug}/").status_code == 200
    assert client.get(f"/procesos/{draft.slug}/").status_code == 200


def test_active_process_is_public(client, draft):
    process_set_status(process=draft, status=ProcessStatus.ACTIVE)
    assert client.get(API).json()["count"] == 1
    html = client.get(f"/procesos/{draft.slug}/").content.decode()
    assert draft.title in html
    assert "Les mantendremos informados, escucharemos" in html, "the stage level's promise"


def test_status_endpoint(client, draft, alice, oscar):
    client.force_login(oscar)
    url = f"{API}{draft.slug}/status/"
    assert (
        client.post(url, {"status": "active"}, content_type="application/json").status_code == 404
    )
    client.force_login(alice)
    response = client.post(url, {"status": "closed"}, content_type="application/json")
    assert response.status_code == 400 and "status" in response.json()
    response = client.post(url, {"status": "active"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "active"
    response = client.post(url, {"status": "archived"}, content_type="application/json")
    assert response.status_code == 400 and "status" in response.json()


def test_patch_by_team_only(client, draft, alice, carol):
    process_set_status(process=draft, status=ProcessStatus.ACTIVE)
    url = f"{API}{draft.slug}/"
    client.force_login(carol)
    assert client.patch(url, {"title": "X"}, content_type="application/json").status_code == 403
    client.force_login(alice)
    response = client.patch(url, {"title": "Movilidad 2028"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["title"] == "Movilidad 2028"
    process_set_status(process=draft, status=ProcessStatus.CLOSED)
    assert client.patch(url, {"title": "Y"}, content_type="application/json").status_code == 403
