"""One-time voting codes: format, issuing and voiding, the printable PDF sheet, the
management page."""

from __future__ import annotations

import io
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from voting import codes, services
from voting.models import Eligibility, PollAudit, PollAuditAction, VotingCode
from voting.services import OptionInput

OPTIONS = [OptionInput("a", "Parque"), OptionInput("b", "Biblioteca")]
CODE_RE = re.compile(r"\b[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}\b")


def make_poll(entity, eligibility=Eligibility.CODES, **kwargs):
    return services.poll_create(
        entity=entity,
        title="Asamblea de presupuesto",
        method="single",
        options=OPTIONS,
        eligibility=eligibility,
        **kwargs,
    )


def error_code(exc: ValidationError) -> str | None:
    if hasattr(exc, "error_dict"):
        return next(iter(exc.error_dict.values()))[0].code
    return exc.error_list[0].code


# --- the pure module ---------------------------------------------------------------------


def test_alphabet_has_no_ambiguous_characters_and_codes_carry_60_bits():
    assert not set("01OI") & set(codes.ALPHABET)
    assert len(set(codes.ALPHABET)) == 32
    assert codes.BITS >= 60
    code = codes.new_code()
    assert CODE_RE.fullmatch(code)


def test_new_codes_do_not_repeat():
    assert len({codes.new_compact() for _ in range(5000)}) == 5000


@given(st.lists(st.sampled_from(codes.ALPHABET), min_size=12, max_size=12), st.data())
def test_normalise_accepts_any_casing_and_separators(chars, data):
    compact = "".join(chars)
    printed = codes.grouped(compact)
    assert codes.normalise(printed) == compact
    assert codes.normalise(printed.lower()) == compact
    spaced = data.draw(st.sampled_from([" ", "  ", "-", " - ", "\u2013", ""]))
    assert codes.normalise(spaced.join(printed.split("-"))) == compact
    assert codes.normalise(f"  {compact.lower()}\n") == compact


@pytest.mark.parametrize(
    "raw",
    ["", "K7QX-M2PA-9TR", "K7QX-M2PA-9TRWX", "K7QX-M2PA-9TR0", "K7QX-M2PA-9TRI", "K7QX M2PA 9TR!"],
)
def test_normalise_refuses_what_cannot_be_a_code(raw):
    assert codes.normalise(raw) is None


def test_code_hash_depends_on_the_salt():
    assert codes.code_hash("a" * 64, "K7QXM2PA9TRW") != codes.code_hash("b" * 64, "K7QXM2PA9TRW")
    assert len(codes.code_hash("a" * 64, "K7QXM2PA9TRW")) == 64


# --- issuing and voiding -----------------------------------------------------------------


@pytest.mark.django_db
def test_issue_stores_only_hashes_and_audits_without_codes(entity, alice):
    poll = make_poll(entity)
    issued = services.codes_issue(poll=poll, count=25, actor=alice)
    assert issued.batch == 1
    assert len(set(issued.codes)) == 25
    stored = set(VotingCode.objects.filter(poll=poll).values_list("code_hash", flat=True))
    assert stored == {codes.code_hash(poll.salt, codes.normalise(c)) for c in issued.codes}
    for code in issued.codes:
        assert code not in stored and codes.normalise(code) not in stored
    audit = PollAudit.objects.get(poll=poll, action=PollAuditAction.CODES)
    assert audit.detail == {"batch": 1, "count": 25}
    assert audit.actor == alice
    assert services.codes_issue(poll=poll, count=1, actor=alice).batch == 2


@pytest.mark.django_db
@pytest.mark.parametrize("count", [0, -1, 2001, "10", 1.5, True, None])
def test_issue_rejects_a_bad_count_naming_the_field(entity, alice, count):
    poll = make_poll(entity)
    with pytest.raises(ValidationError) as caught:
        services.codes_issue(poll=poll, count=count, actor=alice)
    assert "count" in caught.value.message_dict
    assert not VotingCode.objects.exists()


@pytest.mark.django_db
def test_issue_allows_the_maximum(entity, bob):
    poll = make_poll(entity)
    issued = services.codes_issue(poll=poll, count=services.MAX_CODES, actor=bob)
    assert VotingCode.objects.filter(poll=poll).count() == services.MAX_CODES == len(issued.codes)


@pytest.mark.django_db
def test_issue_only_for_code_polls_in_draft_or_open(entity, alice):
    with pytest.raises(ValidationError) as caught:
        services.codes_issue(poll=make_poll(entity, Eligibility.ENTITY), count=5, actor=alice)
    assert error_code(caught.value) == "not_codes_poll"
    poll = services.poll_open(poll=make_poll(entity))
    services.codes_issue(poll=poll, count=1, actor=alice)
    services.poll_close(poll=poll)
    with pytest.raises(ValidationError) as caught:
        services.codes_issue(poll=poll, count=1, actor=alice)
    assert error_code(caught.value) == "bad_status"
    assert VotingCode.objects.filter(poll=poll).count() == 1


@pytest.mark.django_db
def test_only_the_entity_team_issues_and_voids(entity, carol, oscar, alice):
    poll = make_poll(entity)
    for actor in (carol, oscar, None):
        with pytest.raises(PermissionDenied):
            services.codes_issue(poll=poll, count=1, actor=actor)
    services.codes_issue(poll=poll, count=1, actor=alice)
    for actor in (carol, oscar, None):
        with pytest.raises(PermissionDenied):
            services.codes_void(poll=poll, batch=1, actor=actor)
    assert not VotingCode.objects.filter(void=True).exists()


@pytest.mark.django_db
def test_lookup_normalises_and_refuses_void_unknown_and_foreign_codes(entity, alice):
    poll = services.poll_open(poll=make_poll(entity))
    other = services.poll_open(poll=make_poll(entity))
    first = services.codes_issue(poll=poll, count=2, actor=alice)
    second = services.codes_issue(poll=poll, count=1, actor=alice)
    foreign = services.codes_issue(poll=other, count=1, actor=alice)
    found = services.code_lookup(poll, first.codes[0].lower().replace("-", " "))
    assert found.batch == 1
    assert services.codes_void(poll=poll, batch=1, actor=alice) == 2
    audit = PollAudit.objects.get(poll=poll, action=PollAuditAction.VOID_CODES)
    assert audit.detail == {"batch": 1, "count": 2}
    for raw in (first.codes[0], foreign.codes[0], "ABCD-EFGH-JKLM", "nada", ""):
        with pytest.raises(ValidationError) as caught:
            services.code_lookup(poll, raw)
        assert error_code(caught.value) == "invalid_code"
    assert services.code_lookup(poll, second.codes[0]).batch == 2
    with pytest.raises(ValidationError) as caught:
        services.codes_void(poll=poll, batch=9, actor=alice)
    assert "batch" in caught.value.message_dict


@pytest.mark.django_db
def test_reset_voids_codes_because_their_hashes_used_the_old_salt(entity, alice):
    poll = services.poll_open(poll=make_poll(entity))
    issued = services.codes_issue(poll=poll, count=3, actor=alice)
    services.ballot_cast_with_code(poll=poll, code=issued.codes[0], content="a")
    services.poll_reset(poll=poll, actor=alice)
    assert VotingCode.objects.filter(poll=poll, void=False).count() == 0
    audit = PollAudit.objects.filter(poll=poll, action=PollAuditAction.RESET).get()
    assert audit.detail["codes_voided"] == 3
    services.poll_open(poll=poll)
    with pytest.raises(ValidationError):
        services.code_lookup(poll, issued.codes[1])


# --- the printable sheet and the management page ------------------------------------------


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.mark.django_db
def test_sheet_pdf_holds_the_codes_and_only_their_hashes_are_stored(client, entity, alice):
    poll = make_poll(entity)
    client.force_login(alice)
    response = client.post(f"/votaciones/{poll.pk}/codigos/hoja.pdf", {"count": "10"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "lote-1.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    printed = set(CODE_RE.findall(text))
    assert len(printed) == 10
    assert "Asamblea de presupuesto" in text
    assert entity.name in text
    assert "un solo voto" in text
    assert "Si la hoja se pierde, anule este lote" in " ".join(text.split())
    assert f"/votaciones/{poll.pk}/votar/" in text
    stored = set(VotingCode.objects.filter(poll=poll, batch=1).values_list("code_hash", flat=True))
    assert stored == {codes.code_hash(poll.salt, codes.normalise(c)) for c in printed}
    detail = PollAudit.objects.get(poll=poll, action=PollAuditAction.CODES).detail
    assert not any(c in str(detail) for c in printed)


@pytest.mark.django_db
def test_sheet_refuses_outsiders_citizens_and_anonymous_and_bad_counts(
    client, entity, carol, oscar, alice
):
    poll = make_poll(entity)
    url = f"/votaciones/{poll.pk}/codigos/hoja.pdf"
    assert client.post(url, {"count": "5"}).status_code == 302  # to the login page
    for person in (carol, oscar):
        client.force_login(person)
        assert client.post(url, {"count": "5"}).status_code == 403
    client.force_login(alice)
    for count in ("", "0", "abc", "2001"):
        response = client.post(url, {"count": count})
        assert response.status_code == 400
        assert b'aria-invalid="true"' in response.content
        assert b"entre 1 y 2000" in response.content.lower()
    assert client.get(url).status_code == 405
    assert not VotingCode.objects.exists()


@pytest.mark.django_db
def test_sheet_needs_the_csrf_token(entity, alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    poll = make_poll(entity)
    assert client.post(f"/votaciones/{poll.pk}/codigos/hoja.pdf", {"count": "1"}).status_code == 403
    assert not VotingCode.objects.exists()


@pytest.mark.django_db
def test_management_page_lists_batches_and_voids_one(client, entity, bob, oscar):
    poll = services.poll_open(poll=make_poll(entity))
    issued = services.codes_issue(poll=poll, count=4, actor=bob)
    services.codes_issue(poll=poll, count=2, actor=bob)
    services.ballot_cast_with_code(poll=poll, code=issued.codes[0], content="a")
    client.force_login(oscar)
    assert client.get(f"/votaciones/{poll.pk}/codigos/").status_code == 403
    assert (
        f"/votaciones/{poll.pk}/codigos/"
        not in client.get(f"/votaciones/{poll.pk}/votar/").content.decode()
    )
    client.force_login(bob)
    ballot_page = client.get(f"/votaciones/{poll.pk}/votar/").content.decode()
    assert f'href="/votaciones/{poll.pk}/codigos/"' in ballot_page
    page = client.get(f"/votaciones/{poll.pk}/codigos/").content.decode()
    assert "Anular el lote 1" in page and "Anular el lote 2" in page
    assert "<td>4</td>" in page and "<td>1</td>" in page
    assert issued.codes[0] not in page
    response = client.post(f"/votaciones/{poll.pk}/codigos/anular/", {"batch": "1"}, follow=True)
    assert response.status_code == 200
    assert "4 códigos dejaron de servir" in response.content.decode()
    assert "Anular el lote 1" not in response.content.decode()
    assert VotingCode.objects.filter(poll=poll, batch=1, void=False).count() == 0
    assert VotingCode.objects.filter(poll=poll, batch=2, void=False).count() == 2
    assert client.post(f"/votaciones/{poll.pk}/codigos/anular/", {"batch": "7"}).status_code == 400
