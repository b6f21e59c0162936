"""The one guard every command that empties the database passes through (demo --reset, restore, flush).

In this order, so nothing is touched before the answer is known:

1. refuse in production mode (STOCKTAKE_PRODUCTION=1), before migrating, reading or deleting anything;
2. ask on a terminal unless --yes; with no terminal (CI, cron, a pipe) and no --yes, refuse
   and say how to go on, instead of hanging or failing on input();
3. write a backup of everything into DATA_DIR/backups/<timestamp>.backup.gz and print its
   path, so a mistaken reset is one `stocktake restore` away.
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from .backup import write_backup


def refuse_production(command: str, *, allowed: bool = False) -> None:
    if settings.PRODUCTION and not allowed:
        raise CommandError(
            _(
                "`stocktake %(command)s` deletes data and is refused in production mode "
                "(STOCKTAKE_PRODUCTION=1). Nothing was changed."
            )
            % {"command": command}
        )


def confirm(question: str, *, yes: bool, stdin=None) -> None:
    """Go on only with --yes or a typed 'yes' on a terminal."""
    if yes:
        return
    stdin = sys.stdin if stdin is None else stdin
    if stdin is None or stdin.closed or not stdin.isatty():
        raise CommandError(
            _(
                "%(question)s There is no terminal to ask on, so nothing was changed; "
                "pass --yes to go ahead (a backup is written first)."
            )
            % {"question": question}
        )
    answer = input(question + " " + _("Type 'yes' to go on: "))
    if answer.strip().lower() != "yes":
        raise CommandError(_("Cancelled; nothing was changed."))


def backup_dir() -> Path:
    return Path(settings.DATA_DIR) / "backups"


def backup_before(reason: str, stdout) -> Path:
    """Back up the whole database to DATA_DIR/backups/<timestamp>.backup.gz; print and return the path."""
    folder = backup_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    path = folder / f"{stamp}-before-{reason}.backup.gz"
    tmp = path.with_name(path.name + ".partial")
    try:
        rows = write_backup(tmp)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(path)
    stdout.write(
        _("Backed up %(rows)s rows to %(path)s first (undo with `stocktake restore %(path)s`).")
        % {"rows": f"{rows:,}", "path": path}
    )
    return path
