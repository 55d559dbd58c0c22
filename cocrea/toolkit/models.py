"""HAGA reference data: pillars, IAP2 levels, lineamientos, the decálogo,
methodologies with their canvas templates, and the experience/tool repository.

Text is stored in Spanish (the product's first language) with the other
languages in ``translations`` ({"en": {"name": ...}}); :meth:`Translatable.tr`
picks the active language and falls back to Spanish field by field.
"""

from __future__ import annotations

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from cocrea.toolkit.countries import COUNTRIES


class Translatable(models.Model):
    translations = models.JSONField(_("traducciones"), default=dict, blank=True)

    class Meta:
        abstract = True

    def tr(self, field: str) -> str:
        language = (translation.get_language() or "es").split("-")[0]
        if language != "es":
            value = (self.translations or {}).get(language, {}).get(field)
            if value:
                return str(value)
        return str(getattr(self, field))


class Pillar(Translatable):
    code = models.SlugField(_("código"), unique=True)
    order = models.PositiveSmallIntegerField(_("orden"))
    name = models.CharField(_("nombre"), max_length=80)
    description = models.TextField(_("descripción"))

    class Meta:
        ordering = ("order",)
        verbose_name = _("pilar")
        verbose_name_plural = _("pilares")

    def __str__(self) -> str:
        return self.tr("name")


class Level(Translatable):
    """A level of the IAP2 spectrum of public participation."""

    code = models.SlugField(_("código"), unique=True)
    order = models.PositiveSmallIntegerField(_("orden"), unique=True)
    name = models.CharField(_("nombre"), max_length=40)
    goal = models.TextField(_("meta"))
    promise = models.TextField(_("promesa al público"))
    techniques = models.TextField(_("técnicas típicas"))

    class Meta:
        ordering = ("order",)
        verbose_name = _("nivel de involucramiento")
        verbose_name_plural = _("niveles de involucramiento")

    def __str__(self) -> str:
        return self.tr("name")


class Lineamiento(Translatable):
    code = models.SlugField(_("código"), unique=True)
    order = models.PositiveSmallIntegerField(_("orden"))
    name = models.CharField(_("nombre"), max_length=80)
    description = models.TextField(_("descripción"))

    class Meta:
        ordering = ("order",)
        verbose_name = _("lineamiento")
        verbose_name_plural = _("lineamientos")

    def __str__(self) -> str:
        return self.tr("name")


class DecalogoTip(Translatable):
    number = models.PositiveSmallIntegerField(_("número"), unique=True)
    title = models.CharField(_("título"), max_length=160)
    body = models.TextField(_("texto"))
    enabling_factor = models.PositiveSmallIntegerField(
        _("factor habilitante de origen"), null=True, blank=True
    )

    class Meta:
        ordering = ("number",)
        verbose_name = _("consejo del decálogo")
        verbose_name_plural = _("decálogo")

    def __str__(self) -> str:
        return f"{self.number}. {self.tr('title')}"


class Methodology(Translatable):
    slug = models.SlugField(_("identificador"), unique=True)
    order = models.PositiveSmallIntegerField(_("orden"))
    name = models.CharField(_("nombre"), max_length=120)
    summary = models.TextField(_("resumen"))
    levels = models.ManyToManyField(Level, related_name="methodologies", verbose_name=_("niveles"))
    pillars = models.ManyToManyField(
        Pillar, related_name="methodologies", blank=True, verbose_name=_("pilares")
    )
    lineamientos = models.ManyToManyField(
        Lineamiento, related_name="methodologies", blank=True, verbose_name=_("lineamientos")
    )
    # The canvas is drawn in this coordinate space; zones are rectangles inside it.
    canvas_width = models.PositiveIntegerField(_("ancho del lienzo"), default=1200)
    canvas_height = models.PositiveIntegerField(_("alto del lienzo"), default=800)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        ordering = ("order",)
        verbose_name = _("metodología")
        verbose_name_plural = _("metodologías")

    def __str__(self) -> str:
        return self.tr("name")


class MethodologyStep(Translatable):
    methodology = models.ForeignKey(Methodology, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("orden"))
    title = models.CharField(_("título"), max_length=160)
    body = models.TextField(_("texto"))

    class Meta:
        ordering = ("methodology", "order")
        constraints = [
            models.UniqueConstraint(fields=("methodology", "order"), name="step_order_unique")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.tr('title')}"


class CanvasZone(Translatable):
    """One zone of a methodology's canvas template: where notes go, and what to ask."""

    methodology = models.ForeignKey(Methodology, on_delete=models.CASCADE, related_name="zones")
    key = models.SlugField(_("clave"))
    order = models.PositiveSmallIntegerField(_("orden"))
    label = models.CharField(_("etiqueta"), max_length=120)
    prompt = models.TextField(_("pregunta orientadora"))
    x = models.PositiveIntegerField()
    y = models.PositiveIntegerField()
    width = models.PositiveIntegerField(_("ancho"))
    height = models.PositiveIntegerField(_("alto"))
    color = models.CharField(_("color"), max_length=7, default="#e8f1fb")

    class Meta:
        ordering = ("methodology", "order")
        constraints = [
            models.UniqueConstraint(fields=("methodology", "key"), name="zone_key_unique"),
            models.CheckConstraint(
                condition=models.Q(width__gt=0, height__gt=0), name="zone_positive_size"
            ),
        ]

    def __str__(self) -> str:
        return self.tr("label")


class ExperienceKind(models.TextChoices):
    EXPERIENCE = "experience", _("Experiencia")
    TOOL = "tool", _("Herramienta")


class Category(models.TextChoices):
    COMPLIANCE = "cumplimiento", _("Plataformas de cumplimiento, gestión y evaluación")
    OVERSIGHT = "veeduria", _("Plataformas y herramientas de veeduría y control fiscal")
    OPEN_DATA = "datos", _("Portales de datos abiertos")
    PARTICIPATION = "participacion", _("Plataformas de participación y deliberación")
    BUDGET = "presupuesto", _("Presupuestos participativos")
    LAB = "laboratorio", _("Laboratorios de innovación pública")
    REPORTING = "reportes", _("Reporte ciudadano de problemas y servicios")


class InitiativeKind(models.TextChoices):
    NATIONAL = "gobierno_nacional", _("Gobierno nacional")
    LOCAL = "gobierno_local", _("Gobierno local")
    CIVIL = "sociedad_civil", _("Sociedad civil")
    ACADEMIA = "academia", _("Academia")
    MULTILATERAL = "multilateral", _("Agencia multilateral")
    PRIVATE = "privado", _("Sector privado")


class Experience(Translatable):
    """An entry of the repository: a national or international experience or tool."""

    slug = models.SlugField(_("identificador"), unique=True)
    name = models.CharField(_("nombre"), max_length=160)
    kind = models.CharField(_("clase"), max_length=12, choices=ExperienceKind.choices)
    description = models.TextField(_("descripción"))
    country = models.CharField(
        _("país"), max_length=2, choices=sorted((c, n[0]) for c, n in COUNTRIES.items())
    )
    pillar = models.ForeignKey(
        Pillar, on_delete=models.PROTECT, related_name="experiences", verbose_name=_("pilar")
    )
    second_pillar = models.ForeignKey(
        Pillar,
        on_delete=models.PROTECT,
        related_name="experiences_as_second",
        null=True,
        blank=True,
        verbose_name=_("segundo pilar asociado"),
    )
    level = models.ForeignKey(
        Level, on_delete=models.PROTECT, related_name="experiences", verbose_name=_("nivel")
    )
    lineamientos = models.ManyToManyField(
        Lineamiento, related_name="experiences", blank=True, verbose_name=_("lineamientos")
    )
    category = models.CharField(_("categoría"), max_length=20, choices=Category.choices)
    initiative_of = models.CharField(
        _("iniciativa de"), max_length=20, choices=InitiativeKind.choices
    )
    url = models.URLField(_("sitio web"), blank=True)
    since = models.PositiveSmallIntegerField(_("desde (año)"), null=True, blank=True)
    # Normalised Spanish and English text (see toolkit.text), filled by the loader.
    search_text = models.TextField(editable=False, default="")

    class Meta:
        ordering = ("name",)
        verbose_name = _("experiencia o herramienta")
        verbose_name_plural = _("experiencias y herramientas")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(second_pillar=models.F("pillar")),
                name="experience_second_pillar_differs",
            )
        ]

    def __str__(self) -> str:
        return self.tr("name")

    def country_name(self) -> str:
        language = (translation.get_language() or "es").split("-")[0]
        es, en = COUNTRIES.get(self.country, (self.country, self.country))
        return en if language == "en" else es
