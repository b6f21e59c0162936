"""Checking imported rows before anything is stored.

Ministry files arrive in every shape; by the time rows reach this module they
have been turned into the canonical long record (indicator, org unit, period,
disaggregation, value or numerator/denominator, comment) and each carries its
row number in the file, so every complaint can name row, column and reason.
Nothing here touches the database: the caller hands in a Catalogue of what
exists and gets back accepted rows and errors, which keeps the rules testable
with random input and the same for every importer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from . import periods as P
from .echo import shown as _shown
from .text import _, gettext_noop

COLUMNS = ("indicator", "org_unit", "period", "disaggregation", "value", "numerator", "denominator", "comment")
REQUIRED = ("indicator", "org_unit", "period")

# The sentences that name a column, one per column, so each is whole for the translator (gettext_noop marks
# them; `_` translates them when a row is checked).
EMPTY = {
    "indicator": gettext_noop("indicator is empty"),
    "org_unit": gettext_noop("org unit is empty"),
    "period": gettext_noop("period is empty"),
}
NEGATIVE_PART = {
    "numerator": gettext_noop(
        "%(number)s is negative; the numerator of %(indicator)s counts things and cannot be below zero"
    ),
    "denominator": gettext_noop(
        "%(number)s is negative; the denominator of %(indicator)s counts things and cannot be below zero"
    ),
}
NOT_A_RATIO = {
    "numerator": gettext_noop("%(indicator)s is not a ratio: it takes a value only, so the numerator must be blank"),
    "denominator": gettext_noop(
        "%(indicator)s is not a ratio: it takes a value only, so the denominator must be blank"
    ),
}

# Spreadsheets write thousands separators and stray spaces; both are harmless.
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][+-]?\d+)?$")

# Units that count things: a count below zero is a typo or a sign error, not news. An indicator whose
# min_value is negative says that it may go below zero (a net change, a balance), whatever its unit.
COUNT_UNITS = {
    "count",
    "counts",
    "number",
    "people",
    "persons",
    "cases",
    "deaths",
    "births",
    "patients",
    "attendances",
    "visits",
    "pupils",
    "students",
    "children",
    "households",
    "registrations",
    "events",
    "incidents",
    "crimes",
    "beds",
    "staff",
    "units",
    "items",
}


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    frequency: str
    aggregation: str = "sum"
    report_depth: int | None = None
    min_value: float | None = None
    max_value: float | None = None
    ratio_scale: float = 1.0
    unit: str = ""

    @property
    def counts(self) -> bool:
        """A count-like unit ('count', 'people', 'number of ...'): its values cannot be below zero."""
        words = self.unit.strip().lower()
        return words in COUNT_UNITS or words.startswith(("number of", "count of", "no. of"))

    @property
    def refuses_negative_value(self) -> bool:
        """With no minimum set, a count's value below zero is refused; a minimum, when set, decides alone."""
        return self.min_value is None and self.counts

    @property
    def refuses_negative_parts(self) -> bool:
        """A ratio's numerator and denominator count things, unless a negative minimum says otherwise."""
        return self.min_value is None or self.min_value >= 0

    def value_of(self, value, numerator, denominator):
        if self.aggregation == "ratio":
            if numerator is None or not denominator:
                return None
            return numerator / denominator * self.ratio_scale
        return value


@dataclass
class Catalogue:
    """What the database knows, handed to the pure checks."""

    indicators: dict[str, IndicatorSpec]
    org_units: dict[str, int]  # code -> depth
    today: date
    allowed: set[str] | None = None  # indicator codes this user may submit; None: all
    combine_duplicates: bool = False  # sum rows that share a key (files split by department type)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("row %(row)s, %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class Row:
    row: int
    indicator: str
    org_unit: str
    period: P.Period
    disaggregation: str = ""
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    comment: str = ""
    rows: list[int] = field(default_factory=list)

    @property
    def key(self) -> tuple:
        return (self.indicator, self.org_unit, self.period.code, self.disaggregation)


def _storable(s: str) -> bool:
    """Text every database can hold: no NUL, no lone surrogates."""
    if "\x00" in s:
        return False
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def clean(s: str) -> str:
    """Text from a file made safe to store in a report (NUL and broken characters replaced)."""
    return str(s).encode("utf-8", "replace").decode("utf-8").replace("\x00", "\ufffd")


class NumberError(ValueError):
    pass


def parse_number(text) -> float | None:
    """A number from a cell; blank is None, anything else that is not a finite number is an error."""
    if text is None:
        return None
    if isinstance(text, bool):
        raise NumberError(_("'%(text)s' is not a number") % {"text": text})
    if isinstance(text, (int, float)):
        number = float(text)
    else:
        s = str(text).strip().replace("\u00a0", "").replace(" ", "")
        if s == "":
            return None
        if not _NUMBER.match(s) or not any(ch.isdigit() for ch in s):
            shown = str(text).strip()
            raise NumberError(_("'%(text)s' is not a number") % {"text": _shown(shown, 40)})
        number = float(s.replace(",", ""))
    if math.isnan(number) or math.isinf(number):
        raise NumberError(_("'%(text)s' is not a finite number") % {"text": _shown(text, 40)})
    return number


def _rounding(text) -> float:
    """How far a value written as `text` may be from the exact ratio: half a unit of its last decimal."""
    s = str(text).strip()
    decimals = len(s.split(".", 1)[1]) if "." in s and "e" not in s.lower() else 0
    return 0.5 * 10 ** -min(decimals, 12) + 1e-9


def check_row(n: int, record: dict, cat: Catalogue) -> Row | list[RowError]:
    """One canonical record checked against the catalogue; every problem in it is reported, not just the first."""
    errors: list[RowError] = []
    text = {c: ("" if record.get(c) is None else str(record.get(c)).strip()) for c in COLUMNS}
    for c in COLUMNS:
        if text[c] and not _storable(text[c]):
            errors.append(RowError(n, c, _("holds a NUL character or bytes that are not text")))
            text[c] = ""
    if errors:
        return errors
    for c in REQUIRED:
        if not text[c]:
            errors.append(RowError(n, c, _(EMPTY[c])))
    spec = cat.indicators.get(text["indicator"]) if text["indicator"] else None
    if text["indicator"] and spec is None:
        errors.append(
            RowError(n, "indicator", _("unknown indicator code '%(code)s'") % {"code": _shown(text["indicator"])})
        )
    elif spec is not None and cat.allowed is not None and spec.code not in cat.allowed:
        errors.append(
            RowError(n, "indicator", _("you may not submit data for indicator '%(code)s'") % {"code": spec.code})
        )
    depth = cat.org_units.get(text["org_unit"]) if text["org_unit"] else None
    if text["org_unit"] and depth is None:
        errors.append(
            RowError(n, "org_unit", _("unknown org unit code '%(code)s'") % {"code": _shown(text["org_unit"])})
        )
    elif spec is not None and spec.report_depth is not None and depth is not None and depth != spec.report_depth:
        errors.append(
            RowError(
                n,
                "org_unit",
                _("%(indicator)s is reported at level %(level)s; '%(unit)s' is at level %(depth)s")
                % {
                    "indicator": spec.code,
                    "level": spec.report_depth,
                    "unit": _shown(text["org_unit"]),
                    "depth": depth,
                },
            )
        )
    period = None
    if text["period"]:
        try:
            period = P.parse(text["period"])
        except P.PeriodError as exc:
            errors.append(RowError(n, "period", str(exc)))
    if period is not None:
        if spec is not None and period.kind != spec.frequency:
            errors.append(
                RowError(
                    n,
                    "period",
                    _("%(indicator)s is reported %(frequency)s; '%(period)s' is %(kind)s")
                    % {
                        "indicator": spec.code,
                        "frequency": _(P.FREQUENCY_NAMES[spec.frequency]),
                        "period": period.code,
                        "kind": _(P.FREQUENCY_NAMES[period.kind]),
                    },
                )
            )
        if period.end > cat.today:
            errors.append(
                RowError(
                    n,
                    "period",
                    _("'%(period)s' has not ended yet (it ends %(end)s)")
                    % {"period": period.code, "end": period.end.isoformat()},
                )
            )
    numbers: dict[str, float | None] = {}
    for c in ("value", "numerator", "denominator"):
        try:
            numbers[c] = parse_number(record.get(c))
        except NumberError as exc:
            errors.append(RowError(n, c, str(exc)))
            numbers[c] = None
    bad_number = any(e.column in ("value", "numerator", "denominator") for e in errors)
    if spec is not None and not bad_number:
        if spec.aggregation == "ratio":
            if numbers["numerator"] is None and numbers["value"] is None:
                errors.append(
                    RowError(
                        n,
                        "numerator",
                        _("%(indicator)s is a ratio: a numerator is required") % {"indicator": spec.code},
                    )
                )
            if numbers["denominator"] is None:
                errors.append(
                    RowError(
                        n,
                        "denominator",
                        _("%(indicator)s is a ratio: a denominator is required") % {"indicator": spec.code},
                    )
                )
            elif numbers["denominator"] == 0:
                errors.append(RowError(n, "denominator", _("denominator must not be zero")))
            if spec.refuses_negative_parts:
                for c in ("numerator", "denominator"):
                    part = numbers[c]
                    if part is not None and part < 0:
                        errors.append(
                            RowError(
                                n,
                                c,
                                _(NEGATIVE_PART[c]) % {"number": f"{part:g}", "indicator": spec.code},
                            )
                        )
            if numbers["value"] is not None and numbers["numerator"] is not None and numbers["denominator"]:
                implied = numbers["numerator"] / numbers["denominator"] * spec.ratio_scale
                if abs(implied - numbers["value"]) > _rounding(record.get("value")):
                    errors.append(
                        RowError(
                            n,
                            "value",
                            _(
                                "value %(value)s and numerator/denominator (%(numerator)s/%(denominator)s = "
                                "%(implied)s) disagree; give one or make them agree"
                            )
                            % {
                                "value": f"{numbers['value']:g}",
                                "numerator": f"{numbers['numerator']:g}",
                                "denominator": f"{numbers['denominator']:g}",
                                "implied": f"{implied:.4g}",
                            },
                        )
                    )
            if numbers["numerator"] is None and numbers["value"] is not None and numbers["denominator"]:
                # a percentage with its denominator: store the count it stands for
                numbers["numerator"] = numbers["value"] / spec.ratio_scale * numbers["denominator"]
            numbers["value"] = None
        else:
            if numbers["value"] is None:
                errors.append(RowError(n, "value", _("value is empty")))
            for c in ("numerator", "denominator"):
                if numbers[c] is not None:
                    errors.append(RowError(n, c, _(NOT_A_RATIO[c]) % {"indicator": spec.code}))
            if numbers["value"] is not None and numbers["value"] < 0 and spec.refuses_negative_value:
                errors.append(
                    RowError(
                        n,
                        "value",
                        (
                            _("%(number)s is negative; %(indicator)s counts %(unit)s and cannot be below zero")
                            if spec.unit
                            else _("%(number)s is negative; %(indicator)s counts things and cannot be below zero")
                        )
                        % {"number": f"{numbers['value']:g}", "indicator": spec.code, "unit": spec.unit},
                    )
                )
        if not errors:
            computed = spec.value_of(numbers["value"], numbers["numerator"], numbers["denominator"])
            if computed is not None:
                col = "value" if spec.aggregation != "ratio" else "numerator"
                if spec.min_value is not None and computed < spec.min_value:
                    errors.append(
                        RowError(
                            n,
                            col,
                            _("%(number)s is below the allowed minimum %(minimum)s for %(indicator)s")
                            % {"number": f"{computed:g}", "minimum": f"{spec.min_value:g}", "indicator": spec.code},
                        )
                    )
                if spec.max_value is not None and computed > spec.max_value:
                    errors.append(
                        RowError(
                            n,
                            col,
                            _("%(number)s is above the allowed maximum %(maximum)s for %(indicator)s")
                            % {"number": f"{computed:g}", "maximum": f"{spec.max_value:g}", "indicator": spec.code},
                        )
                    )
    if len(text["disaggregation"]) > 100:
        errors.append(RowError(n, "disaggregation", _("longer than 100 characters")))
    if errors:
        return errors
    if spec is None or period is None:  # an empty or unknown indicator or period was reported as an error above
        raise AssertionError(f"row {n} has no errors but no indicator or period")
    return Row(
        row=n,
        indicator=spec.code,
        org_unit=text["org_unit"],
        period=period,
        disaggregation=text["disaggregation"],
        value=numbers["value"],
        numerator=numbers["numerator"],
        denominator=numbers["denominator"],
        comment=text["comment"][:2000],
        rows=[n],
    )


def check_rows(records: Iterable[tuple[int, dict]], cat: Catalogue) -> Iterator[Row | list[RowError]]:
    """Check a stream of (row number, record); a key seen twice is an error on the later row.

    With combine_duplicates the later rows are summed into the first instead
    (a trust's type 1, 2 and other departments are one trust's attendances);
    combined rows are then yielded at the end, once the file is read.
    """
    seen: dict[tuple, int] = {}
    held: dict[tuple, Row] = {}
    for n, record in records:
        result = check_row(n, record, cat)
        if isinstance(result, list):
            yield result
            continue
        key = result.key
        if cat.combine_duplicates:
            first = held.get(key)
            if first is None:
                held[key] = result
            else:
                for f in ("value", "numerator", "denominator"):
                    a, b = getattr(first, f), getattr(result, f)
                    setattr(first, f, None if a is None and b is None else (a or 0.0) + (b or 0.0))
                first.rows.append(n)
            continue
        if key in seen:
            yield [
                RowError(
                    n,
                    "",
                    _("duplicate of row %(row)s: %(key)s appears twice in the file")
                    % {"row": seen[key], "key": " ".join(part for part in key if part)},
                )
            ]
            continue
        seen[key] = n
        yield result
    if cat.combine_duplicates:
        for row in held.values():
            spec = cat.indicators[row.indicator]
            computed = spec.value_of(row.value, row.numerator, row.denominator)
            if computed is not None and (
                (spec.min_value is not None and computed < spec.min_value)
                or (spec.max_value is not None and computed > spec.max_value)
            ):
                yield [
                    RowError(
                        row.rows[0],
                        "value",
                        _("combined rows %(rows)s give %(number)s, outside the allowed range for %(indicator)s")
                        % {
                            "rows": ", ".join(map(str, row.rows[:10])),
                            "number": f"{computed:g}",
                            "indicator": spec.code,
                        },
                    )
                ]
                continue
            yield row


class ErrorReport:
    """Keeps the first errors in full and counts the rest, so a file of a million bad rows cannot exhaust memory."""

    def __init__(self, keep: int = 1000):
        self.keep = keep
        self.errors: list[RowError] = []
        self.total = 0
        self.rejected = 0
        self.by_reason: dict[str, int] = {}

    def add(self, errors: list[RowError]) -> None:
        for e in errors:
            self.total += 1
            if len(self.errors) < self.keep:
                self.errors.append(e)
            reason = re.sub(r"'[^']*'", "'…'", clean(e.message))
            reason = re.sub(r"\d+", "N", reason)[:120]
            if len(self.by_reason) < 200 or reason in self.by_reason:
                self.by_reason[reason] = self.by_reason.get(reason, 0) + 1
        if errors:
            self.rejected += 1

    def as_list(self) -> list[dict]:
        return [{"row": e.row, "column": clean(e.column), "message": clean(e.message)} for e in self.errors]
