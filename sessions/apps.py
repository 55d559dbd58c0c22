from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveSessionsConfig(AppConfig):
    # "sessions" would collide with django.contrib.sessions.
    name = "sessions"
    label = "live_sessions"
    verbose_name = _("Procesos y sesiones")
