"""Writing the setup workbook from a database: the same sheets and columns the loader reads.

Why the same: a delivery unit can export its government, edit it in a
spreadsheet and load it back, and loading the export into an empty database
builds the same government (import(export(db)) is the identity on the structure).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date
from decimal import Decimal

from stocktake.accounts.models import Organisation, Person
from stocktake.architecture.models import (
    Indicator,
    OrgUnit,
    OrgUnitLevel,
    Outcome,
    Pillar,
    PortfolioTier,
    Priority,
    Target,
)
from stocktake.plans.models import Milestone, Strategy

from . import sheets as S
from .load import person_key


def _cell(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(", ", ": "))
    return value


def _organisations():
    orgs = list(Organisation.objects.select_related("parent").order_by("code"))
    done, out = set(), []
    while len(out) < len(orgs):  # parents first, so the sheet also reads well top-down
        for o in orgs:
            if o.code not in done and (o.parent is None or o.parent.code in done):
                out.append(
                    {"code": o.code, "name": o.name, "kind": o.kind, "parent": o.parent.code if o.parent else None}
                )
                done.add(o.code)
    return out


def _org_units():
    """Parents first, children under them in code order: independent of database ids, so two databases agree."""
    org_codes = dict(Organisation.objects.values_list("pk", "code"))
    units = list(
        OrgUnit.objects.values_list(
            "pk", "code", "name", "parent_id", "depth", "organisation_id", "geometry", "closed_on"
        )
    )
    code_of = {u[0]: u[1] for u in units}
    children: dict = {}
    for u in units:
        children.setdefault(u[3], []).append(u)
    stack = sorted(children.get(None, []), key=lambda u: u[1], reverse=True)
    while stack:
        pk, code, name, parent_id, depth, org_id, geometry, closed_on = stack.pop()
        yield {
            "code": code,
            "name": name,
            "parent": code_of.get(parent_id),
            "level": depth,
            "organisation": org_codes.get(org_id),
            "geometry": geometry,
            "closed_on": closed_on,
        }
        stack.extend(sorted(children.get(pk, []), key=lambda u: u[1], reverse=True))


def _people():
    for p in Person.objects.select_related("user", "organisation").order_by("pk"):
        yield {
            "user": p.user.username if p.user_id else None,
            "name": p.name,
            "role": p.role,
            "organisation": p.organisation.code,
            "email": p.email,
            "title": p.title,
        }


def _key(person):
    return person_key(person) if person else None


def rows(sheet: str):
    """The rows of one sheet, as {column: value} in the sheet's order."""
    if sheet == "Organisations":
        return _organisations()
    if sheet == "Levels":
        return [{"depth": lv.depth, "name": lv.name} for lv in OrgUnitLevel.objects.order_by("depth")]
    if sheet == "OrgUnits":
        return _org_units()
    if sheet == "People":
        return _people()
    if sheet == "Tiers":
        return [
            {"name": t.name, "frequency": t.monitoring_frequency, "rank": t.rank, "description": t.description}
            for t in PortfolioTier.objects.order_by("rank", "name")
        ]
    if sheet == "Pillars":
        return [
            {"code": p.code, "name": p.name, "description": p.description, "rank": p.rank, "closed_on": p.closed_on}
            for p in Pillar.objects.order_by("rank", "code")
        ]
    if sheet == "Priorities":
        return [
            {
                "code": p.code,
                "name": p.name,
                "pillar": p.pillar.code,
                "tier": p.tier.name if p.tier else None,
                "lead_organisation": p.lead_organisation.code,
                "description": p.description,
                "published": p.published,
                "rank": p.rank,
                "closed_on": p.closed_on,
            }
            for p in Priority.objects.select_related("pillar", "tier", "lead_organisation").order_by("code")
        ]
    if sheet == "Outcomes":
        return [
            {
                "code": o.code,
                "name": o.name,
                "priority": o.priority.code,
                "leader": _key(o.leader),
                "description": o.description,
                "rank": o.rank,
                "closed_on": o.closed_on,
            }
            for o in Outcome.objects.select_related("priority", "leader__user").order_by("code")
        ]
    if sheet == "Indicators":
        names = [c.name for c in S.BY_NAME["Indicators"].columns]
        return [
            {n: (i.outcome.code if n == "outcome" else getattr(i, n)) for n in names}
            for i in Indicator.objects.select_related("outcome").order_by("code")
        ]
    if sheet == "Targets":
        return [
            {
                "indicator": t.indicator.code,
                "org_unit": t.org_unit.code if t.org_unit else None,
                "baseline_value": t.baseline_value,
                "baseline_date": t.baseline_date,
                "target_value": t.target_value,
                "target_date": t.target_date,
                "status": t.status,
                "trajectory_method": t.trajectory_method,
                "stages": t.stages or None,
                "rationale": t.rationale,
            }
            for t in Target.objects.select_related("indicator", "org_unit").order_by(
                "indicator__code", "org_unit__code"
            )
        ]
    if sheet == "Strategies":
        names = [c.name for c in S.BY_NAME["Strategies"].columns]
        out = []
        for s in (
            Strategy.objects.select_related("priority", "leader__user")
            .prefetch_related("outcomes")
            .order_by("priority__code", "name")
        ):
            row = {n: getattr(s, n, None) for n in names}
            row.update(
                priority=s.priority.code,
                leader=_key(s.leader),
                outcomes=" ".join(sorted(o.code for o in s.outcomes.all())) or None,
                withdrawn_reason=s.withdrawn_reason if s.withdrawn_at else None,
            )
            out.append(row)
        return out
    if sheet == "Milestones":
        return [
            {
                "priority": m.strategy.priority.code,
                "strategy": m.strategy.name,
                "name": m.name,
                "due_date": m.due_date,
                "owner": _key(m.owner),
                "status": m.status,
                "completed_on": m.completed_on,
                "evidence": m.evidence,
            }
            for m in Milestone.objects.select_related("strategy__priority", "owner__user").order_by(
                "strategy__priority__code", "strategy__name", "name"
            )
        ]
    raise KeyError(sheet)


def write_xlsx(out, *, blank: bool = False) -> None:
    """The workbook (an Instructions sheet first); blank=True writes the template: headers, no rows.

    Written in openpyxl's streaming mode (20,000 org units in a few seconds); text that a spreadsheet
    would take for a formula is written as a text cell, never as a formula (as delivery.cells does).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from .template import instructions

    wb = Workbook(write_only=True)

    def safe(ws, value):
        if isinstance(value, str) and value.startswith("="):
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"
            return cell
        return value

    ws = wb.create_sheet(S.INSTRUCTIONS)
    for line in instructions():
        ws.append([safe(ws, v) for v in line])
    for sheet in S.SHEETS:
        ws = wb.create_sheet(sheet.name)
        names = sheet.column_names()
        ws.append(names)
        if not blank:
            for row in rows(sheet.name):
                ws.append([safe(ws, _cell(row[n])) for n in names])
    wb.save(out)


def _csv_text(value) -> str:
    value = _cell(value)
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def write_zip(out, *, blank: bool = False) -> None:
    """The same sheets as CSV files in a zip (one file per sheet, named after it)."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for sheet in S.SHEETS:
            buf = io.StringIO()
            writer = csv.writer(buf)
            names = sheet.column_names()
            writer.writerow(names)
            if not blank:
                for row in rows(sheet.name):
                    writer.writerow([_csv_text(row[n]) for n in names])
            archive.writestr(f"{sheet.name}.csv", buf.getvalue())
