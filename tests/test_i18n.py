"""The English catalogue is complete, and the committed .mo matches the .po."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES"
TEMPLATES = Path(__file__).resolve().parent.parent / "frontend" / "templates"


def parse_po(path: Path) -> list[dict]:
    """A small .po reader: msgctxt/msgid/msgid_plural/msgstr[n] and flags."""
    entries: list[dict] = []
    current: dict = {}
    key = None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if current:
                entries.append(current)
            current, key = {}, None
            continue
        if line.startswith("#,"):
            current.setdefault("flags", set()).update(f.strip() for f in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$', line)
        if match:
            key = match.group(1)
            current[key] = ast.literal_eval(match.group(2))
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
    return [e for e in entries if e.get("msgid")]


@pytest.fixture(scope="module")
def entries() -> list[dict]:
    return parse_po(LOCALE / "django.po")


def test_catalogue_is_complete_and_not_fuzzy(entries):
    assert len(entries) > 150
    for entry in entries:
        assert "fuzzy" not in entry.get("flags", set()), entry["msgid"]
        translations = [v for k, v in entry.items() if k.startswith("msgstr")]
        assert translations and all(translations), f"untranslated: {entry['msgid']!r}"


def test_compiled_catalogue_matches_the_source(entries):
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in entries:
        msgid = entry["msgid"]
        if "msgctxt" in entry:
            msgid = f"{entry['msgctxt']}\x04{msgid}"
        if "msgid_plural" in entry:
            assert compiled.ngettext(msgid, entry["msgid_plural"], 1) == entry["msgstr[0]"]
            assert compiled.ngettext(msgid, entry["msgid_plural"], 2) == entry["msgstr[1]"]
        else:
            assert compiled.gettext(msgid) == entry["msgstr"], f"stale .mo for {msgid!r}"


def test_every_template_string_is_in_the_catalogue(entries):
    """A {% translate "…" %} added without `make messages` would show Spanish in English."""
    known = {entry["msgid"] for entry in entries}
    pattern = re.compile(r"""\{%\s*translate\s+(["'])(.+?)\1""")
    missing = []
    for template in TEMPLATES.rglob("*.html"):
        for match in pattern.finditer(template.read_text(encoding="utf-8")):
            if match.group(2) not in known:
                missing.append(f"{template.name}: {match.group(2)}")
    assert missing == []
