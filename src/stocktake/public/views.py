"""The public commitments site: pages for citizens and journalists, each showing published figures only.

Nothing here checks who is reading: every page reads through public.commitments, which shows only what the
delivery unit has put on the public site and only published values, the same for everyone.
"""

from __future__ import annotations

import csv
import json
from datetime import timedelta

from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from stocktake.architecture import translations as TR
from stocktake.architecture.models import OrgUnit

from . import charts, feeds, iati, opendata
from . import commitments as C
from . import figures as F

SEARCH_MAX = 200  # characters of a search; longer is cut, never an error
CHANGES_DAYS = 31


def index(request):
    """The front page: every public commitment by pillar, its headline status and figures."""
    return render(request, "public/index.html", {"pillars": C.by_pillar(C.public_priorities()), "root": C.root()})


def commitment_page(request, code, *, preview=None):
    priority = preview or C.public_priority(code)
    found = C.commitment(priority)
    for f in found.figures:
        f.spec = charts.trajectory_spec(f) if f.rows else None
        f.spec_id = f"spec-{f.indicator.code}"
    units = _unit_links(found.choices)
    return render(request, "public/commitment.html", {"c": found, "units": units, "preview": preview is not None})


def _unit_links(chosen) -> list[OrgUnit]:
    if not chosen.show_units:
        return []
    return list(OrgUnit.objects.filter(parent=C.root()).order_by("name"))


def chart_page(request, indicator):
    """A chart's stable page: the chart, its figures as a table, downloads and the embed snippet."""
    ind = C.public_indicator(indicator)
    chosen = C.choices(ind.outcome.priority)
    if not chosen.show_chart:
        raise Http404(_("This chart is not published"))
    f = C.figure(ind, C.root(), chosen)
    f.spec, f.spec_id = charts.trajectory_spec(f), f"spec-{ind.code}"
    page = request.build_absolute_uri(reverse("public:chart", args=[ind.code]))
    svg = request.build_absolute_uri(reverse("public:chart_file", args=[ind.code, "svg"]))
    snippet = f'<a href="{escape(page)}"><img src="{escape(svg)}" alt="{escape(TR.text(ind, "name"))}" width="800"></a>'
    return render(request, "public/chart.html", {"f": f, "snippet": snippet, "page_url": page})


def chart_file(request, indicator, fmt):
    ind = C.public_indicator(indicator)
    chosen = C.choices(ind.outcome.priority)
    if not chosen.show_chart:
        raise Http404(_("This chart is not published"))
    f = C.figure(ind, C.root(), chosen)
    body = charts.render(charts.trajectory_spec(f), fmt)
    response = HttpResponse(body, content_type="image/svg+xml" if fmt == "svg" else "image/png")
    response["Content-Disposition"] = f'inline; filename="{ind.code}.{fmt}"'
    return response


def units_page(request):
    if not any(C.choices(p).show_units for p in C.public_priorities()):
        raise Http404(_("No unit-level figures are published"))
    root = C.root()
    regions = OrgUnit.objects.filter(parent=root).order_by("name")
    return render(request, "public/units.html", {"root": root, "units": regions})


def unit_page(request, code):
    """The published figures at one place, for the commitments whose unit-level figures are public."""
    unit = C.public_unit(code)
    shown = [p for p in C.public_priorities() if C.choices(p).show_units]
    found = [C.commitment(p, unit, with_rows=False) for p in shown]
    children = OrgUnit.objects.filter(parent=unit).order_by("name")
    return render(request, "public/unit.html", {"unit": unit, "commitments": found, "children": children})


def search(request):
    q = (request.GET.get("q") or "").strip()[:SEARCH_MAX]
    priorities = indicators = units = []
    if q:
        public = C.public_priorities()
        # the reader's language as well as the original: a page in Spanish shows (and so is searched by) the names
        # the government translated into Spanish (docs/decisions/0006)
        priorities = list(public.filter(TR.contains(("name", "description"), q))[:20])
        indicators = list(C.public_indicators(public).filter(TR.contains(("name",), q))[:20])
        if any(C.choices(p).show_units for p in public):
            units = list(
                OrgUnit.objects.filter(Q(name__icontains=q) | Q(code__iexact=q)).order_by("depth", "name")[:20]
            )
    return render(
        request, "public/search.html", {"q": q, "priorities": priorities, "indicators": indicators, "units": units}
    )


def changes_page(request):
    since = timezone.now() - timedelta(days=CHANGES_DAYS)
    changes = C.changes_since(since)
    for ch in changes:
        ch["headline"], ch["day"] = feeds.headline(ch), F.day(timezone.localdate(ch["at"]))
    return render(request, "public/changes.html", {"changes": changes, "since": since})


def data_index(request):
    inds = list(C.public_indicators())
    return render(
        request,
        "public/data.html",
        {"indicators": inds, "columns": opendata.dictionary(), "licence": opendata.LICENCE},
    )


def data_file(request, indicator, fmt):
    ind = C.public_indicator(indicator)
    rows = opendata.series_rows(ind)
    if fmt == "json":
        body = {"licence": opendata.LICENCE, "dictionary": opendata.dictionary(), "rows": rows}
        response = JsonResponse(body, json_dumps_params={"ensure_ascii": False, "indent": 1})
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csv.DictWriter(response, fieldnames=[name for name, _text in opendata.COLUMNS])
        writer.writeheader()
        writer.writerows(rows)
    response["Content-Disposition"] = f'attachment; filename="{ind.code}.{fmt}"'
    return response


def dictionary_file(request):
    body = {"licence": opendata.LICENCE, "dictionary": opendata.dictionary()}
    return HttpResponse(json.dumps(body, ensure_ascii=False, indent=1), content_type="application/json")


def iati_file(request):
    """The public account as IATI activity XML 2.03 (public.iati): published values only."""
    response = HttpResponse(iati.activities(), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="iati-activities.xml"'
    return response
