"""Email the owner of every overdue action: follow-up that depends on memory does not happen."""

from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
                self.stderr.write(
                    _("no email address for %(owner)s: action %(action)s not reminded")
                    % {"owner": a.owner, "action": a.pk}
                )
                continue
            by_owner.setdefault(a.owner, []).append(a)
        for owner, items in by_owner.items():
            lines = [_line(a, today) for a in items]
            body = (
                _("Dear %(name)s,") % {"name": owner.name}
                + "\n\n"
                + _("These actions allocated to you are overdue:")
                + "\n\n"
                + "\n".join(lines)
                + "\n\n"
                + _("Please close each one with a note on what was done, or tell the delivery unit what is in the way.")
                + "\n\nStocktake"
            )
            subject = ngettext("%(n)d overdue action", "%(n)d overdue actions", len(items)) % {"n": len(items)}
            if dry_run:
                self.stdout.write(
                    _("would email %(address)s: %(subject)s") % {"address": owner.email, "subject": subject}
                )
                continue
            send_mail(subject, body, None, [owner.email])
            actions.mark_reminded(items, interface="cli")
        sent = sum(len(v) for v in by_owner.values())
        counts = {"owners": len(by_owner), "actions": sent, "skipped": skipped}
        if dry_run:
            summary = _(
                "Would remind %(owners)d owner(s) of %(actions)d overdue action(s); %(skipped)d without an email address."
            )
        else:
            summary = _(
                "Reminded %(owners)d owner(s) of %(actions)d overdue action(s); %(skipped)d without an email address."
            )
        self.stdout.write(summary % counts)


def _line(a, today) -> str:
    """One overdue action in the reminder: what, for which priority, when due, how late, where agreed."""
    params = {
        "description": a.description,
        "priority": a.priority,
        "due": formats.date_format(a.due, "DATE_FORMAT"),
        "days": (today - a.due).days,
    }
    if a.meeting:
        params["meeting"] = a.meeting
        return _("- %(description)s (%(priority)s), due %(due)s, %(days)d days overdue; agreed at %(meeting)s") % params
    return _("- %(description)s (%(priority)s), due %(due)s, %(days)d days overdue") % params
