"""Retrying a whole transaction on transient database errors.

Two writers on one SQLite file wait for each other up to the busy timeout, then one
gets "database is locked"; on PostgreSQL two transactions may deadlock (40P01), fail
serialization (40001) or time out on a row lock (55P03). Each leaves nothing
committed, so running the whole transaction again is safe — and for live commands
and votes it is also idempotent: a retry that finds its ``op_id`` (ProcessedOp) or
its participation (unique per poll and voter) already there answers as the first
write did instead of writing twice.

Only the outermost transaction can be retried: inside ``atomic()`` the failed
transaction is already doomed (PostgreSQL aborts it), so a nested call re-raises and
lets the caller that owns the transaction retry."""

from __future__ import annotations

import functools
import logging
import random
import sqlite3
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import DatabaseError, transaction

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

# Attempts in all (the first one included). With SQLite each attempt may already
# have waited the busy timeout, so a few are plenty; more would hold a request (and a
# database thread) for a minute.
ATTEMPTS = 4
BASE_DELAY = 0.05  # seconds before the second attempt; doubles each time
MAX_DELAY = 1.0
# Looked up at each wait, so tests can record the back-off instead of sleeping it.
sleep: Callable[[float], None] = time.sleep

# serialization_failure, deadlock_detected, lock_not_available
PG_TRANSIENT = frozenset({"40001", "40P01", "55P03"})
SQLITE_TRANSIENT = frozenset({"SQLITE_BUSY", "SQLITE_BUSY_SNAPSHOT", "SQLITE_LOCKED"})
SQLITE_MESSAGES = ("database is locked", "database table is locked", "database is busy")


def is_transient(exc: BaseException) -> bool:
    """Whether ``exc`` is a lock or serialization error that another attempt may not
    meet. Django wraps driver errors and keeps the driver's one as ``__cause__``."""
    if not isinstance(exc, DatabaseError | sqlite3.Error):
        return False
    for error in (exc, exc.__cause__):
        if error is None:
            continue
        sqlstate = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
        if sqlstate in PG_TRANSIENT:
            return True
        if getattr(error, "sqlite_errorname", None) in SQLITE_TRANSIENT:
            return True
        if isinstance(error, DatabaseError | sqlite3.Error) and any(
            text in str(error).lower() for text in SQLITE_MESSAGES
        ):
            return True
    return False


def backoff(attempt: int, *, base: float = BASE_DELAY, cap: float = MAX_DELAY) -> float:
    """Full jitter: a random wait up to ``base * 2**(attempt-1)``, so writers that
    collided once do not collide again in lockstep."""
    return random.uniform(0, min(cap, base * 2 ** (attempt - 1)))


def run_with_retry(function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Call ``function`` (which opens its own ``transaction.atomic()``) and run it again
    after a transient database error, at most :data:`ATTEMPTS` times in all; the last
    error, or any other one, propagates."""
    return retry_transient(function)(*args, **kwargs)


def retry_transient(function: Callable[P, R]) -> Callable[P, R]:
    """Decorator form of :func:`run_with_retry`."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        attempt = 1
        while True:
            try:
                return function(*args, **kwargs)
            except Exception as exc:
                # Read at call time so tests and deployments can tune it.
                attempts = ATTEMPTS
                nested = transaction.get_connection().in_atomic_block
                if nested or attempt >= attempts or not is_transient(exc):
                    raise
                delay = backoff(attempt)
                logger.warning(
                    "%s: transient database error (attempt %d of %d), retrying in %.3f s: %s",
                    function.__qualname__,
                    attempt,
                    attempts,
                    delay,
                    exc,
                )
                sleep(delay)
                attempt += 1

    return wrapper
