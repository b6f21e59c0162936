"""The row checks of importrows, run on a whole file's columns at once (Polars).

A national file is a million rows; checking them one Python dict at a time costs seconds before anything
is stored. Here the file is read into typed columns and the common case is decided by vector expressions:
code look-ups are joins against the catalogue's indicators, org units and periods (each period code
parsed once), numbers are cast as a column, ranges and frequencies are compared column-wise, duplicates
are found by group. There is still one set of rules: a row the vectors do not accept outright (a ratio, a
number written with separators, an unknown code, anything out of range) goes through `importrows.check_row`,
which gives the same row, column and message it always has; a test runs the rows' tests through both
paths. Row numbers travel with the columns, so every message names the file's own row.

`read_long_csv` reads only the files whose rows it can number exactly as the row reader does (UTF-8,
commas, no quotes, no blank lines, every row as wide as the header); for anything else it answers None
and the caller reads the file row by row.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from . import importrows as R
from . import periods as P
from . import sourcemaps as M
from . import tabular as T

PLAIN_NUMBER = r"^[+-]?\d+(\.\d+)?$"  # what the vectors read themselves; any other number goes to the row rules
TEXT = ("indicator", "org_unit", "period", "disaggregation", "comment")


@dataclass
class Checked:
    """The accepted rows (a frame in file order, period as its canonical code), the errors by row, and the
    parsed periods by canonical code."""

    accepted: pl.DataFrame
    errors: list[list[R.RowError]]
    periods: dict[str, P.Period]
    by_rows: int = 0  # rows the vectors left to the row rules (the cost of this path is in keeping it small)

    def rows(self, size: int = 5000) -> Iterator[R.Row]:
        """The accepted rows as importrows.Row, for the writers."""
        for chunk in self.accepted.iter_slices(size):
            for n, ind, unit, pcode, dis, v, num, den, comment in chunk.iter_rows():
                yield R.Row(n, ind, unit, self.periods[pcode], dis, v, num, den, comment, [n])


def read_long_csv(data: bytes) -> pl.DataFrame | None:
    """A long-format CSV's rows as text columns (canonical names, plus `row`: the file's row number), or None
    when the file needs the row reader (its rules on encodings, quotes and ragged rows)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    if not data.strip() or b'"' in data or b"\x00" in data or data.count(b"\r") != data.count(b"\r\n"):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    first = data.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8")
    if T.sniff_delimiter(first) != ",":
        return None
    cells = first.split(",")
    if any(not c.strip() for c in cells):
        return None
    try:
        header = T._header(cells, "CSV")
        cols = M._match_columns(header, M.LONG_ALIASES)
    except T.FileError:
        return None  # the row reader refuses it, in its own words
    if not {"indicator", "org_unit", "period"} <= set(cols) or not {"value", "numerator"} & set(cols):
        return None
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if lines < 2 or data.count(b",") != (len(cells) - 1) * lines:
        return None  # a blank, short or long row: the row reader skips it or names it
    try:
        frame = pl.read_csv(io.BytesIO(data), infer_schema=False, has_header=True, truncate_ragged_lines=False)
    except Exception:  # noqa: BLE001  any surprise in the fast reader: the row reader decides
        return None
    if frame.height != lines - 1 or frame.width != len(cells):
        return None
    longest = frame.select(pl.max_horizontal(pl.all().str.len_chars().max())).item()
    if longest is not None and longest > T.MAX_CELL:
        return None
    frame = frame.rename({col: field for field, col in cols.items()}).select(list(cols))
    missing = [pl.lit(None, dtype=pl.String).alias(c) for c in R.COLUMNS if c not in cols]
    frame = frame.with_columns(missing).select(
        pl.int_range(2, frame.height + 2, dtype=pl.Int64).alias("row"), *[pl.col(c) for c in R.COLUMNS]
    )
    # a row of blank cells is no row (the row reader skips it too)
    return frame.filter(pl.any_horizontal(pl.col(R.COLUMNS).str.strip_chars().fill_null("") != ""))


def _indicators(cat: R.Catalogue) -> pl.DataFrame:
    specs = [s for s in cat.indicators.values() if s.aggregation != "ratio"]  # ratios: the row rules
    specs = [s for s in specs if cat.allowed is None or s.code in cat.allowed]
    return pl.DataFrame(
        {
            "indicator": [s.code for s in specs],
            "_frequency": [s.frequency for s in specs],
            "_depth": [s.report_depth for s in specs],
            "_min": [s.min_value for s in specs],
            "_max": [s.max_value for s in specs],
            "_no_negative": [s.refuses_negative_value for s in specs],
        },
        schema={
            "indicator": pl.String,
            "_frequency": pl.String,
            "_depth": pl.Int64,
            "_min": pl.Float64,
            "_max": pl.Float64,
            "_no_negative": pl.Boolean,
        },
    )


def _periods(codes: list[str], cat: R.Catalogue) -> tuple[pl.DataFrame, dict[str, P.Period]]:
    """Each period code of the file parsed once: (code, canonical code, kind) of those that have ended."""
    rows, parsed = [], {}
    for code in codes:
        try:
            period = P.parse(code)
        except P.PeriodError:
            continue
        if period.end <= cat.today:
            rows.append((code, period.code, period.kind))
            parsed[period.code] = period
    frame = pl.DataFrame(rows, schema=["period", "_code", "_kind"], orient="row")
    return frame.cast(pl.String), parsed


def check_frame(frame: pl.DataFrame, cat: R.Catalogue) -> Checked:
    """Every row of a frame (from read_long_csv) checked with importrows' rules; see the module's docstring."""
    if cat.combine_duplicates:
        return _by_rows(frame, cat, [])
    stripped = frame.with_columns(pl.col(R.COLUMNS).str.strip_chars())
    periods, parsed = _periods(stripped.get_column("period").drop_nulls().unique().to_list(), cat)
    units = pl.DataFrame(
        {"org_unit": list(cat.org_units), "_unit_depth": list(cat.org_units.values())},
        schema={"org_unit": pl.String, "_unit_depth": pl.Int64},
    )
    blank = lambda c: pl.col(c).is_null() | (pl.col(c) == "")  # noqa: E731
    joined = (
        stripped.join(_indicators(cat), on="indicator", how="left")
        .join(units, on="org_unit", how="left")
        .join(periods, on="period", how="left")
        .with_columns(
            pl.when(pl.col("value").str.contains(PLAIN_NUMBER))
            .then(pl.col("value").cast(pl.Float64, strict=False))
            .alias("_value")
        )
    )
    ok = (
        pl.col("_frequency").is_not_null()
        & pl.col("_unit_depth").is_not_null()
        & (pl.col("_depth").is_null() | (pl.col("_depth") == pl.col("_unit_depth")))
        & (pl.col("_kind") == pl.col("_frequency"))
        & pl.col("_value").is_finite()
        & blank("numerator")
        & blank("denominator")
        & (~pl.col("_no_negative") | (pl.col("_value") >= 0))
        & (pl.col("_min").is_null() | (pl.col("_value") >= pl.col("_min")))
        & (pl.col("_max").is_null() | (pl.col("_value") <= pl.col("_max")))
        & (pl.col("disaggregation").fill_null("").str.len_chars() <= 100)
        & ~pl.any_horizontal(pl.col(R.COLUMNS).str.contains("\x00", literal=True).fill_null(False))
    ).fill_null(False)
    joined = joined.with_columns(ok.alias("_ok"))
    clean = joined.filter(pl.col("_ok")).select(
        "row",
        "indicator",
        "org_unit",
        pl.col("_code").alias("period"),
        pl.col("disaggregation").fill_null(""),
        pl.col("_value").alias("value"),
        pl.lit(None, dtype=pl.Float64).alias("numerator"),
        pl.lit(None, dtype=pl.Float64).alias("denominator"),
        pl.col("comment").fill_null("").str.slice(0, 2000),
    )
    rest = frame.join(joined.filter(~pl.col("_ok")).select("row"), on="row", how="semi")  # as the file has them
    return _by_rows(rest, cat, [clean], parsed)


def _by_rows(rest: pl.DataFrame, cat: R.Catalogue, accepted: list, parsed: dict | None = None) -> Checked:
    """The rows the vectors did not accept, through importrows' own rules; then duplicates by group."""
    parsed = dict(parsed or {})
    errors: list[list[R.RowError]] = []
    records = ((rec.pop("row"), rec) for rec in rest.iter_rows(named=True))
    if cat.combine_duplicates:  # summing rows that share a key is the row rules' own business
        results = list(R.check_rows(records, cat))
        good = [r for r in results if isinstance(r, R.Row)]
        errors = [r for r in results if isinstance(r, list)]
        return Checked(_frame(good, parsed), sorted(errors, key=lambda e: e[0].row), parsed, rest.height)
    good = []
    for n, rec in records:
        result = R.check_row(n, rec, cat)
        if isinstance(result, list):
            errors.append(result)
        else:
            good.append(result)
    frame = pl.concat([*accepted, _frame(good, parsed)]).sort("row")
    key = ["indicator", "org_unit", "period", "disaggregation"]
    frame = frame.with_columns(pl.col("row").min().over(key).alias("_first"))
    for n, first, ind, unit, pcode, dis in (
        frame.filter(pl.col("row") != pl.col("_first"))
        .select("row", "_first", "indicator", "org_unit", "period", "disaggregation")
        .iter_rows()
    ):
        errors.append(
            [
                R.RowError(
                    n,
                    "",
                    f"duplicate of row {first}: {ind} {unit} {pcode}"
                    + (f" {dis}" if dis else "")
                    + " appears twice in the file",
                )
            ]
        )
    frame = frame.filter(pl.col("row") == pl.col("_first")).drop("_first")
    return Checked(frame, sorted(errors, key=lambda e: e[0].row), parsed, rest.height)


ACCEPTED = {
    "row": pl.Int64,
    "indicator": pl.String,
    "org_unit": pl.String,
    "period": pl.String,
    "disaggregation": pl.String,
    "value": pl.Float64,
    "numerator": pl.Float64,
    "denominator": pl.Float64,
    "comment": pl.String,
}


def _frame(rows: list[R.Row], parsed: dict) -> pl.DataFrame:
    for r in rows:
        parsed.setdefault(r.period.code, r.period)
    return pl.DataFrame(
        [
            (r.row, r.indicator, r.org_unit, r.period.code, r.disaggregation, r.value, r.numerator, r.denominator)
            + (r.comment,)
            for r in rows
        ],
        schema=ACCEPTED,
        orient="row",
    )


def check_records(records, cat: R.Catalogue) -> list[R.Row | list[R.RowError]]:
    """(row number, record) pairs checked the column way, answered as check_rows answers (in row order,
    combined rows at the end): what the tests of the row rules run against both paths."""
    records = list(records)
    if cat.combine_duplicates:  # the sums are the row rules' own (check_frame hands them over whole)
        return list(R.check_rows(records, cat))
    text = {n: {c: None if rec.get(c) is None else str(rec.get(c)) for c in R.COLUMNS} for n, rec in records}
    # text no column can hold (a lone surrogate) is refused by the row rules, in their words
    broken = [(n, rec) for n, rec in records if not all(R._storable(t) for t in text[n].values() if t)]
    out: list = [R.check_row(n, rec, cat) for n, rec in broken]
    skip = {n for n, _ in broken}
    frame = pl.DataFrame(
        [(n, *text[n].values()) for n, _ in records if n not in skip],
        schema={"row": pl.Int64, **dict.fromkeys(R.COLUMNS, pl.String)},
        orient="row",
    )
    checked = check_frame(frame, cat)
    out += [*checked.errors, *checked.rows()]
    return sorted(out, key=lambda r: r[0].row if isinstance(r, list) else r.row)
