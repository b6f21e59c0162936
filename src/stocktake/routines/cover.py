"""The cover and the one-page summary that open every printed pack, report and note.

Why a module of its own: the pack (pack.py) and the report (reports.py) gather the data;
this reads what they gathered and adds what a reader needs before the detail: who issues
the document, for which meeting or round, when it was issued and how fresh its figures
are, then every priority's status and likelihood of delivery at a glance.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from stocktake.accounts.models import Organisation
from stocktake.architecture.models import Indicator, OrgUnit
from stocktake.delivery import assessment as A
from stocktake.delivery import status as S

from .models import RATING_NAMES, rating_label

STATUS_ORDER = [S.OFF_TRACK, S.SLIGHTLY_OFF, S.ON_TRACK, S.NO_DATA]  # worst first
COLUMNS = [S.ON_TRACK, S.SLIGHTLY_OFF, S.OFF_TRACK, S.NO_DATA]  # the summary grid's columns


def government() -> str:
    """The government's name: the STOCKTAKE_GOVERNMENT setting, else the name of the national org unit."""
    if settings.STOCKTAKE_GOVERNMENT:
        return settings.STOCKTAKE_GOVERNMENT
    root = OrgUnit.objects.filter(parent=None).order_by("pk").values_list("name", flat=True).first()
    return root or ""


def issuer() -> str:
    """Who issues it: the centre of government's organisation (the delivery unit)."""
    name = (
        Organisation.objects.filter(kind=Organisation.Kind.CENTRE, parent=None)
        .order_by("pk")
        .values_list("name", flat=True)
        .first()
    )
    return name or ""


def _indicators(blocks):
    for block in blocks:
        for o in block["outcomes"]:
            yield from o["indicators"]


def data_as_of(blocks):
    """The end of the latest official period any figure in the document speaks for (None without figures)."""
    ends = [i["summary"].latest_end for i in _indicators(blocks) if i["summary"].latest_end]
    return max(ends) if ends else None


def cover(*, title: str, subject: str, blocks, as_of=None, issued=None, kind: str) -> dict:
    """Everything the cover prints; `as_of` is the moment the data was read (now, or a frozen pack's date),
    `issued` the moment the document was issued (routines.frozen), so a frozen pack prints the same later."""
    now = timezone.localtime()
    return {
        "government": government(),
        "issuer": issuer(),
        "title": title,
        "subject": subject,
        "issued": timezone.localtime(issued) if issued else now,
        "drawn": as_of or now,
        "latest_end": data_as_of(blocks),
        "kind": kind,
    }


def _headline(indicators):
    """The indicators a summary counts: the headline (performance) ones when there are any."""
    headline = [i for i in indicators if i["indicator"].kind == Indicator.Kind.PERFORMANCE]
    return headline or list(indicators)


def summary_rows(blocks, *, movement: bool = False) -> list[dict]:
    """One row per priority: its indicators' statuses (worst first), their count, and likelihood of delivery.

    A block is a report page (with its own likelihood) or a pack's performance entry (whose outcomes
    carry their latest assessment, the weakest outcome deciding the priority's likelihood)."""
    rows = []
    for block in blocks:
        indicators = _headline([i for o in block["outcomes"] for i in o["indicators"]])
        statuses = sorted(
            (
                {"code": i["summary"].status.code, "label": i["summary"].status.label, "name": i["indicator"].name}
                for i in indicators
            ),
            key=lambda s: STATUS_ORDER.index(s["code"]) if s["code"] in STATUS_ORDER else len(STATUS_ORDER),
        )
        counts = [
            {"code": code, "label": S.LABELS[code], "n": n}
            for code in STATUS_ORDER
            if (n := sum(1 for s in statuses if s["code"] == code))
        ]
        if "likelihood" in block:
            likelihood = block["likelihood"]
        else:
            likelihood = A.overall([(o.get("assessment") and o["assessment"].likelihood) for o in block["outcomes"]])
        moves = [o.get("movement", "") for o in block["outcomes"] if o.get("movement")] if movement else []
        rows.append(
            {
                "priority": block["priority"],
                "statuses": statuses,
                "counts": counts,
                "cells": [
                    {"code": code, "label": S.LABELS[code], "n": sum(1 for s in statuses if s["code"] == code)}
                    for code in COLUMNS
                ],
                "likelihood": likelihood,
                "likelihood_label": rating_label("evidence", likelihood),
                "likelihood_short": A.short("evidence", likelihood),
                "likelihood_css": A.css("evidence", likelihood),
                "movement": " ".join(dict.fromkeys(moves)),
            }
        )
    return rows


def totals(rows) -> list[dict]:
    """Across the summary: how many priorities at each likelihood, weakest first (the line above the grid)."""
    out = []
    for rating in sorted(A.RAG):
        n = sum(1 for r in rows if r["likelihood"] == rating)
        if n:
            out.append({"n": n, "label": RATING_NAMES[rating], "css": A.css("evidence", rating)})
    unrated = sum(1 for r in rows if not r["likelihood"])
    if unrated:
        out.append({"n": unrated, "label": _("not rated"), "css": ""})
    return out


def for_pack(ctx: dict) -> dict:
    """The cover and summary of a meeting's pack."""
    meeting = ctx["meeting"]
    rows = summary_rows(ctx["performance"])
    return {
        "cover": cover(
            title=_("Stocktake pack"),
            subject=_("%(routine)s, %(date)s") % {"routine": meeting.routine.name, "date": _date(meeting.date)},
            blocks=ctx["performance"],
            as_of=ctx.get("as_of"),
            issued=ctx.get("issued_at"),
            kind="pack",
        ),
        **_summary(rows),
    }


def column_labels() -> dict:
    """The summary grid's column heads under "Headline indicators", short enough never to wrap."""
    return {
        S.ON_TRACK: _("on track"),
        S.SLIGHTLY_OFF: _("slightly off"),
        S.OFF_TRACK: _("off track"),
        S.NO_DATA: _("no data"),
    }


def _summary(rows) -> dict:
    return {
        "summary": rows,
        "summary_totals": totals(rows),
        "summary_columns": list(column_labels().items()),
    }


def for_report(ctx: dict, *, title: str) -> dict:
    """The cover and summary of the delivery report (a round) or the monthly note (short)."""
    rows = summary_rows(ctx["pages"], movement=True)
    subject = (
        _("Likelihood of delivery as judged in round %(round)s") % {"round": ctx["round"]}
        if ctx.get("short")
        else _("Assessment round %(round)s") % {"round": ctx["round"]}
    )
    return {
        "cover": cover(
            title=title,
            subject=subject,
            blocks=ctx["pages"],
            as_of=ctx.get("as_of"),
            issued=ctx.get("issued_at"),
            kind="note" if ctx.get("short") else "report",
        ),
        **_summary(rows),
    }


def _date(day) -> str:
    from django.utils import formats

    return formats.date_format(day, "DATE_FORMAT")
