"""Lineamiento drafts: writing and promoting items with their sources, history, comments,
review, and published versions that are never overwritten."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cocrea.policy.models import (
    ContributionResponse,
    Draft,
    DraftItem,
    DraftVersion,
    ItemChange,
    ItemComment,
    ItemSource,
    ResponseStatus,
)
from cocrea.policy.selectors.drafts import (
    draft_of,
    item_detail,
    items_by_lineamiento,
    versions,
)
from cocrea.policy.services import drafts as services
from tests.policy.conftest import lineamiento, pillar
from tests.voting.test_polls import race

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world, bob):
    return services.draft_get_or_create(world.process, bob)


def write(draft, bob, title="Publicar datos de movilidad", lin="datos-abiertos", **kw):
    return services.item_write(
        draft, kw.pop("lineamiento", lin), kw.pop("pillar", None), title, kw.pop("text", ""), bob
    )


def nothing_written():
    return (
        DraftItem.objects.count(),
        ItemSource.objects.count(),
        ItemChange.objects.count(),
        ContributionResponse.objects.count(),
    )


# --- drafts -------------------------------------------------------------------------


def test_one_draft_per_process(world, bob):
    first = services.draft_get_or_create(world.process, bob)
    assert services.draft_get_or_create(world.process, bob) == first
    assert draft_of(world.process) == first
    assert "Movilidad en Yumbo" in first.title
    assert draft_of(world.other_process) is None


def test_only_officials_create_a_draft(world, alice, carol, olga):
    for person in (alice, carol, olga, None):
        with pytest.raises(PermissionDenied):
            services.draft_get_or_create(world.process, person)
    assert Draft.objects.count() == 0


# --- writing ------------------------------------------------------------------------


def test_write_records_creation(draft, bob):
    item = write(draft, bob, text="Un texto", pillar="participacion")
    assert (item.origin, item.status, item.removed) == ("written", "draft", False)
    change = item.changes.get()
    assert change.actor == bob
    assert change.action == "create"
    assert change.after == {
        "lineamiento": "datos-abiertos",
        "pillar": "participacion",
        "title": "Publicar datos de movilidad",
        "text": "Un texto",
    }


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"lineamiento": ""}, "lineamiento"),
        ({"lineamiento": None}, "lineamiento"),
        ({"lineamiento": "no-existe"}, "lineamiento"),
        ({"pillar": "no-existe"}, "pillar"),
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"text": "x" * 10_001}, "text"),
    ],
)
def test_write_refuses_bad_input_naming_the_field(draft, bob, kwargs, field):
    before = nothing_written()
    with pytest.raises(ValidationError) as caught:
        write(draft, bob, **kwargs)
    assert field in caught.value.message_dict
    assert nothing_written() == before


def test_write_accepts_limits(draft, bob):
    item = write(draft, bob, title="x" * 200, text="y" * 10_000)
    assert len(item.title) == 200


def test_write_reports_every_bad_field_at_once(draft, bob):
    with pytest.raises(ValidationError) as caught:
        write(draft, bob, lineamiento="", title="")
    assert set(caught.value.message_dict) == {"lineamiento", "title"}


def test_only_officials_write(draft, alice, carol, olga):
    for person in (alice, carol, olga, None):
        with pytest.raises(PermissionDenied):
            write(draft, person)
    assert DraftItem.objects.count() == 0


# --- promoting ----------------------------------------------------------------------


def test_promote_records_sources_and_responses(world, draft, bob):
    n1, n2, _ = world.notes
    item = services.item_promote(
        draft,
        [world.ref(n1), world.ref(n2), world.ref(world.poll), world.ref(n1)],
        "gobernanza-abierta",
        "participacion",
        "Movilidad segura",
        "Texto del ítem",
        bob,
    )
    assert item.origin == "note"
    sources = list(item.sources.order_by("pk"))
    assert [s.ref for s in sources] == [world.ref(n1), world.ref(n2), world.ref(world.poll)]
    first = sources[0]
    assert first.session == world.session
    assert first.level.code == "colaborar"
    assert first.participants == 2
    assert first.snapshot["text"] == "Ciclorrutas iluminadas"
    assert sources[2].snapshot["result"]["winners"] == ["a", world.statement.option_key]
    assert sources[2].participants == 3
    response = ContributionResponse.objects.get(process=world.process, ref=world.ref(n1))
    assert response.status == ResponseStatus.INCORPORATED
    assert response.item == item
    assert response.participant_key == f"p:{world.participants[0].pk}"
    assert response.text == "Ciclorrutas iluminadas"
    assert response.kind == "note"
    assert response.session == world.session
    change = item.changes.get()
    assert change.action == "promote"
    assert change.after["sources"] == [world.ref(n1), world.ref(n2), world.ref(world.poll)]


def test_snapshot_survives_later_edits_of_the_source(world, draft, bob):
    n3 = world.notes[2]
    item = services.item_promote(draft, [world.ref(n3)], "datos-abiertos", "", "Datos", "", bob)
    n3.text = "Cambiado después"
    n3.deleted = True
    n3.save()
    assert item.sources.get().snapshot["text"] == "Publicar los datos de accidentes"


def test_promote_each_kind(world, draft, bob):
    for ref in (
        world.cluster_ref,
        world.ref(world.question),
        world.ref(world.statement),
        world.ref(world.answer),
        world.ref(world.open_poll),
    ):
        item = services.item_promote(draft, [ref], "soluciones-abiertas", "", ref, "", bob)
        assert item.sources.get().ref == ref
        assert item.origin == ref.split(":")[0]


def test_promote_keeps_an_officials_existing_response(world, draft, bob):
    n1 = world.notes[0]
    ContributionResponse.objects.create(
        process=world.process,
        ref=world.ref(n1),
        kind="note",
        status=ResponseStatus.NOT_INCORPORATED,
        reason="Fuera del alcance",
        updated_by=bob,
    )
    services.item_promote(draft, [world.ref(n1)], "datos-abiertos", "", "T", "", bob)
    response = ContributionResponse.objects.get(ref=world.ref(n1))
    assert response.status == ResponseStatus.NOT_INCORPORATED
    assert response.reason == "Fuera del alcance"
    assert response.item is None


def test_promote_fills_a_pending_response(world, draft, bob):
    ref = world.ref(world.question)
    ContributionResponse.objects.create(process=world.process, ref=ref, kind="question")
    item = services.item_promote(draft, [ref], "datos-abiertos", "", "T", "", bob)
    response = ContributionResponse.objects.get(ref=ref)
    assert (response.status, response.item) == (ResponseStatus.INCORPORATED, item)


def test_promoting_another_entitys_output_is_forbidden_and_writes_nothing(world, draft, bob):
    before = nothing_written()
    foreign = world.ref(world.foreign_note)
    with pytest.raises(PermissionDenied) as caught:
        services.item_promote(
            draft, [world.ref(world.notes[0]), foreign], "datos-abiertos", "", "T", "", bob
        )
    assert isinstance(caught.value, services.ForbiddenSource)
    assert caught.value.code == "forbidden"
    assert foreign in str(caught.value)
    assert nothing_written() == before


def test_promoting_another_process_output_is_forbidden(world, draft, bob):
    before = nothing_written()
    with pytest.raises(services.ForbiddenSource):
        services.item_promote(
            draft, [world.ref(world.other_note)], "datos-abiertos", "", "T", "", bob
        )
    assert nothing_written() == before


@pytest.mark.parametrize("ref", ["note:999999", "garbage", "question:abc"])
def test_promoting_unknown_refs_names_them(world, draft, bob, ref):
    before = nothing_written()
    with pytest.raises(ValidationError) as caught:
        services.item_promote(draft, [ref], "datos-abiertos", "", "T", "", bob)
    assert ref in caught.value.message_dict["refs"][0]
    assert nothing_written() == before


def test_promoting_hidden_contributions_is_refused(world, draft, bob):
    for obj in (world.deleted_note, world.pending_question, world.rejected_statement):
        with pytest.raises(ValidationError):
            services.item_promote(draft, [world.ref(obj)], "datos-abiertos", "", "T", "", bob)
    assert DraftItem.objects.count() == 0


def test_promote_needs_refs_and_valid_fields(world, draft, bob):
    before = nothing_written()
    with pytest.raises(ValidationError) as caught:
        services.item_promote(draft, [], "datos-abiertos", "", "T", "", bob)
    assert "refs" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.item_promote(draft, [world.ref(world.poll)], "", "", "", "", bob)
    assert {"lineamiento", "title"} <= set(caught.value.message_dict)
    assert nothing_written() == before


def test_only_officials_promote(world, draft, alice, olga):
    for person in (alice, olga):
        with pytest.raises(PermissionDenied):
            services.item_promote(
                draft, [world.ref(world.poll)], "datos-abiertos", "", "T", "", person
            )
    assert nothing_written()[0] == 0


# --- history, removal, comments --------------------------------------------------------


def test_edit_records_before_and_after_of_changed_fields_only(draft, bob):
    item = write(draft, bob, text="uno")
    services.item_edit(item, bob, title="Publicar datos de movilidad", text="dos")
    change = item.changes.order_by("pk").last()
    assert change.action == "edit"
    assert change.actor == bob
    assert change.before == {"text": "uno"}
    assert change.after == {"text": "dos"}
    item.refresh_from_db()
    assert item.text == "dos"


def test_noop_edit_records_nothing(draft, bob):
    item = write(draft, bob, text="uno")
    services.item_edit(item, bob, title=" Publicar datos de movilidad ", text="uno")
    assert item.changes.count() == 1


def test_edit_validates_and_writes_nothing_on_error(draft, bob):
    item = write(draft, bob, text="uno")
    for changes, field in (
        ({"title": ""}, "title"),
        ({"lineamiento": ""}, "lineamiento"),
        ({"text": "x" * 10_001}, "text"),
        ({"status": "approved"}, "status"),
    ):
        with pytest.raises(ValidationError) as caught:
            services.item_edit(item, bob, **changes)
        assert field in caught.value.message_dict
    item.refresh_from_db()
    assert (item.title, item.text, item.changes.count()) == (
        "Publicar datos de movilidad",
        "uno",
        1,
    )


def test_moving_an_item_to_another_lineamiento(draft, bob):
    item = write(draft, bob)
    item = services.item_edit(item, bob, lineamiento=lineamiento("empoderamiento-abierto"))
    assert item.lineamiento.code == "empoderamiento-abierto"
    change = item.changes.order_by("pk").last()
    assert change.before == {"lineamiento": "datos-abiertos"}


def test_editing_an_approved_item_sends_it_back_to_draft(draft, bob):
    item = write(draft, bob)
    services.item_set_status(item, "in_review", bob)
    services.item_set_status(item, "approved", bob)
    item = services.item_edit(item, bob, text="nuevo")
    assert item.status == "draft"
    change = item.changes.order_by("pk").last()
    assert change.before == {"text": "", "status": "approved"}
    assert change.after == {"text": "nuevo", "status": "draft"}


def test_only_officials_edit(draft, bob, alice):
    item = write(draft, bob)
    with pytest.raises(PermissionDenied):
        services.item_edit(item, alice, text="x")


def test_remove_is_soft_and_recorded(draft, bob):
    item = write(draft, bob)
    services.item_remove(item, bob)
    item.refresh_from_db()
    assert item.removed
    assert item.changes.order_by("pk").last().action == "remove"
    with pytest.raises(ValidationError):
        services.item_remove(item, bob)
    with pytest.raises(ValidationError):
        services.item_edit(item, bob, text="x")
    assert all(g.count == 0 for g in items_by_lineamiento(draft))


def test_team_comments(draft, bob, alice, carol, olga):
    item = write(draft, bob)
    services.item_comment(item, "¿Lo revisamos?", alice)
    services.item_comment(item, "Sí", bob)
    for person in (carol, olga, None):
        with pytest.raises(PermissionDenied):
            services.item_comment(item, "Hola", person)
    for text in ("", "  ", "x" * 2001):
        with pytest.raises(ValidationError) as caught:
            services.item_comment(item, text, bob)
        assert "text" in caught.value.message_dict
    detail = item_detail(item)
    assert [(c.author, c.text) for c in detail.comments] == [(alice, "¿Lo revisamos?"), (bob, "Sí")]
    assert ItemComment.objects.count() == 2


# --- review -------------------------------------------------------------------------


def test_review_workflow(draft, bob, alice):
    item = write(draft, bob)
    services.item_set_status(item, "in_review", alice)
    services.item_set_status(item, "draft", alice)
    services.item_set_status(item, "in_review", alice)
    with pytest.raises(PermissionDenied):
        services.item_set_status(item, "approved", alice)
    item = services.item_set_status(item, "approved", bob)
    assert item.status == "approved"
    statuses = [c.after["status"] for c in item.changes.filter(action="status").order_by("pk")]
    assert statuses == ["in_review", "draft", "in_review", "approved"]


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ([], "approved"),
        (["in_review", "approved"], "draft"),
        (["in_review", "approved"], "in_review"),
        ([], "draft"),
        ([], "published"),
    ],
)
def test_invalid_transitions_are_refused(draft, bob, path, target):
    item = write(draft, bob)
    for status in path:
        services.item_set_status(item, status, bob)
    changes = item.changes.count()
    with pytest.raises(ValidationError) as caught:
        services.item_set_status(item, target, bob)
    assert "status" in caught.value.message_dict
    assert item.changes.count() == changes


def test_outsiders_cannot_review(draft, bob, carol, olga):
    item = write(draft, bob)
    for person in (carol, olga, None):
        with pytest.raises(PermissionDenied):
            services.item_set_status(item, "in_review", person)


# --- grouping -----------------------------------------------------------------------


def test_items_grouped_by_lineamiento_then_pillar(world, draft, bob):
    write(draft, bob, title="E1", lin="empoderamiento-abierto")
    write(draft, bob, title="D-none", lin="datos-abiertos")
    write(draft, bob, title="D-part", lin="datos-abiertos", pillar="participacion")
    write(draft, bob, title="D-trans", lin="datos-abiertos", pillar="transparencia")
    services.item_promote(draft, [world.ref(world.poll)], "gobernanza-abierta", "", "G1", "", bob)
    groups = items_by_lineamiento(draft)
    assert [g.lineamiento.code for g in groups] == [
        "datos-abiertos",
        "gobernanza-abierta",
        "soluciones-abiertas",
        "empoderamiento-abierto",
    ]
    datos = groups[0]
    order = sorted(("transparencia", "participacion"), key=lambda code: pillar(code).order)
    assert [p.pillar.code if p.pillar else None for p in datos.pillars] == [*order, None]
    assert [p.items[0].title for p in datos.pillars][-1] == "D-none"
    assert groups[2].count == 0
    g1 = groups[1].pillars[0].items[0]
    assert g1.source_groups[0].session_title == world.session.title
    assert g1.source_groups[0].participants == 3
    assert g1.source_groups[0].counts == "1 votación"


# --- publishing ---------------------------------------------------------------------


def test_publish_freezes_a_version_and_never_overwrites_it(world, draft, bob):
    item = write(draft, bob, text="primera")
    services.item_promote(draft, [world.ref(world.notes[0])], "datos-abiertos", "", "N", "", bob)
    removed = write(draft, bob, title="Retirado")
    services.item_remove(removed, bob)
    v1 = services.draft_publish(draft, bob)
    assert v1.number == 1
    frozen = DraftVersion.objects.get(pk=v1.pk).snapshot
    titles = [i["title"] for p in frozen["lineamientos"][0]["pillars"] for i in p["items"]]
    assert titles == ["Publicar datos de movilidad", "N"]
    sources = frozen["lineamientos"][0]["pillars"][0]["items"][1]["sources"]
    assert sources[0]["ref"] == world.ref(world.notes[0])
    assert sources[0]["level"] == "colaborar"
    assert sources[0]["snapshot"]["text"] == "Ciclorrutas iluminadas"

    services.item_edit(item, bob, text="segunda")
    v2 = services.draft_publish(draft, bob)
    assert v2.number == 2
    assert DraftVersion.objects.get(pk=v1.pk).snapshot == frozen
    texts = [i["text"] for p in v2.snapshot["lineamientos"][0]["pillars"] for i in p["items"]]
    assert "segunda" in texts
    assert [v.number for v in versions(draft)] == [2, 1]
    draft.refresh_from_db()
    assert draft.next_version == 3


def test_publishing_an_empty_draft_is_refused(draft, bob):
    with pytest.raises(ValidationError) as caught:
        services.draft_publish(draft, bob)
    assert "draft" in caught.value.message_dict
    assert DraftVersion.objects.count() == 0


def test_only_officials_publish(draft, bob, alice, olga):
    write(draft, bob)
    for person in (alice, olga, None):
        with pytest.raises(PermissionDenied):
            services.draft_publish(draft, person)
    assert DraftVersion.objects.count() == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_publishes_take_distinct_numbers(world, bob):
    draft = services.draft_get_or_create(world.process, bob)
    write(draft, bob)
    results = race(*[lambda: services.draft_publish(Draft.objects.get(pk=draft.pk), bob)] * 6)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors
    assert sorted(v.number for v in results) == [1, 2, 3, 4, 5, 6]
    draft.refresh_from_db()
    assert draft.next_version == 7


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_first_opens_make_one_draft(world, bob):
    results = race(*[lambda: services.draft_get_or_create(world.process, bob)] * 4)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors
    assert len({d.pk for d in results}) == 1
    assert Draft.objects.filter(process=world.process).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_promotions_of_one_output_keep_one_response(world, bob):
    draft = services.draft_get_or_create(world.process, bob)
    ref = world.ref(world.statement)
    results = race(
        *[
            lambda i=i: services.item_promote(
                draft, [ref], "datos-abiertos", "", f"Ítem {i}", "", bob
            )
            for i in range(4)
        ]
    )
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors
    assert DraftItem.objects.filter(draft=draft).count() == 4
    response = ContributionResponse.objects.get(process=world.process, ref=ref)
    assert response.status == ResponseStatus.INCORPORATED
    assert response.item in results
