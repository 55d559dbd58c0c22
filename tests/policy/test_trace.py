"""The trace end to end: one canvas note and one poll from a live session, followed into a
draft item, an approved commitment, a published plan, and the note's author's own status
page — checking at each step that where it came from is still known.

The session is the demo's finished workshop, which `cocrea.demo` runs through the same
live commands a real workshop uses (participants join, write notes, dot them, vote)."""

from __future__ import annotations

import datetime as dt

import pytest

from canvases.models import CanvasNote
from cocrea.demo import WORKSHOP_BALLOTS, WORKSHOP_PEOPLE, WORKSHOP_TITLE, load_demo
from cocrea.policy.models import (
    ContributionResponse,
    ItemSource,
    ResponseStatus,
    ReviewStatus,
)
from cocrea.policy.services import drafts, plans
from cocrea.policy.sources import output_by_ref, outputs_of_process
from sessions.cookies import cookie_name, sign_participant
from sessions.models import LiveSession, Participant
from voting.models import Poll

pytestmark = pytest.mark.django_db

NOTE_TEXT = "Publicar en datos abiertos cuánto se invierte en cada barrio"
OTHER_NOTE = "Rutas seguras en bicicleta hacia los colegios"


def test_a_note_and_a_poll_from_a_workshop_to_a_published_plan_and_back_to_the_author(client):
    demo = load_demo()
    official = demo.official
    session = LiveSession.objects.get(title=WORKSHOP_TITLE)
    note = CanvasNote.objects.get(canvas__activity__session=session, text=NOTE_TEXT)
    poll = Poll.objects.get(activity__session=session)
    author = Participant.objects.get(pk=int(note.author.removeprefix("p:")))
    assert author.display_name == WORKSHOP_PEOPLE[0]
    note_ref, poll_ref = f"note:{note.pk}", f"poll:{poll.pk}"

    # 1. The workshop's outputs, as the draft builder lists them.
    listed = {o.ref: o for o in outputs_of_process(demo.process)}
    assert {note_ref, poll_ref} <= set(listed)
    seen_note = output_by_ref(demo.process, note_ref)
    assert (seen_note.session, seen_note.level.code, seen_note.author_key) == (
        session,
        "colaborar",
        note.author,
    )
    # Its author and every participant who gave it a dot (all six did).
    assert seen_note.participants == len(WORKSHOP_PEOPLE)
    seen_poll = output_by_ref(demo.process, poll_ref)
    assert seen_poll.participants == len(WORKSHOP_BALLOTS)
    assert seen_poll.snapshot["result"]["winners"] == ["parque"]

    # 2. Promoted into one draft item: both sources recorded with their context.
    draft = drafts.draft_get_or_create(demo.process, official)
    item = drafts.item_promote(
        draft,
        [note_ref, poll_ref],
        "datos-abiertos",
        "transparencia",
        "Presupuesto abierto por barrio",
        "Publicar la inversión por barrio y priorizar con la juventud.",
        official,
    )
    sources = {s.ref: s for s in ItemSource.objects.filter(item=item)}
    assert set(sources) == {note_ref, poll_ref}
    assert sources[note_ref].snapshot["text"] == NOTE_TEXT
    assert sources[note_ref].session == session and sources[note_ref].level.code == "colaborar"
    assert sources[poll_ref].participants == len(WORKSHOP_BALLOTS)
    assert sources[poll_ref].snapshot["winner_labels"] == ["Recuperar el parque Las Américas"]
    response = ContributionResponse.objects.get(process=demo.process, ref=note_ref)
    assert (response.status, response.item, response.participant_key) == (
        ResponseStatus.INCORPORATED,
        item,
        note.author,
    )
    # A poll is a result, not someone's contribution: no response row stands for it.
    assert not ContributionResponse.objects.filter(ref=poll_ref).exists()

    # 3. Reviewed and approved, and the draft published: the version keeps the sources.
    drafts.item_set_status(item, ReviewStatus.IN_REVIEW, official)
    item = drafts.item_set_status(item, ReviewStatus.APPROVED, official)
    version = drafts.draft_publish(draft, official)
    published_refs = {
        source["ref"]
        for group in version.snapshot["lineamientos"]
        for pillar in group["pillars"]
        for entry in pillar["items"]
        for source in entry["sources"]
    }
    assert published_refs == {note_ref, poll_ref}

    # 4. An approved commitment made from the item, then a published plan.
    plan = plans.plan_create(
        process=demo.process,
        title="Plan de acción de Gobierno Abierto de Yumbo 2027",
        period_start=dt.date(2027, 5, 1),
        period_end=dt.date(2028, 4, 30),
        actor=official,
    )
    commitment = plans.commitment_create(
        plan=plan, title="Presupuesto abierto por barrio", items=[item], actor=official
    )
    assert list(commitment.items.all()) == [item]
    plans.commitment_edit(
        commitment=commitment,
        actor=official,
        objective="Publicar cada trimestre la inversión por barrio en datos abiertos.",
        relevance_transparency="Hace visible en qué se invierte en cada barrio.",
        lead_agency="Secretaría de Hacienda",
    )
    response.refresh_from_db()
    assert response.commitment == commitment
    plan_version = plans.plan_publish(plan=plan, actor=official)
    [published] = plan_version.snapshot["commitments"]
    [traced_item] = published["items"]
    assert traced_item["id"] == item.pk
    traced = {s["ref"]: s for s in traced_item["sources"]}
    assert set(traced) == {note_ref, poll_ref}
    assert traced[note_ref]["session"]["title"] == WORKSHOP_TITLE
    assert traced[note_ref]["level"]["code"] == "colaborar"

    # The public accountability page shows the commitment with where it came from.
    page = client.get(f"/procesos/{demo.process.slug}/planes/{plan.pk}/rendicion-de-cuentas/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Presupuesto abierto por barrio" in text and WORKSHOP_TITLE in text

    # 5. The note's author, without an account, sees what became of it — and only hers.
    client.cookies[cookie_name(session.code)] = sign_participant(author)
    mine = client.get("/mis-aportes/")
    assert mine.status_code == 200
    body = mine.content.decode()
    assert NOTE_TEXT in body
    assert OTHER_NOTE not in body
    assert "Presupuesto abierto por barrio" in body
    assert f"/procesos/{demo.process.slug}/planes/{plan.pk}/rendicion-de-cuentas/" in body


def test_promoting_a_cluster_answers_each_of_its_notes_authors():
    demo = load_demo()
    session = LiveSession.objects.get(title=WORKSHOP_TITLE)
    canvas_id = CanvasNote.objects.filter(canvas__activity__session=session).first().canvas_id
    members = CanvasNote.objects.filter(canvas_id=canvas_id, cluster="transparencia")
    assert members.count() == 2
    draft = drafts.draft_get_or_create(demo.process, demo.official)
    item = drafts.item_promote(
        draft,
        [f"cluster:{canvas_id}:transparencia"],
        "datos-abiertos",
        None,
        "Transparencia del presupuesto",
        "",
        demo.official,
    )
    for note in members:
        response = ContributionResponse.objects.get(process=demo.process, ref=f"note:{note.pk}")
        assert (response.status, response.item, response.participant_key) == (
            ResponseStatus.INCORPORATED,
            item,
            note.author,
        )
    # Notes outside the cluster are still waiting for their answer.
    assert ContributionResponse.objects.filter(process=demo.process).count() == 3
