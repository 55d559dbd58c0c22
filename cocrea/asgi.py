"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

import os
import sys

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocrea.settings")

# Django must be set up before the routing (and the models it imports) load.
django_asgi_app = get_asgi_application()

# Database work runs on one thread while the event loop thread fans frames out. Each
# SQL statement releases the GIL and must win it back; at the default 5 ms switch
# interval a busy event loop makes every statement wait its turn, so an op of a dozen
# statements took tens of milliseconds. A shorter interval hands the GIL back sooner.
sys.setswitchinterval(0.0005)

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from channels.sessions import CookieMiddleware  # noqa: E402

from cocrea.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            # Identity is read in the consumer's admission (cocrea/realtime/auth.py).
            CookieMiddleware(URLRouter(websocket_urlpatterns))
        ),
    }
)
