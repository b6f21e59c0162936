"""stocktake iati import FILE | stocktake iati export FILE: results in and out as IATI activity XML 2.03.

Exit status: 0 when the file was imported (or written); 1 when it was refused, with every refused element
named by its line, XPath and reason, and nothing stored.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from stocktake.monitoring.models import DataValue
from stocktake.public import iati, iati_import


class Command(BaseCommand):
    help = _(
        "Import results from an IATI activity file as indicators, targets and values (import FILE), or write the "
        "public account as IATI activity XML 2.03 (export FILE). A refused file stores nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["import", "export"])
        parser.add_argument("file")
        parser.add_argument("--user", help=_("whose import this is in the audit trail (default: none, the system)"))
        parser.add_argument(
            "--published",
            action="store_true",
            help=_("record the actuals as published (the file is already a publication); default: submitted"),
        )
        parser.add_argument("--dry-run", action="store_true", help=_("check and report; store nothing"))

    def handle(self, *args, **opts):
        path = Path(opts["file"])
        if opts["action"] == "export":
            path.write_bytes(iati.activities())
            self.stdout.write(_("wrote %(path)s") % {"path": path})
            return
        user = None
        if opts["user"]:
            user = get_user_model().objects.filter(username=opts["user"]).first()
            if user is None:
                raise CommandError(_("no user '%(name)s'") % {"name": opts["user"]})
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(_("cannot read %(path)s: %(e)s") % {"path": path, "e": exc.strerror})
        state = DataValue.State.PUBLISHED if opts["published"] else DataValue.State.SUBMITTED
        try:
            if opts["dry_run"]:
                reading = iati_import.read(iati_import.parse(data))
                if reading.problems:
                    raise iati_import.IatiRefused(reading.problems)
                count = sum(len(o.indicators) for a in reading.activities for o in a.outcomes.values())
                self.stdout.write(_("%(n)s indicator(s) would be imported; nothing stored") % {"n": count})
                warnings = reading.warnings
            else:
                done = iati_import.import_file(data, user=user, interface="cli", state=state)
                self.stdout.write(
                    _(
                        "imported %(p)s activities, %(o)s results, %(i)s indicators, %(t)s targets; values: "
                        "%(created)s created, %(changed)s changed, %(unchanged)s unchanged"
                    )
                    % {
                        "p": done.priorities,
                        "o": done.outcomes,
                        "i": done.indicators,
                        "t": done.targets,
                        "created": done.values.get("created", 0),
                        "changed": done.values.get("changed", 0),
                        "unchanged": done.values.get("unchanged", 0),
                    }
                )
                warnings = done.warnings
        except iati_import.IatiRefused as exc:
            for p in exc.problems:
                self.stderr.write(f"line {p['line'] or '-'} {p['xpath']}: {p['message']}")
            raise CommandError(_("refused: nothing was imported (%(n)s problem(s))") % {"n": len(exc.problems)})
        except ValidationError as exc:
            raise CommandError(_("refused: nothing was imported: %(e)s") % {"e": "; ".join(exc.messages)})
        for w in warnings:
            self.stdout.write(_("warning: %(w)s") % {"w": w})
