"""Join codes: short, readable aloud, hard to mistype. Pure."""

from __future__ import annotations

import secrets

# No 0/O, 1/I/L: a code is read from a projector and typed on a phone.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 6


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize_code(raw: str) -> str | None:
    """The canonical code for what someone typed, or None if it cannot be one.

    Case, spaces and dashes are forgiven; letters outside the alphabet are not."""
    code = raw.strip().upper().replace(" ", "").replace("-", "")
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code
