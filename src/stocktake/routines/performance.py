"""The performance pack for one priority: dashboard, trajectories, units and annex tables.

Built on what monitoring offers today (series, summarise, trajectory_spec).
Richer views (heat maps, forecasts) slot in as extra sections of the pack.
"""

from __future__ import annotations

from stocktake.architecture.models import Indicator
from stocktake.delivery.rollup import SUM
from stocktake.monitoring import charts, series
from stocktake.monitoring.models import OrgUnit

ANNEX_PERIODS = 12


def trajectory_chart(indicator, target, data, width=None, height=220) -> tuple[dict, dict]:
    """The trajectory spec and the planned points it was drawn from (the annex reuses them)."""
    planned = series.trajectory(target) if target else {}
    spec = charts.trajectory_spec(
        indicator, target,
        actuals=[(r["period__end"].isoformat(), v) for r, v in data],
        planned=([(target.baseline_date.isoformat(), target.baseline_value)] if target else [])
        + [(end.isoformat(), v) for _, (_, end, v) in sorted(planned.items(), key=lambda kv: kv[1][0])],
        title=indicator.name,
    )
    spec["height"] = height
    if width:
        spec["width"] = width
    return spec, planned


def priority_performance(priority, *, units: bool = True, annex: bool = True, chart_width=None,
                         chart_height=220) -> dict:
    root = series.root_unit()
    regions = list(OrgUnit.objects.filter(parent=root).order_by("code")) if (root and units) else []
    outcomes = []
    for outcome in priority.outcomes.all():
        indicators = []
        for ind in sorted(outcome.indicators.all(), key=lambda i: (i.level != Indicator.Level.LEADING, i.rank)):
            summary = series.summarise(ind, root)
            data = series.series(ind, root) if root else []
            spec, planned = trajectory_chart(ind, summary.target, data, width=chart_width, height=chart_height)
            rows = []
            if annex:
                for r, v in data[-ANNEX_PERIODS:]:
                    plan = planned.get(r["period__code"])
                    rows.append({"period": r["period__code"], "value": ind.fmt(v),
                                 "planned": ind.fmt(plan[2] if plan else None), "n": r["n"]})
            unit_rows = []
            for region in regions if ind.report_depth >= 2 else []:
                s = series.summarise(ind, region)
                status, basis = s.status, "own target"
                if s.target is None and summary.target is not None and ind.aggregation != SUM and s.latest_period:
                    # A rate or mean is comparable across units, so a region without its own target is
                    # judged against the national trajectory; a count is not, so it shows no status.
                    plan = planned.get(s.latest_period)
                    status = ind.assess(s.latest, plan[2] if plan else None, summary.target)
                    basis = "national trajectory"
                unit_rows.append({"unit": region, "latest": s.latest_text, "trend": s.trend, "status": status,
                                  "basis": basis if s.target or basis != "own target" else ""})
            indicators.append({"indicator": ind, "summary": summary, "spec": spec,
                               "chart_id": f"chart-{ind.code}", "annex": list(reversed(rows)), "units": unit_rows})
        outcomes.append({"outcome": outcome, "indicators": indicators})
    return {"priority": priority, "outcomes": outcomes}
