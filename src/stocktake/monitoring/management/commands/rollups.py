from django.core.management.base import BaseCommand

from stocktake.architecture.models import Indicator
from stocktake.monitoring import rollups


class Command(BaseCommand):
    help = "Rebuild the monitoring rollups from the data values (all indicators, or those named)."

    def add_arguments(self, parser):
        parser.add_argument("indicators", nargs="*", help="indicator codes (default: every indicator)")

    def handle(self, *args, indicators, **opts):
        ids = list(Indicator.objects.filter(code__in=indicators).values_list("pk", flat=True)) if indicators else None
        self.stdout.write(f"{rollups.refresh(ids):,} rollup rows written")
