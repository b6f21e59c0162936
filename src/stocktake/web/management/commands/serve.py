from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from stocktake.web.server import run


class Command(BaseCommand):
    help = "Apply migrations, collect static files and serve Stocktake (default 127.0.0.1:8000)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, addrport, threads, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        host, _, port = addrport.rpartition(":")
        host = host or "127.0.0.1"
        self.stdout.write(self.style.SUCCESS(f"Stocktake is running: open http://{host}:{port}/"))
        self.stdout.write(f"Database: {settings.DATABASES['default']['NAME']}. Stop with Ctrl-C.")

        run(host, int(port), threads=threads)
