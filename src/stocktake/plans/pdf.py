"""The strategy profile and its delivery chain as a PDF page, for stocktake packs.

Rendered by WeasyPrint from the same template as the web page; the chain
diagram is the same Vega-Lite spec, turned into SVG by vl_convert.
"""

from __future__ import annotations

import vl_convert
from django.template.loader import render_to_string
from weasyprint import HTML

from .profile import profile_context


def _with_svg(context: dict) -> dict:
    for c in context["chains"]:
        if c["spec"]:
            c["svg"] = vl_convert.vegalite_to_svg(c["spec"])
    return context


def strategy_profile_html(priority, strategy, request=None) -> str:
    context = _with_svg(profile_context(request, priority, strategy, for_pdf=True))
    return render_to_string("plans/strategy_pdf.html", context, request=request)


def strategy_profile_pdf(priority, strategy, request=None) -> bytes:
    """One strategy's profile and chain as PDF bytes; stocktake packs may append these pages.

    The caller checks that the reader may see the priority (can_read_priority).
    """
    html = strategy_profile_html(priority, strategy, request)
    return HTML(string=html, base_url=request.build_absolute_uri("/") if request else None).write_pdf()
