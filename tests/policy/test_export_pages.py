"""The download views: published versions are public; working copies and session
reports are for the entity's team only (anyone else gets a 404, as if nothing existed);
every format comes back with its content type and as an attachment."""

from __future__ import annotations

import io
import json
import zipfile

import openpyxl
import pytest
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from cocrea.policy.models import ActionPlan, Draft
from tests.conftest import PASSWORD
from tests.policy.export_fixtures import ExportWorld, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def export_world(entity, alice, bob) -> ExportWorld:
    return build_world(entity, alice, bob)


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def url(name: str, world: ExportWorld, fmt: str, **kwargs) -> str:
    if name == "session_report":
        return reverse("policy:session_report", args=[world.session.code, fmt])
    if name.startswith("plan"):
        kwargs["plan_id"] = world.plan.pk
    return reverse(f"policy:{name}", kwargs={"slug": world.process.slug, "fmt": fmt, **kwargs})


CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "zip": "application/zip",
    "json": "application/json",
}


@pytest.mark.parametrize("fmt", ["docx", "pdf", "xlsx", "csv", "zip", "json"])
def test_published_draft_is_public_in_every_format(client, export_world, fmt):
    response = client.get(url("draft_export", export_world, fmt))
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith(f'-v1.{fmt}"')
    body = response.content
    if fmt == "docx":
        text = "\n".join(p.text for p in Document(io.BytesIO(body)).paragraphs)
        assert "Publicar la contratación en datos abiertos" in text
    elif fmt == "pdf":
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
        assert "Versión 1" in text
    elif fmt == "xlsx":
        assert openpyxl.load_workbook(io.BytesIO(body)).sheetnames == ["Ítems", "Fuentes"]
    elif fmt == "csv":
        assert body.decode("utf-8").startswith("\ufeffNúmero,")
    elif fmt == "zip":
        assert "datapackage.json" in zipfile.ZipFile(io.BytesIO(body)).namelist()
    else:
        package = json.loads(body)
        assert [r["name"] for r in package["resources"]] == ["items", "sources"]


def test_a_given_version_and_an_unknown_one(client, export_world):
    assert client.get(url("draft_version_export", export_world, "csv", number=1)).status_code == 200
    assert client.get(url("draft_version_export", export_world, "csv", number=2)).status_code == 404


def test_unknown_format_is_404(client, export_world):
    assert client.get(url("draft_export", export_world, "exe")).status_code == 404
    login(client, export_world.people[1])
    assert client.get(url("session_report", export_world, "csv")).status_code == 404


def test_no_published_version_is_404(client, export_world):
    export_world.draft.versions.all().delete()
    assert client.get(url("draft_export", export_world, "pdf")).status_code == 404
    export_world.plan.versions.all().delete()
    assert client.get(url("plan_export", export_world, "pdf")).status_code == 404


def test_working_copy_is_for_the_team(client, export_world, alice, bob, carol, oscar):
    target = url("draft_working_export", export_world, "docx")
    assert client.get(target).status_code == 404  # anonymous
    for outsider in (carol, oscar):  # a citizen of the entity, another entity's facilitator
        login(client, outsider)
        assert client.get(target).status_code == 404
        client.logout()
    for member in (alice, bob):
        login(client, member)
        response = client.get(target)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
        assert "BORRADOR" in text
        client.logout()


def test_working_copy_of_a_process_without_draft_is_an_empty_document(client, export_world, bob):
    Draft.objects.filter(pk=export_world.draft.pk).delete()
    login(client, bob)
    response = client.get(url("draft_working_export", export_world, "pdf"))
    assert response.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "aún no tiene ítems" in " ".join(text.split())


def test_plan_exports(client, export_world, bob, carol):
    public = client.get(url("plan_export", export_world, "xlsx"))
    assert public.status_code == 200
    sheets = openpyxl.load_workbook(io.BytesIO(public.content)).sheetnames
    # The public version: responses as counts only; the one-by-one table is the team's.
    assert "Resumen de respuestas" in sheets and "Respuestas a los aportes" not in sheets
    working = url("plan_working_export", export_world, "xlsx")
    assert client.get(working).status_code == 404
    login(client, carol)
    assert client.get(working).status_code == 404
    login(client, bob)
    team = client.get(working)
    assert team.status_code == 200
    sheets = openpyxl.load_workbook(io.BytesIO(team.content)).sheetnames
    assert "Respuestas a los aportes" in sheets


def test_a_plan_of_another_process_is_404(client, export_world, entity, alice, bob):
    other = build_world(entity, alice, bob)
    target = reverse(
        "policy:plan_export",
        kwargs={"slug": export_world.process.slug, "plan_id": other.plan.pk, "fmt": "pdf"},
    )
    assert ActionPlan.objects.filter(pk=other.plan.pk).exists()
    assert client.get(target).status_code == 404


@pytest.mark.parametrize("fmt", ["pdf", "docx", "xlsx"])
def test_session_report_is_for_the_team(client, export_world, alice, carol, oscar, fmt):
    target = url("session_report", export_world, fmt)
    assert client.get(target).status_code == 404
    for outsider in (carol, oscar):
        login(client, outsider)
        assert client.get(target).status_code == 404
        client.logout()
    login(client, alice)
    response = client.get(target)
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    assert "no-store" in response["Cache-Control"]


def test_unknown_session_is_404(client, alice):
    login(client, alice)
    response = client.get(reverse("policy:session_report", args=["ZZZZZZ", "pdf"]))
    assert response.status_code == 404
