"""Running the retention rule "automatically".

The reliable way is the schedule (cron or a compose service running
``manage.py anonymise_expired`` daily: docs/deployment.md). Deployments forget
schedules, so the application also runs it opportunistically: after a request ends,
at most once a day across all processes. Why this hook: it needs no extra process or
dependency, costs one clock comparison per request (the database is asked at most
once an hour per process), runs after the response was sent, and a site nobody visits
collects no new data. A failure is logged and never reaches a visitor."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any

from django.core.signals import request_finished
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

TASK = "anonymise_expired"
EVERY = dt.timedelta(days=1)
CHECK_EVERY = dt.timedelta(hours=1)

_lock = threading.Lock()
_next_check: dt.datetime | None = None


def claim(now: dt.datetime) -> bool:
    """Claim today's run: True for exactly one caller per :data:`EVERY`, whatever the
    number of processes (an INSERT or a conditional UPDATE decides)."""
    from django.db import IntegrityError

    from cocrea.privacy.models import TaskRun

    if TaskRun.objects.filter(name=TASK, last_run__lte=now - EVERY).update(last_run=now):
        return True
    if TaskRun.objects.filter(name=TASK).exists():
        return False
    try:
        with transaction.atomic():
            TaskRun.objects.create(name=TASK, last_run=now)
    except IntegrityError:  # another process inserted it first: theirs is the run
        return False
    return True


def run_if_due(now: dt.datetime | None = None) -> int | None:
    """Run the rule if no process ran it in the last day. Returns how many were
    anonymised, or None when it was not due."""
    from cocrea.privacy.services import anonymise_expired

    now = now or timezone.now()
    if not claim(now):
        return None
    return anonymise_expired(now=now)


def _on_request_finished(**_kwargs: Any) -> None:
    global _next_check
    now = timezone.now()
    with _lock:
        if _next_check is not None and now < _next_check:
            return
        _next_check = now + CHECK_EVERY
    try:
        run_if_due(now)
    except Exception:  # never let housekeeping break a response
        logger.exception("opportunistic retention run failed")


def reset() -> None:
    """Forget the in-process throttle (tests)."""
    global _next_check
    with _lock:
        _next_check = None


def connect() -> None:
    request_finished.connect(_on_request_finished, dispatch_uid="cocrea.privacy.retention")
