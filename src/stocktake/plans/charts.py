"""Vega-Lite specs for plans: the composed trajectory, the 2x2 matrix and the delivery chain.

Each spec is drawn by web/static/web/charts.js in the browser and rendered
to SVG by vl_convert for PDFs, so the page and the paper agree; each carries
the reader's locale (monitoring.chartlocale), and every label a reader sees,
tooltips' included, is translated here.
"""

from __future__ import annotations

import json
import textwrap

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from stocktake.delivery import chains as CH
from stocktake.delivery import strategy_matrix as SM
from stocktake.monitoring.chartlocale import MONTH, localised

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
PALETTE = ["#0b5cad", "#2da44e", "#bf8700", "#8250df", "#cf222e", "#1b7c83", "#bc4c00", "#6e7781"]
LINK_COLOURS = {CH.INFLUENCE: "#24292f", CH.FUNDING: "#1a7f37", CH.FEEDBACK: "#8250df"}


def quadrant_labels() -> dict:
    """The matrix's four quadrants, keyed (high impact, hard), in the reader's language (delivery's
    strategy_matrix.QUADRANTS says them in English)."""
    return {
        (True, False): _("Do first: high impact, easier"),
        (True, True): _("Major effort: high impact, harder"),
        (False, False): _("Quick wins: lower impact, easier"),
        (False, True): _("Reconsider: lower impact, harder"),
    }


def strength_labels() -> dict:
    """A link's strength, 1 to 4, in words (delivery's chains.STRENGTHS says them in English)."""
    return {1: _("weak"), 2: _("fragile"), 3: _("sound"), 4: _("strong")}


def link_kind_labels() -> dict:
    return {CH.INFLUENCE: _("influence"), CH.FUNDING: _("funding"), CH.FEEDBACK: _("feedback")}


def axis_labels(labels) -> str:
    """A Vega expression naming each position of an axis by its label (a JSON array: any quote is safe)."""
    return json.dumps([str(label) for label in labels], ensure_ascii=False) + "[datum.value]"


def gap_label(ind, gap) -> str:
    """The gap between the composed trajectory and the target, in the indicator's unit; a gap between two
    percentages is in percentage points, not a percentage of anything."""
    if ind.unit == "%":
        return _("Gap %(n)s pp") % {"n": number_format(gap, ind.decimals, use_l10n=True)}
    return _("Gap %(n)s") % {"n": ind.fmt(gap)}


def wrap(name: str, width: int = 22) -> list[str]:
    """A label as lines of about `width` characters, so a long actor's name is shown whole, not cut."""
    return textwrap.wrap(name, width) or [name]


def composed_spec(ci, width="container") -> dict:
    """Stacked bands: the baseline (and its trend), then what each strategy adds, with the target and the gap."""
    ind, comp, target = ci.indicator, ci.composed, ci.target
    base_name = _("Baseline + historical trend") if ci.with_trend else _("Baseline")
    names = list(comp.names)
    bands, totals = [], []
    start = {"date": target.baseline_date.isoformat()}
    for row in [None, *comp.rows]:
        if row is None:
            d, base, parts = start["date"], target.baseline_value, [0.0] * len(names)
        else:
            d, base, parts = row.period.end.isoformat(), row.base, list(row.parts)
        lo = base
        for i, (name, part) in enumerate(zip(names, parts)):
            bands.append({"date": d, "series": name, "order": i + 1, "y": lo, "y2": lo + part, "adds": round(part, 6)})
            lo += part
        totals.append({"date": d, "value": round(lo, 6), "base": round(base, 6)})
    decimals = ind.decimals
    fmt = f",.{decimals}f"
    domain = names
    colour = {"domain": domain, "range": [PALETTE[i % len(PALETTE)] for i in range(len(domain))]}
    target_mark = [
        {
            "date": target.target_date.isoformat(),
            "value": target.target_value,
            "label": _("Target %(value)s") % {"value": ind.fmt(target.target_value)},
        }
    ]
    gap = comp.gap
    end = comp.at_target_date
    # the target's label sits on the far side from the composed end, the gap's on the near side: they never meet
    target_below = gap and end is not None and end > target.target_value
    layers = [
        {
            "data": {"values": bands},
            "mark": {"type": "area", "opacity": 0.75, "interpolate": "monotone"},
            "encoding": {
                "x": {"field": "date", "type": "temporal", "title": None, "axis": {"format": MONTH}},
                "y": {
                    "field": "y",
                    "type": "quantitative",
                    "title": ind.unit,  # the indicator's name is the chart's title; a long one was clipped here
                    "scale": {"zero": False},
                },
                "y2": {"field": "y2"},
                "color": {
                    "field": "series",
                    "type": "nominal",
                    "scale": colour,
                    "legend": {
                        "orient": "bottom",
                        "title": _("What each strategy adds"),
                        "columns": 2,
                        "labelLimit": 420,
                    },
                },
                "order": {"field": "order"},
                "tooltip": [
                    {"field": "series", "title": _("Strategy")},
                    {"field": "date", "type": "temporal", "format": MONTH, "title": _("Period ending")},
                    {"field": "adds", "title": _("Adds"), "format": f"+{fmt}"},
                ],
            },
        },
        {
            "data": {"values": totals},
            "mark": {"type": "line", "color": "#8c959f", "strokeDash": [4, 3]},
            "encoding": {
                "x": {"field": "date", "type": "temporal"},
                "y": {"field": "base", "type": "quantitative"},
                "tooltip": [{"field": "base", "title": base_name, "format": fmt}],
            },
        },
        {
            "data": {"values": totals},
            "mark": {"type": "line", "color": "#24292f", "strokeWidth": 2.5},
            "encoding": {
                "x": {"field": "date", "type": "temporal"},
                "y": {"field": "value", "type": "quantitative"},
                "tooltip": [
                    {"field": "date", "type": "temporal", "format": MONTH, "title": _("Period ending")},
                    {"field": "value", "title": _("Composed trajectory"), "format": fmt},
                ],
            },
        },
        {
            "data": {"values": target_mark},
            "mark": {"type": "point", "shape": "diamond", "size": 160, "filled": True, "color": "#cf222e"},
            "encoding": {
                "x": {"field": "date", "type": "temporal"},
                "y": {"field": "value", "type": "quantitative"},
                "tooltip": [{"field": "label", "title": " "}],
            },
        },
        {
            "data": {"values": target_mark},
            "mark": {
                "type": "text",
                "dy": 16 if target_below else -14,
                "fontWeight": "bold",
                "color": "#cf222e",
                "align": "right",
            },
            "encoding": {
                "x": {"field": "date", "type": "temporal"},
                "y": {"field": "value", "type": "quantitative"},
                "text": {"field": "label"},
            },
        },
    ]
    if gap:
        layers.append(
            {
                "data": {
                    "values": [
                        {
                            "date": target.target_date.isoformat(),
                            "from": end,
                            "to": target.target_value,
                            "label": gap_label(ind, gap),
                        }
                    ]
                },
                "layer": [
                    {
                        "mark": {"type": "rule", "color": "#cf222e", "strokeWidth": 3},
                        "encoding": {
                            "x": {"field": "date", "type": "temporal"},
                            "y": {"field": "from", "type": "quantitative"},
                            "y2": {"field": "to"},
                            "tooltip": [{"field": "label", "title": " "}],
                        },
                    },
                    {
                        "mark": {
                            "type": "text",
                            "align": "right",
                            "dx": -6,
                            "dy": -14 if target_below else 16,
                            "color": "#cf222e",
                            "fontWeight": "bold",
                        },
                        "encoding": {
                            "x": {"field": "date", "type": "temporal"},
                            "y": {"field": "from", "type": "quantitative"},
                            "text": {"field": "label"},
                        },
                    },
                ],
            }
        )
    spec = {
        "$schema": SCHEMA,
        "title": _("%(indicator)s: trajectory composed from the plan's strategies") % {"indicator": ind.name},
        "width": width,
        "height": 300,
        "layer": layers,
    }
    return localised(spec)


def matrix_spec(strategies, ranking: dict, width="container") -> dict:
    """Impact (up) against difficulty (right); hover to highlight, click a point to open the strategy."""
    quadrants = quadrant_labels()
    rows = []
    for s in strategies:
        if s.impact_score is None or s.difficulty_score is None:
            continue
        rows.append(
            {
                "name": s.name,
                "impact": s.impact_score,
                "difficulty": s.difficulty_score,
                "quadrant": quadrants[(s.impact_score >= SM.MIDPOINT, s.difficulty_score >= SM.MIDPOINT)],
                "cost": float(s.cost) if s.cost is not None else None,
                "value_rank": ranking.get(s.pk),
                "url": f"/plans/{s.priority.code}/strategies/{s.pk}/",
                "leader": str(s.leader) if s.leader_id else _("no single leader"),
            }
        )
    quads = [
        {"x": 0.6, "y": 5.75, "t": _("Do first")},
        {"x": 2.6, "y": 5.75, "t": _("Major effort")},
        {"x": 0.6, "y": 0.65, "t": _("Quick wins")},
        {"x": 2.6, "y": 0.65, "t": _("Reconsider")},
    ]
    x_axis = {"scale": {"domain": [0.5, 5.5]}, "axis": {"values": [1, 2, 3, 4, 5], "grid": False}}
    y_axis = {"scale": {"domain": [0.5, 5.9]}, "axis": {"values": [1, 2, 3, 4, 5], "grid": False}}
    spec = {
        "$schema": SCHEMA,
        "title": _("Strategies by impact and difficulty"),
        "width": width,
        "height": 320,
        "layer": [
            {
                "data": {"values": [{"v": 2.5}]},
                "mark": {"type": "rule", "color": "#d0d7de", "strokeDash": [4, 4]},
                "encoding": {"x": {"field": "v", "type": "quantitative"}},
            },
            {
                "data": {"values": [{"v": 2.5}]},
                "mark": {"type": "rule", "color": "#d0d7de", "strokeDash": [4, 4]},
                "encoding": {"y": {"field": "v", "type": "quantitative"}},
            },
            {
                "data": {"values": quads},
                "mark": {"type": "text", "color": "#8c959f", "fontSize": 12, "align": "left"},
                "encoding": {
                    "x": {"field": "x", "type": "quantitative"},
                    "y": {"field": "y", "type": "quantitative"},
                    "text": {"field": "t"},
                },
            },
            {
                "data": {"values": rows},
                "params": [
                    {
                        "name": "hover",
                        "select": {"type": "point", "on": "pointerover", "clear": "pointerout", "fields": ["name"]},
                    }
                ],
                "mark": {"type": "circle", "cursor": "pointer", "stroke": "#24292f"},
                "encoding": {
                    "x": {
                        "field": "difficulty",
                        "type": "quantitative",
                        "title": _("Difficulty (1 easy - 5 very hard)"),
                        **x_axis,
                    },
                    "y": {
                        "field": "impact",
                        "type": "quantitative",
                        "title": _("Impact (1 little - 5 transformative)"),
                        **y_axis,
                    },
                    "size": {"value": 420},
                    "color": {
                        "field": "quadrant",
                        "type": "nominal",
                        "legend": {"orient": "bottom", "title": None, "columns": 2, "labelLimit": 320},
                        "scale": {
                            "domain": [
                                quadrants[k] for k in [(True, False), (True, True), (False, False), (False, True)]
                            ],
                            "range": ["#1a7f37", "#bf8700", "#0b5cad", "#cf222e"],
                        },
                    },
                    "opacity": {"condition": {"param": "hover", "empty": True, "value": 0.95}, "value": 0.3},
                    "href": {"field": "url"},
                    "tooltip": [
                        {"field": "name", "title": _("Strategy")},
                        {"field": "leader", "title": _("Leader")},
                        {"field": "impact", "title": _("Impact")},
                        {"field": "difficulty", "title": _("Difficulty")},
                        {"field": "cost", "format": ",.0f", "title": _("Cost")},
                        {"field": "value_rank", "title": _("Rank by impact per unit cost")},
                    ],
                },
            },
            {
                "data": {"values": rows},
                "mark": {"type": "text", "dy": -18, "fontSize": 11},
                "encoding": {
                    "x": {"field": "difficulty", "type": "quantitative"},
                    "y": {"field": "impact", "type": "quantitative"},
                    "text": {"field": "name"},
                },
            },
        ],
    }
    return localised(spec)


def chain_spec(view, width="container") -> dict:
    """Actors placed by level, centre on the left and citizens on the right, with their links."""
    chain = view.chain
    levels = chain.levels
    pos = {}
    by_level: dict[int, list] = {}
    for a in view.actors:
        by_level.setdefault(a.level, []).append(a)
    for lvl, actors in by_level.items():
        n = len(actors)
        for i, a in enumerate(actors):
            pos[a.pk] = (lvl, (i + 1) / (n + 1))
    weakest = set()
    choke = set()
    if view.analysis:
        weakest = {tuple(map(int, w["link"])) for w in view.analysis.weakest}
        choke = {int(k) for k in view.analysis.choke_points}
    actor_kinds = {
        "leader": _("leader"),
        "actor": _("actor"),
        "choke point": _("choke point"),
        "frontline": _("frontline"),
    }
    nodes = [
        {
            "x": pos[a.pk][0],
            "y": pos[a.pk][1],
            "name": str(a),
            "lines": wrap(str(a)),
            "role": a.role,
            "level": levels[a.level],
            "kind": actor_kinds["choke point"]
            if a.pk in choke
            else actor_kinds["leader"]
            if a.leader
            else actor_kinds["frontline"]
            if a.frontline
            else actor_kinds["actor"],
        }
        for a in view.actors
    ]
    strengths, link_kinds = strength_labels(), link_kind_labels()
    edges = []
    for lk in view.links:
        (x, y), (x2, y2) = pos[lk.source_id], pos[lk.target_id]
        offset = 0.02 if lk.kind == CH.FEEDBACK else -0.02 if lk.kind == CH.FUNDING else 0.0
        edges.append(
            {
                "x": x,
                "y": y + offset,
                "x2": x2,
                "y2": y2 + offset,
                "kind": link_kinds.get(lk.kind, lk.kind),
                "strength": lk.strength,
                "label": strengths.get(lk.strength, str(lk.strength)),
                "weakest": _("yes") if (lk.source_id, lk.target_id) in weakest and lk.kind == CH.INFLUENCE else _("no"),
                "from": lk.source.name,
                "to": lk.target.name,
            }
        )
    x_axis = {
        "field": "x",
        "type": "quantitative",
        "title": None,
        "scale": {"domain": [-0.6, len(levels) - 0.4]},
        "axis": {
            "values": list(range(len(levels))),
            "labelExpr": axis_labels(levels),
            "grid": False,
            "orient": "bottom",
            "labelFontWeight": "bold",
        },
    }
    y_axis = {"field": "y", "type": "quantitative", "axis": None, "scale": {"domain": [0, 1]}}
    kinds = list(CH.LINK_KINDS)
    kind_names = [link_kinds[k] for k in kinds]
    spec = {
        "$schema": SCHEMA,
        "title": _("%(chain)s: centre (left) to citizens (right)") % {"chain": chain.name},
        "width": width,
        "height": max(300, 90 * max((len(v) for v in by_level.values()), default=1)),
        # links and actors are coloured on separate scales with separate legends
        "resolve": {"scale": {"color": "independent"}, "legend": {"color": "independent"}},
        "layer": [
            {
                "data": {"values": edges},
                "mark": {"type": "rule"},
                "encoding": {
                    "x": x_axis,
                    "y": y_axis,
                    "x2": {"field": "x2"},
                    "y2": {"field": "y2"},
                    "color": {
                        "field": "kind",
                        "type": "nominal",
                        "title": _("Link"),
                        "scale": {"domain": kind_names, "range": [LINK_COLOURS[k] for k in kinds]},
                        "legend": {"orient": "bottom"},
                    },
                    "strokeWidth": {
                        "field": "strength",
                        "type": "quantitative",
                        "title": _("Strength"),
                        "scale": {"domain": [1, 4], "range": [1, 6]},
                        "legend": None,
                    },
                    "strokeDash": {
                        "condition": {"test": {"field": "kind", "equal": link_kinds[CH.FEEDBACK]}, "value": [5, 4]},
                        "value": [1, 0],
                    },
                    "tooltip": [
                        {"field": "from", "title": pgettext("where a link in a chart starts", "From")},
                        {"field": "to", "title": pgettext("where a link in a chart ends", "To")},
                        {"field": "kind", "title": _("Link")},
                        {"field": "label", "title": _("strength")},
                        {"field": "weakest", "title": _("weakest on a path")},
                    ],
                },
            },
            {
                "data": {"values": nodes},
                "mark": {"type": "circle", "size": 500, "stroke": "#24292f"},
                "encoding": {
                    "x": {"field": "x", "type": "quantitative"},
                    "y": {"field": "y", "type": "quantitative"},
                    "color": {
                        "field": "kind",
                        "type": "nominal",
                        "title": _("Actor"),
                        "scale": {
                            "domain": list(actor_kinds.values()),
                            "range": ["#0b5cad", "#ffffff", "#cf222e", "#2da44e"],
                        },
                        "legend": {"orient": "bottom"},
                    },
                    "tooltip": [
                        {"field": "name", "title": _("Actor")},
                        {"field": "level", "title": _("Level")},
                        {"field": "role", "title": _("Role")},
                        {"field": "kind", "title": _("Kind")},
                    ],
                },
            },
            # labels below actors on even levels and above on odd ones, so neighbours' names do not collide
            *[
                {
                    "data": {"values": nodes},
                    "transform": [{"filter": f"datum.x % 2 == {parity}"}],
                    "mark": {"type": "text", "dy": dy, "fontSize": 10, "baseline": baseline, "lineHeight": 11},
                    "encoding": {
                        "x": {"field": "x", "type": "quantitative"},
                        "y": {"field": "y", "type": "quantitative"},
                        "text": {"field": "lines"},
                    },
                }
                for parity, dy, baseline in ((0, 15, "top"), (1, -15, "bottom"))
            ],
        ],
    }
    return localised(spec)


def toc_spec(nodes, links, stages, width="container") -> dict:
    """Theory of change: inputs (left) to impact (right), each box and arrow coloured by the organisation responsible."""
    labels = [label for _, label in stages]
    order = [s for s, _ in stages]
    by_stage: dict[str, list] = {}
    for n in nodes:
        if n.stage in order:
            by_stage.setdefault(n.stage, []).append(n)
    pos = {}
    for stage, items in by_stage.items():
        for i, n in enumerate(items):
            pos[n.pk] = (order.index(stage), (i + 1) / (len(items) + 1))
    rows = [
        {
            "x": pos[n.pk][0],
            "y": pos[n.pk][1],
            "text": n.text,
            "org": str(n.organisation or _("no organisation")),
            "indicator": n.indicator.name if n.indicator_id else "",
        }
        for n in nodes
        if n.pk in pos
    ]
    edges = [
        {
            "x": pos[lk.source_id][0],
            "y": pos[lk.source_id][1],
            "x2": pos[lk.target_id][0],
            "y2": pos[lk.target_id][1],
            "org": str(lk.organisation or _("no organisation")),
            "from": lk.source.text,
            "to": lk.target.text,
        }
        for lk in links
        if lk.source_id in pos and lk.target_id in pos
    ]
    x = {
        "field": "x",
        "type": "quantitative",
        "title": None,
        "scale": {"domain": [-0.6, len(order) - 0.4]},
        "axis": {
            "values": list(range(len(order))),
            "labelExpr": axis_labels(labels),
            "grid": False,
            "labelFontWeight": "bold",
        },
    }
    y = {"field": "y", "type": "quantitative", "axis": None, "scale": {"domain": [0, 1]}}
    colour = {
        "field": "org",
        "type": "nominal",
        "title": _("Responsible"),
        "legend": {"orient": "bottom", "labelLimit": 300},
    }
    spec = {
        "$schema": SCHEMA,
        "title": _("Theory of change: inputs to impact"),
        "width": width,
        "height": max(260, 80 * max((len(v) for v in by_stage.values()), default=1)),
        "layer": [
            {
                "data": {"values": edges},
                "mark": {"type": "rule", "strokeWidth": 2, "opacity": 0.7},
                "encoding": {
                    "x": x,
                    "y": y,
                    "x2": {"field": "x2"},
                    "y2": {"field": "y2"},
                    "color": colour,
                    "tooltip": [
                        {"field": "from", "title": pgettext("where a link in a chart starts", "From")},
                        {"field": "to", "title": pgettext("where a link in a chart ends", "To")},
                        {"field": "org", "title": _("Makes it hold")},
                    ],
                },
            },
            {
                "data": {"values": rows},
                "mark": {"type": "square", "size": 300, "stroke": "#24292f"},
                "encoding": {
                    "x": {"field": "x", "type": "quantitative"},
                    "y": {"field": "y", "type": "quantitative"},
                    "color": colour,
                    "tooltip": [
                        {"field": "text", "title": _("Step")},
                        {"field": "org", "title": _("Accountable")},
                        {"field": "indicator", "title": _("Indicator")},
                    ],
                },
            },
            {
                "data": {"values": rows},
                "mark": {"type": "text", "dy": 20, "fontSize": 10, "limit": 170},
                "encoding": {
                    "x": {"field": "x", "type": "quantitative"},
                    "y": {"field": "y", "type": "quantitative"},
                    "text": {"field": "text"},
                },
            },
        ],
    }
    return localised(spec)
