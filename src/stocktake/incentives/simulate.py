"""The fund's simulation, from its schemes' targets and trajectories, as numbers and a Vega-Lite chart."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stocktake.architecture.models import Period, Target
from stocktake.delivery import payments as PAY
from stocktake.delivery import periods as P
from stocktake.delivery import simulation as SIM
from stocktake.monitoring.chartlocale import MONTH, localised

from . import queries
from .models import Fund, Scheme

COLOURS = {"On trajectory": "#0b5cad", "10% short": "#d4a72c", "25% short": "#cf222e", "Exceeds by 10%": "#1a7f37"}
# The scenarios (delivery.simulation.SCENARIOS) as the reader's language names them.
# xgettext:no-python-format
SCENARIO_LABELS = {
    "On trajectory": gettext_lazy("On trajectory"),
    # xgettext:no-python-format
    "10% short": gettext_lazy("10% short"),
    # xgettext:no-python-format
    "25% short": gettext_lazy("25% short"),
    # xgettext:no-python-format
    "Exceeds by 10%": gettext_lazy("Exceeds by 10%"),
}


def scenario_label(name: str) -> str:
    return str(SCENARIO_LABELS.get(name, name))


def scheme_plan(scheme: Scheme) -> SIM.SchemePlan | None:
    """The scheme's planned path: the national trajectory's change, applied from where the unit starts.

    Only national targets carry a trajectory, so a region or a hospital is
    assumed to make the same change as the country from its own starting point.
    """
    target = Target.objects.filter(indicator=scheme.indicator, org_unit=None).first()
    if target is None:
        return None
    planned = {p.period.code: p.value for p in target.points.select_related("period")}
    start = Decimal(repr(target.baseline_value))
    national_start = start
    if scheme.org_unit.parent_id is not None:
        before = P.parse(scheme.first_period.code).previous()
        try:
            start, _ = queries.verified_result(scheme, Period.get(before))
        except (ValidationError, Period.DoesNotExist):  # nothing verified before the scheme: start from the plan
            pass
    codes = [p.code for p in P.between(scheme.period_kind, scheme.first_period.start, scheme.last_period.start)]
    path = [(c, start + Decimal(repr(planned[c])) - national_start) for c in codes if c in planned]
    if not path:
        return None
    return SIM.SchemePlan(scheme.name, scheme.parsed_rule(), start, path, scheme.cap_per_period, scheme.cap_total)


def fund_simulation(fund: Fund) -> dict:
    """Every scheme (drafts included) under each scenario, summed by period end, against the fund's budget."""
    schemes = list(
        fund.schemes.exclude(status=Scheme.Status.CLOSED).select_related(
            "indicator", "org_unit", "first_period", "last_period"
        )
    )
    plans, skipped = [], []
    for s in schemes:
        plan = scheme_plan(s)
        (plans.append(plan) if plan else skipped.append(s))
    outcomes = []
    for outcome in SIM.simulate(plans):
        by_end: dict[str, Decimal] = {}
        for code, amount in outcome.by_period.items():
            end = P.parse(code).end.isoformat()
            by_end[end] = by_end.get(end, PAY.ZERO) + amount
        running, rows = PAY.ZERO, []
        for end in sorted(by_end):
            running += by_end[end]
            rows.append({"date": end, "payout": by_end[end], "cumulative": running})
        outcomes.append(
            {
                "scenario": outcome.scenario,
                "label": scenario_label(outcome.scenario),
                "rows": rows,
                "total": outcome.total,
                "margin": fund.budget - outcome.total,
                "within": outcome.total <= fund.budget,
            }
        )
    return {"outcomes": outcomes, "skipped": skipped, "spec": chart_spec(fund, outcomes), "schemes": schemes}


def chart_spec(fund: Fund, outcomes: list[dict]) -> dict:
    rows = [
        {
            "date": r["date"],
            "scenario": o["label"],
            "cumulative": float(r["cumulative"]),
            "payout": float(r["payout"]),
        }
        for o in outcomes
        for r in o["rows"]
    ]
    names = [o["scenario"] for o in outcomes]
    labels = [o["label"] for o in outcomes]
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": _("%(fund)s: simulated payout against the budget") % {"fund": fund.name},
        "width": "container",
        "height": 320,
        "layer": [
            {
                "data": {"values": rows},
                "mark": {"type": "line", "point": {"size": 20}, "interpolate": "step-after"},
                "encoding": {
                    "x": {"field": "date", "type": "temporal", "title": _("End of payment period")},
                    "y": {
                        "field": "cumulative",
                        "type": "quantitative",
                        "title": _("Cumulative payout (%(currency)s)") % {"currency": fund.currency},
                    },
                    "color": {
                        "field": "scenario",
                        "type": "nominal",
                        "title": None,
                        "legend": {"orient": "bottom"},
                        "scale": {"domain": labels, "range": [COLOURS.get(n, "#57606a") for n in names]},
                    },
                    "tooltip": [
                        {"field": "scenario", "title": _("Scenario")},
                        {"field": "date", "type": "temporal", "format": MONTH, "title": _("End of payment period")},
                        {"field": "payout", "format": ",.2f", "title": _("paid in period")},
                        {"field": "cumulative", "format": ",.2f", "title": _("paid to date")},
                    ],
                },
            },
            {
                "data": {
                    "values": [
                        {
                            "budget": float(fund.budget),
                            "label": _("Budget %(currency)s %(amount)s")
                            % {
                                "currency": fund.currency,
                                "amount": formats.number_format(fund.budget, 0, use_l10n=True, force_grouping=True),
                            },
                        }
                    ]
                },
                "layer": [
                    {
                        "mark": {"type": "rule", "color": "#24292f", "strokeDash": [6, 3], "strokeWidth": 2},
                        "encoding": {"y": {"field": "budget", "type": "quantitative"}},
                    },
                    {
                        "mark": {"type": "text", "align": "left", "dy": -8, "x": 4, "fontWeight": "bold"},
                        "encoding": {"y": {"field": "budget", "type": "quantitative"}, "text": {"field": "label"}},
                    },
                ],
            },
        ],
    }
    return localised(spec)
