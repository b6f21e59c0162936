"""The portfolio and the indicator page with its trajectory chart."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from stocktake.accounts import permissions
from stocktake.architecture.models import Indicator, Pillar, Priority
from stocktake.delivery import status as S
from stocktake.web import panels as web_panels

from . import charts, series
from .models import OrgUnit

STATUS_RULE = (
    "Status compares the latest actual with the trajectory for the same period. "
    "Shortfall is how far the actual is behind plan in the direction that counts (being ahead is never a shortfall), "
    "measured against the whole planned change from baseline to target: "
    "on track up to {on:.0%}, slightly off up to {off:.0%}, off track beyond."
)


def portfolio(request):
    pillars = []
    for pillar in Pillar.objects.prefetch_related(
        Prefetch("priorities", queryset=permissions.visible_priorities(request.user, Priority.objects.all())),
        "priorities__tier", "priorities__lead_organisation", "priorities__outcomes__leader",
        "priorities__outcomes__indicators",
    ):
        priorities = []
        for priority in pillar.priorities.all():
            outcomes = []
            for outcome in priority.outcomes.all():
                outcomes.append({"outcome": outcome,
                                 "rows": [series.summarise(i) for i in outcome.indicators.all()]})
            priorities.append({"priority": priority, "outcomes": outcomes})
        pillars.append({"pillar": pillar, "priorities": priorities})
    counts = {code: 0 for code in S.LABELS}
    for p in pillars:
        for pr in p["priorities"]:
            for o in pr["outcomes"]:
                for row in o["rows"]:
                    if row.indicator.kind == Indicator.Kind.PERFORMANCE:
                        counts[row.status.code] += 1
    notes = web_panels.priority_notes(request, [pr["priority"].pk for p in pillars for pr in p["priorities"]])
    for p in pillars:
        for pr in p["priorities"]:
            pr["notes"] = notes.get(pr["priority"].pk, [])
    return render(request, "monitoring/portfolio.html", {
        "pillars": pillars, "panels": web_panels.portfolio_panels(request), "counts": [(c, S.LABELS[c], n) for c, n in counts.items()],
        "rule": STATUS_RULE.format(on=S.DEFAULT_ON_TRACK_BAND, off=S.DEFAULT_OFF_TRACK_BAND),
    })


def indicator_page(request, code):
    indicator = get_object_or_404(Indicator.objects.select_related("outcome__priority__pillar", "outcome__leader"), code=code)
    if not permissions.can_read_priority(request.user, indicator.outcome.priority):
        raise Http404("no such indicator")  # 404, not 403: an unpublished priority's existence is not public
    root = series.root_unit()
    if root is None:
        raise Http404("no org units yet")
    unit = root
    if request.GET.get("unit"):
        unit = get_object_or_404(OrgUnit, code=request.GET["unit"])
    summary = series.summarise(indicator, unit)
    target = summary.target
    data = series.series(indicator, unit)
    planned = series.trajectory(target) if target else {}
    rows = []
    for r, value in data:
        plan = planned.get(r["period__code"])
        plan_value = plan[2] if plan else None
        status = indicator.assess(value, plan_value, target) if target else S.Status(S.NO_DATA)
        rows.append({"period": r["period__code"], "value": indicator.fmt(value), "planned": indicator.fmt(plan_value),
                     "status": status, "n": r["n"]})
    spec = charts.trajectory_spec(
        indicator, target,
        actuals=[(r["period__end"].isoformat(), v) for r, v in data],
        planned=([(target.baseline_date.isoformat(), target.baseline_value)] if target else [])
        + [(end.isoformat(), v) for _, (_, end, v) in sorted(planned.items(), key=lambda kv: kv[1][0])],
        title=f"{indicator.name}: {unit.name}",
    )
    children = list(unit.children.order_by("name")) if unit.depth < indicator.report_depth else []
    return render(request, "monitoring/indicator.html", {
        "indicator": indicator, "unit": unit, "ancestors": unit.ancestors(), "children": children,
        "summary": summary, "target": target, "rows": list(reversed(rows)), "spec": spec,
        "revisions": target.revisions.all() if target else [],
        "rule": STATUS_RULE.format(on=indicator.on_track_band, off=indicator.off_track_band),
    })
