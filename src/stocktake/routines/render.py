"""PDFs (WeasyPrint, from the same templates as the pages) and Excel workbooks (openpyxl).

Charts in a PDF are the page's own Vega-Lite specs rendered to SVG by
vl-convert, so print and screen show the same picture.
"""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from stocktake.delivery import workbook as look
from stocktake.delivery.cells import safe_workbook

PAPERS = {"a4": "A4", "letter": "letter"}
PRINT_CHART_WIDTH = 560  # CSS px: fits the text width of both A4 and Letter with 15 mm margins


def paper(request) -> str:
    value = (request.GET.get("paper") or "a4").lower()
    return value if value in PAPERS else "a4"


def svg(spec: dict) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(spec)


def add_svgs(context: dict) -> None:
    """Render every chart spec found in performance sections to inline SVG."""
    for section in ("performance", "pages"):
        for block in context.get(section, []):
            for o in block["outcomes"]:
                for i in o["indicators"]:
                    if i["summary"].target is not None and "svg" not in i:
                        i["svg"] = mark_safe(svg(i["spec"]))


def pdf(template: str, context: dict, *, paper_name: str = "a4", request=None) -> bytes:
    from weasyprint import HTML

    add_svgs(context)
    html = render_to_string(template, {**context, "print": True, "paper": PAPERS[paper_name]}, request=request)
    return HTML(string=html, base_url="/").write_pdf()


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
    ws.title = "Assessments"
    comp = report["comparison"]
    header1 = ["Priority", "Outcome"]
    header2 = ["", ""]
    for r in comp["rounds"]:
        header1 += [r.name] + [""] * (len(comp["columns"]) - 1)
        header2 += [look.plain(label) for _, label in comp["columns"]]  # no soft hyphen in a cell
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

    ws = wb.create_sheet("Priorities")
    ws.append(["Priority", "Lead", "Likelihood of delivery", "Outcome", "Key issues", "Next steps", "Narrative"])
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

    ws = wb.create_sheet("Indicators")
    ws.append(
        [
            "Priority",
            "Indicator",
            "Unit",
            "Latest period",
            "Latest",
            "Planned",
            "Target",
            "Target date",
            "Status",
            "Trend",
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
                        s.latest_period,
                        None if s.latest is None else round(s.latest, i["indicator"].decimals),
                        None if s.planned is None else round(s.planned, i["indicator"].decimals),
                        s.target.target_value if s.target else None,
                        s.target.target_date if s.target else None,
                        s.status.label,
                        s.trend,
                    ]
                )
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 50
    out = io.BytesIO()
    safe_workbook(wb).save(out)
    return out.getvalue()
