"""The error shape every real-time layer reports: a protocol error code, a message
for people, and the offending field when there is one (docs/realtime-protocol.md)."""

from __future__ import annotations


class CodedError(Exception):
    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
