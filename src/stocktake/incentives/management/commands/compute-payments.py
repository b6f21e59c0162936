"""Compute every payment that has fallen due: run after each validation round, e.g. from cron."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from stocktake.architecture.models import Period
from stocktake.delivery import periods as P
from stocktake.incentives import actions
from stocktake.incentives.models import Fund, Payment, Scheme
from stocktake.incentives.permissions import can_manage_funds


class Command(BaseCommand):
    help = (
        "Compute the payment of every active scheme for each payment period whose values are all verified and "
        "not yet paid; then flag payments whose values were corrected since and propose corrections."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fund", help="fund code (default: every fund)")
        parser.add_argument("--user", required=True, help="username of the person computing (approval needs another)")
        parser.add_argument("--dry-run", action="store_true", help="say what would be computed, change nothing")

    def handle(self, *args, fund=None, user=None, dry_run=False, **options):
        try:
            who = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist:
            raise CommandError(_("--user: no user called %(user)s") % {"user": repr(user)}) from None

        if not can_manage_funds(who):
            raise CommandError(
                _("--user: %(user)s may not compute payments (delivery unit head or priority manager)") % {"user": user}
            )
        funds = Fund.objects.filter(code=fund) if fund else Fund.objects.all()
        if fund and not funds:
            raise CommandError(_("--fund: no fund called %(fund)s") % {"fund": repr(fund)})
        computed = waiting = 0
        for scheme in Scheme.objects.filter(fund__in=funds, status=Scheme.Status.ACTIVE):
            for p in P.between(scheme.period_kind, scheme.first_period.start, scheme.last_period.start):
                if p.end >= timezone.localdate():
                    continue  # a period still running has no result yet
                period = Period.objects.filter(code=p.code).first()
                if period is None or scheme.payments.filter(period=period, kind=Payment.Kind.PAYMENT).exists():
                    continue
                if dry_run:
                    self.stdout.write(
                        _("would compute %(scheme)s %(period)s") % {"scheme": scheme.code, "period": p.code}
                    )
                    continue
                try:
                    payment = actions.compute_payment(scheme, period, user=who, interface="cli")
                except ValidationError as exc:
                    waiting += 1
                    self.stdout.write(
                        _("%(scheme)s %(period)s: not yet (%(reasons)s)")
                        % {"scheme": scheme.code, "period": p.code, "reasons": " ".join(exc.messages)}
                    )
                    continue
                computed += 1
                self.stdout.write(f"{scheme.code} {p.code}: {payment.get_status_display()} {payment.amount}")
        proposals = (
            [] if dry_run else [x for f in funds for x in actions.review_corrections(user=who, interface="cli", fund=f)]
        )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "%(computed)d computed, %(waiting)d waiting for verified values, %(proposals)d correction(s) proposed"
                )
                % {"computed": computed, "waiting": waiting, "proposals": len(proposals)}
            )
        )
