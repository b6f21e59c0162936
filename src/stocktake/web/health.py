"""What /api/health reports: a real query on the database, whether it can be written, and the worker.

The worker has no heartbeat of its own; the task queue in the database tells how it is doing: a task
running means "busy"; tasks waiting longer than STOCKTAKE_WORKER_STALE_SECONDS with none running means
"stopped" (work is waiting and nobody takes it: 503); otherwise "idle", or "none seen" when no task was
ever queued (a fresh install is healthy without a worker).
"""

from __future__ import annotations

import os
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone


def _database() -> str:
    """'ok', 'read-only' or 'down: <why>'."""
    from stocktake.collection.models import ImportBatch

    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            ImportBatch.objects.order_by().values_list("pk", flat=True).first()  # a real table, migrated
            if connection.vendor == "postgresql":
                cur.execute("SELECT current_setting('transaction_read_only')")
                if cur.fetchone()[0] == "on":
                    return "read-only"
            elif connection.vendor == "sqlite":
                name = str(settings.DATABASES["default"]["NAME"])
                if os.path.exists(name) and not os.access(name, os.W_OK):
                    return "read-only"
    except DatabaseError as exc:
        return f"down: {str(exc).splitlines()[0][:200] if str(exc) else exc.__class__.__name__}"
    return "ok"


def _worker() -> str:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    tasks = DBTaskResult.objects.order_by()
    if tasks.filter(status=TaskResultStatus.RUNNING).exists():
        return "busy"
    stale = timezone.now() - timedelta(seconds=settings.STOCKTAKE_WORKER_STALE_SECONDS)
    if tasks.filter(status=TaskResultStatus.READY, run_after__lt=stale).exists():
        return "stopped"
    return "idle" if tasks.exists() else "none seen"


def check() -> tuple[int, dict]:
    """(HTTP status, body): 503 when the database is down or read-only, or queued work waits for no worker."""
    from stocktake import __version__

    database = _database()
    worker = _worker() if database in ("ok", "read-only") else "unknown"
    healthy = database == "ok" and worker != "stopped"
    return (200 if healthy else 503), {
        "status": "ok" if healthy else "unavailable",
        "version": __version__,
        "database": database,
        "worker": worker,
    }
