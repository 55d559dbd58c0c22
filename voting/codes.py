"""One-time voting codes: format, normalisation and hashing. Pure functions, no ORM.

A code is 12 characters from a 32-letter alphabet (5 bits each: 60 random bits),
printed in three groups of four (``K7QX-M2PA-9TRW``) so it can be read aloud and typed
on a phone. The alphabet leaves out 0/O and 1/I, which people confuse on paper; typed
input is normalised (case, spaces, dashes) before it is
hashed, so "k7qx m2pa 9trw" or "K7QXM2PA9TRW" is the same code. A typed 0, O, 1 or I
makes the input impossible rather than guessed at: guessing would only turn a typo
into an unknown code, or by bad luck into someone else's.

Only ``code_hash`` is stored: an HMAC-SHA256 keyed with the poll's salt, so a code's
hash means nothing in another poll and a database reader holding the hashes still faces
2^60 guesses per code. The salt stays private while codes can vote; the bulletin
publishes it once the poll is closed, when no code can be used any more.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 12
GROUP = 4
BITS = LENGTH * 5  # 32 symbols = 5 bits each

_SEPARATORS = str.maketrans("", "", " -_.\t\n\r\u00a0\u2010\u2011\u2012\u2013\u2014")


def new_compact() -> str:
    """A fresh random code, compact (12 characters, as :func:`normalise` returns)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def new_code() -> str:
    """A fresh random code in its printed form (``XXXX-XXXX-XXXX``)."""
    return grouped(new_compact())


def grouped(compact: str) -> str:
    return "-".join(compact[i : i + GROUP] for i in range(0, len(compact), GROUP))


def normalise(raw: str) -> str | None:
    """The compact form (12 characters, upper case) of what someone typed, or None when
    it cannot be a code at all (wrong length, characters outside the alphabet)."""
    compact = raw.translate(_SEPARATORS).upper()
    if len(compact) != LENGTH or any(ch not in ALPHABET for ch in compact):
        return None
    return compact


def code_hash(salt: str, compact: str) -> str:
    """HMAC-SHA256 of a normalised code, keyed with the poll's salt (hex)."""
    return hmac.new(salt.encode("utf-8"), compact.encode("utf-8"), hashlib.sha256).hexdigest()
