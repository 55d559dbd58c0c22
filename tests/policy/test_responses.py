"""The reasoned response: services (cocrea.policy.services.responses) and selectors
(cocrea.policy.selectors.responses), on P1's ``world`` (tests/policy/conftest.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.signing import dumps

from cocrea.policy.models import (
    ActionPlan,
    Commitment,
    ContributionResponse,
    Draft,
    DraftItem,
    DraftVersion,
    ItemOrigin,
    PlanVersion,
)
from cocrea.policy.selectors.responses import (
    own_contributions,
    participant_keys,
    responses_of_process,
)
from cocrea.policy.services.responses import response_set, response_set_many
from sessions import live
from sessions.cookies import SALT, cookie_name, sign_participant
from sessions.models import LiveSession, SessionStatus
from tests.policy.conftest import lineamiento

pytestmark = pytest.mark.django_db


# --- helpers ---------------------------------------------------------------------------


def make_item(process, title: str = "Ciclorrutas seguras", **fields) -> DraftItem:
    draft, _ = Draft.objects.get_or_create(process=process, defaults={"title": "Borrador"})
    return DraftItem.objects.create(
        draft=draft,
        lineamiento=lineamiento(),
        title=title,
        origin=ItemOrigin.WRITTEN,
        **fields,
    )


def make_commitment(process, title: str = "Datos abiertos de movilidad") -> Commitment:
    plan = ActionPlan.objects.create(process=process, title="Plan 2026")
    return Commitment.objects.create(plan=plan, number=1, title=title)


def field_of(exc: pytest.ExceptionInfo) -> set[str]:
    return set(exc.value.message_dict)


def key(participant) -> str:
    return f"p:{participant.pk}"


# --- response_set ------------------------------------------------------------------------


def test_not_incorporated_with_reason_keeps_the_source_facts(world, bob):
    n1 = world.notes[0]
    response = response_set(
        world.process,
        world.ref(n1),
        "not_incorporated",
        reason="  Ya existe un programa de iluminación.  ",
        actor=bob,
    )
    response.refresh_from_db()
    assert response.status == "not_incorporated"
    assert response.reason == "Ya existe un programa de iluminación."
    assert response.participant_key == key(world.participants[0])
    assert response.text == "Ciclorrutas iluminadas"
    assert response.session == world.session
    assert response.kind == "note"
    assert response.updated_by == bob
    assert (response.item, response.commitment, response.merged_into) == (None, None, "")


@pytest.mark.parametrize("reason", ["", "   \n  "])
def test_not_incorporated_needs_a_written_reason(world, bob, reason):
    with pytest.raises(ValidationError) as exc:
        response_set(
            world.process, world.ref(world.notes[0]), "not_incorporated", reason=reason, actor=bob
        )
    assert field_of(exc) == {"reason"}
    assert not ContributionResponse.objects.exists()


def test_reason_too_long_is_refused(world, bob):
    with pytest.raises(ValidationError) as exc:
        response_set(
            world.process,
            world.ref(world.notes[0]),
            "not_incorporated",
            reason="x" * 4001,
            actor=bob,
        )
    assert field_of(exc) == {"reason"}
    assert not ContributionResponse.objects.exists()


def test_unknown_status_names_status(world, bob):
    with pytest.raises(ValidationError) as exc:
        response_set(world.process, world.ref(world.notes[0]), "accepted", actor=bob)
    assert field_of(exc) == {"status"}
    assert not ContributionResponse.objects.exists()


def test_incorporated_into_an_item_or_a_commitment(world, bob):
    item = make_item(world.process)
    commitment = make_commitment(world.process)
    by_item = response_set(
        world.process, world.ref(world.notes[0]), "incorporated", item=item, actor=bob
    )
    assert (by_item.item, by_item.commitment) == (item, None)
    # Ids from a form work the same as instances.
    by_commitment = response_set(
        world.process,
        world.ref(world.question),
        "incorporated",
        commitment=str(commitment.pk),
        reason="Es el hito 2.",
        actor=bob,
    )
    assert (by_commitment.item, by_commitment.commitment) == (None, commitment)
    assert by_commitment.reason == "Es el hito 2."
    assert by_commitment.participant_key == key(world.participants[2])


def test_incorporated_needs_an_item_or_commitment(world, bob):
    with pytest.raises(ValidationError) as exc:
        response_set(world.process, world.ref(world.notes[0]), "incorporated", actor=bob)
    assert field_of(exc) == {"item"}
    assert not ContributionResponse.objects.exists()


def test_incorporated_refuses_items_outside_the_process(world, bob):
    ref = world.ref(world.notes[0])
    other_item = make_item(world.other_process)
    removed = make_item(world.process, "Retirado", removed=True)
    for bad in (other_item, other_item.pk, removed, 999_999, "abc"):
        with pytest.raises(ValidationError) as exc:
            response_set(world.process, ref, "incorporated", item=bad, actor=bob)
        assert field_of(exc) == {"item"}, bad
    other_commitment = make_commitment(world.other_process)
    for bad in (other_commitment, 999_999):
        with pytest.raises(ValidationError) as exc:
            response_set(world.process, ref, "incorporated", commitment=bad, actor=bob)
        assert field_of(exc) == {"commitment"}, bad
    assert not ContributionResponse.objects.exists()


def test_item_or_commitment_of_another_entity_is_permission_denied(world, bob):
    ref = world.ref(world.notes[0])
    with pytest.raises(PermissionDenied):
        response_set(
            world.process, ref, "incorporated", item=make_item(world.foreign_process), actor=bob
        )
    with pytest.raises(PermissionDenied):
        response_set(
            world.process,
            ref,
            "incorporated",
            commitment=make_commitment(world.foreign_process),
            actor=bob,
        )
    assert not ContributionResponse.objects.exists()


def test_merged_into_another_contribution_of_the_process(world, bob):
    n1, n2, _n3 = world.notes
    item = make_item(world.process)
    response_set(world.process, world.ref(n2), "incorporated", item=item, actor=bob)
    merged = response_set(
        world.process,
        world.ref(n2),
        "merged",
        merged_into=world.cluster_ref,
        item=item,  # ignored: a merged contribution points at the other one
        actor=bob,
    )
    assert merged.merged_into == world.cluster_ref
    assert merged.item is None
    assert ContributionResponse.objects.count() == 1


@pytest.mark.parametrize(
    "target",
    ["", "self", "note:999999", "other", "foreign", "poll", "deleted", "garbage"],
)
def test_merged_into_must_be_another_contribution_of_the_process(world, bob, target):
    ref = world.ref(world.notes[0])
    merged_into = {
        "self": ref,
        "other": world.ref(world.other_note),
        "poll": world.ref(world.poll),
        "deleted": world.ref(world.deleted_note),
        "garbage": "nota:1",
        "foreign": world.ref(world.foreign_note),
    }.get(target, target)
    # Pointing at another entity's contribution is either refused as not ours or as
    # forbidden; both write nothing.
    with pytest.raises((ValidationError, PermissionDenied)) as exc:
        response_set(world.process, ref, "merged", merged_into=merged_into, actor=bob)
    if target == "foreign":
        assert exc.type is PermissionDenied
    else:
        assert field_of(exc) == {"merged_into"}
    assert not ContributionResponse.objects.exists()


def test_pending_clears_the_rest(world, bob):
    ref = world.ref(world.notes[0])
    response_set(
        world.process, ref, "incorporated", item=make_item(world.process), reason="x", actor=bob
    )
    response = response_set(world.process, ref, "pending", reason="ignored", actor=bob)
    response.refresh_from_db()
    assert (response.status, response.item, response.reason, response.merged_into) == (
        "pending",
        None,
        "",
        "",
    )
    assert ContributionResponse.objects.count() == 1


@pytest.mark.parametrize(
    "which",
    ["malformed", "huge", "unknown", "other_process", "poll", "deleted", "rejected", "pending_q"],
)
def test_ref_must_be_a_contribution_of_this_process(world, bob, which):
    ref = {
        "malformed": "note:abc",
        "huge": "note:" + "1" * 200,
        "unknown": "note:999999",
        "other_process": world.ref(world.other_note),
        "poll": world.ref(world.poll),
        "deleted": world.ref(world.deleted_note),
        "rejected": world.ref(world.rejected_statement),
        "pending_q": world.ref(world.pending_question),
    }[which]
    with pytest.raises(ValidationError) as exc:
        response_set(world.process, ref, "not_incorporated", reason="No aplica.", actor=bob)
    assert field_of(exc) == {"ref"}
    assert not ContributionResponse.objects.exists()


def test_a_contribution_of_another_entity_is_permission_denied(world, bob):
    with pytest.raises(PermissionDenied):
        response_set(
            world.process,
            world.ref(world.foreign_note),
            "not_incorporated",
            reason="No aplica.",
            actor=bob,
        )
    assert not ContributionResponse.objects.exists()


@pytest.mark.parametrize("who", ["alice", "carol", "olga", "anonymous", "none"])
def test_only_the_process_officials_may_respond(world, request, who):
    if who in ("anonymous", "none"):
        actor = AnonymousUser() if who == "anonymous" else None
    else:
        actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        response_set(
            world.process,
            world.ref(world.notes[0]),
            "not_incorporated",
            reason="No aplica.",
            actor=actor,
        )
    assert not ContributionResponse.objects.exists()


# --- response_set_many -------------------------------------------------------------------


def test_bulk_sets_one_response_for_every_ref(world, bob):
    refs = [world.ref(n) for n in world.notes] + [world.ref(world.answer)]
    saved = response_set_many(
        world.process, refs, "not_incorporated", reason="Fuera del alcance.", actor=bob
    )
    assert [r.ref for r in saved] == refs
    assert set(
        ContributionResponse.objects.values_list("ref", "status", "reason", "participant_key")
    ) == {
        (world.ref(n), "not_incorporated", "Fuera del alcance.", key(p))
        for n, p in zip(world.notes, world.participants, strict=False)
    } | {
        (
            world.ref(world.answer),
            "not_incorporated",
            "Fuera del alcance.",
            key(world.participants[3]),
        )
    }


def test_bulk_is_all_or_nothing(world, bob):
    n1, n2, n3 = world.notes
    response_set(
        world.process, world.ref(n1), "incorporated", item=make_item(world.process), actor=bob
    )
    before = list(ContributionResponse.objects.values())
    bad = world.ref(world.other_note)
    with pytest.raises(ValidationError) as exc:
        response_set_many(
            world.process,
            [world.ref(n1), world.ref(n2), bad, "note:999999"],
            "not_incorporated",
            reason="No.",
            actor=bob,
        )
    assert field_of(exc) == {"refs"}
    messages = " ".join(exc.value.message_dict["refs"])
    assert bad in messages and "note:999999" in messages
    assert list(ContributionResponse.objects.values()) == before


@pytest.mark.parametrize(
    ("status", "extra", "field"),
    [
        ("not_incorporated", {}, "reason"),
        ("incorporated", {}, "item"),
        ("merged", {}, "merged_into"),
        ("merged", {"merged_into": "SELECTED"}, "merged_into"),
        ("nope", {}, "status"),
    ],
)
def test_bulk_refusals_name_the_field_and_write_nothing(world, bob, status, extra, field):
    refs = [world.ref(n) for n in world.notes]
    if extra.get("merged_into") == "SELECTED":
        extra = {"merged_into": refs[1]}
    with pytest.raises(ValidationError) as exc:
        response_set_many(world.process, refs, status, actor=bob, **extra)
    assert field_of(exc) == {field}
    assert not ContributionResponse.objects.exists()


def test_bulk_needs_a_selection(world, bob):
    with pytest.raises(ValidationError) as exc:
        response_set_many(world.process, ["", "  "], "pending", actor=bob)
    assert field_of(exc) == {"refs"}


def test_bulk_with_a_foreign_ref_or_actor_is_refused(world, bob, olga):
    refs = [world.ref(world.notes[0]), world.ref(world.foreign_note)]
    with pytest.raises(PermissionDenied):
        response_set_many(world.process, refs, "not_incorporated", reason="No.", actor=bob)
    with pytest.raises(PermissionDenied):
        response_set_many(world.process, refs[:1], "not_incorporated", reason="No.", actor=olga)
    assert not ContributionResponse.objects.exists()


def test_bulk_merge_into_an_unselected_contribution(world, bob):
    n1, n2, n3 = world.notes
    saved = response_set_many(
        world.process,
        [world.ref(n1), world.ref(n2)],
        "merged",
        merged_into=world.ref(n3),
        actor=bob,
    )
    assert {r.merged_into for r in saved} == {world.ref(n3)}


# --- selectors -----------------------------------------------------------------------------


def test_responses_of_process_lists_contributions_with_pending_by_default(world, bob):
    data = responses_of_process(world.process)
    n1, n2, n3 = world.notes
    assert [c.ref for c in data.contributions] == [
        world.cluster_ref,
        world.ref(n1),
        world.ref(n2),
        world.ref(n3),
        world.ref(world.statement),
        world.ref(world.answer),
        world.ref(world.question),
    ]  # polls are results, not contributions
    assert {c.status for c in data.contributions} == {"pending"}
    assert data.summary.total == 7
    assert data.summary.pending == 7


def test_summary_counts_by_status_and_session(world, bob):
    n1, n2, n3 = world.notes
    item = make_item(world.process)
    response_set(world.process, world.ref(n1), "incorporated", item=item, actor=bob)
    response_set(world.process, world.ref(world.question), "incorporated", item=item, actor=bob)
    response_set(world.process, world.ref(n2), "merged", merged_into=world.ref(n1), actor=bob)
    response_set(world.process, world.ref(n3), "not_incorporated", reason="Ya existe.", actor=bob)
    data = responses_of_process(world.process)
    assert (
        data.summary.total,
        data.summary.incorporated,
        data.summary.merged,
        data.summary.not_incorporated,
        data.summary.pending,
    ) == (7, 2, 1, 1, 3)
    [group] = data.sessions
    assert group.session == world.session
    assert group.level.code == "colaborar"
    assert group.counts == {
        "incorporated": 2,
        "merged": 1,
        "not_incorporated": 1,
        "pending": 3,
    }
    assert [a.title for a in group.activities] == [
        "Lluvia de ideas",
        "Prioridades",
        "¿Qué le falta al barrio?",
        "Preguntas",
    ]
    by_ref = {c.ref: c for c in data.contributions}
    assert by_ref[world.ref(n2)].merged_into_text == "Ciclorrutas iluminadas"
    assert by_ref[world.ref(n3)].reason == "Ya existe."
    assert by_ref[world.ref(n1)].item == item
    # Rows carry no author: pages built from them cannot show one.
    assert not hasattr(by_ref[world.ref(n1)], "author_key")


def test_withdrawn_contributions_are_for_the_team_only(world, bob):
    n1 = world.notes[0]
    response_set(world.process, world.ref(n1), "not_incorporated", reason="No.", actor=bob)
    n1.deleted = True
    n1.save()
    public = responses_of_process(world.process)
    assert world.ref(n1) not in {c.ref for c in public.contributions}
    team = responses_of_process(world.process, include_withdrawn=True)
    [withdrawn] = [c for c in team.contributions if c.ref == world.ref(n1)]
    assert (withdrawn.current, withdrawn.text, withdrawn.status) == (
        False,
        "Ciclorrutas iluminadas",
        "not_incorporated",
    )


def test_links_only_to_published_versions_that_hold_the_item_or_commitment(world, bob):
    item = make_item(world.process)
    commitment = make_commitment(world.process)
    ref = world.ref(world.notes[0])
    response_set(world.process, ref, "incorporated", item=item, commitment=commitment, actor=bob)

    def row():
        return {c.ref: c for c in responses_of_process(world.process).contributions}[ref]

    assert (row().item_url, row().commitment_url) == ("", "")
    PlanVersion.objects.create(plan=commitment.plan, number=1, snapshot={"commitments": []})
    assert row().commitment_url == ""  # published, but without this commitment
    PlanVersion.objects.create(
        plan=commitment.plan, number=2, snapshot={"commitments": [{"id": commitment.pk}]}
    )
    assert row().commitment_url == (
        f"/procesos/{world.process.slug}/planes/{commitment.plan.pk}/rendicion-de-cuentas/"
        "#commitment-1"
    )
    DraftVersion.objects.create(
        draft=item.draft, number=1, snapshot={"lineamientos": [{"pillars": [{"items": []}]}]}
    )
    assert row().item_url == ""  # published, but before the item existed
    DraftVersion.objects.create(
        draft=item.draft,
        number=2,
        snapshot={"lineamientos": [{"pillars": [{"items": [{"id": item.pk}]}]}]},
    )
    assert row().item_url == (
        f"/procesos/{world.process.slug}/lineamientos/versiones/2/#item-{item.pk}"
    )


def test_own_contributions_only_for_the_given_keys(world, bob):
    ana, beto, cata, dani = world.participants
    n1, n2, n3 = world.notes
    item = make_item(world.process)
    response_set(world.process, world.ref(n3), "incorporated", item=item, actor=bob)
    response_set(
        world.process,
        world.ref(world.question),
        "not_incorporated",
        reason="Ya respondida.",
        actor=bob,
    )
    response_set(world.process, world.ref(n1), "not_incorporated", reason="No.", actor=bob)
    [group] = own_contributions([key(cata)])
    assert group.process == world.process
    rows = {c.ref: c for c in group.contributions}
    assert set(rows) == {world.ref(n3), world.ref(world.question)}
    assert rows[world.ref(n3)].status == "incorporated"
    assert rows[world.ref(n3)].item == item
    assert rows[world.ref(world.question)].reason == "Ya respondida."
    assert own_contributions([]) == []
    assert own_contributions(["p:999999"]) == []


def test_own_contributions_include_answered_ones_later_withdrawn(world, bob):
    ana = world.participants[0]
    n1 = world.notes[0]
    response_set(world.process, world.ref(n1), "not_incorporated", reason="Duplicada.", actor=bob)
    n1.deleted = True
    n1.save()
    [group] = own_contributions([key(ana)])
    [row] = [c for c in group.contributions if c.ref == world.ref(n1)]
    assert (row.current, row.reason) == (False, "Duplicada.")
    # Not someone else's.
    assert own_contributions([key(world.participants[1])])[0].contributions[0].ref != world.ref(n1)


def test_participant_keys_from_verified_cookies(world, carol):
    ana, beto, *_ = world.participants
    code = world.session.code
    assert participant_keys({cookie_name(code): sign_participant(ana)}) == {key(ana)}
    forged = dumps({"p": beto.pk, "s": world.session.pk, "t": "guess"}, salt=SALT)
    wrong_salt = dumps({"p": beto.pk, "s": world.session.pk, "t": beto.token}, salt="other")
    assert participant_keys({cookie_name(code): forged}) == set()
    assert participant_keys({cookie_name(code): wrong_salt}) == set()
    assert participant_keys({cookie_name(code): "garbage"}) == set()
    # A valid cookie under another session's name proves nothing.
    assert participant_keys({cookie_name("ZZZZZZ"): sign_participant(ana)}) == set()
    assert participant_keys({"other": sign_participant(ana)}) == set()
    # Signed in: the account's key and the participants joined with it (sessions that
    # require an account keep the user on the participant).
    world.session.require_account = True
    world.session.save(update_fields=["require_account"])
    joined = live.participant_join(
        session=world.session, display_name="Carol", consent=True, user=carol
    )
    assert participant_keys({}, carol) == {f"u:{carol.pk}", key(joined)}
    assert participant_keys({}, AnonymousUser()) == set()


def test_participant_keys_when_the_code_was_reused(world, alice):
    ana = world.participants[0]
    cookie = sign_participant(ana)
    code = world.session.code
    LiveSession.objects.filter(pk=world.session.pk).update(status=SessionStatus.ENDED)
    reused = live.session_create(stage=world.session.stage, title="Otra", created_by=alice)
    LiveSession.objects.filter(pk=reused.pk).update(code=code)
    assert participant_keys({cookie_name(code): cookie}) == {key(ana)}
