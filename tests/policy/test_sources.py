"""The outputs of a process's sessions and their refs (cocrea.policy.sources)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cocrea.policy.sources import (
    OutputNotFound,
    contributions_by_author,
    output_by_ref,
    outputs_of_process,
    process_of_ref,
)
from tests.policy.conftest import note

pytestmark = pytest.mark.django_db


def by_ref(world):
    return {o.ref: o for o in outputs_of_process(world.process)}


def test_lists_every_published_output_in_agenda_order(world):
    refs = [o.ref for o in outputs_of_process(world.process)]
    n1, n2, n3 = world.notes
    assert refs == [
        world.cluster_ref,
        world.ref(n1),
        world.ref(n2),
        world.ref(n3),
        world.ref(world.poll),
        world.ref(world.statement),
        world.ref(world.open_poll),
        world.ref(world.answer),
        world.ref(world.question),
    ]
    # Deleted notes, rejected statements and unmoderated questions are not outputs.
    assert world.ref(world.deleted_note) not in refs
    assert world.ref(world.rejected_statement) not in refs
    assert world.ref(world.pending_question) not in refs


def test_note_output_counts_author_and_dot_givers(world):
    n1 = world.notes[0]
    output = by_ref(world)[world.ref(n1)]
    assert output.kind == "note"
    assert output.text == "Ciclorrutas iluminadas"
    assert output.session == world.session
    assert output.level.code == "colaborar"
    assert output.activity_title == "Lluvia de ideas"
    assert output.participants == 2  # ana (author, who also dotted it) + dani
    assert output.author_key == f"p:{world.participants[0].pk}"
    assert output.snapshot == {
        "text": "Ciclorrutas iluminadas",
        "zone": "ideas",
        "zone_label": "",
        "cluster": "Movilidad segura",
        "dots": 2,
    }


def test_a_zero_dot_entry_is_not_a_dot_giver(world):
    n2 = world.notes[1]
    output = by_ref(world)[world.ref(n2)]
    assert output.participants == 1
    assert output.snapshot["dots"] == 0


def test_cluster_output_gathers_its_notes_people(world):
    output = by_ref(world)[world.cluster_ref]
    assert output.kind == "cluster"
    assert output.text == "Movilidad segura"
    assert output.author_key == ""
    assert output.participants == 3  # ana, beto (authors) + dani (dots)
    assert output.snapshot["notes"] == [
        "Ciclorrutas iluminadas",
        "Cruces seguros frente a colegios",
    ]


def test_poll_output_snapshots_the_result_with_labels(world):
    output = by_ref(world)[world.ref(world.poll)]
    assert output.kind == "poll"
    assert output.text == "Prioridades"
    assert output.participants == 3
    assert output.author_key == ""
    snap = output.snapshot
    assert snap["ballots"] == 3
    assert snap["method"] == "consensus"
    labels = [o["label"] for o in snap["options"]]
    assert labels[:2] == ["Más ciclovías", "Menos autos en el centro"]
    assert snap["result"]["winners"] == ["a", world.statement.option_key]
    assert snap["winner_labels"] == ["Más ciclovías", "Buses eléctricos para el centro"]
    assert any("Más ciclovías" in line for line in snap["result"]["explanation"])


def test_open_poll_counts_the_people_whose_answers_were_published(world):
    output = by_ref(world)[world.ref(world.open_poll)]
    assert output.participants == 1
    assert output.snapshot["result"]["answers"] == ["Andenes anchos"]


def test_statement_answer_and_question(world):
    outputs = by_ref(world)
    statement = outputs[world.ref(world.statement)]
    assert (statement.kind, statement.participants) == ("statement", 1)
    assert statement.author_key == f"p:{world.participants[1].pk}"
    assert statement.snapshot == {"text": "Buses eléctricos para el centro"}
    answer = outputs[world.ref(world.answer)]
    assert (answer.kind, answer.text) == ("answer", "Andenes anchos")
    question = outputs[world.ref(world.question)]
    assert question.kind == "question"
    assert question.participants == 3  # cata + two upvoters
    assert question.snapshot == {"text": "¿Cuándo se publican los datos?", "upvotes": 2}


def test_an_open_poll_is_not_an_output(world, alice):
    from voting import services as voting

    voting.poll_reset(poll=world.poll, actor=alice, reason="prueba")
    world.poll.refresh_from_db()
    assert world.ref(world.poll) not in by_ref(world)
    with pytest.raises(OutputNotFound):
        output_by_ref(world.process, world.ref(world.poll))


def test_output_by_ref_matches_the_listing(world):
    for ref, listed in by_ref(world).items():
        found = output_by_ref(world.process, ref)
        assert found == listed
        assert found.snapshot == listed.snapshot


@pytest.mark.parametrize(
    "ref",
    [
        "",
        "note",
        "note:",
        "note:abc",
        "note:1:2",
        "cluster:1",
        "cluster:1:",
        "banana:1",
        "poll:-1",
        "question: 1",
        "note:999999",
    ],
)
def test_malformed_or_missing_refs(world, ref):
    with pytest.raises(OutputNotFound) as caught:
        output_by_ref(world.process, ref)
    assert repr(ref) in str(caught.value)


def test_refs_of_hidden_contributions_are_not_found(world):
    for obj in (world.deleted_note, world.rejected_statement, world.pending_question):
        with pytest.raises(OutputNotFound):
            output_by_ref(world.process, world.ref(obj))
    with pytest.raises(OutputNotFound):
        output_by_ref(world.process, f"cluster:{world.canvas.pk}:nope")
    # A statement's pk asked for as an answer is not that answer.
    with pytest.raises(OutputNotFound):
        output_by_ref(world.process, f"answer:{world.statement.pk}")


def test_refs_of_other_processes_are_not_found_here(world):
    for ref in (world.ref(world.other_note), world.ref(world.foreign_note)):
        with pytest.raises(OutputNotFound):
            output_by_ref(world.process, ref)
    assert output_by_ref(world.foreign_process, world.ref(world.foreign_note)).text == (
        "Nota de otra entidad"
    )
    assert process_of_ref(world.ref(world.foreign_note)) == world.foreign_process
    assert process_of_ref(world.ref(world.notes[0])) == world.process
    assert process_of_ref("note:999999") is None
    assert process_of_ref("garbage") is None


def test_listing_costs_no_query_per_note(world):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            outputs_of_process(world.process)
        return len(ctx.captured_queries)

    before = count()
    for i in range(20):
        note(world.canvas, f"more{i}", f"Nota {i}", "u:1")
    assert count() == before


def test_contributions_by_author(world):
    ana, beto, cata, dani = world.participants
    refs = [o.ref for o in contributions_by_author([f"p:{ana.pk}"])]
    assert refs == [world.ref(world.notes[0])]
    refs = {o.ref for o in contributions_by_author([f"p:{beto.pk}", f"p:{cata.pk}"])}
    assert refs == {
        world.ref(world.notes[1]),
        world.ref(world.notes[2]),
        world.ref(world.statement),
        world.ref(world.question),
    }
    # Dani's note was deleted and question is pending: only the published answer.
    assert [o.ref for o in contributions_by_author([f"p:{dani.pk}"])] == [world.ref(world.answer)]
    assert contributions_by_author([]) == []
    assert contributions_by_author(["x:1", "p:abc"]) == []
