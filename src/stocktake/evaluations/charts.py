"""Vega-Lite specs for an evaluation, drawn by the same chart machinery as the indicator page.

The trajectory chart shows the treated units' mean against the
counterfactual: the comparison units' mean moved to the treated units'
level over the pre window (what difference in differences assumes would
have happened without the intervention), with a shaded band as wide as the
headline estimate's 95% interval after the first start. The event study
shows the effect by periods since the start, each with its interval.
"""

from __future__ import annotations

from statistics import fmean

from django.utils.translation import gettext as _

from stocktake.delivery import periods as P
from stocktake.monitoring.chartlocale import MONTH, localised

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
TREATED_COLOUR = "#0b5cad"
COUNTERFACTUAL_COLOUR = "#8c959f"


def trajectory_points(result) -> list[dict]:
    """Per period: the treated mean, the comparison mean and the counterfactual with its band."""
    rep = result.report
    treated = {u.code for u, _s in result.spec.treated}
    pre_lo, pre_hi = result.pre
    by_period: dict[int, dict] = {}
    for r in result.rows:
        cell = by_period.setdefault(r.index, {"period": r.period, "t": [], "c": []})
        cell["t" if r.unit in treated else "c"].append(r.value)
    t_pre = [fmean(c["t"]) for i, c in by_period.items() if pre_lo <= i <= pre_hi and c["t"]]
    c_pre = [fmean(c["c"]) for i, c in by_period.items() if pre_lo <= i <= pre_hi and c["c"]]
    shift = (fmean(t_pre) - fmean(c_pre)) if t_pre and c_pre else 0.0
    half = (rep.group_time.high - rep.group_time.low) / 2
    out = []
    for i in sorted(by_period):
        cell = by_period[i]
        if not cell["c"] or not pre_lo <= i <= result.post[1]:
            continue
        cf = fmean(cell["c"]) + shift
        after = i >= result.first_start
        out.append(
            {
                "date": P.parse(cell["period"]).end.isoformat(),
                "period": cell["period"],
                "treated": fmean(cell["t"]) if cell["t"] else None,
                "comparison": fmean(cell["c"]),
                "counterfactual": cf,
                "low": cf - half if after else None,
                "high": cf + half if after else None,
            }
        )
    return out


def trajectory_spec(result, *, width="container") -> dict:
    ind = result.spec.indicator
    points = trajectory_points(result)
    fmt = f",.{ind.decimals}f"
    treated_label, cf_label = _("Treated units (mean)"), _("Counterfactual from the comparison units")
    lines = [
        {"date": p["date"], "value": p["treated"], "series": treated_label} for p in points if p["treated"] is not None
    ]
    lines += [{"date": p["date"], "value": p["counterfactual"], "series": cf_label} for p in points]
    band = [p for p in points if p["low"] is not None]
    start = P.parse(min(s for _u, s in result.spec.treated)).start.isoformat()
    colours = {"domain": [treated_label, cf_label], "range": [TREATED_COLOUR, COUNTERFACTUAL_COLOUR]}
    spec = {
        "$schema": SCHEMA,
        "title": _("%(indicator)s: treated units and their counterfactual") % {"indicator": ind.name},
        "width": width,
        "height": 300,
        "layer": [
            {
                "data": {"values": band},
                "mark": {"type": "area", "opacity": 0.2, "color": COUNTERFACTUAL_COLOUR},
                "encoding": {
                    "x": {"field": "date", "type": "temporal"},
                    "y": {"field": "low", "type": "quantitative"},
                    "y2": {"field": "high"},
                },
            },
            {
                "data": {"values": lines},
                "mark": {"type": "line", "point": {"size": 14}, "strokeWidth": 2},
                "encoding": {
                    "x": {"field": "date", "type": "temporal", "title": None},
                    "y": {
                        "field": "value",
                        "type": "quantitative",
                        "title": f"{ind.name} ({ind.unit})",
                        "scale": {"zero": False},
                    },
                    "color": {
                        "field": "series",
                        "type": "nominal",
                        "scale": colours,
                        "legend": {"orient": "bottom", "title": None, "labelLimit": 400},
                    },
                    "strokeDash": {
                        "field": "series",
                        "type": "nominal",
                        "scale": {"domain": [treated_label, cf_label], "range": [[1, 0], [6, 3]]},
                        "legend": None,
                    },
                    "tooltip": [
                        {"field": "series", "title": _("Series")},
                        {"field": "date", "type": "temporal", "format": MONTH, "title": _("Period ending")},
                        {"field": "value", "format": fmt, "title": _("Value")},
                    ],
                },
            },
            {
                "data": {"values": [{"date": start, "label": _("first start")}]},
                "mark": {"type": "rule", "strokeDash": [2, 2], "color": "#24292f"},
                "encoding": {"x": {"field": "date", "type": "temporal"}, "tooltip": [{"field": "label", "title": " "}]},
            },
        ],
    }
    return localised(spec)


def event_spec(result, *, width="container") -> dict:
    ind = result.spec.indicator
    rows = [
        {"e": pt.e, "effect": pt.effect, "low": pt.low, "high": pt.high, "units": pt.n_treated}
        for pt in result.report.event_study.points
    ]
    fmt = f",.{max(ind.decimals, 1)}f"
    x = {"field": "e", "type": "quantitative", "title": _("Periods since the start (−1 is the reference)")}
    spec = {
        "$schema": SCHEMA,
        # xgettext:no-python-format
        "title": _("Effect by periods since the start, with 95% intervals"),
        "width": width,
        "height": 240,
        "layer": [
            {
                "data": {"values": [{"y": 0}]},
                "mark": {"type": "rule", "color": "#8c959f"},
                "encoding": {"y": {"field": "y", "type": "quantitative"}},
            },
            {
                "data": {"values": [{"x": -0.5}]},
                "mark": {"type": "rule", "strokeDash": [2, 2], "color": "#24292f"},
                "encoding": {"x": {"field": "x", "type": "quantitative"}},
            },
            {
                "data": {"values": rows},
                "mark": {"type": "rule", "color": TREATED_COLOUR},
                "encoding": {
                    "x": x,
                    "y": {"field": "low", "type": "quantitative", "title": f"{_('Effect')} ({ind.unit})"},
                    "y2": {"field": "high"},
                },
            },
            {
                "data": {"values": rows},
                "mark": {"type": "point", "filled": True, "size": 40, "color": TREATED_COLOUR},
                "encoding": {
                    "x": x,
                    "y": {"field": "effect", "type": "quantitative"},
                    "tooltip": [
                        {"field": "e", "title": _("periods since the start")},
                        {"field": "effect", "format": fmt, "title": _("effect")},
                        {"field": "low", "format": fmt, "title": _("low")},
                        {"field": "high", "format": fmt, "title": _("high")},
                        {"field": "units", "title": _("treated units behind it")},
                    ],
                },
            },
        ],
    }
    return localised(spec)
