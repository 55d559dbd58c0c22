"""Invariants of the HAGA reference data (decálogo, methodologies, experiences).

Pure Python: no database and no Django app registry. The choice values of
``Category`` and ``InitiativeKind`` are read from ``cocrea/toolkit/models.py`` with
``ast`` so the test does not need configured settings.
"""

from __future__ import annotations

import ast
import re
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest

from cocrea.toolkit.countries import COUNTRIES
from cocrea.toolkit.reference.decalogo import DECALOGO
from cocrea.toolkit.reference.experiences import EXPERIENCES
from cocrea.toolkit.reference.methodologies import METHODOLOGIES
from cocrea.toolkit.reference.vocabularies import LEVELS, LINEAMIENTOS, PILLARS

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "cocrea" / "toolkit" / "models.py"

PILLAR_CODES = {item["code"] for item in PILLARS}
LEVEL_CODES = {item["code"] for item in LEVELS}
LINEAMIENTO_CODES = {item["code"] for item in LINEAMIENTOS}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
HEX = re.compile(r"^#[0-9a-f]{6}$")
TEXT_COLOUR = "#1a1a1a"
MIN_CONTRAST = 7.0


def _choice_values(class_name: str) -> set[str]:
    """The values of a ``models.TextChoices`` subclass, read from the source."""
    tree = ast.parse(MODELS.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            values = set()
            for statement in node.body:
                if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Tuple):
                    first = statement.value.elts[0]
                    assert isinstance(first, ast.Constant), f"{class_name}: unexpected value"
                    values.add(first.value)
            return values
    raise AssertionError(f"{class_name} not found in {MODELS}")


CATEGORIES = _choice_values("Category")
INITIATIVE_KINDS = _choice_values("InitiativeKind")
EXPERIENCE_KINDS = _choice_values("ExperienceKind")


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of an ``#rrggbb`` colour."""
    channels = []
    for index in (1, 3, 5):
        value = int(colour[index : index + 2], 16) / 255
        channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _contrast(first: str, second: str) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _check_text(where: str, value: Any, max_length: int | None = None) -> None:
    assert isinstance(value, str), f"{where}: expected a string, got {value!r}"
    assert value.strip(), f"{where}: empty text"
    assert value == value.strip(), f"{where}: leading or trailing whitespace in {value!r}"
    assert "  " not in value, f"{where}: double space in {value!r}"
    if max_length is not None:
        assert len(value) <= max_length, f"{where}: {len(value)} chars > {max_length}"


def _check_translated(where: str, item: dict[str, Any], fields: dict[str, int | None]) -> None:
    """Every Spanish field is present and has an English counterpart in ``en``."""
    english = item.get("en")
    assert isinstance(english, dict), f"{where}: missing 'en' translations"
    for field, max_length in fields.items():
        _check_text(f"{where}.{field}", item.get(field), max_length)
        _check_text(f"{where}.en.{field}", english.get(field), max_length)


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


# --- vocabularies and countries ---------------------------------------------------


def test_vocabularies_have_the_expected_codes():
    assert PILLAR_CODES == {"transparencia", "rendicion-de-cuentas", "participacion", "innovacion"}
    assert [item["code"] for item in LEVELS] == [
        "informar",
        "consultar",
        "involucrar",
        "colaborar",
        "empoderar",
    ]
    assert LINEAMIENTO_CODES == {
        "datos-abiertos",
        "gobernanza-abierta",
        "soluciones-abiertas",
        "empoderamiento-abierto",
    }


def test_countries_are_sorted_iso_codes_with_both_names():
    codes = list(COUNTRIES)
    assert codes == sorted(codes), "COUNTRIES must stay sorted by code"
    for code, names in COUNTRIES.items():
        assert re.fullmatch(r"[A-Z]{2}", code), f"bad country code {code!r}"
        assert len(names) == 2 and all(name.strip() for name in names), f"{code}: {names!r}"


# --- decálogo ---------------------------------------------------------------------


def test_decalogo_has_ten_tips_numbered_one_to_ten():
    assert [tip["number"] for tip in DECALOGO] == list(range(1, 11))


def test_decalogo_covers_each_enabling_factor_once():
    factors = [tip["enabling_factor"] for tip in DECALOGO if tip["enabling_factor"] is not None]
    assert sorted(factors) == list(range(1, 8)), f"enabling factors used: {factors}"


@pytest.mark.parametrize("tip", DECALOGO, ids=lambda tip: f"tip-{tip['number']}")
def test_decalogo_tip(tip):
    where = f"decálogo #{tip['number']}"
    assert tip["enabling_factor"] is None or tip["enabling_factor"] in range(1, 8), where
    _check_translated(where, tip, {"title": 160, "body": None})
    sentences = len(re.findall(r"[.!?](?:\s|$)", tip["body"]))
    assert 2 <= sentences <= 4, f"{where}: body should be 2-4 sentences, found {sentences}"


# --- methodologies ----------------------------------------------------------------

REQUIRED_METHODOLOGIES = {
    "mapa-de-actores",
    "arbol-de-problemas",
    "mapa-de-empatia",
    "mapa-de-viaje",
    "como-podriamos",
    "matriz-impacto-esfuerzo",
    "compromiso-ogp",
    "doble-diamante",
}


def test_methodologies_count_and_unique_slugs():
    slugs = [item["slug"] for item in METHODOLOGIES]
    assert len(slugs) >= 8, f"only {len(slugs)} methodologies"
    assert len(slugs) == len(set(slugs)), f"duplicate slugs: {slugs}"
    missing = REQUIRED_METHODOLOGIES - set(slugs)
    assert not missing, f"missing methodologies: {sorted(missing)}"


@pytest.mark.parametrize("methodology", METHODOLOGIES, ids=lambda item: item["slug"])
def test_methodology(methodology):
    slug = methodology["slug"]
    assert SLUG.match(slug), f"bad slug {slug!r}"
    _check_translated(slug, methodology, {"name": 120, "summary": None})

    levels = methodology["levels"]
    assert levels, f"{slug}: no levels"
    assert set(levels) <= LEVEL_CODES, f"{slug}: unknown levels {set(levels) - LEVEL_CODES}"
    assert len(levels) == len(set(levels)), f"{slug}: repeated levels"
    pillars = methodology.get("pillars", [])
    assert set(pillars) <= PILLAR_CODES, f"{slug}: unknown pillars {set(pillars) - PILLAR_CODES}"
    lineamientos = methodology.get("lineamientos", [])
    unknown = set(lineamientos) - LINEAMIENTO_CODES
    assert not unknown, f"{slug}: unknown lineamientos {unknown}"

    canvas = methodology["canvas"]
    assert canvas == {"width": 1200, "height": 800}, f"{slug}: canvas {canvas}"

    steps = methodology["steps"]
    assert 4 <= len(steps) <= 7, f"{slug}: {len(steps)} steps, expected 4-7"
    for number, step in enumerate(steps, start=1):
        _check_translated(f"{slug} step {number}", step, {"title": 160, "body": None})


@pytest.mark.parametrize("methodology", METHODOLOGIES, ids=lambda item: item["slug"])
def test_methodology_zones(methodology):
    slug = methodology["slug"]
    width, height = methodology["canvas"]["width"], methodology["canvas"]["height"]
    zones = methodology["zones"]
    assert 2 <= len(zones) <= 24, f"{slug}: {len(zones)} zones"
    keys = [zone["key"] for zone in zones]
    assert len(keys) == len(set(keys)), f"{slug}: duplicate zone keys {keys}"
    for zone in zones:
        where = f"{slug}/{zone['key']}"
        assert SLUG.match(zone["key"]), f"{where}: key is not a slug"
        _check_translated(where, zone, {"label": 120, "prompt": None})
        for field in ("x", "y", "width", "height"):
            assert isinstance(zone[field], int), f"{where}: {field} must be an int"
        assert zone["x"] >= 0 and zone["y"] >= 0, f"{where}: negative position"
        assert zone["width"] > 0 and zone["height"] > 0, f"{where}: empty rectangle"
        assert zone["x"] + zone["width"] <= width, f"{where}: sticks out on the right"
        assert zone["y"] + zone["height"] <= height, f"{where}: sticks out at the bottom"
        assert HEX.match(zone["color"]), f"{where}: colour {zone['color']!r} is not #rrggbb"
        ratio = _contrast(zone["color"], TEXT_COLOUR)
        assert ratio >= MIN_CONTRAST, (
            f"{where}: {zone['color']} gives {ratio:.2f}:1 against {TEXT_COLOUR}, "
            f"needs {MIN_CONTRAST}:1"
        )
    for a, b in combinations(zones, 2):
        assert not _overlap(a, b), f"{slug}: zones {a['key']!r} and {b['key']!r} overlap"


def test_contrast_helper_matches_known_values():
    assert _contrast("#ffffff", "#000000") == pytest.approx(21.0)
    assert _contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


# --- experiences ------------------------------------------------------------------

DOMAIN_EXPERIENCES = {
    "nyc-open-data",
    "the-govlab",
    "decide-madrid",
    "decidim-barcelona",
    "vtaiwan",
    "presupuesto-participativo-porto-alegre",
    "urna-de-cristal",
    "datos-gov-co",
    "secop-ii",
    "congreso-visible",
    "fixmystreet",
    "laboratorio-de-gobierno-chile",
    "portal-gobierno-abierto-chile",
}


def test_experiences_count_and_unique_slugs():
    slugs = [item["slug"] for item in EXPERIENCES]
    assert len(slugs) >= 15, f"only {len(slugs)} experiences"
    assert len(slugs) == len(set(slugs)), "duplicate experience slugs"
    missing = DOMAIN_EXPERIENCES - set(slugs)
    assert not missing, f"missing experiences from DOMAIN.md: {sorted(missing)}"


def test_experiences_coverage():
    primary = [item["pillar"] for item in EXPERIENCES]
    for code in PILLAR_CODES:
        assert primary.count(code) >= 2, f"pillar {code!r} is primary in fewer than 2 entries"
    levels = {item["level"] for item in EXPERIENCES}
    assert levels == LEVEL_CODES, f"levels not covered: {LEVEL_CODES - levels}"
    for code in LINEAMIENTO_CODES:
        count = sum(code in item["lineamientos"] for item in EXPERIENCES)
        assert count >= 2, f"lineamiento {code!r} used by {count} entries"
    countries = {item["country"] for item in EXPERIENCES}
    assert len(countries) >= 6, f"only {len(countries)} countries"
    colombian = sum(item["country"] == "CO" for item in EXPERIENCES)
    assert colombian >= 5, f"only {colombian} Colombian entries"
    kinds = {item["kind"] for item in EXPERIENCES}
    assert kinds == {"experience", "tool"}, f"kinds used: {kinds}"


@pytest.mark.parametrize("experience", EXPERIENCES, ids=lambda item: item["slug"])
def test_experience(experience):
    slug = experience["slug"]
    assert SLUG.match(slug), f"bad slug {slug!r}"
    _check_text(f"{slug}.name", experience["name"], 160)
    _check_translated(slug, experience, {"description": None})
    if "name" in experience["en"]:
        _check_text(f"{slug}.en.name", experience["en"]["name"], 160)
        assert experience["en"]["name"] != experience["name"], (
            f"{slug}: 'en.name' should only be given when the name is translated"
        )

    assert experience["kind"] in EXPERIENCE_KINDS, f"{slug}: kind {experience['kind']!r}"
    assert experience["country"] in COUNTRIES, f"{slug}: country {experience['country']!r}"
    assert experience["pillar"] in PILLAR_CODES, f"{slug}: pillar {experience['pillar']!r}"
    second = experience["second_pillar"]
    assert second is None or second in PILLAR_CODES, f"{slug}: second pillar {second!r}"
    assert second != experience["pillar"], f"{slug}: second pillar repeats the pillar"
    assert experience["level"] in LEVEL_CODES, f"{slug}: level {experience['level']!r}"
    lineamientos = experience["lineamientos"]
    assert 1 <= len(lineamientos) <= 2, f"{slug}: {len(lineamientos)} lineamientos"
    assert len(set(lineamientos)) == len(lineamientos), f"{slug}: repeated lineamientos"
    assert set(lineamientos) <= LINEAMIENTO_CODES, f"{slug}: unknown lineamientos"
    assert experience["category"] in CATEGORIES, f"{slug}: category {experience['category']!r}"
    assert experience["initiative_of"] in INITIATIVE_KINDS, (
        f"{slug}: initiative_of {experience['initiative_of']!r}"
    )
    url = experience["url"]
    assert url == "" or (url.startswith("https://") and " " not in url), f"{slug}: url {url!r}"
    since = experience["since"]
    assert since is None or (isinstance(since, int) and 1900 <= since <= 2030), (
        f"{slug}: since {since!r}"
    )
