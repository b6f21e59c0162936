from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from stocktake.architecture.models import Indicator
from stocktake.monitoring import alerts


class Command(BaseCommand):
    help = "Evaluate alert rules (all, or for the indicators named) and email new alerts to their owners."

    def add_arguments(self, parser):
        parser.add_argument("indicators", nargs="*", help="indicator codes (default: every indicator)")
        parser.add_argument("--no-email", action="store_true", help="raise alerts without sending email")
        parser.add_argument("--refresh", action="store_true", help="rebuild the indicators' rollups first")

    def handle(self, *args, indicators, no_email, refresh, **opts):
        ids = None
        if indicators:
            found = dict(Indicator.objects.filter(code__in=indicators).values_list("code", "pk"))
            missing = sorted(set(indicators) - set(found))
            if missing:
                self.stderr.write(
                    _("unknown indicator code(s): %(codes)s; nothing evaluated") % {"codes": ", ".join(missing)}
                )
                raise SystemExit(2)
            ids = list(found.values())
        raised = alerts.evaluate(ids, refresh=refresh, email=not no_email)
        for a in raised:
            self.stdout.write(f"{a.rule.indicator.code}\t{a.org_unit.code}\t{a.period.code}\t{a.message}")
        self.stdout.write(ngettext("%(n)d new alert", "%(n)d new alerts", len(raised)) % {"n": len(raised)})
