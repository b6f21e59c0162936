"""The portfolio as one screen: one row per priority, filtered and sorted from the query string.

The delivery unit reads the whole portfolio at a glance: each priority is one
aligned row (its headline indicator's plan-vs-actual sparkline, latest
official figure, status and trend, the latest likelihood of delivery and how
fresh its data are), expandable to its outcomes and indicators. Filters
(pillar, tier, status, minister) and the sort order are plain query
parameters, so the page works without JavaScript and a filtered view can be
linked or bookmarked. The numbers come from the portfolio's summaries (views.portfolio_data),
which already respect the reader's value basis; nothing here reads values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stocktake.architecture.models import Indicator
from stocktake.delivery import status as S
from stocktake.params import BadParameter

# Worst first: sorting by status puts what needs attention at the top.
STATUS_ORDER = {S.OFF_TRACK: 0, S.SLIGHTLY_OFF: 1, S.ON_TRACK: 2, S.NO_DATA: 3}
TREND_ORDER = {"worsening": 0, "steady": 1, "improving": 2}
SORTS = {
    "": gettext_lazy("Pillar order"),
    "priority": gettext_lazy("Priority"),
    "status": gettext_lazy("Status, worst first"),
    "likelihood": gettext_lazy("Likelihood, lowest first"),
    "trend": gettext_lazy("Trend, worsening first"),
    "freshness": gettext_lazy("Freshness, oldest first"),
}
SPARK_PERIODS = 12


@dataclass
class PriorityRow:
    """One priority as the screen shows it; `headline` is the summary its figures come from."""

    pillar: object
    priority: object
    outcomes: list
    headline: object | None
    notes: list = field(default_factory=list)
    likelihood: dict | None = None
    late: list = field(default_factory=list)

    @property
    def status(self) -> S.Status:
        return self.headline.status if self.headline else S.Status(S.NO_DATA)

    @property
    def counts(self) -> list[tuple[str, str, int]]:
        """(code, label, n) of the priority's performance indicators by status, worst first, only those present."""
        found: dict[str, int] = {}
        for o in self.outcomes:
            for r in o["rows"]:
                if r.indicator.kind == Indicator.Kind.PERFORMANCE:
                    found[r.status.code] = found.get(r.status.code, 0) + 1
        return [(c, S.LABELS[c], found[c]) for c in sorted(found, key=STATUS_ORDER.get)]

    @property
    def indicator_count(self) -> int:
        return sum(len(o["rows"]) for o in self.outcomes)


def headline(outcomes):
    """The priority's headline indicator: its first performance indicator with an official figure, else its
    first performance indicator, else its first indicator."""
    rows = [r for o in outcomes for r in o["rows"]]
    perf = [r for r in rows if r.indicator.kind == Indicator.Kind.PERFORMANCE]
    with_data = [r for r in perf if r.latest is not None]
    for candidates in (with_data, perf, rows):
        if candidates:
            return candidates[0]
    return None


def spark_points(unit, plan, official_series) -> list[tuple]:
    """(actual, planned) of the last periods with a complete official figure, oldest first, for the sparkline:
    the figures the status is judged on, from the reader's part of the rollups."""
    points = []
    for r, value in official_series[-SPARK_PERIODS:]:
        points.append((value, plan.planned(unit.pk, r["period__code"], r["period__end"])))
    return points


def rows(pillars, notes) -> list[PriorityRow]:
    """Every visible priority as a row, with its hooks' notes split: the likelihood and late-data notes get
    their own columns (hooks.py, "slot"), the rest stay with the priority."""
    out = []
    for p in pillars:
        for pr in p["priorities"]:
            mine = notes.get(pr["priority"].pk, [])
            row = PriorityRow(p["pillar"], pr["priority"], pr["outcomes"], headline(pr["outcomes"]))
            for n in mine:
                slot = n.get("slot")
                if slot == "likelihood" and row.likelihood is None:
                    row.likelihood = n
                elif n.get("css") == "note-late":
                    row.late.append(n)
                    row.notes.append(n)
                else:
                    row.notes.append(n)
            out.append(row)
    return out


@dataclass
class Choices:
    """What each filter can be set to, from the rows before filtering (so a filter never empties its own list)."""

    pillars: list
    tiers: list
    ministers: list
    statuses: list


def choices(all_rows) -> Choices:
    def unique(pairs):
        seen = {}
        for k, v in pairs:
            seen.setdefault(k, v)
        return list(seen.items())

    return Choices(
        pillars=unique((r.pillar.code, r.pillar.name) for r in all_rows),
        tiers=unique((r.priority.tier.name, r.priority.tier.name) for r in all_rows if r.priority.tier),
        ministers=unique(
            sorted(
                ((r.priority.lead_organisation.code, r.priority.lead_organisation.name) for r in all_rows),
                key=lambda kv: kv[1],
            )
        ),
        statuses=[(c, S.LABELS[c]) for c in STATUS_ORDER],
    )


def _picked(request, name, allowed) -> str:
    value = request.GET.get(name, "").strip()
    if value and value not in dict(allowed):
        raise BadParameter(name, _("%(value)s is not one of the choices") % {"value": repr(value[:40])})
    return value


def filters(request, options: Choices) -> dict:
    """The filters in the query string, each checked against its choices (a 400 naming the field otherwise)."""
    picked = {
        "pillar": _picked(request, "pillar", options.pillars),
        "tier": _picked(request, "tier", options.tiers),
        "status": _picked(request, "status", options.statuses),
        "minister": _picked(request, "minister", options.ministers),
    }
    raw_sort = request.GET.get("sort", "").strip()
    key = raw_sort.removeprefix("-")
    if key not in SORTS:
        raise BadParameter("sort", _("%(value)s is not one of the choices") % {"value": repr(raw_sort[:40])})
    picked["sort"] = raw_sort if key else ""
    return picked


def apply(all_rows, picked) -> list[PriorityRow]:
    keep = [
        r
        for r in all_rows
        if (not picked["pillar"] or r.pillar.code == picked["pillar"])
        and (not picked["tier"] or (r.priority.tier and r.priority.tier.name == picked["tier"]))
        and (not picked["status"] or r.status.code == picked["status"])
        and (not picked["minister"] or r.priority.lead_organisation.code == picked["minister"])
    ]
    key = picked["sort"].removeprefix("-")
    if not key:
        return keep
    reverse = picked["sort"].startswith("-")
    keyfuncs = {
        "priority": lambda r: r.priority.name.lower(),
        "status": lambda r: STATUS_ORDER[r.status.code],
        "likelihood": lambda r: r.likelihood["rating"] if r.likelihood else 99,
        "trend": lambda r: TREND_ORDER.get(r.headline.trend if r.headline else "", 9),
        "freshness": lambda r: r.headline.latest_end.isoformat() if r.headline and r.headline.latest_end else "",
    }
    return sorted(keep, key=keyfuncs[key], reverse=reverse)


def summary_cards(all_rows, shown) -> list[dict]:
    """Compact counts: priorities by status (each a link to that filter), and how many have late data."""
    by_status = {c: 0 for c in STATUS_ORDER}
    for r in all_rows:
        by_status[r.status.code] += 1
    cards = [{"code": c, "label": S.LABELS[c], "n": n} for c, n in by_status.items()]
    return cards


def sort_links(picked) -> dict[str, str]:
    """For each sortable column, the sort value its header links to: ascending first, then descending."""
    out = {}
    for key in SORTS:
        if not key:
            continue
        out[key] = f"-{key}" if picked["sort"] == key else key
    return out
