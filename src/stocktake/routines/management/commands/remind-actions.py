"""Email the owner of every overdue action: follow-up that depends on memory does not happen."""

from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.utils import timezone

from stocktake.accounts.mail import in_recipients_language
from stocktake.routines import actions
from stocktake.routines.models import ActionItem


class Command(BaseCommand):
    help = "Email a reminder to the owner of each overdue action (run daily, e.g. from cron)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list the reminders without sending")
        parser.add_argument(
            "--again-after-days",
            type=int,
            default=7,
            help="remind again if the last reminder is older than this (default 7)",
        )

    @in_recipients_language  # the owners' language, not the one the command runs in
    def handle(self, *args, dry_run=False, again_after_days=7, **options):
        today = timezone.localdate()
        cutoff = timezone.now() - timezone.timedelta(days=again_after_days)
        overdue = ActionItem.objects.filter(state=ActionItem.State.OPEN, due__lt=today).select_related(
            "owner", "priority", "meeting__routine"
        )
        by_owner: dict = {}
        skipped = 0
        for a in overdue:
            if a.reminded_at and a.reminded_at > cutoff:
                continue
            if not a.owner.email:
                skipped += 1
                self.stderr.write(f"no email address for {a.owner}: action {a.pk} not reminded")
                continue
            by_owner.setdefault(a.owner, []).append(a)
        for owner, items in by_owner.items():
            lines = [
                f"- {a.description} ({a.priority}), due {a.due:%d %b %Y}, {(today - a.due).days} days overdue"
                + (f"; agreed at {a.meeting}" if a.meeting else "")
                for a in items
            ]
            body = (
                f"Dear {owner.name},\n\nThese actions allocated to you are overdue:\n\n"
                + "\n".join(lines)
                + "\n\nPlease close each one with a note on what was done, or tell the delivery unit what is "
                "in the way.\n\nStocktake"
            )
            subject = f"{len(items)} overdue action{'s' if len(items) != 1 else ''}"
            if dry_run:
                self.stdout.write(f"would email {owner.email}: {subject}")
                continue
            send_mail(subject, body, None, [owner.email])
            actions.mark_reminded(items, interface="cli")
        sent = sum(len(v) for v in by_owner.values())
        self.stdout.write(
            f"{'Would remind' if dry_run else 'Reminded'} {len(by_owner)} owner(s) of {sent} overdue "
            f"action(s); {skipped} without an email address."
        )
