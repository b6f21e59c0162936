"""`stocktake partitions`: the values' partitions on PostgreSQL, and new ones for the periods created since.

The migration made range partitions up to SPARE_PARTITIONS beyond the periods it found; values of periods
created later land in each table's default partition, which works but grows without bound and cannot be
detached by year. `--extend` adds the ranges the periods now stored call for (and the spares beyond) and
moves the default partition's rows into them, in one transaction (docs/decisions/0007-distribution.md).
"""

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils.translation import gettext as _

from stocktake.monitoring import distribution as D


class Command(BaseCommand):
    help = _(
        "Show the values' partitions on PostgreSQL; with --extend, add the ranges that newer periods call for "
        "and move their rows out of the default partition."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--extend",
            action="store_true",
            help=_("create the missing ranges and move the default partition's rows into them (locks writes)"),
        )

    def handle(self, *args, extend, **opts):
        if connection.vendor != "postgresql":
            self.stdout.write(
                _("This database (%(vendor)s) keeps plain tables: nothing to partition.")
                % {"vendor": connection.vendor}
            )
            return
        with transaction.atomic(), connection.cursor() as cur:
            for table, created, moved in D.extend_all(cur) if extend else ():
                self.stdout.write(
                    _("%(table)s: %(created)s partitions created, %(moved)s rows moved from the default partition")
                    % {"table": table, "created": len(created), "moved": f"{moved:,}"}
                )
            to_add = 0
            for table in D.PARTITIONED_TABLES:
                ranges, in_default = D.layout(cur, table)
                missing = D.missing_ranges(cur, table)
                to_add += len(missing)
                self.stdout.write(
                    _(
                        "%(table)s: %(count)s ranges, period ids %(first)s to %(last)s; %(default)s rows in the "
                        "default partition; %(missing)s ranges to add"
                    )
                    % {
                        "table": table,
                        "count": len(ranges),
                        "first": ranges[0][1] if ranges else "-",
                        "last": ranges[-1][2] - 1 if ranges else "-",
                        "default": f"{in_default:,}",
                        "missing": len(missing),
                    }
                )
        if to_add and not extend:  # the figures above, not a second reading of the catalogue
            self.stdout.write(_("Run `stocktake partitions --extend` to add them."))
