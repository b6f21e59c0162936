"""`stocktake restore FILE`."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from stocktake.accounts.backup import BackupError, read_header, restore_backup


class Command(BaseCommand):
    help = "Replace EVERYTHING in the database with a backup made by `stocktake backup`. All or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, file, yes, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            header = read_header(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        call_command("migrate", interactive=False, verbosity=0)
        if not yes:
            answer = input(f"Replace everything in the database with the backup of {header['created']}? "
                           "Type 'yes' to go on: ")
            if answer.strip().lower() != "yes":
                raise CommandError("restore cancelled; nothing changed")
        try:
            rows = restore_backup(path)
        except BackupError as exc:
            raise CommandError(f"{exc}. Nothing was changed.") from None
        self.stdout.write(self.style.SUCCESS(f"Restored {rows:,} rows from {path}."))
