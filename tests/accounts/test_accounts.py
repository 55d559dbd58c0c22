"""People, entities and roles."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cocrea.accounts.models import Entity, EntityKind, Membership, Role, User
from cocrea.accounts.rules import can_act_as_official, can_facilitate, is_entity_staff
from cocrea.accounts.services import entity_create, membership_grant
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_email_login_and_normalisation(client):
    user = User.objects.create_user(email="Ana@Example.ORG", password=PASSWORD)
    assert user.email == "ana@example.org"
    assert client.login(email="ana@example.org", password=PASSWORD)


def test_email_is_unique():
    User.objects.create_user(email="x@example.org")
    with pytest.raises(IntegrityError):
        User.objects.create_user(email="x@example.org")


def test_superuser_is_staff():
    admin = User.objects.create_superuser(email="admin@example.org", password=PASSWORD)
    assert admin.is_staff and admin.is_superuser


def test_entity_with_valid_divipola():
    entity = entity_create(
        name="Alcaldía de Cali",
        kind=EntityKind.ALCALDIA,
        department="76",
        municipality="Cali",
        divipola_code="76001",
    )
    assert entity.slug == "alcaldia-de-cali"


@pytest.mark.parametrize(
    ("department", "code", "field"),
    [("76", "1100", "divipola_code"), ("76", "11001", "divipola_code"), ("00", "", "department")],
)
def test_entity_rejects_bad_divipola(department, code, field):
    with pytest.raises(ValidationError) as caught:
        entity_create(name="Mala", kind=EntityKind.OTHER, department=department, divipola_code=code)
    assert field in caught.value.message_dict
    assert Entity.objects.count() == 0


def test_database_enforces_divipola_prefix_too():
    with pytest.raises(IntegrityError), transaction.atomic():
        Entity.objects.create(
            name="X", slug="x", kind=EntityKind.OTHER, department="05", divipola_code="76001"
        )


def test_membership_grant_is_idempotent(entity, alice):
    again = membership_grant(user=alice, entity=entity, role=Role.FACILITATOR)
    assert Membership.objects.filter(user=alice).count() == 1
    assert again.role == Role.FACILITATOR


def test_membership_grant_rejects_unknown_role(entity, alice):
    with pytest.raises(ValueError, match="Unknown role"):
        membership_grant(user=alice, entity=entity, role="mayor")


def test_role_rules(entity, other_entity, alice, bob, carol, oscar):
    assert can_facilitate(alice, entity) and not can_act_as_official(alice, entity)
    assert can_act_as_official(bob, entity) and not can_facilitate(bob, entity)
    assert is_entity_staff(alice, entity) and is_entity_staff(bob, entity)
    assert not is_entity_staff(carol, entity)
    assert not is_entity_staff(oscar, entity) and is_entity_staff(oscar, other_entity)


def test_admin_is_for_staff_only(client, alice, django_user_model):
    client.force_login(alice)
    assert client.get("/admin/").status_code == 302
    staff = django_user_model.objects.create_superuser(email="root@example.org", password=PASSWORD)
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/entity/").status_code == 200
    assert client.get("/admin/toolkit/experience/").status_code == 200
    assert client.get("/admin/live_sessions/process/").status_code == 200


def test_login_page_signs_in_and_wrong_password_says_so(client, alice):
    response = client.post(
        "/cuenta/ingresar/", {"username": "alice@example.org", "password": "wrong"}
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    response = client.post(
        "/cuenta/ingresar/", {"username": "alice@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
