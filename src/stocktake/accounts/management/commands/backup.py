"""`stocktake backup FILE`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from stocktake.accounts.backup import write_backup


class Command(BaseCommand):
    help = (
        "Write the whole database (delivery data, people, audit trail, tokens, sessions) to FILE, "
        "gzip-compressed JSON lines, the same on SQLite and PostgreSQL. Restore with `stocktake restore FILE`."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write, e.g. stocktake-2026-11-24.backup.gz")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.parent.is_dir():
            raise CommandError(
                _("%(file)s: the folder %(parent)s does not exist") % {"file": file, "parent": path.parent}
            )
        tmp = path.with_name(path.name + ".partial")
        try:
            rows = write_backup(tmp)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        tmp.replace(path)  # never leave a half-written file under the real name
        self.stdout.write(self.style.SUCCESS(f"Backed up {rows:,} rows to {path} ({path.stat().st_size:,} bytes)."))
