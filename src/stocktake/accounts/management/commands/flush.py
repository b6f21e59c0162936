"""`stocktake flush`: Django's flush behind the destructive-command guard.

Found before Django's own flush (app commands override core ones), so
`stocktake flush` on the command line refuses production mode, asks on a
terminal unless --yes (or Django's --noinput), and writes a backup first.
Called from code (call_command, as Django's TransactionTestCase does between
tests) it still refuses production mode, then behaves as Django's flush:
the calling code has decided, and a backup per test would be absurd.
"""

from __future__ import annotations

from django.core.management.commands.flush import Command as DjangoFlush
from django.utils.translation import gettext as _

from stocktake.accounts import destructive


class Command(DjangoFlush):
    help = (
        "Delete every row of every table (a backup is written to DATA_DIR/backups first). "
        "Refused in production mode unless --allow-production."
    )
    from_command_line = False

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="run even with STOCKTAKE_PRODUCTION=1 (still asks, still backs up)",
        )

    def run_from_argv(self, argv):
        self.from_command_line = True
        return super().run_from_argv(argv)

    def handle(self, **options):
        destructive.refuse_production("flush", allowed=options.get("allow_production", False))
        if self.from_command_line:
            destructive.confirm(
                _("Delete every row of every table?"), yes=options.get("yes") or not options["interactive"]
            )
            destructive.backup_before("flush", self.stdout)
            options["interactive"] = False  # asked already
        return super().handle(**options)
