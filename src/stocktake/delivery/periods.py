"""Reporting periods and their codes.

Codes follow the ISO-like forms DHIS2 and most ministries already use, so a
file from a ministry can name its period the way it always has:

    2026            year
    2026Q1          quarter
    2026-03 / 202603 month
    2026W09         ISO week
    2026-03-15      day
    2026April       financial year starting in April (DHIS2's form)

Years run from MIN_YEAR to MAX_YEAR: a reporting period before 1800 or after
2999 is a typo (`0000-01`, `0001-01`), and keeping well inside Python's dates
(years 1 to 9999) means the periods before and after any parsed one, which the
quality checks step through, always exist.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta

from .echo import shown

DAY, WEEK, MONTH, QUARTER, YEAR, FINANCIAL_YEAR = "D", "W", "M", "Q", "Y", "FY"

FREQUENCY_NAMES = {
    DAY: "daily",
    WEEK: "weekly",
    MONTH: "monthly",
    QUARTER: "quarterly",
    YEAR: "yearly",
    FINANCIAL_YEAR: "financial year",
}

# Finest first: a value reported monthly can be summed to quarters and years.
ORDER = [DAY, WEEK, MONTH, QUARTER, YEAR, FINANCIAL_YEAR]

MIN_YEAR, MAX_YEAR = 1800, 2999

_MONTH_NAMES = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}

_PATTERNS = [
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), DAY),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), DAY),
    (re.compile(r"^(\d{4})-?W(\d{1,2})$", re.I), WEEK),
    (re.compile(r"^(\d{4})-(\d{2})$"), MONTH),
    (re.compile(r"^(\d{4})(\d{2})$"), MONTH),
    (re.compile(r"^(\d{4})-?Q([1-4])$", re.I), QUARTER),
    (re.compile(r"^(\d{4})$"), YEAR),
    (re.compile(r"^(\d{4})([A-Za-z]+)$"), FINANCIAL_YEAR),
]


class PeriodError(ValueError):
    """A period code that cannot be read, with the reason in the message."""


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date
    kind: str
    code: str

    def __str__(self) -> str:
        return self.code

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def next(self) -> Period:
        try:
            return containing(self.kind, self.end + timedelta(days=1), fy_start=self.start.month)
        except (OverflowError, ValueError) as exc:
            raise PeriodError(f"no period comes after '{self.code}'") from exc

    def previous(self) -> Period:
        try:
            return containing(self.kind, self.start - timedelta(days=1), fy_start=self.start.month)
        except (OverflowError, ValueError) as exc:
            raise PeriodError(f"no period comes before '{self.code}'") from exc


def month(year: int, month_: int) -> Period:
    last = calendar.monthrange(year, month_)[1]
    return Period(date(year, month_, 1), date(year, month_, last), MONTH, f"{year:04d}-{month_:02d}")


def quarter(year: int, q: int) -> Period:
    first = 3 * (q - 1) + 1
    end_month = first + 2
    last = calendar.monthrange(year, end_month)[1]
    return Period(date(year, first, 1), date(year, end_month, last), QUARTER, f"{year:04d}Q{q}")


def year(y: int) -> Period:
    return Period(date(y, 1, 1), date(y, 12, 31), YEAR, f"{y:04d}")


def week(y: int, w: int) -> Period:
    try:
        start = date.fromisocalendar(y, w, 1)
    except ValueError as exc:
        raise PeriodError(f"{y} has no ISO week {w}") from exc
    return Period(start, start + timedelta(days=6), WEEK, f"{y:04d}W{w:02d}")


def day(d: date) -> Period:
    return Period(d, d, DAY, d.isoformat())


def financial_year(y: int, start_month: int) -> Period:
    start = date(y, start_month, 1)
    end = date(y + 1, start_month, 1) - timedelta(days=1) if start_month != 1 else date(y, 12, 31)
    return Period(start, end, FINANCIAL_YEAR, f"{y:04d}{calendar.month_name[start_month]}")


@functools.lru_cache(maxsize=4096)  # a national file repeats a handful of codes a million times; Period is frozen
def parse(code: str) -> Period:
    """Read a period code; raise PeriodError naming what is wrong."""
    text = (code or "").strip()
    if not text:
        raise PeriodError("period is empty")
    for pattern, kind in _PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        y = int(m.group(1))
        if not MIN_YEAR <= y <= MAX_YEAR:
            raise PeriodError(f"'{shown(text)}' is in year {y}; periods name the years {MIN_YEAR} to {MAX_YEAR}")
        if kind == DAY:
            try:
                return day(date(y, int(m.group(2)), int(m.group(3))))
            except ValueError as exc:
                raise PeriodError(f"'{text}' is not a real day ({exc})") from exc
        if kind == WEEK:
            return week(y, int(m.group(2)))
        if kind == MONTH:
            mm = int(m.group(2))
            if not 1 <= mm <= 12:
                raise PeriodError(f"'{text}' has month {mm}; months run 01 to 12")
            return month(y, mm)
        if kind == QUARTER:
            return quarter(y, int(m.group(2)))
        if kind == YEAR:
            return year(y)
        name = m.group(2).lower()
        if name not in _MONTH_NAMES:
            raise PeriodError(
                f"'{shown(text)}' is not a period code (unknown financial-year month '{shown(m.group(2), 20)}')"
            )
        return financial_year(y, _MONTH_NAMES[name])
    raise PeriodError(
        f"'{shown(text)}' is not a period code; use 2026, 2026Q1, 2026-03, 2026W09, 2026-03-15 or 2026April"
    )


def containing(kind: str, d: date, fy_start: int = 4) -> Period:
    """The period of the given kind that holds day d."""
    if kind == DAY:
        return day(d)
    if kind == WEEK:
        iso = d.isocalendar()
        return week(iso.year, iso.week)
    if kind == MONTH:
        return month(d.year, d.month)
    if kind == QUARTER:
        return quarter(d.year, (d.month - 1) // 3 + 1)
    if kind == YEAR:
        return year(d.year)
    if kind == FINANCIAL_YEAR:
        y = d.year if d.month >= fy_start else d.year - 1
        return financial_year(y, fy_start)
    raise PeriodError(f"unknown period kind '{kind}'")


def between(kind: str, first: date, last: date) -> list[Period]:
    """Every period of a kind from the one holding `first` to the one holding `last`."""
    if last < first:
        return []
    out = []
    p = containing(kind, first)
    while p.start <= last:
        out.append(p)
        p = p.next()
    return out


def parent(p: Period, kind: str) -> Period:
    """The coarser period (quarter, year) a finer one rolls up into."""
    if ORDER.index(kind) < ORDER.index(p.kind):
        raise PeriodError(f"a {FREQUENCY_NAMES[p.kind]} period cannot roll up to {FREQUENCY_NAMES[kind]}")
    if p.kind == WEEK:
        # A week belongs to the month (and so quarter/year) of its Thursday, as ISO does.
        return containing(kind, p.start + timedelta(days=3))
    return containing(kind, p.start)
