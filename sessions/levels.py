"""What each IAP2 level of involvement allows in a live session. Pure: no database.

The rule follows the promise each level makes to the public: informing allows
slides and questions; consulting adds polls (feedback on options); involving and
above add canvases (people shape the alternatives themselves)."""

from __future__ import annotations

from typing import Final

LEVELS: Final = ("informar", "consultar", "involucrar", "colaborar", "empoderar")
KINDS: Final = ("slide", "qa", "canvas", "poll", "break")

ALLOWED_KINDS: Final[dict[str, frozenset[str]]] = {
    "informar": frozenset({"slide", "qa", "break"}),
    "consultar": frozenset({"slide", "qa", "poll", "break"}),
    "involucrar": frozenset({"slide", "qa", "canvas", "poll", "break"}),
    "colaborar": frozenset({"slide", "qa", "canvas", "poll", "break"}),
    "empoderar": frozenset({"slide", "qa", "canvas", "poll", "break"}),
}


def allows(level: str, kind: str) -> bool:
    """Whether a session at ``level`` may contain an activity of ``kind``.

    Unknown levels or kinds allow nothing: a typo must not open a door."""
    return kind in ALLOWED_KINDS.get(level, frozenset())


def allowed_kinds(level: str) -> list[str]:
    """The kinds ``level`` allows, in the canonical order of :data:`KINDS`."""
    return [kind for kind in KINDS if allows(level, kind)]
