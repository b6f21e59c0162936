"""stocktake remind: email data leads whose data is due soon or late (run it daily from cron)."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand

from stocktake.collection import reminders


class Command(BaseCommand):
    help = "Email data leads whose data is due within a week, or late. Each reminder is sent once."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, help="pretend today is this date (YYYY-MM-DD)")

    def handle(self, *args, **opts):
        counts = reminders.send(opts["today"])
        self.stdout.write(f"Sent {counts['due']} due and {counts['late']} late reminders.")
