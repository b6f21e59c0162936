"""What collection adds to the portfolio: how fresh each priority's data is, and what awaits verification."""

from __future__ import annotations

from django.db.models import Count
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from stocktake.accounts import permissions
from stocktake.architecture import access as architecture_access
from stocktake.architecture.models import Indicator
from stocktake.monitoring.models import DataValue

from . import freshness
from . import verification as V


def _visible_indicators(request, priority_ids=None):
    priorities = architecture_access.visible_priorities(request.user)
    qs = Indicator.objects.filter(outcome__priority__in=priorities).select_related("outcome__priority")
    if priority_ids is not None:
        qs = qs.filter(outcome__priority_id__in=priority_ids)
    return qs


def _freshness(request) -> list:
    """Freshness of every indicator the visitor may read, worked out once per request (panel and notes share it)."""
    rows = getattr(request, "_stocktake_freshness", None)
    if rows is None:
        rows = request._stocktake_freshness = freshness.cached_of(_visible_indicators(request), timezone.localdate())
    return rows


def priority_notes(request, priority_ids) -> dict[int, list[dict]]:
    notes: dict[int, list[dict]] = {}
    wanted = set(priority_ids)
    for f in _freshness(request):
        if f.indicator.outcome.priority_id not in wanted:
            continue
        pid = f.indicator.outcome.priority_id
        if f.late:
            text = ngettext(
                "%(code)s: %(period)s data %(days)s days late (%(n)s unit missing)",
                "%(code)s: %(period)s data %(days)s days late (%(n)s units missing)",
                len(f.missing_units),
            ) % {"code": f.indicator.code, "period": f.due_period.code, "days": f.days_late, "n": len(f.missing_units)}
            notes.setdefault(pid, []).append(
                {"text": text, "url": f"/collection/freshness/#{f.indicator.code}", "css": "note-late"}
            )
        else:
            notes.setdefault(pid, []).append(
                {
                    "text": _("%(code)s: data to %(period)s") % {"code": f.indicator.code, "period": f.last_period},
                    "url": f"/collection/freshness/#{f.indicator.code}",
                    "css": "note-fresh",
                }
            )
    if permissions.can_read_all(request.user):
        # by indicator id, the values' distribution key: the count reads the unverified index of these indicators
        indicator_ids = list(
            Indicator.objects.filter(outcome__priority_id__in=priority_ids).values_list("id", flat=True)
        )
        pending = (
            DataValue.objects.filter(indicator_id__in=indicator_ids, state__in=V.UNVERIFIED_STATES)
            .values("indicator__outcome__priority_id")
            .annotate(n=Count("id"))
            .order_by()
            .values_list("indicator__outcome__priority_id", "n")
        )
        queue = "/collection/queue/" if permissions.can_validate(request.user) else ""  # a link only if it opens
        for pid, n in pending:
            notes.setdefault(pid, []).append(
                {
                    "text": ngettext("%(n)s value unverified", "%(n)s values unverified", n)
                    % {"n": number_format(n, force_grouping=True)},
                    "url": queue,
                    "css": "note-unverified",
                }
            )
    return notes


def portfolio_panel(request):
    rows = _freshness(request)
    late = [f for f in rows if f.late]
    return {"template": "collection/panel_freshness.html", "freshness_late": late, "freshness_total": len(rows)}
