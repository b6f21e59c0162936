"""Keeping the Rollup table in step with the data values.

Every write path for values (monitoring.actions.record_value/record_values)
calls refresh() for what it touched, in the same transaction. Anything else
that changes values or their state (the verification workflow's validate
and publish) must call refresh(indicator_ids, period_ids) too; `stocktake
rollups` rebuilds everything if in doubt.

Each level is one GROUP BY in the database over the values reported
beneath it, joined up the parent chain, so refreshing an indicator costs a
handful of queries however many values it has.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Q, Sum

from stocktake.delivery.rollup import Accumulator

from .models import DataValue, OrgUnit, Rollup

# Official status comes only from values someone has checked; submitted and returned values are provisional.
OFFICIAL_STATES = (DataValue.State.VALIDATED.value, DataValue.State.PUBLISHED.value)


def _result(indicator, total, count, num, den):
    return Accumulator(total=total or 0.0, count=count or 0, numerator=num or 0.0,
                       denominator=den or 0.0).result(indicator.aggregation, indicator.ratio_scale)


@transaction.atomic
def refresh(indicator_ids=None, period_ids=None) -> int:
    """Recompute the rollups of these indicators (all if None) for these periods (all if None)."""
    from stocktake.architecture.models import Indicator

    indicators = Indicator.objects.all() if indicator_ids is None else Indicator.objects.filter(pk__in=list(indicator_ids))
    units = {u["id"]: (u["parent_id"], u["depth"]) for u in OrgUnit.objects.values("id", "parent_id", "depth")}
    period_ids = None if period_ids is None else list(period_ids)
    written = 0
    official = Q(state__in=OFFICIAL_STATES)
    for ind in indicators:
        old = Rollup.objects.filter(indicator=ind)
        values = DataValue.objects.filter(indicator=ind, disaggregation="", org_unit__depth=ind.report_depth)
        if period_ids is not None:
            old = old.filter(period_id__in=period_ids)
            values = values.filter(period_id__in=period_ids)
        old.delete()
        rows = []
        for depth in range(ind.report_depth, 0, -1):
            key = "org_unit" + "__parent" * (ind.report_depth - depth)
            grouped = values.values(key, "period_id").annotate(
                n=Count("id"), total=Sum("value"), num=Sum("numerator"), den=Sum("denominator"),
                on=Count("id", filter=official), ot=Sum("value", filter=official),
                onum=Sum("numerator", filter=official), oden=Sum("denominator", filter=official),
            ).order_by()
            for g in grouped:
                unit_id = g[key]
                if unit_id is None:
                    continue
                parent_id, unit_depth = units[unit_id]
                rows.append(Rollup(
                    indicator_id=ind.pk, org_unit_id=unit_id, parent_id=parent_id, depth=unit_depth,
                    period_id=g["period_id"], count=g["n"], total=g["total"] or 0.0, numerator=g["num"] or 0.0,
                    denominator=g["den"] or 0.0, value=_result(ind, g["total"], g["n"], g["num"], g["den"]),
                    official_count=g["on"], official_total=g["ot"] or 0.0, official_numerator=g["onum"] or 0.0,
                    official_denominator=g["oden"] or 0.0,
                    official_value=_result(ind, g["ot"], g["on"], g["onum"], g["oden"]),
                ))
        Rollup.objects.bulk_create(rows, batch_size=2000)
        written += len(rows)
    return written
