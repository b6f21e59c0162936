"""Vega-Lite specs. One spec is drawn in the browser and rendered to SVG/PNG for PDFs."""

from __future__ import annotations

STATUS_COLOURS = {"on_track": "#1a7f37", "slightly_off": "#d4a72c", "off_track": "#cf222e", "no_data": "#8c959f"}


def trajectory_spec(indicator, target, actuals: list[tuple[str, float]], planned: list[tuple[str, float]],
                    title: str | None = None) -> dict:
    """The PMDU's picture: the planned path against actuals, baseline and target marked.

    actuals and planned are [(ISO date of period end, value)].
    """
    rows = [{"date": d, "value": v, "series": "Actual"} for d, v in actuals if v is not None]
    rows += [{"date": d, "value": v, "series": "Trajectory"} for d, v in planned]
    marks = []
    if target is not None:
        marks = [
            {"date": target.baseline_date.isoformat(), "value": target.baseline_value, "label": "Baseline"},
            {"date": target.target_date.isoformat(), "value": target.target_value, "label": "Target"},
        ]
    colour = {"domain": ["Actual", "Trajectory"], "range": ["#0b5cad", "#8c959f"]}
    y_title = f"{indicator.name} ({indicator.unit})"
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": title or indicator.name,
        "width": "container",
        "height": 320,
        "layer": [
            {
                "data": {"values": rows},
                "mark": {"type": "line", "point": {"size": 18}, "strokeWidth": 2},
                "encoding": {
                    "x": {"field": "date", "type": "temporal", "title": None},
                    "y": {"field": "value", "type": "quantitative", "title": y_title, "scale": {"zero": False}},
                    "color": {"field": "series", "type": "nominal", "scale": colour, "legend": {"orient": "bottom", "title": None}},
                    "strokeDash": {"field": "series", "type": "nominal",
                                   "scale": {"domain": ["Actual", "Trajectory"], "range": [[1, 0], [6, 3]]},
                                   "legend": {"orient": "bottom", "title": None}},
                    "tooltip": [{"field": "series"}, {"field": "date", "type": "temporal", "format": "%b %Y"},
                                {"field": "value", "format": f",.{indicator.decimals}f"}],
                },
            },
            {
                "data": {"values": marks},
                "mark": {"type": "point", "shape": "diamond", "size": 140, "filled": True, "color": "#24292f"},
                "encoding": {"x": {"field": "date", "type": "temporal"}, "y": {"field": "value", "type": "quantitative"},
                             "tooltip": [{"field": "label"}, {"field": "value"}]},
            },
            {
                "data": {"values": marks},
                "mark": {"type": "text", "dy": -12, "fontWeight": "bold", "color": "#24292f"},
                "encoding": {"x": {"field": "date", "type": "temporal"}, "y": {"field": "value", "type": "quantitative"},
                             "text": {"field": "label"}},
            },
        ],
    }
