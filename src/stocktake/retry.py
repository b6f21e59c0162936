"""Writers that wait their turn: which database errors mean "try again", and a retry for whole transactions.

Many people write at once at every month-end. Writers lock the cells they change (in id order), so most
of them simply wait; what is left is the database telling one of two transactions to start again:
PostgreSQL's serialization failures and deadlocks, a unique key two writers inserted at the same moment
(two new cells, PostgreSQL), and SQLite's "database is locked" when its one writer kept the lock past the
busy timeout. `on_conflict` runs a PostgreSQL transaction again a few times; what still fails reaches the
middleware (stocktake.web.busy), which answers 503 or 409 with Retry-After instead of a bare 500.
"""

from __future__ import annotations

import functools
import random
import time

from django.db import DatabaseError, IntegrityError, OperationalError, connection

ATTEMPTS = 4
# PostgreSQL's SQLSTATEs for "start the transaction again": serialization failure, deadlock, lock not available.
RETRY_STATES = {"40001", "40P01", "55P03"}
# Unique keys two concurrent writers can both try to fill (a new cell, its first version, a rollup cell);
# the second waits for the first, then fails, and succeeds when run again on what the first stored.
RACE_CONSTRAINTS = {
    "one_value_per_cell",
    "one_row_per_version",
    "one_monitoring_rollup_per_cell",
    "monitoring_rollupstamp_pkey",
}
BUSY_WORDS = ("database is locked", "database table is locked", "database is busy")
DOWN_WORDS = (
    "readonly database",
    "read-only",
    "unable to open database",
    "disk i/o error",
    "connection refused",
    "could not connect",
    "server closed the connection",
    "connection is closed",
    "no such table",
    "terminating connection",
    "the database system is",
    "connection failed",
    "database disk image",
)


def _sqlstate(exc: BaseException) -> str | None:
    return getattr(exc.__cause__, "sqlstate", None)


def is_busy(exc: BaseException) -> bool:
    """The database asked this transaction to wait or start again (answer 503, Retry-After)."""
    if not isinstance(exc, DatabaseError):
        return False
    return _sqlstate(exc) in RETRY_STATES or any(w in str(exc).lower() for w in BUSY_WORDS)


def is_race(exc: BaseException) -> bool:
    """A unique key another writer filled at the same moment (answer 409: look again, then retry)."""
    if not isinstance(exc, IntegrityError) or _sqlstate(exc) != "23505":
        return False
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) in RACE_CONSTRAINTS


def is_down(exc: BaseException) -> bool:
    """The database cannot be reached or written at all (read-only, gone, not migrated)."""
    if not isinstance(exc, DatabaseError) or is_busy(exc):
        return False
    state = _sqlstate(exc) or ""
    return (
        state.startswith(("08", "57", "53", "25006"))
        or isinstance(exc, OperationalError)
        and any(w in str(exc).lower() for w in DOWN_WORDS)
    )


def should_retry(exc: BaseException) -> bool:
    """Worth running the transaction again: PostgreSQL said so, or another writer filled the same key.
    SQLite's "locked" and PostgreSQL's lock timeout have already waited their time; waiting again would
    only multiply it."""
    if "lock timeout" in str(exc).lower():
        return False
    return _sqlstate(exc) in RETRY_STATES or is_race(exc)


def pause(attempt: int) -> None:
    """A short, growing, random wait, so two writers that collided do not collide again."""
    time.sleep(random.uniform(0.02, 0.1) * (2**attempt))


def on_conflict(fn):
    """Run `fn` (an outermost transaction) again when the database says so, up to ATTEMPTS times.

    Inside an outer transaction nothing can be retried (the outer one is already aborted): the error goes
    up to whoever began it.
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if connection.in_atomic_block:
            return fn(*args, **kwargs)
        for attempt in range(ATTEMPTS):
            try:
                return fn(*args, **kwargs)
            except DatabaseError as exc:
                if attempt == ATTEMPTS - 1 or not should_retry(exc):
                    raise
                pause(attempt)
        raise AssertionError("unreachable")

    return wrapper
