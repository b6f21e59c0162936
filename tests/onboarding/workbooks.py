"""A small new government as setup-workbook rows, and writing rows to a real .xlsx file."""

from __future__ import annotations

import copy

from openpyxl import Workbook

from stocktake.onboarding import sheets as S

SMALL = {
    "Organisations": [
        {"code": "t-centre", "name": "Tarn Delivery Unit", "kind": "centre"},
        {"code": "t-health", "name": "Tarn Health", "kind": "ministry", "parent": "t-centre"},
    ],
    "Levels": [],
    "OrgUnits": [
        {"code": "T-ROOT", "name": "Tarn", "level": 1},
        {"code": "T-R1", "name": "North Tarn", "parent": "T-ROOT", "level": 2},
        {
            "code": "T-D1",
            "name": "Upper Vale",
            "parent": "T-R1",
            "level": 3,
            "geometry": '{"type": "Point", "coordinates": [1, 2]}',
        },
    ],
    "People": [
        {
            "user": "tess",
            "name": "Tess Leader",
            "role": "accountable_leader",
            "organisation": "t-health",
            "email": "tess@example.org",
        },
        {"name": "Rob Noaccount", "role": "observer", "organisation": "t-centre"},
    ],
    "Tiers": [{"name": "T-A", "frequency": "M", "rank": 1}],
    "Pillars": [{"code": "t-pillar", "name": "Tarn wellbeing"}],
    "Priorities": [
        {"code": "t-prio", "name": "Healthy Tarn", "pillar": "t-pillar", "tier": "T-A", "lead_organisation": "t-health"}
    ],
    "Outcomes": [{"code": "t-outcome", "name": "Fewer late diagnoses", "priority": "t-prio", "leader": "tess"}],
    "Indicators": [
        {
            "code": "t-screened",
            "name": "Share screened",
            "outcome": "t-outcome",
            "unit": "%",
            "direction": "up",
            "frequency": "M",
            "aggregation": "ratio",
            "ratio_scale": 100,
            "numerator_label": "people screened",
            "denominator_label": "people eligible",
            "report_depth": 3,
            "meaningful": "yes",
            "moveable": "yes",
            "measurable": "no",
            "three_m_rationale": "no register yet",
        }
    ],
    "Targets": [
        {
            "indicator": "t-screened",
            "baseline_value": 40,
            "baseline_date": "2025-01-31",
            "target_value": 60.5,
            "target_date": "2027-12-31",
            "status": "committed",
            "trajectory_method": "staged",
            "stages": "[[0.25, 0.1], [0.5, 0.4]]",
        }
    ],
    "Strategies": [
        {"priority": "t-prio", "name": "Mobile clinics", "leader": "tess", "outcomes": "t-outcome", "cost": 1500.5}
    ],
    "Milestones": [
        {
            "priority": "t-prio",
            "strategy": "Mobile clinics",
            "name": "First van",
            "due_date": "2026-03-31",
            "owner": "Rob Noaccount",
        }
    ],
}


def small() -> dict[str, list[dict]]:
    return copy.deepcopy(SMALL)


def write(path, data: dict[str, list[dict]], extra_columns: dict | None = None) -> None:
    """data as an .xlsx at path: every sheet in data (a sheet left out of data is missing from the file)."""
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in S.SHEETS:
        if sheet.name not in data:
            continue
        ws = wb.create_sheet(sheet.name)
        names = sheet.column_names() + list((extra_columns or {}).get(sheet.name, []))
        ws.append(names)
        for row in data[sheet.name]:
            ws.append([row.get(n) for n in names])
    wb.save(path)
