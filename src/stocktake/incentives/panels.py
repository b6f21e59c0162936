"""What the outcomes fund adds to the portfolio: the money at stake, and what waits on the delivery unit."""

from __future__ import annotations

from . import permissions as can
from . import queries
from .models import Fund, Payment


def portfolio_panel(request):
    """Only readers of the fund see it: payments are not published."""
    if not can.can_view_funds(request.user):
        return None
    funds = list(Fund.objects.all())
    if not funds:
        return None
    payments = Payment.objects.filter(scheme__fund__in=funds)
    return {
        "template": "incentives/panel.html",
        "funds": [{"fund": f, "position": queries.position(f)} for f in funds],
        "awaiting": payments.filter(status__in=[Payment.Status.COMPUTED, Payment.Status.PROPOSED])
        .exclude(amount=0)
        .count(),
        "flagged": payments.filter(needs_review=True).count(),
    }
