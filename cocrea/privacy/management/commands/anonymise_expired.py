"""``manage.py anonymise_expired``: anonymise participants of sessions that ended more
than PARTICIPANT_RETENTION_DAYS ago. Safe to run as often as you like (idempotent);
schedule it daily (docs/deployment.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cocrea.privacy.retention import TASK
from cocrea.privacy.services import anonymise_expired, retention_days


class Command(BaseCommand):
    help = "Anonimiza a quienes participaron en sesiones terminadas hace más del plazo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Plazo en días (por defecto PARTICIPANT_RETENTION_DAYS).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from django.utils import timezone

        from cocrea.privacy.models import TaskRun

        days = options["days"] if options["days"] is not None else retention_days()
        now = timezone.now()
        count = anonymise_expired(days=days, now=now)
        # The scheduled run counts as the day's run: the opportunistic one then waits.
        TaskRun.objects.update_or_create(name=TASK, defaults={"last_run": now})
        self.stdout.write(f"{count} participantes anonimizados (plazo: {days} días).")
