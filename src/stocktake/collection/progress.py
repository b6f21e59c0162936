"""Live progress of a running job, visible to other processes while the job's own transaction is open.

On PostgreSQL it is the batch row itself, updated through the second "jobs" connection, which commits at
once. SQLite has one writer per file and an import holds the write lock for its whole transaction, so there
the progress goes to a small side file beside the database (`<database>-jobs`), which the batch page reads.
Either way it is derived, throw-away state: the batch row gets the final counts with the import's commit.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from .models import ImportBatch


def _side_file() -> str | None:
    alias = settings.STOCKTAKE_JOBS_DATABASE
    db = settings.DATABASES[alias]
    if alias == "default" or not db["ENGINE"].endswith("sqlite3") or str(db["NAME"]).startswith(("file:", ":memory:")):
        return None
    return f"{db['NAME']}-jobs"


def _side(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=1)
    conn.execute("CREATE TABLE IF NOT EXISTS progress (batch_id INTEGER PRIMARY KEY, rows_read INTEGER, at TEXT)")
    return conn


def report(batch_id: int, rows_read: int) -> None:
    """Rows read so far and a heartbeat (best effort: a missed report is followed by the next)."""
    now = timezone.now()
    path = _side_file()
    try:
        if path is None:
            ImportBatch.objects.using(settings.STOCKTAKE_JOBS_DATABASE).filter(
                pk=batch_id, status=ImportBatch.Status.RUNNING
            ).update(rows_read=rows_read, heartbeat_at=now)
            return
        with _side(path) as conn:
            conn.execute(
                "INSERT INTO progress VALUES (?, ?, ?) ON CONFLICT (batch_id) DO UPDATE SET "
                "rows_read = excluded.rows_read, at = excluded.at",
                (batch_id, rows_read, now.isoformat()),
            )
    except (OperationalError, sqlite3.Error):
        pass


def read(batch: ImportBatch) -> ImportBatch:
    """The batch with its live progress filled in while it runs."""
    path = _side_file()
    if path is None or batch.status != ImportBatch.Status.RUNNING:
        return batch
    try:
        with _side(path) as conn:
            row = conn.execute("SELECT rows_read, at FROM progress WHERE batch_id = ?", (batch.pk,)).fetchone()
    except sqlite3.Error:
        return batch
    if row:
        batch.rows_read, batch.heartbeat_at = row[0], datetime.fromisoformat(row[1])
    return batch
