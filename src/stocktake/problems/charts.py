"""Vega-Lite specs: the trajectory with the date a review's actions started, and the stakeholder map.

The trajectory is routines' own chart (so it matches the pack) with one more
layer: a rule at the date the action plan started, so the effect can be seen
(seed 003: "you keep looking at your delivery trajectory to see if the
actions are working"). The map places each stakeholder on power and support,
shades the four zones with the seed's advice, and draws an arrow from where
they stood at the previous placement.
"""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext as _

from stocktake.monitoring import series
from stocktake.monitoring.chartlocale import localised
from stocktake.routines.performance import trajectory_chart

from . import levels as L


def trajectory_with_start(indicator, started_on, *, width=None) -> dict | None:
    root = series.root_unit()
    if root is None:
        return None
    plan = series.Plan.build(indicator, [root.pk], root=root)
    summary = series.summarise(indicator, root, plan)
    data = series.series(indicator, root, official=True)
    spec, _planned = trajectory_chart(indicator, summary.target, data, width=width, height=260)
    if started_on is not None:
        mark = [
            {
                "date": started_on.isoformat(),
                "label": _("Actions started %(d)s") % {"d": formats.date_format(started_on)},
            }
        ]
        spec["layer"] += [
            {
                "data": {"values": mark},
                "mark": {"type": "rule", "color": "#bc4c00", "strokeWidth": 2, "strokeDash": [4, 2]},
                "encoding": {"x": {"field": "date", "type": "temporal"}},
            },
            {
                "data": {"values": mark},
                "mark": {"type": "text", "align": "left", "dx": 4, "dy": -4, "color": "#bc4c00", "y": 0},
                "encoding": {"x": {"field": "date", "type": "temporal"}, "text": {"field": "label"}},
            },
        ]
    return spec


ZONE_BOXES = {  # power and support ranges of each zone, in map units (the scale runs 1 to 5)
    "less_influential": (0.5, 2.5, 0.5, 5.5),
    "skeptics": (2.5, 5.5, 0.5, 2.5),
    "moveable_middle": (2.5, 5.5, 2.5, 3.5),
    "champions": (2.5, 5.5, 3.5, 5.5),
}
ZONE_COLOURS = {
    "champions": "#dafbe1",
    "skeptics": "#ffebe9",
    "moveable_middle": "#fff8c5",
    "less_influential": "#f6f8fa",
}


def stakeholder_map(stakeholders, previous: dict, *, width=None) -> dict:
    """previous: {stakeholder id: (power, support)} at the placement before the latest, for the arrows."""
    zones = [
        {
            "p0": p0,
            "p1": p1,
            "s0": s0,
            "s1": s1,
            "zone": str(L.ZONES[key]["name"]),
            "advice": str(L.ZONES[key]["advice"]),
            "colour": ZONE_COLOURS[key],
        }
        for key, (p0, p1, s0, s1) in ZONE_BOXES.items()
    ]
    points = [
        {
            "name": s.name,
            "power": s.power,
            "support": s.support,
            "zone": str(L.ZONES[s.zone]["name"]),
            "role": s.role,
        }
        for s in stakeholders
    ]
    moves = [
        {
            "name": s.name,
            "power": previous[s.pk][0],
            "support": previous[s.pk][1],
            "power2": s.power,
            "support2": s.support,
        }
        for s in stakeholders
        if s.pk in previous and previous[s.pk] != (s.power, s.support)
    ]
    x = {
        "field": "support",
        "type": "quantitative",
        "title": _("Support (1 opposed – 5 supportive)"),
        "scale": {"domain": [0.5, 5.5]},
    }
    y = {
        "field": "power",
        "type": "quantitative",
        "title": _("Power to influence outcomes (1 – 5)"),
        "scale": {"domain": [0.5, 5.5]},
    }
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": _("Stakeholder map: power and support"),
        "width": width or "container",
        "height": 380,
        "layer": [
            {
                "data": {"values": zones},
                "mark": {"type": "rect", "opacity": 0.8},
                "encoding": {
                    "x": {"field": "s0", "type": "quantitative", "scale": {"domain": [0.5, 5.5]}, "title": x["title"]},
                    "x2": {"field": "s1"},
                    "y": {"field": "p0", "type": "quantitative", "scale": {"domain": [0.5, 5.5]}, "title": y["title"]},
                    "y2": {"field": "p1"},
                    "color": {"field": "colour", "type": "nominal", "scale": None},
                    "tooltip": [{"field": "zone", "title": _("Zone")}, {"field": "advice", "title": _("Advice")}],
                },
            },
            {
                "data": {"values": zones},
                "mark": {
                    "type": "text",
                    "align": "left",
                    "baseline": "top",
                    "dx": 4,
                    "dy": 4,
                    "fontWeight": "bold",
                    "color": "#57606a",
                },
                "encoding": {
                    "x": {"field": "s0", "type": "quantitative"},
                    "y": {"field": "p1", "type": "quantitative"},
                    "text": {"field": "zone"},
                },
            },
            {
                "data": {"values": moves},
                "mark": {"type": "rule", "color": "#8c959f", "strokeDash": [3, 2]},
                "encoding": {
                    "x": {"field": "support", "type": "quantitative"},
                    "y": {"field": "power", "type": "quantitative"},
                    "x2": {"field": "support2"},
                    "y2": {"field": "power2"},
                },
            },
            {
                "data": {"values": points},
                "mark": {"type": "point", "filled": True, "size": 120, "color": "#0b5cad"},
                "encoding": {
                    "x": x,
                    "y": y,
                    "tooltip": [
                        {"field": "name", "title": _("Stakeholder")},
                        {"field": "role", "title": _("Role")},
                        {"field": "zone", "title": _("Zone")},
                        {"field": "power", "title": _("Power")},
                        {"field": "support", "title": _("Support")},
                    ],
                },
            },
            {
                "data": {"values": points},
                "mark": {"type": "text", "dy": -10, "fontSize": 10},
                "encoding": {"x": x, "y": y, "text": {"field": "name"}},
            },
        ],
    }
    return localised(spec)
