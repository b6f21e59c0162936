"""Org units from where they already are: a DHIS2 organisationUnits metadata export, or a CSV with parent codes.

Both become the setup workbook's Levels and OrgUnits sheets, so they are checked
and loaded by the same code, with the same refusals (row, column, reason).
A DHIS2 unit is keyed by its code when it has one, else by its DHIS2 id;
rows are numbered as they come in the file's organisationUnits list (1 is the first).
"""

from __future__ import annotations

import csv
import io
import json

from django.utils.translation import gettext as _

from .reader import SetupFileError, Table, cell_text

# DHIS2 knows nothing of our organisations: the column is left out, so a reload keeps what is stored.
OU_COLUMNS = ["code", "name", "parent", "level", "geometry", "closed_on"]


def _dhis2(doc: dict) -> dict[str, Table]:
    units = doc.get("organisationUnits")
    if not isinstance(units, list):
        raise SetupFileError(_("the JSON has no organisationUnits list (a DHIS2 metadata export)"))
    code_of = {u.get("id"): (u.get("code") or u.get("id")) for u in units if isinstance(u, dict)}
    table = Table("OrgUnits", OU_COLUMNS)
    for number, u in enumerate(units, start=1):
        if not isinstance(u, dict):
            u = {}
        parent = u.get("parent")
        parent_id = parent.get("id") if isinstance(parent, dict) else parent
        level = u.get("level")
        if level is None and isinstance(u.get("path"), str):
            level = u["path"].strip("/").count("/") + 1
        table.rows.append(
            (
                number,
                {
                    "code": cell_text(u.get("code") or u.get("id")),
                    "name": cell_text(u.get("name") or u.get("displayName") or u.get("shortName")),
                    "parent": cell_text(code_of.get(parent_id, parent_id)),
                    "level": cell_text(level),
                    "geometry": json.dumps(u["geometry"]) if u.get("geometry") else "",
                    "closed_on": cell_text((u.get("closedDate") or "")[:10]),
                },
            )
        )
    levels = Table("Levels", ["depth", "name"])
    named = doc.get("organisationUnitLevels") or []
    for number, lv in enumerate(
        sorted((x for x in named if isinstance(x, dict)), key=lambda x: x.get("level") or 0), 1
    ):
        levels.rows.append((number, {"depth": cell_text(lv.get("level")), "name": cell_text(lv.get("name"))}))
    if not levels.rows:  # no names given: the levels the units use, named by their number
        depths = sorted({int(r["level"]) for _n, r in table.rows if r["level"].isdigit()})
        levels.rows = [
            (i, {"depth": str(d), "name": _("Level %(depth)s") % {"depth": d}}) for i, d in enumerate(depths, 1)
        ]
    return {"OrgUnits": table, "Levels": levels}


def _csv(data: bytes) -> dict[str, Table]:
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    header = [h.strip() for h in next(reader, [])]
    table = Table("OrgUnits", header)
    for number, values in enumerate(reader, start=2):
        if any(v.strip() for v in values):
            table.rows.append(
                (number, {h: (values[i].strip() if i < len(values) else "") for i, h in enumerate(header) if h})
            )
    if "level" not in header:  # plain CSV with parent codes only: levels follow from the parents
        from stocktake.architecture.models import OrgUnit

        table.header.append("level")
        stored_depth = dict(OrgUnit.objects.values_list("code", "depth"))
        parent_of = {r["code"]: r.get("parent", "") for _n, r in table.rows if r.get("code")}
        for _n, r in table.rows:
            depth, node, seen = 1, r.get("parent", ""), set()
            while node and node in parent_of and node not in seen:
                seen.add(node)
                depth, node = depth + 1, parent_of[node]
            r["level"] = str(depth + (stored_depth.get(node, 0) if node and node not in parent_of else 0))
    from stocktake.architecture.models import OrgUnitLevel

    levels = Table("Levels", ["depth", "name"])
    stored = set(OrgUnitLevel.objects.values_list("depth", flat=True))
    used = sorted({int(r["level"]) for _n, r in table.rows if r.get("level", "").isdigit()} - stored)
    levels.rows = [(i, {"depth": str(d), "name": _("Level %(depth)s") % {"depth": d}}) for i, d in enumerate(used, 1)]
    return {"OrgUnits": table, "Levels": levels}


def read(path_or_file, name: str = "") -> dict[str, Table]:
    """Levels and OrgUnits tables from a DHIS2 JSON export or a CSV (code, name, parent[, level, ...])."""
    from pathlib import Path

    name = name or str(getattr(path_or_file, "name", path_or_file))
    data = Path(path_or_file).read_bytes() if isinstance(path_or_file, (str, Path)) else path_or_file.read()
    head = data.lstrip()[:1]
    if head in (b"{", b"["):
        try:
            doc = json.loads(data.decode("utf-8-sig"))
        except ValueError as exc:
            raise SetupFileError(_("the JSON cannot be read: %(error)s") % {"error": exc}) from None
        if isinstance(doc, list):
            doc = {"organisationUnits": doc}
        return _dhis2(doc)
    if name.lower().endswith((".csv", ".txt")) or b"," in data[:200]:
        return _csv(data)
    raise SetupFileError(_("not a DHIS2 organisationUnits export (JSON) or a CSV of org units"))
