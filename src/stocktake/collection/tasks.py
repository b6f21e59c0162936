"""Background jobs of collection, run by `stocktake worker` through Django's tasks framework.

The import itself is the same pipeline as an inline one (collection.importer); the job adds the claim,
the progress and heartbeat other processes read, and an honest end when something goes wrong.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from . import actions, importer
from . import progress as live
from .models import ImportBatch

PROGRESS_EVERY = 1.0  # seconds between progress writes


@task()
def run_queued_import(batch_id: int) -> str:
    """Import a queued upload from the spool; the batch row says how far it got and how it ended.

    The worker has no request: the report is written in the language of whoever uploaded the file."""
    batch = ImportBatch.objects.select_related("user", "mapping").filter(pk=batch_id).first()
    if batch is None or not actions.start_import(batch):
        return "not queued"  # removed, or claimed by another worker
    with translation.override(batch.language or settings.LANGUAGE_CODE):
        return _run(batch)


def _run(batch: ImportBatch) -> str:
    path = Path(batch.spool)
    last = [0.0]

    def on_progress(rows: int) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY:
            last[0] = now
            live.report(batch.pk, rows)

    try:
        if not path.exists():
            actions.fail_import(
                batch, _("the uploaded file is no longer in the spool (%(path)s); upload it again") % {"path": path}
            )
            return "failed"
        with open(path, "rb") as fh:
            importer.run_import(
                fh,
                batch=batch,
                file_name=batch.file_name,
                fmt=batch.format or None,
                mapping=batch.mapping,
                user=batch.user,
                interface=batch.interface,
                dry_run=batch.dry_run,
                strict=batch.strict,
                progress=on_progress,
            )
    except Exception as exc:  # the batch must end, whatever happened; the task result keeps the traceback
        actions.fail_import(
            batch, _("the import failed: %(error)s") % {"error": f"{exc.__class__.__name__}: {exc}"[:500]}
        )
        raise
    finally:
        path.unlink(missing_ok=True)
    return ImportBatch.objects.get(pk=batch.pk).status
