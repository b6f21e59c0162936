"""The public trajectory chart: published figures against the planned path, labelled in the reader's language.

The same Vega-Lite spec is drawn in the browser and rendered to SVG/PNG by vl-convert for downloads, so the
picture a journalist downloads is the one on the page. The spec carries the language's Vega locale
(monitoring.chartlocale, shared by every chart), so axes and tooltips write numbers and months the way the
page does.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from stocktake.architecture import translations as TR
from stocktake.monitoring.chartlocale import MONTH, localised, month_long_format

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"


def trajectory_spec(figure, width: str | int = "container") -> dict:
    """figure: a commitments.Figure with rows; the planned path only when its target is published."""
    ind = figure.indicator
    published, planned = _("Published figure"), _("Planned path")
    rows = [{"date": r["end"].isoformat(), "value": r["value"], "series": published} for r in figure.rows]
    rows += [
        {"date": r["end"].isoformat(), "value": r["planned"], "series": planned}
        for r in figure.rows
        if r["planned"] is not None
    ]
    marks = []
    if figure.target is not None:
        t = figure.target
        marks = [
            {"date": t.baseline_date.isoformat(), "value": t.baseline_value, "label": _("Baseline")},
            {"date": t.target_date.isoformat(), "value": t.target_value, "label": _("Target")},
        ]
    fmt = f",.{ind.decimals}f"
    spec = {
        "$schema": SCHEMA,
        "title": TR.text(ind, "name"),
        "width": width,
        "height": 300,
        "layer": [
            {
                "data": {"values": rows},
                "mark": {"type": "line", "point": {"size": 24}, "strokeWidth": 2},
                "encoding": {
                    "x": {"field": "date", "type": "temporal", "title": None, "axis": {"format": MONTH}},
                    "y": {
                        "field": "value",
                        "type": "quantitative",
                        "title": ind.unit,
                        "scale": {"zero": False},
                        "axis": {"format": fmt},
                    },
                    "color": {
                        "field": "series",
                        "type": "nominal",
                        "scale": {"domain": [published, planned], "range": ["#0b5cad", "#57606a"]},
                        "legend": {"orient": "bottom", "title": None},
                    },
                    "strokeDash": {
                        "field": "series",
                        "type": "nominal",
                        "scale": {"domain": [published, planned], "range": [[1, 0], [6, 3]]},
                        "legend": None,
                    },
                    "tooltip": [
                        {"field": "series", "title": " "},
                        {"field": "date", "type": "temporal", "format": month_long_format(), "title": _("Month")},
                        {"field": "value", "format": fmt, "title": _("Value")},
                    ],
                },
            },
            {
                "data": {"values": marks},
                "mark": {"type": "point", "shape": "diamond", "size": 140, "filled": True, "color": "#24292f"},
                "encoding": {
                    "x": {"field": "date", "type": "temporal"},
                    "y": {"field": "value", "type": "quantitative"},
                    "tooltip": [
                        {"field": "label", "title": " "},
                        {"field": "value", "format": fmt, "title": _("Value")},
                    ],
                },
            },
        ],
    }
    return localised(spec)


def render(spec: dict, fmt: str) -> bytes | str:
    """The chart as an SVG document (text) or a PNG image (bytes), sized for a file rather than a page."""
    import vl_convert as vlc

    spec = {**spec, "width": 800 if spec.get("width") == "container" else spec.get("width")}
    if fmt == "svg":
        return vlc.vegalite_to_svg(spec)
    return vlc.vegalite_to_png(spec, scale=2)
