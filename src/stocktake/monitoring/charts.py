"""Vega-Lite specs. One spec is drawn in the browser and rendered to SVG/PNG for PDFs.

Each spec leaves through chartlocale.localised, so it writes months and numbers in the reader's language;
every title, legend and tooltip label a reader sees is translated here (a tooltip without a title would show
the data's field name, in English).
"""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext as _

from stocktake.delivery import forecast as F
from stocktake.delivery import status as S

from .chartlocale import MONTH, localised

STATUS_COLOURS = {"on_track": "#1a7f37", "slightly_off": "#d4a72c", "off_track": "#cf222e", "no_data": "#8c959f"}


def trajectory_spec(
    indicator,
    target,
    actuals: list[tuple[str, float]],
    planned: list[tuple[str, float]],
    title: str | None = None,
    forecast=None,
    overlay: tuple[str, list] | None = None,
    unverified: list[tuple[str, float]] | None = None,
) -> dict:
    """The PMDU's picture: the planned path against actuals, baseline and target marked.

    actuals and planned are [(ISO date of period end, value)]. forecast is a
    delivery.forecast.Forecast drawn as a dashed line in its band, starting
    from the last actual so the eye follows one path; overlay is
    (label, [(date, value)]) for another org unit's actuals; unverified are
    the actuals not yet validated, ringed in white so nobody mistakes them
    for official figures.
    """
    actual, trajectory = _("Actual"), _("Trajectory")
    rows = [{"date": d, "value": v, "series": actual} for d, v in actuals if v is not None]
    rows += [{"date": d, "value": v, "series": trajectory} for d, v in planned]
    marks = []
    if target is not None:
        marks = [
            {"date": target.baseline_date.isoformat(), "value": target.baseline_value, "label": _("Baseline")},
            {"date": target.target_date.isoformat(), "value": target.target_value, "label": _("Target")},
        ]
    colour = {"domain": [actual, trajectory], "range": ["#0b5cad", "#8c959f"]}
    y_title = f"{indicator.name} ({indicator.unit})"
    spec = {
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
                    "color": {
                        "field": "series",
                        "type": "nominal",
                        "scale": colour,
                        "legend": {"orient": "bottom", "title": None},
                    },
                    "strokeDash": {
                        "field": "series",
                        "type": "nominal",
                        "scale": {"domain": [actual, trajectory], "range": [[1, 0], [6, 3]]},
                        "legend": {"orient": "bottom", "title": None},
                    },
                    "tooltip": [
                        {"field": "series", "title": _("Series")},
                        {"field": "date", "type": "temporal", "format": MONTH, "title": _("Period ending")},
                        {"field": "value", "format": f",.{indicator.decimals}f", "title": _("Value")},
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
                        {"field": "value", "format": f",.{indicator.decimals}f", "title": _("Value")},
                    ],
                },
            },
            {
                "data": {"values": marks},
                "mark": {"type": "text", "dy": -12, "fontWeight": "bold", "color": "#24292f"},
                "encoding": {
                    "x": {"field": "date", "type": "temporal"},
                    "y": {"field": "value", "type": "quantitative"},
                    "text": {"field": "label"},
                },
            },
            *unverified_layers(indicator, unverified),
            *forecast_layers(indicator, forecast, actuals),
            *overlay_layers(indicator, overlay),
        ],
    }
    return localised(spec)


FORECAST_COLOUR = "#8250df"
OVERLAY_COLOUR = "#bc4c00"


def forecast_layers(indicator, forecast, actuals) -> list[dict]:
    if forecast is None or not forecast.points:
        return []
    first = forecast.points[0].on.isoformat()
    last = [(d, v) for d, v in actuals if v is not None and d < first][-1:]  # the last official actual
    rows = [{"date": d, "mean": v, "low": v, "high": v} for d, v in last]
    rows += [{"date": p.on.isoformat(), "mean": p.mean, "low": p.low, "high": p.high} for p in forecast.points]
    label = _("Forecast (%(method)s, %(band)s%% band)") % {
        "method": _(F.METHOD_NAMES.get(forecast.method, forecast.method)),
        "band": formats.number_format(round(100 * forecast.level)),
    }
    fmt = f",.{indicator.decimals}f"
    return [
        {
            "data": {"values": rows},
            "mark": {"type": "area", "opacity": 0.18, "color": FORECAST_COLOUR},
            "encoding": {
                "x": {"field": "date", "type": "temporal"},
                "y": {"field": "low", "type": "quantitative"},
                "y2": {"field": "high"},
            },
        },
        {
            "data": {"values": rows},
            "mark": {"type": "line", "strokeDash": [4, 4], "strokeWidth": 2, "color": FORECAST_COLOUR},
            "encoding": {
                "x": {"field": "date", "type": "temporal"},
                "y": {"field": "mean", "type": "quantitative"},
                "tooltip": [
                    {"field": "date", "type": "temporal", "format": MONTH, "title": label},
                    {"field": "mean", "format": fmt, "title": _("forecast")},
                    {"field": "low", "format": fmt, "title": _("low")},
                    {"field": "high", "format": fmt, "title": _("high")},
                ],
            },
        },
    ]


def unverified_layers(indicator, unverified) -> list[dict]:
    if not unverified:
        return []
    rows = [
        {"date": d, "value": v, "label": _("Unverified: submitted, not yet validated")}
        for d, v in unverified
        if v is not None
    ]
    return [
        {
            "data": {"values": rows},
            "mark": {
                "type": "point",
                "shape": "circle",
                "size": 90,
                "filled": True,
                "color": "#ffffff",
                "stroke": "#0b5cad",
                "strokeWidth": 2,
            },
            "encoding": {
                "x": {"field": "date", "type": "temporal"},
                "y": {"field": "value", "type": "quantitative"},
                "tooltip": [
                    {"field": "label", "title": " "},
                    {"field": "date", "type": "temporal", "format": MONTH, "title": _("Period ending")},
                    {"field": "value", "format": f",.{indicator.decimals}f", "title": _("Value")},
                ],
            },
        }
    ]


def overlay_layers(indicator, overlay) -> list[dict]:
    if not overlay:
        return []
    label, points = overlay
    rows = [{"date": d, "value": v, "series": label} for d, v in points if v is not None]
    return [
        {
            "data": {"values": rows},
            "mark": {"type": "line", "point": {"size": 12}, "color": OVERLAY_COLOUR},
            "encoding": {
                "x": {"field": "date", "type": "temporal"},
                "y": {"field": "value", "type": "quantitative"},
                "tooltip": [
                    {"field": "series", "title": _("Series")},
                    {"field": "date", "type": "temporal", "format": MONTH, "title": _("Period ending")},
                    {"field": "value", "format": f",.{indicator.decimals}f", "title": _("Value")},
                ],
            },
        }
    ]


def status_scale() -> dict:
    return {"domain": [S.LABELS[c] for c in STATUS_COLOURS], "range": list(STATUS_COLOURS.values())}


def heatmap_spec(title: str, cells: list[dict], x_title: str, y_title: str) -> dict:
    """cells: {"x", "y", "status" (label), "value" (text)}; colour is the status, never the raw value."""
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": title,
        "width": "container",
        "height": {"step": 18},
        "data": {"values": cells},
        "mark": {"type": "rect", "stroke": "#ffffff", "strokeWidth": 1},
        "encoding": {
            "x": {"field": "x", "type": "ordinal", "title": x_title, "sort": None, "axis": {"labelAngle": -40}},
            "y": {"field": "y", "type": "ordinal", "title": y_title, "sort": None},
            "color": {
                "field": "status",
                "type": "nominal",
                "scale": status_scale(),
                "legend": {"orient": "bottom", "title": None},
            },
            "tooltip": [
                {"field": "y", "title": y_title},
                {"field": "x", "title": x_title},
                {"field": "value", "title": _("Value")},
                {"field": "status", "title": _("Status")},
            ],
        },
    }
    return localised(spec)


def league_spec(title: str, rows: list[dict], unit_label: str) -> dict:
    """rows: {"unit", "value", "status" (label)} in rank order."""
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": title,
        "width": "container",
        "height": {"step": 16},
        "data": {"values": rows},
        "mark": "bar",
        "encoding": {
            "y": {"field": "unit", "type": "nominal", "sort": None, "title": None},
            "x": {"field": "value", "type": "quantitative", "title": unit_label},
            "color": {
                "field": "status",
                "type": "nominal",
                "scale": status_scale(),
                "legend": {"orient": "bottom", "title": None},
            },
            "tooltip": [
                {"field": "unit", "title": " "},  # a unit's or an indicator's name: it says what it is
                {"field": "value", "title": unit_label},
                {"field": "status", "title": _("Status")},
            ],
        },
    }
    return localised(spec)


def for_file(spec: dict, width: int = 900) -> dict:
    """A copy of a page spec that renders outside a browser: no container to size against."""
    out = dict(spec)
    if out.get("width") == "container":
        out["width"] = width
    return out
