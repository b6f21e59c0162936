"""stocktake setup FILE: build or update a whole government from the setup workbook (docs/onboarding.md).

Exit status: 0 when the file was loaded (or, with --dry-run, would load) with no refusal;
1 when anything was refused (with --partial the accepted rows are still stored).
"""

from __future__ import annotations

import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from stocktake.onboarding import export, orgunits, reader
from stocktake.onboarding.load import load
from stocktake.onboarding.report import summary


class Command(BaseCommand):
    help = _(
        "Load the setup workbook (xlsx, or its sheets as CSV files in a folder or zip), upserting by code; "
        "or export it (--export), write the blank template (--template), or load org units only from a DHIS2 "
        "organisationUnits export or a CSV with parent codes (--org-units)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help=_("check and report; store nothing"))
        parser.add_argument(
            "--partial", action="store_true", help=_("store the accepted rows even if some are refused")
        )
        parser.add_argument("--export", action="store_true", help=_("write this database's setup workbook to FILE"))
        parser.add_argument("--template", action="store_true", help=_("write the blank template to FILE"))
        parser.add_argument(
            "--org-units",
            action="store_true",
            help=_("FILE is a DHIS2 organisationUnits JSON or a CSV of org units; units missing from it are closed"),
        )
        parser.add_argument(
            "--keep-missing",
            action="store_true",
            help=_("with --org-units: leave units that are not in FILE as they are (FILE holds part of the hierarchy)"),
        )
        parser.add_argument("--user", help=_("whose change this is in the audit trail (default: none, the system)"))

    def handle(self, *args, **opts):
        path = Path(opts["file"])
        started = time.perf_counter()
        if opts["export"] or opts["template"]:
            with open(path, "wb") as out:
                write = export.write_zip if path.suffix.lower() == ".zip" else export.write_xlsx
                write(out, blank=opts["template"])
            self.stdout.write(_("wrote %(path)s in %(s).1f s") % {"path": path, "s": time.perf_counter() - started})
            return
        user = None
        if opts["user"]:
            user = get_user_model().objects.filter(username=opts["user"]).first()
            if user is None:
                raise CommandError(_("no user '%(user)s'") % {"user": opts["user"]})
        if not path.exists():
            raise CommandError(_("no file %(path)s") % {"path": path})
        try:
            if opts["org_units"]:
                tables = orgunits.read(path)
                result = load(
                    tables,
                    user=user,
                    interface="cli",
                    reason=_("org units from %(name)s") % {"name": path.name},
                    dry_run=opts["dry_run"],
                    partial=opts["partial"],
                    sheets=("Levels", "OrgUnits"),
                    remove_missing_units=not opts["keep_missing"],
                )
            else:
                tables = reader.read(path)
                result = load(
                    tables,
                    user=user,
                    interface="cli",
                    reason=_("setup file %(name)s") % {"name": path.name},
                    dry_run=opts["dry_run"],
                    partial=opts["partial"],
                )
        except reader.SetupFileError as exc:
            raise CommandError(_("%(file)s: %(reason)s") % {"file": path.name, "reason": exc}) from None
        for line in summary(result):
            self.stdout.write(line)
        self.stdout.write(_("%(s).1f s") % {"s": time.perf_counter() - started})
        if result.problems:
            raise SystemExit(1)
