"""The design system's components as template tags (docs/design.md, "Components").

Every page draws a status, a figure or a small trend the same way, so the
markup lives here once: `{% load design %}` then

    {% pill status %}                     a status pill (never wraps), coloured by its code
    {% figure text unit coverage partial %}  a number with its unit, and marks when it stands for too few units
    {% sparkline points %}                plan and actual as a small inline SVG, drawn here (no script)

The sparkline is SVG written on the server from the series, so it needs no
JavaScript, passes the content security policy and prints.
"""

from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

WIDTH, HEIGHT, PAD = 96, 26, 3


@register.simple_tag
def pill(status, label=None):
    """A status pill: `status` is a delivery.status.Status (or anything with .code and .label)."""
    code = getattr(status, "code", None) or "no_data"
    text = label if label is not None else getattr(status, "label", "")
    return format_html('<span class="status status-{}">{}</span>', code, text)


@register.simple_tag
def figure(text, unit="", coverage=None, partial=None):
    """A figure as read: the value, its unit in small type, and a coverage mark when it stands for fewer
    units than expected (`coverage` with .reported/.expected) or a partial mark for an unfinished period."""
    marks = []
    if coverage is not None and getattr(coverage, "expected", 0) and coverage.reported < coverage.expected:
        marks.append(
            format_html(
                '<abbr class="figure-cov" title="{}">{}/{}</abbr>',
                _("%(n)s of %(m)s units reported") % {"n": coverage.reported, "m": coverage.expected},
                coverage.reported,
                coverage.expected,
            )
        )
    if partial:
        marks.append(format_html('<span class="partial-note">{}</span>', _("partial")))
    # "%" is already in the text (Indicator.fmt); a count needs no unit word
    shown_unit = "" if unit in ("", "%", "count") or text in ("", "–", None) else unit
    return format_html(
        '<span class="figure"><span class="figure-value">{}</span>{}{}</span>',
        text if text not in (None, "") else "–",
        format_html('<span class="figure-unit">{}</span>', shown_unit) if shown_unit else "",
        format_html_join("", "{}", ((m,) for m in marks)),
    )


def _scale(values, lo, hi, size, pad):
    span = (hi - lo) or 1.0
    return [None if v is None else pad + (size - 2 * pad) * (v - lo) / span for v in values]


def _path(xs, ys) -> str:
    """An SVG path through the known points; a gap in the data lifts the pen."""
    out, pen = [], "M"
    for x, y in zip(xs, ys):
        if y is None:
            pen = "M"
            continue
        out.append(f"{pen}{x:.1f},{y:.1f}")
        pen = "L"
    return " ".join(out)


@register.simple_tag
def sparkline(points, status="no_data", label=""):
    """Plan (dashed) and actual (solid, in the status colour) over the last periods, as inline SVG.

    `points` is a list of (actual, planned) pairs, oldest first; either may be None."""
    points = list(points or [])
    known = [v for pair in points for v in pair if v is not None]
    if len(points) < 2 or not known:
        return mark_safe('<span class="spark spark-empty" aria-hidden="true"></span>')
    lo, hi = min(known), max(known)
    step = (WIDTH - 2 * PAD) / (len(points) - 1)
    xs = [PAD + i * step for i in range(len(points))]
    ys_a = [None if y is None else HEIGHT - y for y in _scale([a for a, _p in points], lo, hi, HEIGHT, PAD)]
    ys_p = [None if y is None else HEIGHT - y for y in _scale([p for _a, p in points], lo, hi, HEIGHT, PAD)]
    last = next(((x, y) for x, y in zip(reversed(xs), reversed(ys_a)) if y is not None), None)
    dot = format_html('<circle cx="{}" cy="{}" r="2.2"/>', f"{last[0]:.1f}", f"{last[1]:.1f}") if last else ""
    title = label or _("Plan and actual, last %(n)s periods") % {"n": len(points)}
    return format_html(
        '<svg class="spark spark-{}" viewBox="0 0 {} {}" width="{}" height="{}" role="img" aria-label="{}">'
        '<title>{}</title><path class="spark-plan" d="{}"/><path class="spark-actual" d="{}"/>{}</svg>',
        status,
        WIDTH,
        HEIGHT,
        WIDTH,
        HEIGHT,
        title,
        title,
        _path(xs, ys_p),
        _path(xs, ys_a),
        dot,
    )


@register.filter
def percent(share, decimals=0):
    """A share (0-1) as a localised percentage: 0.625 -> "62%" (or "62,5 %" where the language says so)."""
    if share is None:
        return "–"
    return _("%(n)s%%") % {"n": number_format(round(100 * share, int(decimals)), int(decimals))}


@register.simple_tag
def sort_query(request, value):
    """This page's query string with `sort` set to `value` (filters kept), for a sortable column's header."""
    query = request.GET.copy()
    query.pop("open", None)
    query["sort"] = value
    return query.urlencode()
