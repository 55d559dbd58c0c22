from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "cocrea.privacy"
    label = "privacy"
    verbose_name = _("Privacidad y datos personales")

    def ready(self) -> None:
        # The opportunistic retention run (see cocrea/privacy/retention.py).
        from cocrea.privacy import retention

        retention.connect()
