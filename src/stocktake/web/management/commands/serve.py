import ctypes
import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from stocktake.web.busy import limit_lock_waits
from stocktake.web.server import proxy_options, run


def _die_with_parent() -> None:
    """Linux: the worker gets SIGTERM if the web server dies, even by kill -9, so none is left orphaned."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Command(BaseCommand):
    help = (
        "Apply migrations, collect static files and serve Stocktake (default 127.0.0.1:8000), with a "
        "background worker beside it for queued jobs (large imports) unless --no-worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not start a worker (run `stocktake worker` yourself, e.g. on another machine)",
        )

    def handle(self, *args, addrport, threads, no_worker, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        host, _, port = addrport.rpartition(":")
        host = host or "127.0.0.1"
        worker = None
        if not no_worker and os.environ.get("STOCKTAKE_WORKER", "1") != "0":
            # The worker is its own process, as in production: a job survives the web server's restart.
            worker = subprocess.Popen(
                [sys.executable, "-m", "stocktake", "worker"], env=os.environ.copy(), preexec_fn=_die_with_parent
            )
            self.stdout.write(f"Background worker started (pid {worker.pid}).")
        self.stdout.write(self.style.SUCCESS(f"Stocktake is running: open http://{host}:{port}/"))
        self.stdout.write(f"Database: {settings.DATABASES['default']['NAME']}. Stop with Ctrl-C.")

        proxy = proxy_options()
        if proxy:
            self.stdout.write(
                f"Trusting X-Forwarded-Proto and X-Forwarded-For from the TLS proxy at "
                f"{proxy['trusted_proxy']} (STOCKTAKE_TRUSTED_PROXY)."
            )
        # SIGTERM (a service manager, a test) ends the server like Ctrl-C, so the worker is stopped too.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        limit_lock_waits()  # a request waits its turn for a row at most STOCKTAKE_PG_LOCK_SECONDS, then 503
        try:
            run(host, int(port), threads=threads)
        finally:
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    worker.kill()
