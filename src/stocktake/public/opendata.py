"""Open data: every published series as CSV and JSON rows, with the data dictionary and the licence.

The rows are the public pages' own figures (commitments.figure reads the same published rollups), so a
download and a page cannot disagree; tests/public/test_opendata.py checks that they do not.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from stocktake.architecture.models import OrgUnit
from stocktake.monitoring.models import Rollup

from . import commitments as C

LICENCE = {
    "name": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
    "url": "https://creativecommons.org/licenses/by/4.0/",
}

# The data dictionary: each column of the CSV (and key of each JSON row), what it holds.
COLUMNS = [
    ("indicator", _("The indicator's code (stable: use it to join files).")),
    ("indicator_name", _("The indicator's name.")),
    ("unit_of_measure", _("What the value counts or measures, e.g. '%' or 'per 100,000 people'.")),
    ("org_unit", _("The code of the place the figure is for (the country, a region, a district).")),
    ("org_unit_name", _("The place's name.")),
    ("org_unit_level", _("The place's level in the hierarchy: 1 is the whole country.")),
    ("period", _("The reporting period's code: 2026-03 a month, 2026Q1 a quarter, 2026 a year.")),
    ("period_start", _("The first day of the period (ISO 8601).")),
    ("period_end", _("The last day of the period (ISO 8601).")),
    ("value", _("The published figure: only values the delivery unit has published.")),
    ("units_reported", _("How many reporting units the figure is built from.")),
    ("units_expected", _("How many reporting units are expected (0: not known).")),
]


def series_rows(indicator) -> list[dict]:
    """Every published figure of the indicator: the country, and every unit if the delivery unit publishes
    unit-level figures for the commitment; oldest first, the country first."""
    chosen = C.choices(indicator.outcome.priority)
    root = C.root()
    rollups = Rollup.objects.filter(indicator=indicator, published_count__gt=0, period__kind=indicator.frequency)
    if not chosen.show_units:
        rollups = rollups.filter(org_unit=root)
    else:
        rollups = rollups.filter(org_unit__path__startswith=root.path)
    found = rollups.values(
        "org_unit_id",
        "depth",
        "period__code",
        "period__start",
        "period__end",
        "published_value",
        "published_count",
        "expected",
    ).order_by("depth", "org_unit__path", "period__start")
    units = OrgUnit.objects.in_bulk({r["org_unit_id"] for r in found})
    return [
        {
            "indicator": indicator.code,
            "indicator_name": indicator.name,
            "unit_of_measure": indicator.unit,
            "org_unit": units[r["org_unit_id"]].code,
            "org_unit_name": units[r["org_unit_id"]].name,
            "org_unit_level": r["depth"],
            "period": r["period__code"],
            "period_start": r["period__start"].isoformat(),
            "period_end": r["period__end"].isoformat(),
            "value": None if r["published_value"] is None else round(r["published_value"], 6),
            "units_reported": r["published_count"],
            "units_expected": r["expected"],
        }
        for r in found
    ]


def dictionary() -> list[dict]:
    return [{"column": name, "description": str(text)} for name, text in COLUMNS]
