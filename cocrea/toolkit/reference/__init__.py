"""Loads the HAGA reference data into the database.

Called from data migrations with the historical ``apps`` registry, so it must only
touch models through ``apps.get_model``. It is idempotent: rows are matched by their
natural key (code, slug, number) and updated in place, so a later migration can call
it again after the data changes without duplicating anything or breaking foreign
keys that user data holds to zones or levels.
"""

from __future__ import annotations

from typing import Any

from cocrea.toolkit.countries import COUNTRIES
from cocrea.toolkit.reference.decalogo import DECALOGO
from cocrea.toolkit.reference.experiences import EXPERIENCES
from cocrea.toolkit.reference.methodologies import METHODOLOGIES
from cocrea.toolkit.reference.vocabularies import LEVELS, LINEAMIENTOS, PILLARS
from cocrea.toolkit.text import build_search_text


def _translations(item: dict[str, Any]) -> dict[str, Any]:
    return {"en": dict(item.get("en", {}))}


def _plain(item: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {field: item[field] for field in fields if field in item}


def _both(item: dict[str, Any], *fields: str) -> list[str]:
    """The Spanish and English values of ``fields``, for the search index."""
    english = item.get("en", {})
    return [text for field in fields for text in (item.get(field), english.get(field)) if text]


def load(apps: Any) -> None:
    Pillar = apps.get_model("toolkit", "Pillar")
    Level = apps.get_model("toolkit", "Level")
    Lineamiento = apps.get_model("toolkit", "Lineamiento")
    DecalogoTip = apps.get_model("toolkit", "DecalogoTip")
    Methodology = apps.get_model("toolkit", "Methodology")
    MethodologyStep = apps.get_model("toolkit", "MethodologyStep")
    CanvasZone = apps.get_model("toolkit", "CanvasZone")
    Experience = apps.get_model("toolkit", "Experience")

    pillars = {}
    for order, item in enumerate(PILLARS, start=1):
        pillars[item["code"]], _ = Pillar.objects.update_or_create(
            code=item["code"],
            defaults={
                "order": order,
                **_plain(item, ("name", "description")),
                "translations": _translations(item),
            },
        )
    levels = {}
    for order, item in enumerate(LEVELS, start=1):
        levels[item["code"]], _ = Level.objects.update_or_create(
            code=item["code"],
            defaults={
                "order": order,
                **_plain(item, ("name", "goal", "promise", "techniques")),
                "translations": _translations(item),
            },
        )
    lineamientos = {}
    for order, item in enumerate(LINEAMIENTOS, start=1):
        lineamientos[item["code"]], _ = Lineamiento.objects.update_or_create(
            code=item["code"],
            defaults={
                "order": order,
                **_plain(item, ("name", "description")),
                "translations": _translations(item),
            },
        )

    for item in DECALOGO:
        DecalogoTip.objects.update_or_create(
            number=item["number"],
            defaults={
                **_plain(item, ("title", "body", "enabling_factor")),
                "translations": _translations(item),
            },
        )

    for order, item in enumerate(METHODOLOGIES, start=1):
        methodology, _ = Methodology.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "order": order,
                **_plain(item, ("name", "summary")),
                "canvas_width": item["canvas"]["width"],
                "canvas_height": item["canvas"]["height"],
                "translations": _translations(item),
                "search_text": build_search_text(
                    _both(item, "name", "summary")
                    + [t for step in item["steps"] for t in _both(step, "title", "body")]
                    + [t for zone in item["zones"] for t in _both(zone, "label", "prompt")]
                ),
            },
        )
        methodology.levels.set([levels[code] for code in item["levels"]])
        methodology.pillars.set([pillars[code] for code in item.get("pillars", [])])
        methodology.lineamientos.set([lineamientos[code] for code in item.get("lineamientos", [])])
        MethodologyStep.objects.filter(methodology=methodology).delete()
        MethodologyStep.objects.bulk_create(
            MethodologyStep(
                methodology=methodology,
                order=step_order,
                title=step["title"],
                body=step["body"],
                translations=_translations(step),
            )
            for step_order, step in enumerate(item["steps"], start=1)
        )
        keys = []
        for zone_order, zone in enumerate(item["zones"], start=1):
            keys.append(zone["key"])
            CanvasZone.objects.update_or_create(
                methodology=methodology,
                key=zone["key"],
                defaults={
                    "order": zone_order,
                    **_plain(zone, ("label", "prompt", "x", "y", "width", "height", "color")),
                    "translations": _translations(zone),
                },
            )
        CanvasZone.objects.filter(methodology=methodology).exclude(key__in=keys).delete()

    for item in EXPERIENCES:
        experience, _ = Experience.objects.update_or_create(
            slug=item["slug"],
            defaults={
                **_plain(
                    item,
                    (
                        "name",
                        "kind",
                        "description",
                        "country",
                        "category",
                        "initiative_of",
                        "url",
                        "since",
                    ),
                ),
                "pillar": pillars[item["pillar"]],
                "second_pillar": pillars[item["second_pillar"]]
                if item.get("second_pillar")
                else None,
                "level": levels[item["level"]],
                "translations": _translations(item),
                "search_text": build_search_text(
                    _both(item, "name", "description") + list(COUNTRIES[item["country"]])
                ),
            },
        )
        experience.lineamientos.set([lineamientos[code] for code in item.get("lineamientos", [])])
