import time

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.commands.flush import Command as DjangoFlush
from django.utils.translation import gettext as _

from stocktake.accounts import destructive
from stocktake.demo import build


class Command(BaseCommand):
    help = "Load the demo delivery unit: 6 pillars, 12 priorities, 4 years of monthly data, one user per role."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="random seed (the same seed gives the same data)")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="empty the database first (backed up to DATA_DIR/backups, then deleted)",
        )
        parser.add_argument("--yes", action="store_true", help="with --reset: do not ask for confirmation")
        parser.add_argument("--if-empty", action="store_true", help="do nothing if delivery data is already there")

    def handle(self, *args, seed, reset, if_empty, yes=False, **options):
        # Before anything else: the demo publishes its password, and --reset deletes everything.
        destructive.refuse_production("demo --reset" if reset else "demo")
        if reset:
            destructive.confirm(_("Delete everything in the database and load the demo?"), yes=yes)
        call_command("migrate", interactive=False, verbosity=0)
        if reset:
            destructive.backup_before("demo-reset", self.stdout)
            call_command(DjangoFlush(), interactive=False, verbosity=0)
        started = time.perf_counter()
        try:
            result = build.build(seed=seed, progress=lambda msg: self.stdout.write(f"  … {msg}"))
        except build.DemoExists as exc:
            if if_empty:
                self.stdout.write("Demo data already loaded.")
                return
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo delivery unit loaded in {time.perf_counter() - started:.1f} s: {result['priorities']} priorities, "
                f"{result['org_units']} org units, {result['data_values']:,} data values."
            )
        )
        # Listed from the database, so users the apps' demo extensions add are named too.
        usernames = get_user_model().objects.filter(is_active=True).order_by("pk").values_list("username", flat=True)
        self.stdout.write(f"Sign in as any of: {', '.join(usernames)} (password '{build.DEMO_PASSWORD}', demo only).")
