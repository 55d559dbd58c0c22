from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cocrea.realtime.models import StreamHead
from cocrea.realtime.services import stream_prune


class Command(BaseCommand):
    help = (
        "Delete old events, keeping the last --keep per stream. Clients that were "
        "further behind get a resync and reload a snapshot."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--keep", type=int, default=1000)

    def handle(self, *args: Any, keep: int, **options: Any) -> None:
        if keep < 1:
            self.stderr.write("--keep must be at least 1")
            raise SystemExit(2)
        total = 0
        for stream in StreamHead.objects.values_list("stream", flat=True):
            total += stream_prune(stream=stream, keep_last=keep)
        self.stdout.write(f"deleted {total} events")
