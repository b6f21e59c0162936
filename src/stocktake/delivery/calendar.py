"""Scheduling routines through the year, and writing them as iCalendar.

Routines lapse quietly; a calendar fixed a year ahead is what keeps them.
A head of government cannot see the same minister twice in one week, so
the slots of priorities that share a minister are staggered into different
weeks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from .text import _

# frequency code -> step in days (months handled separately)
WEEKLY, FORTNIGHTLY, SIX_WEEKLY, EIGHT_WEEKLY = "weekly", "fortnightly", "six_weekly", "eight_weekly"
MONTHLY, QUARTERLY, SIX_MONTHLY = "monthly", "quarterly", "six_monthly"
FREQUENCIES = {
    WEEKLY: "Every week",
    FORTNIGHTLY: "Every two weeks",
    MONTHLY: "Every month",
    SIX_WEEKLY: "Every six weeks",
    EIGHT_WEEKLY: "Every eight weeks",
    QUARTERLY: "Every quarter",
    SIX_MONTHLY: "Every six months",
}
_DAYS = {WEEKLY: 7, FORTNIGHTLY: 14, SIX_WEEKLY: 42, EIGHT_WEEKLY: 56}
_MONTHS = {MONTHLY: 1, QUARTERLY: 3, SIX_MONTHLY: 6}


class ScheduleError(ValueError):
    pass


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, m + 1
    import calendar as _cal

    return date(year, month, min(d.day, _cal.monthrange(year, month)[1]))


def occurrences(start: date, frequency: str, until: date) -> list[date]:
    """Dates from start (inclusive) to until (exclusive), moved off weekends to the next Monday."""
    if frequency not in FREQUENCIES:
        raise ScheduleError(
            _("frequency must be one of %(frequencies)s, not %(frequency)s")
            % {"frequencies": ", ".join(FREQUENCIES), "frequency": repr(frequency)}
        )
    out: list[date] = []
    i = 0
    while True:
        d = (
            start + timedelta(days=_DAYS[frequency] * i)
            if frequency in _DAYS
            else _add_months(start, _MONTHS[frequency] * i)
        )
        if d >= until:
            return out
        if d.weekday() >= 5:
            d += timedelta(days=7 - d.weekday())
        out.append(d)
        i += 1


def week_of(d: date) -> tuple[int, int]:
    iso = d.isocalendar()
    return iso[0], iso[1]


@dataclass(frozen=True)
class Slot:
    day: date
    key: str  # what is discussed: a priority code
    group: str  # who must attend for it: the minister (lead organisation)


def stagger(start: date, frequency: str, until: date, items: list[tuple[str, str]]) -> list[Slot]:
    """Dates for each (key, group) so that no two keys of the same group fall in the same ISO week.

    Each item's series starts at `start`, then is pushed on by whole weeks
    (offset) until none of its dates shares a week with another item of the
    same group. Items are spread across the cycle in order, so a minister with
    three priorities meets the head of government on three different weeks.
    """
    slots: list[Slot] = []
    taken: dict[str, set] = {}
    for key, group in items:
        weeks = taken.setdefault(group, set())
        for offset in range(0, 53):
            first = start + timedelta(weeks=offset)
            days = occurrences(first, frequency, until)
            if not any(week_of(d) in weeks for d in days):
                break
        else:
            raise ScheduleError(
                _("cannot stagger %(key)s: every week is already taken for %(group)s") % {"key": key, "group": group}
            )
        weeks.update(week_of(d) for d in days)
        slots += [Slot(d, key, group) for d in days]
    return sorted(slots, key=lambda s: (s.day, s.key))


def clashes(slots: list[Slot]) -> list[tuple[Slot, Slot]]:
    """Pairs of slots of the same group in the same week (empty when staggered properly)."""
    seen: dict[tuple, Slot] = {}
    out = []
    for s in slots:
        k = (s.group, week_of(s.day))
        if k in seen and seen[k].key != s.key:
            out.append((seen[k], s))
        else:
            seen[k] = s
    return out


# --- iCalendar (RFC 5545), small enough to write rather than depend on ----------------------------


@dataclass
class Event:
    uid: str
    day: date
    summary: str
    description: str = ""
    location: str = ""


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets are folded with CRLF and a space (RFC 5545, 3.1)."""
    out: list[str] = []
    current = b""
    for ch in line:
        b = ch.encode()
        limit = 75 if not out else 74
        if len(current) + len(b) > limit:
            out.append(current.decode())
            current = b""
        current += b
    out.append(current.decode())
    return [out[0]] + [" " + part for part in out[1:]]


def to_ics(events: list[Event], name: str, now: datetime | None = None) -> str:
    """All-day events: routines are fixed by the day; the time is agreed with the chair's office."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Stocktake//Routine calendar//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for e in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{e.uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{e.day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{e.day + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape(e.summary)}",
        ]
        if e.description:
            lines.append(f"DESCRIPTION:{_escape(e.description)}")
        if e.location:
            lines.append(f"LOCATION:{_escape(e.location)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(part for line in lines for part in _fold(line)) + "\r\n"


def parse_ics(text: str) -> list[dict[str, str]]:
    """Read back the events (unfolded, unescaped): for tests and for importing a calendar."""
    raw = text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")
    events: list[dict[str, str]] = []
    current: dict[str, str] | None = None  # the event being read, between BEGIN and END
    for line in raw:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            if current is not None:  # a stray END with no BEGIN closes nothing
                events.append(current)
            current = None
        elif current is not None and ":" in line:
            name, value = line.split(":", 1)
            name = name.split(";", 1)[0]
            value = value.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\")
            current[name] = value
    return events
