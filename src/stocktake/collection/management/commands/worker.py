"""`stocktake worker`: run queued background jobs (imports now; packs and payment runs later).

It first marks jobs whose runner died as failed, then runs django-tasks-db's `db_worker` loop.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from stocktake.collection import actions


class Command(BaseCommand):
    help = (
        "Run queued background jobs (large imports) until stopped. First marks as failed any job whose "
        "worker died. --batch runs what is queued, then exits."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="run every queued job, then exit")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between looks at the queue")

    def handle(self, *args, batch, interval, **options):
        for b in actions.fail_abandoned_imports():
            self.stderr.write(f"import #{b.pk} ({b.file_name}) was left running by a stopped worker: marked failed")
        args = ["--interval", str(interval), "--no-startup-delay"] + (["--batch"] if batch else [])
        call_command("db_worker", *args, verbosity=options.get("verbosity", 1))
