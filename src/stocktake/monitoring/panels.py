"""Monitoring's own badges on the portfolio: recent alerts, for the people who may act on them."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import ngettext

from stocktake.architecture import access as architecture_access

from .models import Alert

RECENT = timedelta(days=60)


def priority_notes(request, priority_ids) -> dict[int, list[dict]]:
    if not request.user.is_authenticated:
        return {}

    visible = set(
        architecture_access.visible_priorities(request.user)
        .filter(pk__in=list(priority_ids))
        .values_list("pk", flat=True)
    )
    rows = (
        Alert.objects.filter(raised_at__gte=timezone.now() - RECENT, rule__indicator__outcome__priority_id__in=visible)
        .values("rule__indicator__outcome__priority_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {
        r["rule__indicator__outcome__priority_id"]: [
            {
                "text": ngettext("%(n)s alert", "%(n)s alerts", r["n"]) % {"n": r["n"]},
                "url": "/monitoring/alerts/",
                "css": "alert",
            }
        ]
        for r in rows
    }
