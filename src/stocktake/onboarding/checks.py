"""Checking a setup file before anything is written: shape, cells, and what can be seen from the file alone.

Why before: a parent loop, a skipped level or one person in two roles can only be
seen across rows, and the person fixing the file wants every refusal at once,
each named by sheet, row, column and reason.
References to records (an outcome's priority, a leader) are checked as the rows
are applied, against the database the earlier rows have just filled.
"""

from __future__ import annotations

import datetime
import json

from django.utils.translation import gettext as _

from stocktake.architecture.models import OrgUnit, OrgUnitLevel
from stocktake.delivery import trajectory as T

from . import sheets as S
from .reader import Problem, Table

TRUE = {"yes", "y", "true", "1"}
FALSE = {"no", "n", "false", "0"}


def parse(col: S.Column, text: str):
    """The typed value of one cell (None when blank); raises ValueError with the reason."""
    if text == "":
        return None
    if col.kind == S.INT:
        try:
            return int(text)
        except ValueError:
            raise ValueError(_("'%(text)s' is not a whole number") % {"text": text}) from None
    if col.kind == S.FLOAT:
        try:
            return float(text)
        except ValueError:
            raise ValueError(_("'%(text)s' is not a number") % {"text": text}) from None
    if col.kind == S.DATE:
        try:
            return datetime.date.fromisoformat(text[:10])
        except ValueError:
            raise ValueError(_("'%(text)s' is not a date (YYYY-MM-DD)") % {"text": text}) from None
    if col.kind == S.BOOL:
        if text.lower() in TRUE:
            return True
        if text.lower() in FALSE:
            return False
        raise ValueError(_("'%(text)s' is not yes or no") % {"text": text})
    if col.kind == S.JSON:
        try:
            return json.loads(text)
        except ValueError:
            raise ValueError(_("'%(text)s' is not valid JSON") % {"text": text[:60]}) from None
    if col.kind == S.CHOICE and text not in col.choices:
        raise ValueError(_("'%(text)s' is not one of: %(allowed)s") % {"text": text, "allowed": ", ".join(col.choices)})
    return text


def shape(tables: dict[str, Table], wanted: tuple[S.Sheet, ...]) -> list[Problem]:
    """Missing sheets, unknown columns and missing required columns: the file cannot be read row by row."""
    problems = []
    for sheet in wanted:
        table = tables.get(sheet.name)
        if table is None:
            problems.append(Problem(sheet.name, None, "", _("the sheet is missing (it may be empty below its header)")))
            continue
        known = set(sheet.column_names())
        for name in table.header:
            if name not in known:
                problems.append(
                    Problem(
                        sheet.name,
                        1,
                        name,
                        _("unknown column; the columns are: %(columns)s")
                        % {"columns": ", ".join(sheet.column_names())},
                    )
                )
        for col in sheet.columns:
            if col.required and col.name not in table.header:
                problems.append(Problem(sheet.name, 1, col.name, _("required column is missing")))
    return problems


Rows = list[tuple[int, dict]]


def typed(table: Table, sheet: S.Sheet, problems: list[Problem]) -> Rows:
    """The sheet's rows as typed values; a refused cell or a repeated key refuses its row."""
    out: Rows = []
    seen: dict[tuple, int] = {}
    for number, record in table.rows:
        values, ok = {}, True
        for col in sheet.columns:
            text = record.get(col.name, "")
            try:
                values[col.name] = parse(col, text)
            except ValueError as exc:
                problems.append(Problem(sheet.name, number, col.name, str(exc)))
                ok = False
                continue
            if col.required and values[col.name] is None:
                problems.append(Problem(sheet.name, number, col.name, _("required: the cell is empty")))
                ok = False
        if not ok:
            continue
        key = key_of(sheet, values)
        if key in seen and not (sheet.name == "People" and values["user"]):  # checks.people says more
            problems.append(
                Problem(
                    sheet.name,
                    number,
                    sheet.key[-1] if sheet.name != "People" or values["user"] else "name",
                    _("the same %(what)s as row %(row)s") % {"what": "/".join(sheet.key), "row": seen[key]},
                )
            )
            continue
        seen[key] = number
        out.append((number, values))
    return out


def key_of(sheet: S.Sheet, values: dict) -> tuple:
    if sheet.name == "People":
        return (values["user"] or "", "" if values["user"] else values["name"])
    return tuple(values.get(k) or "" for k in sheet.key)


def people(rows: Rows, problems: list[Problem]) -> Rows:
    """One sign-in, one role: the same user twice with two roles is refused (accounts/roles.py)."""
    first: dict[str, tuple[int, str]] = {}
    out = []
    for number, v in rows:
        user = v["user"]
        if user and user in first:
            row, role = first[user]
            if role == v["role"]:
                problems.append(Problem("People", number, "user", _("the same user as row %(row)s") % {"row": row}))
                continue
            problems.append(
                Problem(
                    "People",
                    number,
                    "role",
                    _(
                        "user '%(user)s' already has the role %(role)s (row %(row)s): a person holds one role, "
                        "and their sign-in is in exactly one role group"
                    )
                    % {"user": user, "role": role, "row": row},
                )
            )
            continue
        if user:
            first[user] = (number, v["role"])
        out.append((number, v))
    return out


def levels(rows: Rows, problems: list[Problem]) -> Rows:
    """Depths run 1, 2, 3 with no gap, counting the levels already stored."""
    depths = set(OrgUnitLevel.objects.values_list("depth", flat=True)) | {v["depth"] for _, v in rows}
    out = []
    for number, v in rows:
        missing = [d for d in range(1, v["depth"]) if d not in depths]
        if v["depth"] < 1:
            problems.append(Problem("Levels", number, "depth", _("depth starts at 1 (the top of the hierarchy)")))
        elif missing:
            problems.append(
                Problem(
                    "Levels",
                    number,
                    "depth",
                    _("level %(missing)s is missing: levels run 1, 2, 3, ... with no gap")
                    % {"missing": ", ".join(map(str, missing))},
                )
            )
        else:
            out.append((number, v))
    return out


def org_units(rows: Rows, level_rows: Rows, problems: list[Problem]) -> Rows:
    """Parents that exist and make no loop, levels that follow the parent's, all levels defined."""
    stored = {
        code: (parent, depth) for code, parent, depth in OrgUnit.objects.values_list("code", "parent__code", "depth")
    }
    parent_of = {code: parent for code, (parent, _d) in stored.items()}
    for _n, v in rows:
        parent_of[v["code"]] = v["parent"]
    defined = set(OrgUnitLevel.objects.values_list("depth", flat=True)) | {v["depth"] for _n, v in level_rows}
    depth_memo: dict[str, int | None] = {}

    def depth(code: str) -> int | None:
        """Depth from the root through the parents the file (or else the database) gives; None: loop or no parent."""
        chain, node = [], code
        while node is not None and node not in depth_memo:
            if node in chain or node not in parent_of:
                for c in chain:
                    depth_memo[c] = None
                return None
            chain.append(node)
            node = parent_of[node]
        base = 0 if node is None else depth_memo[node]
        for c in reversed(chain):
            base = None if base is None else base + 1
            depth_memo[c] = base
        return depth_memo[code]

    out = []
    for number, v in rows:
        parent = v["parent"]
        if parent is not None and parent not in parent_of:
            problems.append(
                Problem("OrgUnits", number, "parent", _("no org unit has the code '%(code)s'") % {"code": parent})
            )
            continue
        if parent == v["code"]:
            problems.append(Problem("OrgUnits", number, "parent", _("a unit cannot be its own parent")))
            continue
        d = depth(v["code"])
        if d is None:
            problems.append(
                Problem(
                    "OrgUnits",
                    number,
                    "parent",
                    _("the parents make a loop: '%(code)s' ends up under itself") % {"code": v["code"]},
                )
            )
            continue
        if v["level"] != d:
            reason = (
                _("level %(level)s does not follow its parent's: a unit at the top is level 1")
                if parent is None
                else _(
                    "level %(level)s skips or repeats a level: its parent '%(parent)s' is level %(plevel)s, so this is level %(want)s"
                )
            ) % {"level": v["level"], "parent": parent, "plevel": d - 1, "want": d}
            problems.append(Problem("OrgUnits", number, "level", reason))
            continue
        if d not in defined:
            problems.append(
                Problem("OrgUnits", number, "level", _("level %(level)s is not in the sheet Levels") % {"level": d})
            )
            continue
        out.append((number, v))
    return out


def indicators(rows: Rows, problems: list[Problem]) -> Rows:
    out = []
    for number, v in rows:
        if v["aggregation"] == "ratio" and not (v["denominator_label"] or "").strip():
            problems.append(
                Problem(
                    "Indicators",
                    number,
                    "denominator_label",
                    _("a ratio indicator needs a denominator definition (what the denominator counts)"),
                )
            )
            continue
        if v["aggregation"] == "ratio" and not (v["numerator_label"] or "").strip():
            problems.append(
                Problem("Indicators", number, "numerator_label", _("a ratio indicator needs a numerator definition"))
            )
            continue
        out.append((number, v))
    return out


def targets(rows: Rows, problems: list[Problem]) -> Rows:
    out = []
    for number, v in rows:
        if v["target_date"] <= v["baseline_date"]:
            problems.append(
                Problem(
                    "Targets",
                    number,
                    "target_date",
                    _("the target date %(target)s is not after the baseline date %(baseline)s")
                    % {"target": v["target_date"], "baseline": v["baseline_date"]},
                )
            )
            continue
        if (v["trajectory_method"] or T.LINEAR) == T.STAGED:
            try:
                T.validate_stages([tuple(s) for s in v["stages"] or []])
            except (T.TrajectoryError, TypeError, ValueError) as exc:
                problems.append(Problem("Targets", number, "stages", str(exc)))
                continue
        out.append((number, v))
    return out


def milestones(rows: Rows, problems: list[Problem]) -> Rows:
    out = []
    for number, v in rows:
        if v["status"] == "done" and not v["completed_on"]:
            problems.append(
                Problem(
                    "Milestones", number, "completed_on", _("a milestone marked done needs the date it was completed")
                )
            )
            continue
        out.append((number, v))
    return out
