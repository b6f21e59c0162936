"""Turning a file as it arrives into Stocktake's canonical long records.

Three shapes reach the one pipeline: our own long format, DHIS2 data value
sets (JSON or CSV, with a table from DHIS2 ids to our codes), and any other
ministry file through a column mapping saved for its source (which columns
hold the org unit, the period and the values, which rows to skip). Each
yields (row number, record) so that errors still point at the original file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import datetime

from . import periods as P
from .echo import listed, shown
from .importrows import NumberError
from .tabular import FileError, Note, RowShapeError
from .text import _

LONG_ALIASES = {
    "indicator": ("indicator", "indicator_code", "indicator code"),
    "org_unit": ("org_unit", "org_unit_code", "orgunit", "org unit", "org unit code", "org_code"),
    "period": ("period", "period_code", "period code"),
    "disaggregation": ("disaggregation", "disaggregation_code"),
    "value": ("value",),
    "numerator": ("numerator",),
    "denominator": ("denominator",),
    "comment": ("comment", "comments", "note"),
}


class ShapeError(RowShapeError):
    """A row the shape itself cannot read (wrong number of cells, a formula); `column` names the file's column."""

    def __init__(self, message: str, column: str = ""):
        super().__init__(message)
        self.column = column


def _match_columns(header: list[str], aliases: dict) -> dict[str, str]:
    lower = {h.strip().lower(): h for h in header}
    found = {}
    for field, names in aliases.items():
        for name in names:
            if name in lower:
                found[field] = lower[name]
                break
    return found


def long_records(header: list[str], rows: Iterable) -> Iterator[tuple[int, dict | Exception]]:
    """Our documented long format: one value per row."""
    cols = _match_columns(header, LONG_ALIASES)
    missing = [f for f in ("indicator", "org_unit", "period") if f not in cols]
    if missing:
        raise FileError(
            _(
                "the header lacks the column(s) %(missing)s; it has %(header)s. "
                "Download the template, or save a column mapping for this source"
            )
            % {"missing": ", ".join(missing), "header": listed(header[:20])}
        )
    if not ({"value", "numerator"} & set(cols)):
        raise FileError(_("the header has neither a 'value' nor a 'numerator' column"))
    for n, raw in rows:
        if isinstance(raw, Exception):
            yield n, raw
            continue
        yield n, {field: raw.get(col, "") for field, col in cols.items()}


# --- DHIS2 -----------------------------------------------------------------

DHIS2_CSV = {
    "dataElement": ("dataelement", "data_element", "de"),
    "period": ("period", "pe"),
    "orgUnit": ("orgunit", "org_unit", "ou"),
    "categoryOptionCombo": ("categoryoptioncombo", "catoptcombo", "coc"),
    "attributeOptionCombo": ("attributeoptioncombo", "attroptcombo", "aoc"),
    "value": ("value",),
    "comment": ("comment",),
}


class Dhis2Lookup:
    """DHIS2 ids to Stocktake codes: data elements to (indicator, field), org units, category option combos."""

    def __init__(
        self,
        data_elements: dict[str, tuple[str, str]],
        org_units: dict[str, str],
        category_option_combos: dict[str, str],
    ):
        self.data_elements = data_elements
        self.org_units = org_units
        self.combos = category_option_combos

    def record(self, n: int, dv: dict) -> dict | Exception:
        de, ou, coc = (str(dv.get(k) or "").strip() for k in ("dataElement", "orgUnit", "categoryOptionCombo"))
        problems = []
        if de not in self.data_elements:
            problems.append("dataElement: " + _("no mapping for DHIS2 data element '%(id)s'") % {"id": shown(de, 40)})
        if ou not in self.org_units:
            problems.append("orgUnit: " + _("no mapping for DHIS2 org unit '%(id)s'") % {"id": shown(ou, 40)})
        if coc and coc not in self.combos:
            problems.append(
                "categoryOptionCombo: "
                + _("no mapping for DHIS2 category option combo '%(id)s'") % {"id": shown(coc, 40)}
            )
        if problems:
            return ShapeError("; ".join(problems))
        indicator, field = self.data_elements[de]
        out: dict[str, object] = {
            "indicator": indicator,
            "org_unit": self.org_units[ou],
            "period": str(dv.get("period") or ""),
            "disaggregation": self.combos.get(coc, "") if coc else "",
            "comment": str(dv.get("comment") or ""),
        }
        out[field or "value"] = dv.get("value")
        return out


def load_json(data: bytes):
    """JSON from an upload, or a FileError: invalid text, or nesting deeper than Python's parser goes.

    The C parser counts its depth and raises RecursionError (about a thousand levels), cleanly, so a
    file nested 100,000 deep costs a refusal, not a crash; a real data value set is three levels deep.
    """
    try:
        return json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FileError(_("not valid JSON: %(reason)s") % {"reason": shown(exc, 120)}) from exc
    except RecursionError as exc:
        raise FileError(
            _("the JSON is nested too deeply (more than a thousand levels, where a data value set has three); refused")
        ) from exc


def dhis2_json(data: bytes, lookup: Dhis2Lookup) -> Iterator[tuple[int, dict | Exception]]:
    """A dataValueSets JSON payload; rows are numbered by their place in `dataValues`, from 1."""
    payload = load_json(data)
    if not isinstance(payload, dict) or not isinstance(payload.get("dataValues"), list):
        raise FileError(_("a DHIS2 data value set is a JSON object with a 'dataValues' list"))
    if not payload["dataValues"]:
        raise FileError(_("the 'dataValues' list is empty: there is no data to import"))
    defaults = {k: payload.get(k) for k in ("period", "orgUnit", "attributeOptionCombo") if payload.get(k)}
    return _merge_parts(
        (
            (i, _dhis2_one(i, {**defaults, **dv} if isinstance(dv, dict) else dv, lookup))
            for i, dv in enumerate(payload["dataValues"], start=1)
        ),
        lookup,
    )


def _dhis2_one(n, dv, lookup):
    if not isinstance(dv, dict):
        return ShapeError(_("each entry of dataValues must be an object"))
    return lookup.record(n, dv)


def dhis2_csv(header: list[str], rows: Iterable, lookup: Dhis2Lookup) -> Iterator[tuple[int, dict | Exception]]:
    """The CSV shape of dataValueSets (dataelement, period, orgunit, categoryoptioncombo, ..., value)."""
    cols = _match_columns(header, {k: v for k, v in DHIS2_CSV.items()})
    missing = [f for f in ("dataElement", "period", "orgUnit", "value") if f not in cols]
    if missing:
        raise FileError(
            _("a DHIS2 CSV needs the columns dataelement, period, orgunit and value; missing %(missing)s")
            % {"missing": ", ".join(missing)}
        )

    def gen():
        for n, raw in rows:
            if isinstance(raw, Exception):
                yield n, raw
                continue
            yield n, lookup.record(n, {f: raw.get(c, "") for f, c in cols.items()})

    return _merge_parts(gen(), lookup)


def _merge_parts(records, lookup: Dhis2Lookup):
    """Two data elements may be one ratio's numerator and denominator: join them into one record."""
    if all(f in ("value", "", None) for _, f in lookup.data_elements.values()):
        yield from records
        return
    held: dict[tuple, tuple[int, dict]] = {}
    for n, rec in records:
        if isinstance(rec, Exception):
            yield n, rec
            continue
        key = (rec["indicator"], rec["org_unit"], rec["period"], rec["disaggregation"])
        if key in held:
            first = held[key][1]
            for f in ("value", "numerator", "denominator"):
                if rec.get(f) not in (None, ""):
                    if first.get(f) not in (None, ""):
                        yield (
                            n,
                            ShapeError(
                                _("%(field)s for %(key)s given twice (first at row %(row)s)")
                                % {"field": f, "key": " ".join(k for k in key if k), "row": held[key][0]}
                            ),
                        )
                        break
                    first[f] = rec[f]
        else:
            held[key] = (n, rec)
    yield from held.values()


# --- column mappings for files as they are ---------------------------------

_TERM = re.compile(r"\s*([+-]?)\s*([^+-]+?)\s*(?=[+-]|$)")
_FIELD = re.compile(r"\{([^{}]+)\}")


class Skipped:
    """A file row a mapping leaves out on purpose (a skip rule, no value in it): counted, never an error."""

    __slots__ = ("reason",)

    def __init__(self, reason: str):
        self.reason = reason

    def __repr__(self) -> str:
        return f"Skipped({self.reason!r})"


class MissingCell(ValueError):
    """A row that ends before a column the mapping reads (allowed only when unnamed columns are ignored)."""


def fold(text) -> str:
    """Text as a skip rule compares it: case and runs of spaces ignored ('  Total ' is 'TOTAL')."""
    return " ".join(str(text).split()).casefold()


def parse_expression(
    expr: str, header: list[str], optional: set[str] | frozenset = frozenset(), absent: set | None = None
) -> list[tuple[int, str]]:
    """'attendances - breaches' as [(+1, 'attendances'), (-1, 'breaches')]; every name must be a column.

    A name in `optional` may be missing from this file (a column that only appears from some month on):
    its term is dropped and the name added to `absent`, so the import report can say so.
    """
    terms = []
    pos = 0
    text = expr.strip()
    while pos < len(text):
        m = _TERM.match(text, pos)
        if not m or m.end() == pos:
            raise FileError(_("cannot read the expression '%(expression)s'") % {"expression": shown(expr)})
        sign, name = m.group(1), m.group(2).strip()
        pos = m.end()
        if name not in header:
            if name in optional:
                if absent is not None:
                    absent.add(name)
                continue
            raise FileError(
                _(
                    "the mapping names column '%(name)s', which the file does not have (it has %(header)s); "
                    "if the column only appears in some files, list it in the mapping's optional columns"
                )
                % {"name": shown(name, 80), "header": listed(header[:30])}
            )
        terms.append((-1 if sign == "-" else 1, name))
    if not terms and not absent:
        raise FileError(_("an empty expression in the mapping"))
    return terms


def _cell(raw: dict, name: str) -> str:
    value = raw.get(name, "")
    if value is None:
        raise MissingCell(name)
    return str(value)


class _CellError(ValueError):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column


def _evaluate(terms, raw: dict, parse_number) -> float | None:
    total, blank = 0.0, True
    for sign, name in terms:
        try:
            v = parse_number(_cell(raw, name))
        except MissingCell as exc:
            raise _CellError(name, _ends_before(exc)) from exc
        except NumberError as exc:
            raise _CellError(name, str(exc)) from exc
        if v is not None:
            blank = False
            total += sign * v
    return None if blank else total


def _column_of(spec, key: str) -> tuple[str, str]:
    """A mapping's org unit (or group) as (column, constant code): a column name, {"column"} or {"code"}."""
    if isinstance(spec, str):
        return spec, ""
    if isinstance(spec, dict):
        if spec.get("code"):
            return "", str(spec["code"])
        if spec.get("column"):
            return str(spec["column"]), ""
    raise FileError(
        _('the mapping\'s %(key)s is a column name, {"column": name} or {"code": a unit code}') % {"key": key}
    )


class _Breakdown:
    """A disaggregation read from a column: 'sex' and the cell 'Female' give 'sex=female'; a total is ''."""

    def __init__(self, spec, header: list[str]):
        if isinstance(spec, str):
            self.column, self.constant = "", spec
            return
        self.constant = ""
        self.column = str(spec.get("column") or "")
        if self.column not in header:
            raise FileError(
                _("the mapping's disaggregation column '%(column)s' is not in the file (it has %(header)s)")
                % {"column": shown(self.column, 80), "header": listed(header[:30])}
            )
        self.name = str(spec.get("name") or "").strip()
        self.values = {fold(k): str(v) for k, v in (spec.get("values") or {}).items()}
        self.totals = {fold(v) for v in spec.get("total", [])}

    def code(self, raw: dict) -> str:
        if not self.column:
            return self.constant
        text = " ".join(_cell(raw, self.column).split())
        key = fold(text)
        if not key or key in self.totals:
            return ""
        value = self.values.get(key, key)
        return f"{self.name}={value}" if self.name else value


def _period_reader(period, header: list[str]):
    if isinstance(period, str):
        period = {"column": period}
    if not isinstance(period, dict):
        raise FileError(_("the mapping's period is a column name or an object (column, format, year/month, text)"))
    for k in ("column", "year", "month"):
        if period.get(k) and period[k] not in header:
            raise FileError(
                _("the mapping's period column '%(column)s' is not in the file") % {"column": shown(period[k], 40)}
            )
    template = period.get("text")
    if template:
        for name in _FIELD.findall(template):
            if name not in header:
                raise FileError(
                    _("the mapping's period text names column '%(column)s', not in the file")
                    % {"column": shown(name, 80)}
                )

    def period_code(raw) -> str:
        if "year" in period:
            y, m = _cell(raw, period["year"]).strip(), _cell(raw, period["month"]).strip()
            if not (y.isdigit() and m.isdigit()):
                raise ValueError(
                    _("year '%(year)s' and month '%(month)s' do not make a month")
                    % {"year": shown(y, 20), "month": shown(m, 20)}
                )
            return f"{int(y):04d}-{int(m):02d}"
        if template:  # "{fiscal_year} {q}": a period label built from several cells, read as periods read it
            return " ".join(_FIELD.sub(lambda m: _cell(raw, m.group(1)).strip(), template).split())
        text = _cell(raw, period["column"]).strip()
        if period.get("format"):
            try:
                d = datetime.strptime(text, period["format"]).date()
            except ValueError as exc:
                raise ValueError(
                    _("'%(text)s' does not match the date format %(format)s")
                    % {"text": shown(text), "format": period["format"]}
                ) from exc
            if not P.MIN_YEAR <= d.year <= P.MAX_YEAR:
                raise ValueError(
                    _("'%(text)s' is in year %(year)s; periods name the years %(min)s to %(max)s")
                    % {"text": shown(text), "year": d.year, "min": P.MIN_YEAR, "max": P.MAX_YEAR}
                )
            return P.containing(period.get("kind", P.MONTH), d).code
        return text

    return period_code, period.get("column") or period.get("year") or ""


def mapped_records(
    header: list[str], rows: Iterable, mapping: dict, parse_number, notes: list | None = None
) -> Iterator[tuple[int, dict | Exception | Skipped]]:
    """Any file through a saved column mapping; one file row may give several indicators' values.

    mapping keys (docs/collection.md): org_unit (a column, or {"code"} for a file of one unit),
    org_unit_name, org_unit_prefix, group (a column naming an intermediate unit), period (a column,
    or {"column", "format" (strptime), "kind"}, {"year", "month"} or {"text": "{col} {col}"}),
    indicators: [{"indicator", "value" | "numerator" + "denominator": expression, "disaggregation"}],
    disaggregation ({"column", "name", "values", "total"}), optional (columns some files lack),
    skip: [{"column", "in": [values]}] (case and spaces ignored), blank ("skip" or "error"),
    an indicator's zero_denominator ("skip": a unit with nothing to divide by gives no record).
    Every file row yields at least once: records, errors, or a Skipped saying why it gave nothing.
    """

    for key in ("org_unit", "period", "indicators"):
        if not mapping.get(key):
            raise FileError(_("the column mapping lacks '%(key)s'") % {"key": key})
    unit_column, unit_code = _column_of(mapping["org_unit"], "org_unit")
    for key, col in (
        ("org_unit", unit_column),
        ("org_unit_name", mapping.get("org_unit_name")),
        ("group", mapping.get("group")),
    ):
        if col and col not in header:
            raise FileError(
                _("the mapping's %(key)s column '%(column)s' is not in the file (it has %(header)s)")
                % {"key": key, "column": shown(col, 80), "header": listed(header[:30])}
            )
    period_code, period_column = _period_reader(mapping["period"], header)
    optional = set(mapping.get("optional") or [])
    absent: set[str] = set()
    breakdown = _Breakdown(mapping["disaggregation"], header) if mapping.get("disaggregation") else None
    targets = []
    for item in mapping["indicators"]:
        fields = {
            f: parse_expression(item[f], header, optional, absent)
            for f in ("value", "numerator", "denominator")
            if item.get(f)
        }
        if not fields:
            raise FileError(
                _("the mapping gives no value column for %(indicator)s") % {"indicator": item.get("indicator")}
            )
        own = _Breakdown(item["disaggregation"], header) if item.get("disaggregation") else breakdown
        targets.append((item["indicator"], own, fields, item.get("zero_denominator") == "skip"))
    if absent and notes is not None:
        names = ", ".join(f"'{shown(name, 80)}'" for name in sorted(absent)[:20])
        notes.append(
            Note(
                _("optional column(s) %(names)s are not in this file: read as blank") % {"names": names},
                "optional-columns",
            )
        )
    skips = []
    for s in mapping.get("skip", []):
        if s.get("column") not in header:
            raise FileError(
                _("the mapping's skip rule names column '%(column)s', not in the file")
                % {"column": shown(s.get("column"), 40)}
            )
        skips.append((s["column"], {fold(v): str(v) for v in s.get("in", [])}))
    prefix = mapping.get("org_unit_prefix", "")
    blank_is_error = mapping.get("blank") == "error"
    group = mapping.get("group") or ""
    name_column = mapping.get("org_unit_name") or ""

    for n, raw in rows:
        if isinstance(raw, Exception):
            yield n, raw
            continue
        rule = next(
            (
                _("%(column)s is %(value)s") % {"column": col, "value": values[fold(raw.get(col) or "")]}
                for col, values in skips
                if fold(raw.get(col) or "") in values
            ),
            None,
        )
        if rule:
            yield n, Skipped(rule)
            continue
        try:
            pcode = period_code(raw)
            unit = unit_code or _cell(raw, unit_column).strip()
            base = {
                "org_unit": unit if unit_code else (f"{prefix}{unit}" if unit else ""),
                "period": pcode,
                "_name": (_cell(raw, name_column).strip() if name_column else "") or unit,
                "_group": _cell(raw, group).strip() if group else "",
            }
        except MissingCell as exc:
            yield n, ShapeError(_ends_before(exc), column=_field_of(str(exc), unit_column, period_column))
            continue
        except ValueError as exc:
            yield n, ShapeError(_("period: %(exc)s") % {"exc": exc})
            continue
        made, why = 0, _("no value in the mapped columns")
        for indicator, disagg, fields, zero_skips in targets:
            rec = {**base, "indicator": indicator}
            try:
                rec["disaggregation"] = disagg.code(raw) if disagg else ""
                for f, terms in fields.items():
                    rec[f] = _evaluate(terms, raw, parse_number)
            except MissingCell as exc:
                yield (
                    n,
                    ShapeError(
                        _("%(indicator)s: %(exc)s") % {"indicator": indicator, "exc": _ends_before(exc)},
                        column=str(exc),
                    ),
                )
                made += 1
                continue
            except _CellError as exc:
                yield (
                    n,
                    ShapeError(_("%(indicator)s: %(exc)s") % {"indicator": indicator, "exc": exc}, column=exc.column),
                )
                made += 1
                continue
            if all(rec.get(f) is None for f in fields):
                if blank_is_error:
                    yield n, ShapeError(_("%(indicator)s: no value") % {"indicator": indicator})
                    made += 1
                continue
            if zero_skips and rec.get("denominator") == 0:  # no attendances: no share to report, not an error
                why = _("%(indicator)s: denominator 0") % {"indicator": indicator}
                continue
            made += 1
            yield n, rec
        if not made:
            yield n, Skipped(why)


def _field_of(column: str, unit_column: str, period_column: str) -> str:
    if column == unit_column:
        return "org_unit"
    return "period" if column == period_column else column  # the group, the unit's name, a period part


def _ends_before(exc: MissingCell) -> str:
    return _("the row ends before column '%(column)s' (fewer cells than the header)") % {"column": shown(str(exc), 80)}


MAPPING_KEYS = {
    "org_unit", "org_unit_name", "org_unit_prefix", "group", "period", "indicators", "disaggregation", "optional",
    "skip", "blank", "unnamed_columns", "combine", "create_org_units", "encoding", "delimiter", "sheet",
}  # fmt: skip


def check_mapping(config) -> list[str]:
    """What is wrong with a column mapping before any file meets it, each as 'field: reason'.

    Checked when a mapping is saved, so a typo ('skp', an indicator without a value) is refused then,
    naming the field, rather than silently doing nothing on every later import.
    """
    if not isinstance(config, dict):
        return ["config: " + _("a column mapping is a JSON object")]
    problems = [
        f"{k}: " + _("not a mapping option (see docs/collection.md)") for k in sorted(set(config) - MAPPING_KEYS)
    ]
    for key in ("org_unit", "period", "indicators"):
        if not config.get(key):
            problems.append(f"{key}: " + _("required"))
    unit = config.get("org_unit")
    if unit and not (isinstance(unit, str) or (isinstance(unit, dict) and (unit.get("column") or unit.get("code")))):
        problems.append("org_unit: " + _('a column name, {"column": name} or {"code": a unit code}'))
    period = config.get("period")
    if period and not (
        isinstance(period, str)
        or (isinstance(period, dict) and (period.get("column") or period.get("text") or period.get("year")))
    ):
        problems.append("period: " + _('a column name, or {"column", "format"}, {"year", "month"} or {"text"}'))
    if isinstance(period, dict) and period.get("year") and not period.get("month"):
        problems.append("period.month: " + _("required with %(field)s") % {"field": "period.year"})
    if isinstance(period, dict) and period.get("kind") and period["kind"] not in P.FREQUENCY_NAMES:
        problems.append("period.kind: " + _("one of %(choices)s") % {"choices": ", ".join(P.FREQUENCY_NAMES)})
    indicators = config.get("indicators")
    if indicators and not isinstance(indicators, list):
        problems.append("indicators: " + _('a list of {"indicator": code, "value": expression, ...}'))
    for i, item in enumerate(indicators if isinstance(indicators, list) else []):
        if not isinstance(item, dict) or not item.get("indicator"):
            problems.append(f"indicators[{i}].indicator: " + _("required"))
        elif not any(item.get(f) for f in ("value", "numerator")):
            problems.append(f"indicators[{i}]: " + _("give a value, or a numerator and denominator"))
        elif item.get("numerator") and not item.get("denominator"):
            problems.append(f"indicators[{i}].denominator: " + _("required with a numerator"))
        if isinstance(item, dict) and item.get("disaggregation") not in (None, ""):
            problems += _check_breakdown(item["disaggregation"], f"indicators[{i}].disaggregation")
    if config.get("disaggregation") not in (None, ""):
        problems += _check_breakdown(config["disaggregation"], "disaggregation")
    for i, rule in enumerate(config.get("skip") or []):
        if not isinstance(rule, dict) or not rule.get("column") or not isinstance(rule.get("in"), list):
            problems.append(f'skip[{i}]: {{"column": name, "in": [values]}}')
    if not isinstance(config.get("optional", []), list):
        problems.append("optional: " + _("a list of column names"))
    for key, allowed in (
        ("blank", ("skip", "error")),
        ("unnamed_columns", ("refuse", "ignore")),
        ("combine", ("sum",)),
    ):
        if key in config and config[key] not in allowed:
            problems.append(f"{key}: " + _("one of %(choices)s") % {"choices": ", ".join(allowed)})
    create = config.get("create_org_units")
    if create is not None and not (isinstance(create, dict) and create.get("parent")):
        problems.append('create_org_units: {"parent": code, "create": [{"code", "name", "under"}, ...]}')
    for i, item in enumerate(create.get("create") or [] if isinstance(create, dict) else []):
        if not isinstance(item, dict) or not item.get("code") or not item.get("under"):
            problems.append(f'create_org_units.create[{i}]: {{"code", "name", "under"}}')
    return problems


def _check_breakdown(spec, where: str) -> list[str]:
    if isinstance(spec, str):
        return []
    if not isinstance(spec, dict) or not spec.get("column"):
        return [f"{where}: " + _('a code, or {"column": name, "name": "sex", "values": {...}, "total": [...]}')]
    if not isinstance(spec.get("values", {}), dict):
        return [f"{where}.values: " + _("an object from the file's text to the code stored")]
    return []
