import time

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from stocktake.demo import build


class Command(BaseCommand):
    help = "Load the demo delivery unit: 6 pillars, 12 priorities, 4 years of monthly data, one user per role."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="random seed (the same seed gives the same data)")
        parser.add_argument("--reset", action="store_true", help="empty the database first (everything in it is lost)")
        parser.add_argument("--if-empty", action="store_true", help="do nothing if delivery data is already there")

    def handle(self, *args, seed, reset, if_empty, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if reset:
            call_command("flush", interactive=False, verbosity=0)
        started = time.perf_counter()
        try:
            result = build.build(seed=seed, progress=lambda msg: self.stdout.write(f"  … {msg}"))
        except build.DemoExists as exc:
            if if_empty:
                self.stdout.write("Demo data already loaded.")
                return
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Demo delivery unit loaded in {time.perf_counter() - started:.1f} s: {result['priorities']} priorities, "
            f"{result['org_units']} org units, {result['data_values']:,} data values."))
        # Listed from the database, so users the apps' demo extensions add are named too.
        usernames = get_user_model().objects.filter(is_active=True).order_by("pk").values_list("username", flat=True)
        self.stdout.write(f"Sign in as any of: {', '.join(usernames)} "
                          f"(password '{build.DEMO_PASSWORD}', demo only).")
