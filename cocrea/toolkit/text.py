"""Search normalisation: case- and accent-insensitive, so "participacion" finds
"Participación" on any database (SQLite has no unaccent)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    # Decompose before and after case folding: compatibility forms (𝑨) only fold once
    # decomposed, and folding can itself produce combining marks (İ → i̇).
    folded = unicodedata.normalize("NFKD", text).casefold()
    decomposed = unicodedata.normalize("NFKD", folded)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip()


def search_terms(query: str) -> list[str]:
    """The distinct normalised words of a query, in order; all must match."""
    seen: list[str] = []
    for term in normalize(query).split(" "):
        if term and term not in seen:
            seen.append(term)
    return seen


def build_search_text(parts: Iterable[str | None]) -> str:
    return " | ".join(normalize(part) for part in parts if part)
