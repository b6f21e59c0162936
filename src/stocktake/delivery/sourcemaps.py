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
from .tabular import FileError, RowShapeError

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
    """A row the shape itself cannot read (wrong number of cells, a formula)."""


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
            f"the header lacks the column(s) {', '.join(missing)}; it has {listed(header[:20])}. "
            f"Download the template, or save a column mapping for this source"
        )
    if not ({"value", "numerator"} & set(cols)):
        raise FileError("the header has neither a 'value' nor a 'numerator' column")
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
            problems.append(f"dataElement: no mapping for DHIS2 data element '{shown(de, 40)}'")
        if ou not in self.org_units:
            problems.append(f"orgUnit: no mapping for DHIS2 org unit '{shown(ou, 40)}'")
        if coc and coc not in self.combos:
            problems.append(f"categoryOptionCombo: no mapping for DHIS2 category option combo '{shown(coc, 40)}'")
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
        raise FileError(f"not valid JSON: {shown(exc, 120)}") from exc
    except RecursionError as exc:
        raise FileError(
            "the JSON is nested too deeply (more than a thousand levels, where a data value set has three); refused"
        ) from exc


def dhis2_json(data: bytes, lookup: Dhis2Lookup) -> Iterator[tuple[int, dict | Exception]]:
    """A dataValueSets JSON payload; rows are numbered by their place in `dataValues`, from 1."""
    payload = load_json(data)
    if not isinstance(payload, dict) or not isinstance(payload.get("dataValues"), list):
        raise FileError("a DHIS2 data value set is a JSON object with a 'dataValues' list")
    if not payload["dataValues"]:
        raise FileError("the 'dataValues' list is empty: there is no data to import")
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
        return ShapeError("each entry of dataValues must be an object")
    return lookup.record(n, dv)


def dhis2_csv(header: list[str], rows: Iterable, lookup: Dhis2Lookup) -> Iterator[tuple[int, dict | Exception]]:
    """The CSV shape of dataValueSets (dataelement, period, orgunit, categoryoptioncombo, ..., value)."""
    cols = _match_columns(header, {k: v for k, v in DHIS2_CSV.items()})
    missing = [f for f in ("dataElement", "period", "orgUnit", "value") if f not in cols]
    if missing:
        raise FileError(
            f"a DHIS2 CSV needs the columns dataelement, period, orgunit and value; missing {', '.join(missing)}"
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
                                f"{f} for {' '.join(k for k in key if k)} given twice (first at row {held[key][0]})"
                            ),
                        )
                        break
                    first[f] = rec[f]
        else:
            held[key] = (n, rec)
    yield from held.values()


# --- column mappings for files as they are ---------------------------------

_TERM = re.compile(r"\s*([+-]?)\s*([^+-]+?)\s*(?=[+-]|$)")


def parse_expression(expr: str, header: list[str]) -> list[tuple[int, str]]:
    """'attendances - breaches' as [(+1, 'attendances'), (-1, 'breaches')]; every name must be a column."""
    terms = []
    pos = 0
    text = expr.strip()
    while pos < len(text):
        m = _TERM.match(text, pos)
        if not m or m.end() == pos:
            raise FileError(f"cannot read the expression '{shown(expr)}'")
        sign, name = m.group(1), m.group(2).strip()
        if name not in header:
            raise FileError(
                f"the mapping names column '{shown(name, 40)}', which the file does not have "
                f"(it has {listed(header[:30])})"
            )
        terms.append((-1 if sign == "-" else 1, name))
        pos = m.end()
    if not terms:
        raise FileError("an empty expression in the mapping")
    return terms


def _evaluate(terms, raw: dict, parse_number) -> float | None:
    total, blank = 0.0, True
    for sign, name in terms:
        v = parse_number(raw.get(name))
        if v is not None:
            blank = False
            total += sign * v
    return None if blank else total


def mapped_records(
    header: list[str], rows: Iterable, mapping: dict, parse_number
) -> Iterator[tuple[int, dict | Exception]]:
    """Any file through a saved column mapping; one file row may give several indicators' values.

    mapping keys: org_unit (column), org_unit_name (column, optional), org_unit_prefix,
    group (column whose value names an intermediate unit, optional),
    period: column name, or {"column", "format" (strptime), "kind"} or {"year", "month"},
    indicators: [{"indicator": code, "value" | "numerator" + "denominator": expression}],
    skip: [{"column", "in": [values]}], blank ("skip" or "error").
    """

    for key in ("org_unit", "period", "indicators"):
        if not mapping.get(key):
            raise FileError(f"the column mapping lacks '{key}'")
    for key in ("org_unit", "org_unit_name", "group"):
        if mapping.get(key) and mapping[key] not in header:
            raise FileError(
                f"the mapping's {key} column '{shown(mapping[key], 40)}' is not in the file "
                f"(it has {listed(header[:30])})"
            )
    period = mapping["period"]
    if isinstance(period, str):
        period = {"column": period}
    for k in ("column", "year", "month"):
        if period.get(k) and period[k] not in header:
            raise FileError(f"the mapping's period column '{period[k]}' is not in the file")
    targets = []
    for item in mapping["indicators"]:
        fields = {f: parse_expression(item[f], header) for f in ("value", "numerator", "denominator") if item.get(f)}
        if not fields:
            raise FileError(f"the mapping gives no value column for {item.get('indicator')}")
        targets.append((item["indicator"], item.get("disaggregation", ""), fields))
    skips = [(s["column"], {str(v) for v in s.get("in", [])}) for s in mapping.get("skip", [])]
    prefix = mapping.get("org_unit_prefix", "")
    blank_is_error = mapping.get("blank") == "error"

    def period_code(raw) -> str:
        if "year" in period:
            y, m = raw.get(period["year"], "").strip(), raw.get(period["month"], "").strip()
            if not (y.isdigit() and m.isdigit()):
                raise ValueError(f"year '{shown(y, 20)}' and month '{shown(m, 20)}' do not make a month")
            return f"{int(y):04d}-{int(m):02d}"
        text = raw.get(period["column"], "").strip()
        if period.get("format"):
            try:
                d = datetime.strptime(text, period["format"]).date()
            except ValueError as exc:
                raise ValueError(f"'{shown(text)}' does not match the date format {period['format']}") from exc
            if not P.MIN_YEAR <= d.year <= P.MAX_YEAR:
                raise ValueError(
                    f"'{shown(text)}' is in year {d.year}; periods name the years {P.MIN_YEAR} to {P.MAX_YEAR}"
                )
            return P.containing(period.get("kind", P.MONTH), d).code
        return text

    for n, raw in rows:
        if isinstance(raw, Exception):
            yield n, raw
            continue
        if any(str(raw.get(col, "")).strip() in values for col, values in skips):
            continue
        try:
            pcode = period_code(raw)
        except ValueError as exc:
            yield n, ShapeError(f"period: {exc}")
            continue
        unit = raw.get(mapping["org_unit"], "").strip()
        base = {
            "org_unit": f"{prefix}{unit}" if unit else "",
            "period": pcode,
            "_name": raw.get(mapping.get("org_unit_name") or "", "").strip() or unit,
            "_group": raw.get(mapping.get("group") or "", "").strip(),
        }
        for indicator, disagg, fields in targets:
            rec = {**base, "indicator": indicator, "disaggregation": disagg}
            try:
                for f, terms in fields.items():
                    rec[f] = _evaluate(terms, raw, parse_number)
            except NumberError as exc:
                yield n, ShapeError(f"{indicator}: {exc}")
                continue
            if all(rec.get(f) is None for f in fields):
                if blank_is_error:
                    yield n, ShapeError(f"{indicator}: no value")
                continue
            yield n, rec
