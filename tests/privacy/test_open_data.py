"""No personal data in anything the public can download or read.

Every public export and page of a finished workshop is fetched as an anonymous visitor
and scanned for each participant's display name, each account's name and email, and
any author key (``p:<id>`` / ``u:<id>``). Canvas exports and session reports carry
authors for the team: they are not open data, and the test checks the public cannot
get them at all."""

from __future__ import annotations

import io
import json
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from sessions.services import process_set_status
from tests.policy.export_fixtures import AUTHOR_KEY, ExportWorld, build_world
from tests.policy.test_exports import docx_text, pdf_text, squash
from voting import services as voting

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(entity, alice, bob) -> ExportWorld:
    built = build_world(entity, alice, bob)
    process_set_status(process=built.process, status="active")
    voting.poll_publish(poll=built.poll, actor=alice)
    built.plan.status = "published"
    built.plan.save(update_fields=["status"])
    return built


def _text(name: str, body: bytes) -> str:
    """What a reader of the file sees, whatever its format."""
    if name.endswith(".xlsx"):
        book = openpyxl.load_workbook(io.BytesIO(body))
        return "\n".join(
            str(v)
            for sheet in book
            for row in sheet.iter_rows(values_only=True)
            for v in row
            if v is not None
        )
    if name.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(archive.read(m).decode("utf-8") for m in archive.namelist())
    if name.endswith(".docx"):
        return docx_text(body)[1]
    if name.endswith(".pdf"):
        return squash(pdf_text(body))
    text = body.decode("utf-8")
    if name.endswith(".json"):  # \u escapes would hide an accented name from the scan
        text += json.dumps(json.loads(text), ensure_ascii=False)
    return text


def public_urls(world: ExportWorld) -> dict[str, str]:
    slug, poll = world.process.slug, world.poll.pk
    plan, version = world.plan.pk, world.version.number
    urls = {
        "process page": reverse("toolkit:process", args=[slug]),
        "responses page": reverse("policy:responses", args=[slug]),
        "draft version page": reverse("policy:draft_version", args=[slug, version]),
        "plan version page": reverse("policy:plan_version", args=[slug, plan]),
        "accountability page": reverse("policy:plan_accountability", args=[slug, plan]),
        "results page": reverse("voting:results", args=[poll]),
        "bulletin.json": reverse("voting:bulletin", args=[poll]),
        "public stages": reverse("assessment:public_stages"),
    }
    for fmt in ("csv", "xlsx", "json"):
        urls[f"results.{fmt}"] = reverse("voting:export", args=[poll, fmt])
    for fmt in ("csv", "xlsx", "zip", "json", "docx", "pdf"):
        urls[f"draft.{fmt}"] = reverse("policy:draft_export", args=[slug, fmt])
        urls[f"draft-v.{fmt}"] = reverse("policy:draft_version_export", args=[slug, version, fmt])
        urls[f"plan.{fmt}"] = reverse("policy:plan_export", args=[slug, plan, fmt])
    return urls


def test_every_public_export_and_page_is_free_of_personal_data(client, world):
    personal = [v for v in world.personal if v]
    assert "Ana Pérez Quintero" in personal
    seen: dict[str, str] = {}
    for name, url in public_urls(world).items():
        response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        seen[name] = _text(name, body)
    # The scan reads real content (a leak cannot hide behind an empty file).
    assert "Datos abiertos de contratación" in seen["results.csv"]
    assert "Basuras en el caño" in seen["responses page"]
    assert "Contratación abierta" in seen["plan.pdf"]
    for name, text in seen.items():
        for value in personal:
            assert value not in text, (name, value)
        found = AUTHOR_KEY.search(text)
        assert not found, (name, found and found.group())


def test_team_exports_are_not_public(client, world):
    """Canvas exports and session reports name authors: they are for the entity's team,
    not open data, and an anonymous visitor cannot download them."""
    code = world.session.code
    activity = world.canvas.activity_id
    for fmt in ("csv", "json", "svg", "xlsx"):
        response = client.get(reverse("canvases:export", args=[code, activity, fmt]))
        assert response.status_code in (302, 403, 404), fmt
    for fmt in ("pdf", "docx", "xlsx"):
        response = client.get(reverse("policy:session_report", args=[code, fmt]))
        assert response.status_code in (302, 403, 404), fmt


def test_the_scan_catches_a_name_in_a_page(client, world):
    """The scan can fail: the same check finds a participant's name where it is shown."""
    from tests.privacy.conftest import client_of

    participant = world.participants[0]
    page = client_of(participant).get(reverse("privacy:my_data")).content.decode()
    assert participant.display_name in page
