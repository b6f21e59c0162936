"""The performance pack for one priority: dashboard, trajectories, units and annex tables.

Built on what monitoring offers today (series, summarise, trajectory_spec).
Richer views (heat maps, forecasts) slot in as extra sections of the pack.
"""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext as _

from stocktake.architecture.fiscal import label as period_label
from stocktake.architecture.models import Indicator, OrgUnit
from stocktake.delivery import status as S
from stocktake.monitoring import asof, charts, marks, roots, series

from . import proposals

ANNEX_PERIODS = 12


def provisional_note(summary) -> str:
    """'Provisional 2026-11: 52.0% (4 of 96 units reported (4%); not ended)': a newer figure than the
    official latest, with its coverage, as the pack and the report print it under the latest."""
    if not summary.provisional_period:
        return ""
    extra = [
        t
        for t in (marks.coverage_text(summary.provisional_coverage), marks.partial_text(summary.provisional_partial))
        if t
    ]
    note = _("Provisional %(period)s: %(value)s") % {
        "period": period_label(summary.provisional_period),
        "value": summary.provisional_text,
    }
    return f"{note} ({'; '.join(extra)})" if extra else note


def trajectory_chart(indicator, target, data, width=None, height=220, forecast=None, planned=None) -> tuple[dict, dict]:
    """The trajectory spec and the planned points it was drawn from (the annex reuses them). `planned` is the
    plan's trajectory ({code: (start, end, value)}): a frozen pack's is the one in force when it was issued."""
    if planned is None:
        planned = series.trajectory(target) if target else {}
    spec = charts.trajectory_spec(
        indicator,
        target,
        forecast=forecast,
        actuals=[(r["period__end"].isoformat(), v) for r, v in data],
        planned=([(target.baseline_date.isoformat(), target.baseline_value)] if target else [])
        + [(end.isoformat(), v) for _, (_, end, v) in sorted(planned.items(), key=lambda kv: kv[1][0])],
        title=indicator.name,
    )
    spec["height"] = height
    if width:  # printing: a fixed width, and lines without a marker per point (far fewer SVG shapes to lay out)
        spec["width"] = width
        for layer in spec.get("layer", []):
            mark = layer.get("mark")
            if isinstance(mark, dict) and mark.get("type") == "line":
                mark["point"] = False
    return spec, planned


def _summary(ind, unit, plan, rows, today):
    """series.summarise on these rows, its partial periods judged on `today` (a frozen pack's own date)."""
    summary = series.summarise(ind, unit, plan, rows=rows)
    by_code = {r["period__code"]: r for r in rows or []}
    if summary.latest_period in by_code:
        summary.partial = series.partial_of(by_code[summary.latest_period], today)
    if summary.provisional_period in by_code:
        summary.provisional_partial = series.partial_of(by_code[summary.provisional_period], today)
    return summary


def _regions(root, units: bool, cache: dict) -> list:
    """The units just below the root (the pack's units table), read once per root."""
    if root is None or not units:
        return []
    if root.pk not in cache:
        cache[root.pk] = list(OrgUnit.objects.filter(parent=root).order_by("code"))
    return cache[root.pk]


def priority_performance(
    priority,
    *,
    units: bool = True,
    annex: bool = True,
    chart_width=None,
    chart_height=220,
    reader=None,
    root: str | None = None,
) -> dict:
    """Each outcome's indicators: summary, trajectory and forecast, units and annex. The `reader`
    (monitoring.asof) says where the figures come from: the live rollups, or the history as of a moment
    for a pack or report frozen when it was issued.

    Each indicator is read within one root (monitoring.roots.indicator_root): `root` (a unit's code) when
    given, else the default root, or the root the indicator reports under when its data lie under another;
    its units table lists that root's own units only, never another hierarchy's."""
    reader = reader or asof.reader(None)
    today = reader.today
    default, below = series.root_unit(code=root), {}  # once: the largest root is counted, not guessed
    outcomes = []
    for outcome in priority.outcomes.all():
        indicators = []
        for ind in sorted(outcome.indicators.all(), key=lambda i: (i.level != Indicator.Level.LEADING, i.rank)):
            root = roots.reporting_root(ind, default) if default is not None else None
            regions = _regions(root, units, below)
            plan = reader.plan(ind, [root.pk] + [r.pk for r in regions], root) if root else None
            rows = reader.rows(ind, root) if root else None
            summary = _summary(ind, root, plan, rows, today)
            data = series.series(ind, root, official=True, rows=rows) if root else []
            look = proposals.outlook(ind, root, plan, rows=rows) if (root and summary.target) else None
            spec, planned = trajectory_chart(
                ind,
                summary.target,
                data,
                width=chart_width,
                height=chart_height,
                forecast=look.forecast if look else None,
                planned=plan.points if plan is not None and plan.target is not None else None,
            )
            annex_rows = []
            if annex:
                for r, v in data[-ANNEX_PERIODS:]:
                    point = planned.get(r["period__code"])
                    annex_rows.append(
                        {
                            "period": r["period__code"],
                            "value": ind.fmt(v),
                            "planned": ind.fmt(point[2] if point else None),
                            "n": r["n"],
                            "incomplete": marks.incomplete_text(series.coverage_of(r, official=True), ind.completeness),
                            "partial": marks.partial_text(series.partial_of(r, today)),
                        }
                    )
            unit_rows = []
            for region in regions if ind.report_depth >= 2 else []:
                # Monitoring's plan holds a region without a target of its own to the national
                # planned change from its own baseline; the pack shows the same status as the heat maps.
                s = _summary(ind, region, plan, reader.rows(ind, region), today)
                unit_rows.append(
                    {"unit": region, "latest": s.latest_text, "trend": S.TRENDS[s.trend], "status": s.status}
                )
            chance = look.probability if look else None
            indicators.append(
                {
                    "indicator": ind,
                    "summary": summary,
                    "trend": S.TRENDS[summary.trend],  # the word, in the reader's language
                    "provisional": provisional_note(summary),
                    "spec": spec,
                    "chance": None
                    if chance is None
                    else _("%(n)s%%") % {"n": formats.number_format(round(100 * chance))},
                    "probability": chance,
                    "chart_id": f"chart-{ind.code}",
                    "annex": list(reversed(annex_rows)),
                    "units": unit_rows,
                }
            )
        outcomes.append({"outcome": outcome, "indicators": indicators})
    return {"priority": priority, "outcomes": outcomes}
