"""What collection adds to the portfolio: how fresh each priority's data is, and what awaits verification."""

from __future__ import annotations

from django.db import connection
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


def _unverified_counts(indicator_ids: list[int]) -> dict[int, int]:
    """{indicator id: values awaiting verification}, read from the partial index on those values alone.

    By indicator id, the values' distribution key, and counting rows only, so that PostgreSQL answers with
    an index-only scan. The states are written into the statement, not bound: SQLite uses a partial index
    only when the query's condition is the index's own, word for word, and a bound parameter is not.
    """
    if not indicator_ids:
        return {}
    states = ", ".join(f"'{state}'" for state in V.UNVERIFIED_STATES)  # constants of ours, never input
    marks = ", ".join(["%s"] * len(indicator_ids))
    table = DataValue._meta.db_table
    with connection.cursor() as cur:
        cur.execute(  # the key column named with its table, as the distribution check reads it
            f"SELECT {table}.indicator_id, COUNT(*) FROM {table} "
            f"WHERE state IN ({states}) AND {table}.indicator_id IN ({marks}) GROUP BY {table}.indicator_id",
            indicator_ids,
        )
        return dict(cur.fetchall())


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
        priority_of = dict(
            Indicator.objects.filter(outcome__priority_id__in=priority_ids).values_list("id", "outcome__priority_id")
        )
        by_priority: dict[int, int] = {}
        for indicator_id, n in _unverified_counts(list(priority_of)).items():
            by_priority[priority_of[indicator_id]] = by_priority.get(priority_of[indicator_id], 0) + n
        pending = sorted(by_priority.items())
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
