"""Charts in the reader's language: months, days and numbers written per locale, on the page and on paper.

Each spec is built under the language, as a request in that language builds it, and rendered by vl-convert, the
renderer of the PDFs and the SVG downloads: the words a reader sees are the <text> elements of the SVG. The
expected words are written here, not read from monitoring.chartlocale, so a wrong locale table fails.
A second check walks every chart spec: each tooltip line has a title (else Vega shows the data's field name,
in English), and the titles and legends a reader sees are in the reader's language.
"""

from __future__ import annotations

import re
from datetime import date
from types import SimpleNamespace as NS

import pytest
import vl_convert
from django.utils import translation

from stocktake.delivery import chains as CH
from stocktake.monitoring import chartlocale, charts

ENGLISH_MONTH = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\w*")
MONTHS = {  # a month name on the page's axis, a month on paper's axis ("%b %Y"), the written-out month
    "en": ("March", "Apr 2026", "March 2026"),
    "es": ("marzo", "abr 2026", "marzo de 2026"),
    "pt": ("março", "abr 2026", "março de 2026"),
    "fr": ("mars", "avr. 2026", "mars 2026"),
}
DECIMAL = {"en": "0.6", "es": "0,6", "pt": "0,6", "fr": "0,6"}  # a tick of the y-axis (0.4 to 1.6)
THOUSANDS = {"en": "1,500", "es": "1.500", "pt": "1.500", "fr": "1\u00a0500"}
PERCENT = {"en": "86.6%", "es": "86,6\u00a0%", "pt": "86,6%", "fr": "86,6\u00a0%"}


def texts(svg: str) -> list[str]:
    """The words drawn in an SVG (its <text> elements), entities decoded."""
    found = re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)
    return [t.replace("&amp;", "&").replace("&#39;", "'").replace("&quot;", '"') for t in found]


def trajectory(lang: str) -> dict:
    """The indicator page's trajectory (forecast aside) under the language, as a request in it builds it."""
    ind = NS(name="Vacunación", unit="%", decimals=1)
    target = NS(baseline_date=date(2025, 12, 31), baseline_value=0.4, target_date=date(2026, 12, 31), target_value=1.6)
    actuals = [(date(2026, m, 28).isoformat(), round(0.4 + 0.07 * m, 2)) for m in range(1, 8)]
    planned = [(date(2026, m, 28).isoformat(), round(0.4 + 0.1 * m, 2)) for m in range(1, 13)]
    with translation.override(lang):
        return charts.trajectory_spec(ind, target, actuals, planned)


@pytest.mark.parametrize("lang", ["es", "pt", "fr"])
def test_a_chart_in_spanish_portuguese_or_french_writes_its_months_and_decimals_so(lang):
    page = texts(vl_convert.vegalite_to_svg(charts.for_file(trajectory(lang))))
    assert MONTHS[lang][0] in page, page
    assert DECIMAL[lang] in page and DECIMAL["en"] not in page, page
    assert not [t for t in page if ENGLISH_MONTH.search(t)], page


@pytest.mark.parametrize("lang", ["en", "es", "pt", "fr"])
def test_the_printed_chart_writes_the_month_of_its_language(lang):
    """The PDF's path: routines' print spec (month and year on the x-axis) through its cached renderer."""
    from stocktake.routines import render

    with translation.override(lang):  # the renderer's own time locale follows the language too
        paper = texts(render.svg(render.print_spec(trajectory(lang), 560, 220)))
    assert MONTHS[lang][1] in paper, paper
    assert DECIMAL[lang] in paper, paper
    if lang != "en":
        assert not [t for t in paper if ENGLISH_MONTH.search(t)], paper


@pytest.mark.parametrize("lang", ["en", "es", "pt", "fr"])
def test_written_out_months_thousands_and_percentages_follow_the_language(lang):
    """The tooltip's month ("marzo de 2026"), grouped thousands ("1.500") and a percentage ("86,6 %"),
    drawn as text marks so the SVG shows them."""
    with translation.override(lang):
        spec = chartlocale.localised(
            {
                "data": {"values": [{"d": "2026-03-15", "n": 1500, "p": 0.866}]},
                "width": 300,
                "layer": [
                    {
                        "mark": {"type": "text", "dy": dy},
                        "encoding": {"text": {"field": field, "format": fmt, **extra}},
                    }
                    for dy, field, fmt, extra in [
                        (-20, "d", chartlocale.month_long_format(), {"type": "temporal"}),
                        (0, "n", ",.0f", {}),
                        (20, "p", ".1%", {}),
                    ]
                ],
            }
        )
    drawn = texts(vl_convert.vegalite_to_svg(spec))
    assert drawn == [MONTHS[lang][2], THOUSANDS[lang], PERCENT[lang]]


def test_a_language_the_charts_do_not_know_falls_back_to_english_and_regions_to_their_language():
    assert chartlocale.language("es-AR") == "es" and chartlocale.language("pt_BR") == "pt"
    assert chartlocale.language("de") == "en"
    with translation.override("fr"):
        assert chartlocale.vega_locale()["time"]["months"][2] == "mars"


# Every label a reader sees ------------------------------------------------------------------------------------

CONTENT = "Zq"  # names a government writes (indicators, strategies, actors) start so: content, not interface
SAME_WORD = {"es": {"Actor"}, "fr": {"Impact", "Zone", "fragile"}}  # words the language writes as English does


class Actor:
    """A delivery chain's actor as chain_spec reads it (its name is its str)."""

    def __init__(self, pk: int, level: int):
        self.pk, self.level, self.leader, self.frontline = pk, level, level == 0, level == 1
        self.name, self.role = f"{CONTENT} actor {pk}", f"{CONTENT} role"

    def __str__(self) -> str:
        return self.name


def every_spec(lang: str) -> dict:
    """One of each chart our apps draw, built from stand-ins for their models under the language."""
    from stocktake.evaluations import charts as evaluation_charts
    from stocktake.incentives import simulate
    from stocktake.plans import charts as plan_charts
    from stocktake.problems import charts as problem_charts

    ind = NS(name=f"{CONTENT} homicides", unit=f"{CONTENT} rate", decimals=1, fmt=lambda v: f"{v:.1f}")
    target = NS(baseline_date=date(2025, 1, 31), baseline_value=10.0, target_date=date(2026, 12, 31), target_value=6.0)
    points = [NS(on=date(2026, m, 28), mean=9.0 - 0.1 * m, low=8.0, high=10.0) for m in (8, 9)]
    forecast = NS(points=points, method="linear", level=0.8)
    actuals = [(date(2026, m, 28).isoformat(), 10.0 - 0.2 * m) for m in range(1, 8)]
    planned = [(date(2026, m, 28).isoformat(), 10.0 - 0.3 * m) for m in range(1, 13)]
    strategy = NS(
        name=f"{CONTENT} patrols",
        impact_score=4,
        difficulty_score=2,
        cost=1000,
        pk=1,
        priority=NS(code="p"),
        leader_id=None,
        leader=None,
    )
    actors = [Actor(1, 0), Actor(2, 1)]
    link = NS(source_id=1, target_id=2, kind=CH.FEEDBACK, strength=2, source=actors[0], target=actors[1], pk=1)
    chain = NS(chain=NS(levels=[f"{CONTENT} centre", f"{CONTENT} school"], name=f"{CONTENT} chain"))
    chain.actors, chain.links, chain.analysis = actors, [link], None
    node = NS(pk=1, stage="input", text=f"{CONTENT} money", organisation=None, indicator_id=None)
    node2 = NS(pk=2, stage="output", text=f"{CONTENT} classes", organisation=None, indicator_id=None)
    toc_link = NS(source_id=1, target_id=2, organisation=None, source=node, target=node2)
    composed = NS(
        names=[f"{CONTENT} patrols"],
        rows=[NS(period=NS(end=date(2026, 6, 30)), base=9.0, parts=[-1.0])],
        gap=1.0,
        at_target_date=7.0,
    )
    stakeholder = NS(name=f"{CONTENT} mayor", power=4, support=2, zone="skeptics", role=f"{CONTENT} r", pk=1)
    event = NS(e=0, effect=1.0, low=0.5, high=1.5, n_treated=3)
    result = NS(spec=NS(indicator=ind), report=NS(event_study=NS(points=[event])))
    fund = NS(name=f"{CONTENT} fund", currency="USD", budget=1000)
    outcome = {
        "label": f"{CONTENT} likely",
        "scenario": "likely",
        "rows": [{"date": "2026-06-30", "cumulative": 1, "payout": 1}],
    }
    with translation.override(lang):
        return {
            "trajectory": charts.trajectory_spec(
                ind,
                target,
                actuals,
                planned,
                forecast=forecast,
                overlay=(f"{CONTENT} R05", actuals),
                unverified=actuals,
            ),
            "heatmap": charts.heatmap_spec(
                f"{CONTENT} map",
                [{"x": "2026-01", "y": f"{CONTENT} R01", "status": "x", "value": "1"}],
                f"{CONTENT} x",
                f"{CONTENT} y",
            ),
            "league": charts.league_spec(
                f"{CONTENT} league", [{"unit": f"{CONTENT} R01", "value": 1, "status": "x"}], f"{CONTENT} u"
            ),
            "composed": plan_charts.composed_spec(
                NS(indicator=ind, composed=composed, target=target, with_trend=False)
            ),
            "matrix": plan_charts.matrix_spec([strategy], {1: 1}),
            "chain": plan_charts.chain_spec(chain),
            "toc": plan_charts.toc_spec([node, node2], [toc_link], [("input", "Inputs"), ("output", "Outputs")]),
            "event": evaluation_charts.event_spec(result),
            "stakeholders": problem_charts.stakeholder_map([stakeholder], {}),
            "payout": simulate.chart_spec(fund, [outcome]),
        }


def labels(node, path="") -> list[tuple[str, object]]:
    """(where, text) of every title, legend and tooltip label in a spec, and each tooltip line without a title."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            where = f"{path}.{key}"
            if key == "tooltip" and isinstance(value, list):
                for i, line in enumerate(value):
                    found.append((f"{where}[{i}]", line.get("title", KeyError)))
            elif key == "title" and isinstance(value, str):
                found.append((where, value))
            elif key in ("text", "t", "label", "quadrant", "kind", "series") and isinstance(value, str):
                found.append((where, value))  # words drawn on the chart or shown in its legend
            else:
                found += labels(value, where)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            found += labels(item, f"{path}[{i}]")
    return found


def test_every_tooltip_line_of_every_chart_has_a_title():
    untitled = [(name, where) for name, spec in every_spec("en").items() for where, t in labels(spec) if t is KeyError]
    assert untitled == []


@pytest.mark.parametrize("lang", ["es", "fr"])
def test_every_title_legend_and_tooltip_label_of_every_chart_is_translated(lang):
    english, other = every_spec("en"), every_spec(lang)
    left = []
    for name in english:
        assert other[name]["config"]["locale"] == chartlocale.vega_locale(lang), name
        for (where, en), (_where, there) in zip(labels(english[name]), labels(other[name])):
            words = re.sub(r"[\W\d_]+", " ", str(en)).strip()
            if not words or str(en).startswith(CONTENT) or en in SAME_WORD[lang]:
                continue
            if there == en:
                left.append(f"{name}{where}: {en!r}")
    assert not left, "\n".join(left)
