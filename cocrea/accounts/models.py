"""People, territorial entities and the role each person holds in an entity."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cocrea.accounts.divipola import DEPARTMENTS


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address. Citizens joining a live session
    need no account; this model is for facilitators, officials, staff and citizens
    who register (one-person-one-vote)."""

    email = models.EmailField(_("correo electrónico"), unique=True)
    full_name = models.CharField(_("nombre completo"), max_length=150, blank=True)
    is_staff = models.BooleanField(_("es personal"), default=False)
    is_active = models.BooleanField(_("activo"), default=True)
    date_joined = models.DateTimeField(_("fecha de registro"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("usuario")
        verbose_name_plural = _("usuarios")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name or self.email).split(" ")[0]


class EntityKind(models.TextChoices):
    ALCALDIA = "alcaldia", _("Alcaldía")
    GOBERNACION = "gobernacion", _("Gobernación")
    SECRETARIA = "secretaria", _("Secretaría")
    CONCEJO = "concejo", _("Concejo")
    OTHER = "other", _("Otra")


divipola_validator = RegexValidator(
    r"^\d{5}$", _("El código DIVIPOLA de un municipio tiene 5 dígitos (p. ej. 11001).")
)


class Entity(models.Model):
    """A territorial entity (alcaldía, gobernación, secretaría …) that owns processes."""

    name = models.CharField(_("nombre"), max_length=200)
    slug = models.SlugField(_("identificador"), max_length=200, unique=True)
    kind = models.CharField(_("tipo"), max_length=20, choices=EntityKind.choices)
    department = models.CharField(
        _("departamento"), max_length=2, choices=sorted(DEPARTMENTS.items(), key=lambda i: i[1])
    )
    municipality = models.CharField(_("municipio"), max_length=120, blank=True)
    divipola_code = models.CharField(
        _("código DIVIPOLA"), max_length=5, blank=True, validators=[divipola_validator]
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("entidad territorial")
        verbose_name_plural = _("entidades territoriales")
        ordering = ("name",)
        constraints = [
            # A municipality code starts with its department's two digits.
            models.CheckConstraint(
                condition=models.Q(divipola_code="")
                | models.Q(divipola_code__startswith=models.F("department")),
                name="entity_divipola_in_department",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.divipola_code and not self.divipola_code.startswith(self.department or "--"):
            raise ValidationError(
                {
                    "divipola_code": _(
                        "El código DIVIPOLA debe empezar por el código del departamento (%(dep)s)."
                    )
                    % {"dep": self.department}
                }
            )


class Role(models.TextChoices):
    FACILITATOR = "facilitator", _("Facilitador/a")
    OFFICIAL = "official", _("Funcionario/a")
    CITIZEN = "citizen", _("Ciudadano/a")


class Membership(models.Model):
    """The role a person holds in one entity; a person may hold several roles."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membresía")
        verbose_name_plural = _("membresías")
        constraints = [
            models.UniqueConstraint(fields=("user", "entity", "role"), name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.entity} · {self.get_role_display()}"
