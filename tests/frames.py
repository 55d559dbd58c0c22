"""Reading server frames in test clients: a ``batch`` frame carries several frames."""

from __future__ import annotations

import json
from typing import Any


def unpack(text: str) -> list[dict[str, Any]]:
    """The frames in one WebSocket message, in order."""
    frame = json.loads(text)
    if isinstance(frame, dict) and frame.get("type") == "batch":
        return list(frame["frames"])
    return [frame]
