"""Signing in through the login form of the real server."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
EMAIL = "facilitadora.e2e@example.org"
PASSWORD = "correct-horse-battery-staple"

# Runs inside the server's own database (the tests never touch the ORM themselves).
CREATE_FACILITATOR = f"""
from cocrea.accounts.models import Entity, EntityKind, Role, User
from cocrea.accounts.services import membership_grant
entity, _ = Entity.objects.get_or_create(
    slug="alcaldia-de-buenaventura-e2e",
    defaults=dict(
        name="Alcaldía de Buenaventura", kind=EntityKind.ALCALDIA, department="76",
        municipality="Buenaventura", divipola_code="76109",
    ),
)
user = User.objects.filter(email={EMAIL!r}).first() or User.objects.create_user(
    email={EMAIL!r}, password={PASSWORD!r}, full_name="Ana Facilitadora"
)
membership_grant(user=user, entity=entity, role=Role.FACILITATOR)
"""


@pytest.fixture(scope="module")
def facilitator(site) -> str:
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", CREATE_FACILITATOR],
        cwd=ROOT,
        env=site.env,
        check=True,
        timeout=60,
        capture_output=True,
    )
    return EMAIL


def fill_login(page: Page, email: str, password: str) -> None:
    page.goto("/cuenta/ingresar/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ingresar")
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña").fill(password)
    page.get_by_role("button", name="Ingresar", exact=True).click()


def test_facilitator_signs_in_and_out(page: Page, facilitator: str) -> None:
    fill_login(page, facilitator, PASSWORD)

    expect(page).to_have_url(re.compile(r"/$"))
    header = page.get_by_role("banner")
    sign_out = header.get_by_role("button", name=re.compile(r"^Salir\b"))
    expect(sign_out).to_be_visible()
    expect(sign_out).to_contain_text("Ana")
    expect(header.get_by_role("link", name="Ingresar")).to_have_count(0)

    sign_out.click()
    expect(header.get_by_role("link", name="Ingresar")).to_be_visible()
    expect(header.get_by_role("button", name=re.compile(r"^Salir\b"))).to_have_count(0)


def test_wrong_password_shows_an_alert(page: Page, facilitator: str) -> None:
    fill_login(page, facilitator, PASSWORD + "-wrong")

    expect(page).to_have_url(re.compile(r"/cuenta/ingresar/$"))
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text(re.compile(r"correct", re.IGNORECASE))
    expect(page.get_by_label("Correo electrónico")).to_have_value(facilitator)
    expect(page.get_by_label("Contraseña")).to_have_value("")
    header = page.get_by_role("banner")
    expect(header.get_by_role("button", name=re.compile(r"^Salir\b"))).to_have_count(0)
    expect(header.get_by_role("link", name="Ingresar")).to_be_visible()


def test_unknown_user_cannot_sign_in(page: Page) -> None:
    fill_login(page, "nadie@example.org", PASSWORD)
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/cuenta/ingresar/$"))
