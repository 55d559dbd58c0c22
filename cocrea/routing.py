"""WebSocket routes. The live-session socket (/ws/sessions/<code>/) arrives with the
live sessions work; the list exists now so the ASGI stack is complete."""

from typing import Any

websocket_urlpatterns: list[Any] = []
