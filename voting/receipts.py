"""Receipts and the ballot hash chain: pure functions, no ORM.

- The voter gets a random ``code`` (:func:`new_code`); only its salted hash is stored:
  ``receipt_hash = sha256(salt + code)``.
- Each ballot extends the chain:
  ``chain_hash = sha256(previous chain_hash + receipt_hash + replaces + canonical JSON)``
  starting from :data:`GENESIS`. ``replaces`` is the receipt hash of the ballot it
  supersedes ("" for a first ballot).

:func:`verify_chain` re-computes the chain of a published bulletin, and re-derives which
ballots are superseded, so anyone can check that no ballot was altered, removed,
reordered or wrongly marked superseded.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

GENESIS = "0" * 64


def new_code() -> str:
    """A receipt code: 128 random bits, URL-safe (22 characters)."""
    return secrets.token_urlsafe(16)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def receipt_hash(salt: str, code: str) -> str:
    return sha256(salt + code)


def canonical(content: Any) -> str:
    """The one JSON text of a ballot's content: sorted keys, no spaces, UTF-8."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(previous: str, receipt: str, content: Any, replaces: str = "") -> str:
    return sha256(previous + receipt + replaces + canonical(content))


def verify_chain(bulletin: Iterable[Mapping[str, Any]]) -> bool:
    """True if every entry's ``chain_hash`` follows from the previous one, positions run
    1, 2, 3… and ``superseded`` is set exactly on the ballots a later ballot replaces."""
    entries = list(bulletin)
    previous = GENESIS
    replaced: set[str] = set()
    receipts: set[str] = set()
    for expected_position, entry in enumerate(entries, start=1):
        if entry["position"] != expected_position:
            return False
        replaces = entry.get("replaces", "")
        expected = chain_hash(previous, entry["receipt_hash"], entry["content"], replaces)
        if entry["chain_hash"] != expected:
            return False
        if replaces:
            if replaces not in receipts or replaces in replaced:
                return False
            replaced.add(replaces)
        receipts.add(entry["receipt_hash"])
        previous = expected
    return all(
        bool(entry["superseded"]) == (entry["receipt_hash"] in replaced) for entry in entries
    )
