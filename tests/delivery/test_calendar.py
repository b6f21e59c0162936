from datetime import UTC, date, datetime

import pytest

from stocktake.delivery import calendar as C


def test_occurrences_skip_weekends_and_stop_before_until():
    days = C.occurrences(date(2026, 1, 3), C.MONTHLY, date(2026, 4, 1))  # 3 Jan 2026 is a Saturday
    assert days == [date(2026, 1, 5), date(2026, 2, 3), date(2026, 3, 3)]
    assert all(d.weekday() < 5 for d in days)


def test_month_end_is_clamped():
    assert C.occurrences(date(2026, 1, 30), C.MONTHLY, date(2026, 3, 5))[1] == date(2026, 3, 2)  # 28 Feb is a Saturday


def test_unknown_frequency_is_refused():
    with pytest.raises(C.ScheduleError):
        C.occurrences(date(2026, 1, 1), "hourly", date(2026, 2, 1))


def test_priorities_of_one_minister_never_share_a_week():
    items = [
        ("ae", "health"),
        ("nutrition", "health"),
        ("water", "health"),
        ("reading", "education"),
        ("roads", "transport"),
    ]
    slots = C.stagger(date(2026, 1, 5), C.SIX_WEEKLY, date(2027, 1, 5), items)
    assert C.clashes(slots) == []
    health_weeks = [C.week_of(s.day) for s in slots if s.group == "health"]
    assert len(health_weeks) == len(set(health_weeks))
    # other ministers are not pushed: reading and roads start on the first date
    assert min(s.day for s in slots if s.key == "reading") == date(2026, 1, 5)
    assert {s.key for s in slots} == {k for k, _ in items}


def test_clashes_are_detected():
    slots = [C.Slot(date(2026, 1, 5), "a", "m"), C.Slot(date(2026, 1, 7), "b", "m")]
    assert len(C.clashes(slots)) == 1


def test_ics_round_trip_with_escaping_and_folding():
    events = [
        C.Event(
            uid="m-1@x",
            day=date(2026, 3, 2),
            summary="Stocktake: Cut waits; reading, water",
            description="Chair: PM.\nPack: http://example/" + "x" * 120,
        )
    ]
    text = C.to_ics(events, "Routines", now=datetime(2026, 1, 1, tzinfo=UTC))
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    back = C.parse_ics(text)
    assert back == [
        {
            "UID": "m-1@x",
            "DTSTAMP": "20260101T000000Z",
            "DTSTART": "20260302",
            "DTEND": "20260303",
            "SUMMARY": "Stocktake: Cut waits; reading, water",
            "DESCRIPTION": "Chair: PM.\nPack: http://example/" + "x" * 120,
        }
    ]


def test_a_stray_end_of_event_reads_as_no_event():
    text = "BEGIN:VCALENDAR\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:a@x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    assert C.parse_ics(text) == [{"UID": "a@x"}]
