"""Reporting periods and their codes.

Codes follow the ISO-like forms DHIS2 and most ministries already use, so a
file from a ministry can name its period the way it always has:

    2026            year
    2026Q1          quarter
    2026-03 / 202603 month
    2026W09         ISO week
    2026-03-15      day
    2026April       financial year starting in April (DHIS2's form)
    2026AprilQ1     first quarter of that financial year (DHIS2's form, as 2026AprilS1 is its half)

A financial year and its quarters are coded by the year and month they start
in, so a code never changes meaning with the setting: "2005AprilQ4" (January
to March 2006) can never be mistaken for the calendar quarter "2006Q1".
Files name them the way finance ministries write them, read with the
government's financial-year start month (set_financial_year_start; the
STOCKTAKE_FINANCIAL_YEAR_START setting, default April as the UK's):

    2005/06, 2005/2006, FY2005/06, FY 2005-06         financial year 2005April
    2005/06 Q1, 2005-06 Q1, Q1 2005/06, FY2005/06 Q1  its first quarter 2005AprilQ1

("2005-06" alone stays June 2005.)

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
from .text import _, gettext_noop

DAY, WEEK, MONTH, QUARTER, YEAR, FINANCIAL_YEAR = "D", "W", "M", "Q", "Y", "FY"
FISCAL_QUARTER = "FQ"
FISCAL_KINDS = (FISCAL_QUARTER, FINANCIAL_YEAR)

# Marked for translation; shown through `_` (stocktake.delivery.text) where a reader sees them.
FREQUENCY_NAMES = {
    DAY: gettext_noop("daily"),
    WEEK: gettext_noop("weekly"),
    MONTH: gettext_noop("monthly"),
    QUARTER: gettext_noop("quarterly"),
    YEAR: gettext_noop("yearly"),
    FINANCIAL_YEAR: gettext_noop("financial year"),
    FISCAL_QUARTER: gettext_noop("fiscal quarterly"),
}

# Finest first: a value reported monthly can be summed to quarters and years (calendar or fiscal).
ORDER = [DAY, WEEK, MONTH, QUARTER, FISCAL_QUARTER, YEAR, FINANCIAL_YEAR]

DEFAULT_FINANCIAL_YEAR_START = 4  # April, as the UK's (and India's, Japan's, Canada's) financial year
_financial_year_start = [DEFAULT_FINANCIAL_YEAR_START]

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
    (re.compile(r"^(\d{4})([A-Za-z]+)Q([1-4])$", re.I), FISCAL_QUARTER),
    (re.compile(r"^(\d{4})([A-Za-z]+)$"), FINANCIAL_YEAR),
]

# The forms finance files write (read with the configured start month): groups year, second year[, quarter].
_YEARS = r"(\d{4})\s*[/-]\s*(\d{2}|\d{4})"
_FISCAL_FORMS = [
    (re.compile(rf"^(?:FY\s*)?{_YEARS}\s*Q([1-4])$", re.I), "year-quarter"),
    (re.compile(rf"^Q([1-4])\s*(?:FY\s*)?{_YEARS}$", re.I), "quarter-year"),
    (re.compile(rf"^FY\s*{_YEARS}$", re.I), "year"),
    (re.compile(r"^(\d{4})\s*/\s*(\d{2}|\d{4})$"), "year"),
    (re.compile(r"^(\d{4})\s*-\s*(\d{4})$"), "year"),
]


class PeriodError(ValueError):
    """A period code that cannot be read, with the reason in the message."""


def financial_year_start() -> int:
    """The month (1-12) the government's financial year starts in: what "2005/06" and "FY2005/06" mean."""
    return _financial_year_start[0]


def set_financial_year_start(month_: int) -> None:
    """Set the financial-year start month (architecture's AppConfig does it from STOCKTAKE_FINANCIAL_YEAR_START)."""
    if not isinstance(month_, int) or not 1 <= month_ <= 12:
        raise PeriodError(_("a financial year starts in a month 1 to 12, not %(month)r") % {"month": month_})
    _financial_year_start[0] = month_


def _fy(fy_start: int | None) -> int:
    return financial_year_start() if fy_start is None else fy_start


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

    @property
    def fy_start(self) -> int | None:
        """The start month of the financial year a fiscal period belongs to (None for calendar periods)."""
        if self.kind == FINANCIAL_YEAR:
            return self.start.month
        if self.kind == FISCAL_QUARTER:
            q = int(self.code[-1])
            return (self.start.month - 1 - 3 * (q - 1)) % 12 + 1
        return None

    def next(self) -> Period:
        try:
            return containing(self.kind, self.end + timedelta(days=1), fy_start=self.fy_start)
        except (OverflowError, ValueError) as exc:
            raise PeriodError(_("no period comes after '%(code)s'") % {"code": self.code}) from exc

    def previous(self) -> Period:
        try:
            return containing(self.kind, self.start - timedelta(days=1), fy_start=self.fy_start)
        except (OverflowError, ValueError) as exc:
            raise PeriodError(_("no period comes before '%(code)s'") % {"code": self.code}) from exc


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
        raise PeriodError(_("%(year)s has no ISO week %(week)s") % {"year": y, "week": w}) from exc
    return Period(start, start + timedelta(days=6), WEEK, f"{y:04d}W{w:02d}")


def day(d: date) -> Period:
    return Period(d, d, DAY, d.isoformat())


def _month_start(y: int, m: int) -> date:
    """The first of month m counted from January of year y (m may run past 12)."""
    return date(y + (m - 1) // 12, (m - 1) % 12 + 1, 1)


def financial_year(y: int, start_month: int) -> Period:
    start = date(y, start_month, 1)
    end = _month_start(y, start_month + 12) - timedelta(days=1)
    return Period(start, end, FINANCIAL_YEAR, f"{y:04d}{calendar.month_name[start_month]}")


def fiscal_quarter(y: int, q: int, start_month: int) -> Period:
    """Quarter q (1-4) of the financial year that starts in month start_month of year y."""
    if not 1 <= q <= 4:
        raise PeriodError(_("a financial year has quarters 1 to 4, not %(q)s") % {"q": q})
    first = start_month + 3 * (q - 1)
    start = _month_start(y, first)
    end = _month_start(y, first + 3) - timedelta(days=1)
    return Period(start, end, FISCAL_QUARTER, f"{y:04d}{calendar.month_name[start_month]}Q{q}")


def fiscal_years(p: Period) -> str:
    """A fiscal period's years as finance files write them: "2005/06" (or "2005" for a January start)."""
    fy = containing(FINANCIAL_YEAR, p.start, fy_start=p.fy_start)
    first, last = fy.start.year, fy.end.year
    return f"{first:04d}" if first == last else f"{first:04d}/{last % 100:02d}"


def fiscal_quarter_number(p: Period) -> int:
    """1-4 for a fiscal quarter."""
    if p.kind != FISCAL_QUARTER:
        raise PeriodError(_("'%(code)s' is not a fiscal quarter") % {"code": p.code})
    return int(p.code[-1])


def parse(code: str, fy_start: int | None = None) -> Period:
    """Read a period code; raise PeriodError naming what is wrong.

    Besides the codes above, reads the financial-year forms finance files use ("2005/06 Q1", "FY2005/06"),
    with the financial year starting in month fy_start (default: the configured start month).
    """
    return _parse((code or "").strip(), _fy(fy_start))


def _check_year(text: str, y: int) -> None:
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise PeriodError(
            _("'%(text)s' is in year %(year)s; periods name the years %(first)s to %(last)s")
            % {"text": shown(text), "year": y, "first": MIN_YEAR, "last": MAX_YEAR}
        )


@functools.lru_cache(maxsize=4096)  # a national file repeats a handful of codes a million times; Period is frozen
def _parse(text: str, fy_start: int) -> Period:
    if not text:
        raise PeriodError(_("period is empty"))
    for pattern, kind in _PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        y = int(m.group(1))
        _check_year(text, y)
        if kind == DAY:
            try:
                return day(date(y, int(m.group(2)), int(m.group(3))))
            except ValueError as exc:
                raise PeriodError(_("'%(text)s' is not a real day (%(error)s)") % {"text": text, "error": exc}) from exc
        if kind == WEEK:
            return week(y, int(m.group(2)))
        if kind == MONTH:
            mm = int(m.group(2))
            if not 1 <= mm <= 12:
                raise PeriodError(
                    _("'%(text)s' has month %(month)s; months run 01 to 12") % {"text": text, "month": mm}
                )
            return month(y, mm)
        if kind == QUARTER:
            return quarter(y, int(m.group(2)))
        if kind == YEAR:
            return year(y)
        name = m.group(2).lower()
        if name not in _MONTH_NAMES:
            raise PeriodError(
                _("'%(text)s' is not a period code (unknown financial-year month '%(month)s')")
                % {"text": shown(text), "month": shown(m.group(2), 20)}
            )
        if kind == FISCAL_QUARTER:
            return fiscal_quarter(y, int(m.group(3)), _MONTH_NAMES[name])
        return financial_year(y, _MONTH_NAMES[name])
    for pattern, form in _FISCAL_FORMS:
        m = pattern.match(text)
        if m:
            return _fiscal_form(text, form, m.groups(), fy_start)
    raise PeriodError(
        _(
            "'%(text)s' is not a period code; use 2026, 2026Q1, 2026-03, 2026W09, 2026-03-15, "
            "2026April, 2026AprilQ1, 2026/27 or 2026/27 Q1"
        )
        % {"text": shown(text)}
    )


def _fiscal_form(text: str, form: str, groups: tuple, fy_start: int) -> Period:
    """A financial year or quarter written "2005/06", "2005/06 Q1" or "Q1 2005/06"."""
    if form == "quarter-year":
        q, first, second = groups
    elif form == "year-quarter":
        first, second, q = groups
    else:
        (first, second), q = groups, None
    y = int(first)
    _check_year(text, y)
    follows = (y + 1) % 100 if len(second) == 2 else y + 1
    if int(second) != follows:
        want = f"{y:04d}/{(y + 1) % 100:02d}"
        raise PeriodError(
            _(
                "'%(text)s' names the years %(first)s and %(second)s; a financial year runs over two years in a row (%(want)s)"
            )
            % {"text": shown(text), "first": first, "second": second, "want": want}
        )
    if fy_start == 1:
        raise PeriodError(
            _(
                "'%(text)s' names two years, but financial years here start in January (STOCKTAKE_FINANCIAL_YEAR_START): each is one calendar year, written %(y)s"
            )
            % {"text": shown(text), "y": f"{y:04d}"}
        )
    if q is None:
        return financial_year(y, fy_start)
    return fiscal_quarter(y, int(q), fy_start)


def containing(kind: str, d: date, fy_start: int | None = None) -> Period:
    """The period of the given kind that holds day d (fiscal kinds: of a year starting in month fy_start)."""
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
    if kind in FISCAL_KINDS:
        start = _fy(fy_start)
        y = d.year if d.month >= start else d.year - 1
        if kind == FINANCIAL_YEAR:
            return financial_year(y, start)
        return fiscal_quarter(y, (d.month - start) % 12 // 3 + 1, start)
    raise PeriodError(_("unknown period kind '%(kind)s'") % {"kind": kind})


def between(kind: str, first: date, last: date, fy_start: int | None = None) -> list[Period]:
    """Every period of a kind from the one holding `first` to the one holding `last`."""
    if last < first:
        return []
    out = []
    p = containing(kind, first, fy_start)
    while p.start <= last:
        out.append(p)
        p = p.next()
    return out


def parent(p: Period, kind: str, fy_start: int | None = None) -> Period:
    """The coarser period (quarter, year, fiscal quarter, financial year) a finer one rolls up into.

    A fiscal period rolls into the financial year it belongs to whatever the setting; a calendar period into
    the configured financial year (or fy_start's). A period that straddles two of the coarser ones (a calendar
    quarter across financial years that start in May) cannot roll up, and says so.
    """
    if kind not in ORDER:
        raise PeriodError(_("unknown period kind '%(kind)s'") % {"kind": kind})
    if ORDER.index(kind) < ORDER.index(p.kind):
        raise PeriodError(
            _("a %(finer)s period cannot roll up to %(coarser)s")
            % {"finer": _(FREQUENCY_NAMES[p.kind]), "coarser": _(FREQUENCY_NAMES[kind])}
        )
    fy = p.fy_start if p.fy_start is not None else fy_start
    if p.kind == WEEK:
        # A week belongs to the month (and so quarter/year) of its Thursday, as ISO does.
        return containing(kind, p.start + timedelta(days=3), fy)
    up = containing(kind, p.start, fy)
    if p.end > up.end:
        raise PeriodError(
            _(
                "'%(code)s' runs from %(start)s to %(end)s, across two %(frequency)s periods: it cannot roll up to %(frequency)s"
            )
            % {
                "code": p.code,
                "start": p.start.isoformat(),
                "end": p.end.isoformat(),
                "frequency": _(FREQUENCY_NAMES[kind]),
            }
        )
    return up


def rolls_into(kind: str, fy_start: int | None = None) -> list[str]:
    """The kinds a period of this kind rolls up into whole, coarsest last (M: Q, FQ, Y, FY)."""
    out = []
    sample = between(kind, date(2001, 1, 1), date(2002, 12, 31), fy_start)
    for coarser in ORDER[ORDER.index(kind) + 1 :]:
        try:
            for p in sample:
                parent(p, coarser, fy_start)
        except PeriodError:
            continue
        out.append(coarser)
    return out
