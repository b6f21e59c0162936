"""stocktake import FILE: the same pipeline as the upload page, with a progress bar and a summary.

Exit status, for scripts and cron: 0 when every row was stored (or, with --allow-rejects, when the
file was read and some rows were left out), 1 when the file was refused or rows were rejected,
2 when the import stopped on an unexpected error (the batch records it; no traceback is shown).
"""

from __future__ import annotations

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from stocktake.collection.importer import FORMATS, run_import
from stocktake.collection.models import ColumnMapping


class Command(BaseCommand):
    help = _(
        "Import data values from CSV, Excel (.xlsx) or a DHIS2 data value set (JSON or CSV). "
        "Exits 1 if the file is refused or any row is rejected (unless --allow-rejects), "
        "2 if the import stopped on an unexpected error."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", default="admin", help="whose import this is (permissions and history)")
        parser.add_argument("--format", choices=FORMATS, help="default: from the file name and contents")
        parser.add_argument("--mapping", help="name of a saved column mapping for files not in our format")
        parser.add_argument("--dry-run", action="store_true", help="check only; store nothing")
        parser.add_argument("--strict", action="store_true", help="store nothing if any row is rejected")
        parser.add_argument(
            "--allow-rejects",
            action="store_true",
            help=_(
                "exit 0 even when some rows were rejected, as long as the file was read (a refused file still exits 1)"
            ),
        )
        parser.add_argument("--quiet-progress", action="store_true")

    def handle(self, *args, **opts):
        from tqdm import tqdm

        user = get_user_model().objects.filter(username=opts["user"]).first()
        if user is None:
            raise CommandError(_("no user '%(user)s'") % {"user": opts["user"]})
        mapping = None
        if opts["mapping"]:
            mapping = ColumnMapping.objects.filter(name=opts["mapping"]).first()
            if mapping is None:
                raise CommandError(_("no column mapping '%(mapping)s'") % {"mapping": opts["mapping"]})
        path = opts["file"]
        if not os.path.isfile(path):
            raise CommandError(_("no file %(path)s") % {"path": path})
        bar = tqdm(total=None, unit=" rows", disable=opts["quiet_progress"], file=self.stderr._out)
        last = [0]

        def progress(n):
            bar.update(n - last[0])
            last[0] = n

        try:
            fh = open(path, "rb")
        except OSError as exc:
            raise CommandError(_("cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror or exc})
        with fh:
            batch = run_import(
                fh,
                file_name=os.path.basename(path),
                fmt=opts["format"],
                mapping=mapping,
                user=user,
                interface="cli",
                dry_run=opts["dry_run"],
                strict=opts["strict"],
                progress=progress,
            )
        bar.close()
        w = self.stdout.write
        w(
            f"Import #{batch.pk} {batch.file_name} ({batch.format}{', dry run' if batch.dry_run else ''}): {batch.status}"
        )
        if batch.message:
            w(f"  {batch.message}")
        w(
            f"  file rows read {batch.rows_read:,}, records made {batch.records:,}, "
            f"rows skipped {batch.rows_skipped:,}, accepted {batch.rows_accepted:,}, rejected {batch.rows_rejected:,}"
        )
        for rule, n in batch.skipped.items():
            w(f"    skipped {n:,}: {rule}")
        if not batch.dry_run:
            w(
                f"  values created {batch.created:,}, changed {batch.changed:,}, unchanged {batch.unchanged:,}"
                + (f", org units created {batch.units_created:,}" if batch.units_created else "")
            )
        for e in batch.errors[:20]:
            w(f"  error row {e['row']}" + (f", {e['column']}" if e["column"] else "") + f": {e['message']}")
        if batch.error_count > 20:
            w(f"  ... {batch.error_count - 20:,} more errors (see the import's page)")
        for wng in batch.warnings[:10]:
            w(f"  warning: {wng['message']}")
        w(f"  {batch.seconds:.1f} s")
        if getattr(batch, "crashed", False):
            raise CommandError(_("import #%(id)s stopped on an unexpected error") % {"id": batch.pk}, returncode=2)
        if batch.status == "refused":
            raise CommandError(_("import refused"), returncode=1)
        if batch.rows_rejected and not opts["allow_rejects"]:
            raise CommandError(
                _("%(n)s row(s) rejected; pass --allow-rejects to accept a partial import")
                % {"n": f"{batch.rows_rejected:,}"},
                returncode=1,
            )
