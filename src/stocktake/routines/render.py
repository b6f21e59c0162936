"""PDFs (WeasyPrint, from the same templates as the pages) and Excel workbooks (openpyxl).

Charts in a PDF are the page's own Vega-Lite specs rendered to SVG by
vl-convert, so print and screen show the same picture. For print a spec gets a
size for its place on the page, the font the PDF uses (so vl-convert measures
labels as WeasyPrint draws them, and the x-axis labels never run together),
and a bounded number of date ticks. Each figure is rendered once: the SVG is
kept in Django's cache under the hash of its spec (this process's memory by
default, the database cache table when STOCKTAKE_CACHE_TABLE is set), so the
next document that shows the same figure reuses it.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import io
import json
import re
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext as _

from stocktake.architecture.fiscal import label as period_label
from stocktake.delivery import status as S
from stocktake.delivery import workbook as look
from stocktake.delivery.cells import safe_workbook
from stocktake.monitoring.marks import partial_text

PAPERS = {"a4": "A4", "letter": "letter"}
# Where Letter is the usual paper (the Americas that use US sizes, and the Philippines).
LETTER_REGIONS = {"US", "CA", "MX", "PH", "CL", "CO", "VE", "GT", "CR", "PA", "DO", "PR", "SV", "NI", "HN", "BO"}
PRINT_CHART_WIDTH = 560  # CSS px: fits the text width of both A4 and Letter with 15 mm margins
SIDE_CHART_WIDTH = 250  # a report's figure beside its judgements (about 310 px with its axes: 45% of the text)
EVALUATION_CHART_WIDTH = 400
PRINT_FONT = "DejaVu Sans"  # the PDF's font (print.html): vl-convert must measure labels with it
CACHE_SECONDS = 24 * 3600

Progress = Callable[[int, int, str], None]  # (step, of steps, what is being done)


def paper(request) -> str:
    """?paper=a4|letter, else STOCKTAKE_PAPER, else Letter for a reader whose language names a Letter country."""
    value = (request.GET.get("paper") or "").lower()
    return value if value in PAPERS else default_paper(request)


def default_paper(request=None) -> str:
    if settings.STOCKTAKE_PAPER in PAPERS:
        return settings.STOCKTAKE_PAPER
    accept = request.META.get("HTTP_ACCEPT_LANGUAGE", "") if request is not None else ""
    first = accept.split(",")[0].split(";")[0].strip()
    region = first.replace("_", "-").split("-")[1].upper() if "-" in first.replace("_", "-") else ""
    return "letter" if region in LETTER_REGIONS else "a4"


def print_spec(spec: dict, width: int = PRINT_CHART_WIDTH, height: int | None = None) -> dict:
    """A copy of a page's chart spec sized for paper, in the PDF's font, with tidy date ticks.

    The y-axis title drops the indicator's name the chart title already gives (it was clipped at
    the page's edge); the x-axis has one label a year on a multi-year chart (else month and year, one
    per ~100 px), and labels that would touch are dropped rather than run together."""
    out = copy.deepcopy(spec)
    out["width"] = width
    if height:
        out["height"] = height
    title = out.get("title") if isinstance(out.get("title"), str) else ""
    for layer in out.get("layer", []):
        y = layer.get("encoding", {}).get("y", {})
        if title and isinstance(y.get("title"), str) and y["title"].startswith(f"{title} ("):
            y["title"] = y["title"][len(title) + 2 : -1]
    years = _span_years(out)
    by_year = years >= 2  # a multi-year trajectory: one label a year ("2025"), thinned if they would touch
    out["config"] = {
        **out.get("config", {}),
        "font": PRINT_FONT,
        "axisX": {
            "format": "%Y" if by_year else "%b %Y",
            "tickCount": {"interval": "year", "step": max(1, -(-years * 40 // width))}
            if by_year
            else max(2, width // 100),
            "labelOverlap": "greedy",
            "labelSeparation": 6,
            "labelFlush": True,
            "labelAngle": 0,
            "labelFontSize": 9,
        },
        "axisY": {"labelFontSize": 9, "titleFontSize": 9},
        "legend": {"labelFontSize": 9},
        "title": {"fontSize": 11},
        "text": {"fontSize": 9},
    }
    return out


TIME_LOCALES = {"en": "en-GB", "es": "es-ES", "fr": "fr-FR", "pt": "pt-BR"}  # month names on the x-axis


def time_locale() -> str:
    """The d3 time-format locale of the active language, so 'Jan 2026' reads 'ene 2026' in Spanish."""
    from django.utils import translation

    language = (translation.get_language() or "en").split("-")[0]
    return TIME_LOCALES.get(language, "en-GB")


def _span_years(spec: dict) -> int:
    """How many calendar years the chart's dates cross (ISO dates in its layers' inline data)."""
    years = [
        int(str(row["date"])[:4])
        for layer in spec.get("layer", [])
        for row in (layer.get("data") or {}).get("values", [])
        if isinstance(row, dict) and str(row.get("date", ""))[:4].isdigit()
    ]
    return max(years) - min(years) if years else 0


def spec_key(spec: dict, locale: str = "") -> str:
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"), default=str)
    return "stocktake:chart-svg:" + hashlib.sha256(f"{locale}|{text}".encode()).hexdigest()


def svg(spec: dict) -> str:
    """The SVG of one figure, rendered by vl-convert once and then taken from the cache."""
    locale = time_locale()
    key = spec_key(spec, locale)
    found = cache.get(key)
    if found is None:
        import vl_convert

        found = vl_convert.vegalite_to_svg(spec, time_format_locale=locale)
        cache.set(key, found, CACHE_SECONDS)
    return found


def figure(spec: dict, *, alt: str) -> str:
    """The figure as an <img> of its SVG: WeasyPrint then parses the SVG as XML once, instead of its
    HTML parser and CSS cascade walking every shape (a third of the 50-priority report's layout time)."""
    data = base64.b64encode(svg(spec).encode()).decode()
    return format_html('<img class="chart-img" alt="{}" src="data:image/svg+xml;base64,{}">', alt, data)


def _charts(context: dict):
    """(indicator entry, outcome entry, width, height) of every figure the printed document shows: the pack's
    at the full text width, the report's and note's beside the judgements, in their outcome's `figures`."""
    for block in context.get("performance", []):
        for o in block["outcomes"]:
            for i in o["indicators"]:
                if i["summary"].target is not None:
                    yield i, None, PRINT_CHART_WIDTH, 220
    height = 100 if context.get("short") else 130
    for block in context.get("pages", []):
        for o in block["outcomes"]:
            for i in o["indicators"]:
                if i["summary"].target is not None and i["indicator"].kind == "performance":
                    yield i, o, SIDE_CHART_WIDTH, height


def add_svgs(context: dict, progress: Progress | None = None, *, start: int = 0, steps: int = 0) -> None:
    """Render every chart of the pack's performance section and the report's pages (once each, cached)."""
    todo = [c for c in _charts(context) if "svg" not in c[0]]
    for n, (entry, outcome, width, height) in enumerate(todo, start=1):
        alt = _("Trajectory chart for %(indicator)s") % {"indicator": entry["indicator"].name}
        entry["svg"] = figure(print_spec(entry["spec"], width, height), alt=alt)
        if outcome is not None:
            outcome.setdefault("figures", []).append(entry["svg"])
        if progress:
            progress(start + n, steps or start + len(todo) + 1, "charts")
    for item in _evaluation_items(context):  # the evaluations app's figure, redrawn with print's tidy axes
        item["svg"] = figure(
            print_spec(item["spec"], EVALUATION_CHART_WIDTH, 150), alt=_("Treated units against the counterfactual")
        )


def _evaluation_items(context: dict):
    items = list(context.get("evaluations", []))
    for block in context.get("pages", []):
        items += block.get("evaluations", [])
    return [item for item in items if "spec" in item and not str(item.get("svg", "")).startswith("<img")]


INLINE_SVG = re.compile(r"<svg\b.*?</svg>", re.S)


def svgs_as_images(html: str) -> str:
    """Every inline SVG the other apps' sections print (plans' charts and chains, vl-convert's, self-contained)
    as an image: WeasyPrint's HTML parser and CSS cascade then skip their thousands of shapes."""

    def image(match) -> str:
        data = base64.b64encode(match.group(0).encode()).decode()
        return f'<img class="chart-img" alt="" src="data:image/svg+xml;base64,{data}">'

    return INLINE_SVG.sub(image, html)


def chart_count(context: dict) -> int:
    return sum(1 for c in _charts(context) if "svg" not in c[0])


def render_pdf(
    template: str, context: dict, *, paper_name: str = "a4", request=None, progress: Progress | None = None
) -> tuple[bytes, int]:
    """The PDF and its number of pages; `progress` hears (step, steps, stage) as charts and layout go."""
    from weasyprint import HTML

    charts = chart_count(context)
    steps = charts + 2
    add_svgs(context, progress, start=0, steps=steps)
    if progress:
        progress(charts + 1, steps, "layout")
    html = render_to_string(template, {**context, "print": True, "paper": PAPERS[paper_name]}, request=request)
    document = HTML(string=svgs_as_images(html), base_url="/").render()
    body = document.write_pdf()
    if progress:
        progress(steps, steps, "done")
    return body, len(document.pages)


def pdf(template: str, context: dict, *, paper_name: str = "a4", request=None) -> bytes:
    return render_pdf(template, context, paper_name=paper_name, request=request)[0]


def delivery_report_xlsx(report: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    fills = {
        f"rag-{k}": PatternFill("solid", fgColor=c)
        for k, c in {1: "CF222E", 2: "F08C3A", 3: "D4C02C", 4: "1A7F37"}.items()
    }
    bold = Font(bold=True)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Assessments")
    comp = report["comparison"]
    header1 = [_("Priority"), _("Outcome")]
    header2 = ["", ""]
    for r in comp["rounds"]:
        header1 += [r.name] + [""] * (len(comp["columns"]) - 1)
        header2 += [look.plain(str(label)) for _key, label in comp["columns"]]  # no soft hyphen in a cell
    ws.append(header1)
    ws.append(header2)
    for row in ws.iter_rows(min_row=1, max_row=2):
        for c in row:
            c.font = bold
    for row in comp["rows"]:
        ws.append(
            [row["priority"].name, row["outcome"].name] + [f"{c['text']} {c['arrow']}".strip() for c in row["cells"]]
        )
        for cell, data in zip(ws[ws.max_row][2:], row["cells"]):
            if data["css"]:
                cell.fill = fills[data["css"]]
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 50

    ws = wb.create_sheet(_("Priorities"))
    ws.append(
        [
            _("Priority"),
            _("Lead"),
            _("Likelihood of delivery"),
            _("Outcome"),
            _("Key issues"),
            _("Next steps"),
            _("Narrative"),
        ]
    )
    for c in ws[1]:
        c.font = bold
    for page in report["pages"]:
        for o in page["outcomes"]:
            a = o["assessment"]
            ws.append(
                [
                    page["priority"].name,
                    page["priority"].lead_organisation.name,
                    page["likelihood_label"],
                    o["outcome"].name,
                    a.key_issues if a else "",
                    a.next_steps if a else "",
                    a.narrative if a else "",
                ]
            )
            if page["likelihood_css"]:
                ws.cell(ws.max_row, 3).fill = fills[page["likelihood_css"]]
    for col, width in zip("ABCDEFG", (40, 30, 22, 45, 50, 50, 70)):
        ws.column_dimensions[col].width = width
        for cell in ws[col][1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    ws = wb.create_sheet(_("Indicators"))
    ws.append(
        [
            _("Priority"),
            _("Indicator"),
            _("Unit"),
            _("Latest period"),
            _("Latest"),
            _("Planned"),
            _("Target"),
            _("Target date"),
            _("Status"),
            _("Trend"),
            _("Partial"),
            _("Partial reason"),
        ]
    )
    for c in ws[1]:
        c.font = bold
    for page in report["pages"]:
        for o in page["outcomes"]:
            for i in o["indicators"]:
                s = i["summary"]
                ws.append(
                    [
                        page["priority"].name,
                        i["indicator"].name,
                        i["indicator"].unit,
                        period_label(s.latest_period) if s.latest_period else None,
                        None if s.latest is None else round(s.latest, i["indicator"].decimals),
                        None if s.planned is None else round(s.planned, i["indicator"].decimals),
                        s.target.target_value if s.target else None,
                        s.target.target_date if s.target else None,
                        s.status.label,
                        S.TRENDS[s.trend],
                        _("yes") if s.partial else "",
                        partial_text(s.partial),
                    ]
                )
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 50
    out = io.BytesIO()
    safe_workbook(wb).save(out)
    return out.getvalue()
