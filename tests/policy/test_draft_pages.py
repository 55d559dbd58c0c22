"""The draft pages through Django's client: who may see what, the happy paths, and forms
that re-render with their field errors."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cocrea.policy.models import DraftItem, DraftVersion, ItemComment, ItemSource
from cocrea.policy.services import drafts as services
from sessions.models import ProcessStatus

pytestmark = pytest.mark.django_db


def url(name, world, *args):
    return reverse(f"policy:{name}", args=[world.process.slug, *args])


@pytest.fixture
def public_world(world):
    """The process made public (active): its published versions are for everyone."""
    world.process.status = ProcessStatus.ACTIVE
    world.process.save(update_fields=["status"])
    return world


@pytest.fixture
def draft(world, bob):
    return services.draft_get_or_create(world.process, bob)


@pytest.fixture
def item(draft, world, bob):
    return services.item_promote(
        draft,
        [world.ref(world.notes[0]), world.ref(world.poll)],
        "datos-abiertos",
        "participacion",
        "Ciclorrutas seguras",
        "Iluminar las ciclorrutas.",
        bob,
    )


def as_user(client, user):
    if user is not None:
        client.force_login(user)
    return client


# --- permissions ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "carol", "oscar", "olga"])
def test_outsiders_do_not_see_the_unpublished_draft(client, public_world, item, who, request):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    as_user(client, user)
    world = public_world
    for name, args in (
        ("draft", ()),
        ("draft_build", ()),
        ("draft_write", ()),
        ("draft_item", (item.pk,)),
    ):
        assert client.get(url(name, world, *args)).status_code == 404, name
    for name, args in (
        ("draft_publish", ()),
        ("draft_item_edit", (item.pk,)),
        ("draft_item_comment", (item.pk,)),
        ("draft_item_status", (item.pk,)),
        ("draft_item_remove", (item.pk,)),
    ):
        response = client.post(url(name, world, *args), {"text": "x", "status": "in_review"})
        assert response.status_code == 404, name
    assert DraftVersion.objects.count() == 0
    assert ItemComment.objects.count() == 0


def test_facilitator_sees_and_comments_but_does_not_write(client, world, item, alice):
    as_user(client, alice)
    page = client.get(url("draft", world))
    assert page.status_code == 200
    assert "Ciclorrutas seguras" in page.content.decode()
    assert "Construir desde las sesiones" not in page.content.decode()
    assert client.get(url("draft_build", world)).status_code == 403
    assert client.get(url("draft_write", world)).status_code == 403
    response = client.post(url("draft_item_comment", world, item.pk), {"text": "Me gusta"})
    assert response.status_code == 302
    assert client.post(url("draft_item_edit", world, item.pk), {"title": "x"}).status_code == 403
    assert client.post(url("draft_publish", world)).status_code == 403
    response = client.post(url("draft_item_status", world, item.pk), {"status": "in_review"})
    assert response.status_code == 302
    response = client.post(url("draft_item_status", world, item.pk), {"status": "approved"})
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.status == "in_review"


def test_draft_page_before_a_draft_exists(client, world, bob, alice):
    as_user(client, alice)
    page = client.get(url("draft", world)).content.decode()
    assert "todavía no tiene borrador" in page
    assert "Empezar el borrador" not in page
    assert client.post(url("draft_create", world)).status_code == 403
    client.logout()
    as_user(client, bob)
    assert "Empezar el borrador" in client.get(url("draft", world)).content.decode()
    response = client.post(url("draft_create", world))
    assert response.status_code == 302
    assert world.process.draft


# --- the draft page ---------------------------------------------------------------------


def test_draft_page_groups_items_and_shows_sources(client, world, item, bob):
    as_user(client, bob)
    page = client.get(url("draft", world)).content.decode()
    for name in ("Datos Abiertos", "Gobernanza Abierta", "Soluciones Abiertas"):
        assert name.lower() in page.lower()
    assert "Ciclorrutas seguras" in page
    assert "Iluminar las ciclorrutas." in page
    # The trace next to the text: session, level, counts, participants and snapshots.
    assert world.session.title in page
    assert "nivel Colaborar" in page
    assert "1 nota · 1 votación" in page
    assert "5 participantes" in page
    assert "Ciclorrutas iluminadas" in page
    assert "Más ciclovías" in page  # the poll's winner, from the snapshot


# --- building from the sessions --------------------------------------------------------


def test_build_page_lists_outputs_by_session_and_activity(client, world, draft, bob):
    as_user(client, bob)
    page = client.get(url("draft_build", world)).content.decode()
    assert world.session.title in page
    for text in (
        "Lluvia de ideas",
        "Movilidad segura",
        "Ciclorrutas iluminadas",
        "Prioridades",
        "Buses eléctricos para el centro",
        "Andenes anchos",
        "¿Cuándo se publican los datos?",
    ):
        assert text in page, text
    assert "Nota borrada" not in page
    assert "Pregunta sin moderar" not in page
    assert f'value="{world.ref(world.notes[2])}"' in page


def test_prepare_prefills_from_the_chosen_outputs(client, world, draft, bob):
    as_user(client, bob)
    response = client.post(
        url("draft_build", world),
        {"refs": [world.ref(world.notes[2])], "action": "prepare", "title": "", "text": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Publicar los datos de accidentes"' in page
    assert ">Publicar los datos de accidentes</textarea>" in page
    assert "checked" in page
    assert DraftItem.objects.count() == 0


def test_promote_through_the_page(client, world, draft, bob):
    as_user(client, bob)
    response = client.post(
        url("draft_build", world),
        {
            "refs": [world.cluster_ref, world.ref(world.question)],
            "action": "create",
            "lineamiento": "gobernanza-abierta",
            "pillar": "",
            "title": "Movilidad segura",
            "text": "Texto",
        },
    )
    item = DraftItem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("draft_item", world, item.pk)
    assert sorted(item.sources.values_list("ref", flat=True)) == sorted(
        [world.cluster_ref, world.ref(world.question)]
    )
    page = client.get(url("draft_build", world)).content.decode()
    assert "Ya está en:" in page


def test_promote_errors_rerender_with_field_messages(client, world, draft, bob):
    as_user(client, bob)
    response = client.post(
        url("draft_build", world),
        {"action": "create", "lineamiento": "", "title": "", "text": ""},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="refs-error"' in page
    assert 'id="b-lineamiento-error"' in page
    assert 'aria-describedby="b-lineamiento-error"' in page
    assert 'id="b-title-error"' in page
    assert 'aria-invalid="true"' in page
    assert DraftItem.objects.count() == 0


def test_promoting_another_entitys_output_is_forbidden(client, world, draft, bob):
    as_user(client, bob)
    response = client.post(
        url("draft_build", world),
        {
            "refs": [world.ref(world.notes[0]), world.ref(world.foreign_note)],
            "action": "create",
            "lineamiento": "datos-abiertos",
            "title": "T",
        },
    )
    assert response.status_code == 403
    assert DraftItem.objects.count() == 0
    assert ItemSource.objects.count() == 0


# --- writing and the item page ----------------------------------------------------------


def test_write_an_item(client, world, draft, bob):
    as_user(client, bob)
    assert client.get(url("draft_write", world)).status_code == 200
    response = client.post(
        url("draft_write", world),
        {"lineamiento": "empoderamiento-abierto", "pillar": "", "title": "Escuela", "text": "T"},
    )
    assert response.status_code == 302
    item = DraftItem.objects.get()
    assert (item.lineamiento.code, item.origin) == ("empoderamiento-abierto", "written")


def test_write_errors_keep_the_input(client, world, draft, bob):
    as_user(client, bob)
    response = client.post(
        url("draft_write", world),
        {"lineamiento": "datos-abiertos", "title": "x" * 201, "text": "Mi texto"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="w-title-error"' in page
    assert "200 caracteres" in page
    assert ">Mi texto</textarea>" in page
    assert '<option value="datos-abiertos" selected>' in page
    assert DraftItem.objects.count() == 0


def test_item_page_edit_history_comments_and_review(client, world, item, bob):
    as_user(client, bob)
    page = client.get(url("draft_item", world, item.pk)).content.decode()
    assert "Creado desde las sesiones" in page
    assert "Enviar a revisión" in page
    assert world.ref(world.notes[0]) in page

    response = client.post(
        url("draft_item_edit", world, item.pk),
        {
            "lineamiento": "datos-abiertos",
            "pillar": "participacion",
            "title": "Ciclorrutas seguras",
            "text": "Texto nuevo",
        },
    )
    assert response.status_code == 302
    client.post(url("draft_item_comment", world, item.pk), {"text": "Revisado"})
    client.post(url("draft_item_status", world, item.pk), {"status": "in_review"})
    client.post(url("draft_item_status", world, item.pk), {"status": "approved"})
    page = client.get(url("draft_item", world, item.pk)).content.decode()
    assert "Texto nuevo" in page
    assert "Iluminar las ciclorrutas." in page  # the "before" in the history
    assert "Revisado" in page
    assert "Aprobado" in page
    item.refresh_from_db()
    assert item.status == "approved"


def test_item_page_errors(client, world, item, bob):
    as_user(client, bob)
    response = client.post(
        url("draft_item_edit", world, item.pk),
        {"lineamiento": "nada", "title": "", "text": ""},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="e-lineamiento-error"' in page
    assert 'id="e-title-error"' in page
    response = client.post(url("draft_item_comment", world, item.pk), {"text": "  "})
    assert response.status_code == 400
    assert 'id="comment-error"' in response.content.decode()
    response = client.post(url("draft_item_status", world, item.pk), {"status": "approved"})
    assert response.status_code == 400
    assert "no puede pasar" in response.content.decode()
    item.refresh_from_db()
    assert (item.title, item.status) == ("Ciclorrutas seguras", "draft")


def test_remove_an_item(client, world, item, bob):
    as_user(client, bob)
    response = client.post(url("draft_item_remove", world, item.pk))
    assert response.status_code == 302
    assert "Ciclorrutas seguras" not in client.get(url("draft", world)).content.decode()
    page = client.get(url("draft_item", world, item.pk)).content.decode()
    assert "Retirado del borrador" in page


def test_an_item_of_another_draft_is_not_found(client, world, item, bob):
    other = services.draft_get_or_create(world.other_process, bob)
    foreign_item = services.item_write(other, "datos-abiertos", "", "Otro", "", bob)
    as_user(client, bob)
    assert client.get(url("draft_item", world, foreign_item.pk)).status_code == 404


# --- publishing and versions ------------------------------------------------------------


def test_publish_and_public_versions(client, public_world, item, bob, carol):
    world = public_world
    as_user(client, bob)
    response = client.post(url("draft_publish", world))
    assert response.status_code == 302
    assert response["Location"] == url("draft_version", world, 1)
    services.item_edit(item, bob, text="Cambiado")
    client.post(url("draft_publish", world))
    assert sorted(DraftVersion.objects.values_list("number", flat=True)) == [1, 2]
    client.logout()

    # Anyone sees published versions; the draft page sends them to the latest one.
    for user in (None, carol):
        as_user(client, user)
        assert client.get(url("draft", world))["Location"] == url("draft_version", world, 2)
        v1 = client.get(url("draft_version", world, 1)).content.decode()
        assert "Iluminar las ciclorrutas." in v1
        assert "Cambiado" not in v1
        assert "Ciclorrutas iluminadas" in v1  # the source's snapshot
        assert "nivel Colaborar" in v1
        v2 = client.get(url("draft_version", world, 2)).content.decode()
        assert "Cambiado" in v2
        assert client.get(url("draft_version", world, 3)).status_code == 404
        client.logout()


def test_publishing_an_empty_draft_rerenders_with_the_error(client, world, draft, bob):
    as_user(client, bob)
    response = client.post(url("draft_publish", world))
    assert response.status_code == 400
    assert 'id="publish-errors"' in response.content.decode()
    assert DraftVersion.objects.count() == 0


def test_versions_of_a_draft_process_stay_private(client, world, item, bob):
    services.draft_publish(item.draft, bob)
    # The process itself is still a draft: nobody outside the team sees it at all.
    assert client.get(url("draft_version", world, 1)).status_code == 404
