"""`stocktake restore FILE`."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from stocktake.accounts import destructive
from stocktake.accounts.backup import BackupError, exclusive, read_header, restore_backup


class Command(BaseCommand):
    help = (
        "Replace EVERYTHING in the database with a backup made by `stocktake backup`. All or nothing; "
        "the database as it was is backed up to DATA_DIR/backups first. Refused in production mode "
        "unless --allow-production."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="restore a real deployment (STOCKTAKE_PRODUCTION=1); still asks, still backs up",
        )

    def handle(self, *args, file, yes, allow_production=False, **options):
        destructive.refuse_production("restore", allowed=allow_production)
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("%(file)s: no such file") % {"file": file})
        try:
            header = read_header(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        destructive.confirm(
            _("Replace everything in the database with the backup of %(created)s?") % {"created": header["created"]},
            yes=yes,
        )
        try:
            with exclusive():  # the copy of the database as it was is taken under the lock too
                call_command("migrate", interactive=False, verbosity=0)
                destructive.backup_before("restore", self.stdout)
                rows = restore_backup(path)
        except BackupError as exc:
            raise CommandError(_("%(error)s. Nothing was changed.") % {"error": exc}) from None
        self.stdout.write(self.style.SUCCESS(f"Restored {rows:,} rows from {path}."))
