"""The numbers behind the heat maps and league tables, read from the rollups in a few queries.

Each function returns plain rows the page, the exports and the API all use,
so a downloaded file always holds the numbers on the screen. A cell's value
is official (validated or published) when there is any; otherwise the
provisional value is shown and flagged unverified. Every function takes the
reader's Basis (monitoring.access.value_basis): the public's cells come from
published values only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Q
from django.utils.translation import gettext as _

from stocktake.architecture.models import OrgUnit, Period
from stocktake.delivery import coverage as C
from stocktake.delivery import status as S

from .models import Rollup
from .rollups import PARTS
from .roots import single_root
from .series import INSIDE, Basis, Plan


class Cell:
    """The figure a grid shows for one unit and period: its value (official if any, else provisional), status,
    whether it is unverified, its text in the reader's language, and its coverage (units reported of
    expected, and the share of the denominator they carry). `incomplete`: fewer units reported beneath than
    the completeness rule asks, so not a whole figure.

    A plain class with slots, its Coverage made only when asked: a national heat map makes 6,000 cells on
    every refresh, and the page reads the coverage of the incomplete ones alone.
    """

    __slots__ = ("value", "status", "unverified", "text", "incomplete", "_counts", "_coverage")

    def __init__(self, value, status: S.Status, unverified: bool, text: str, counts: tuple, incomplete: bool):
        self.value = value
        self.status = status
        self.unverified = unverified
        self.text = text
        self.incomplete = incomplete
        self._counts = counts  # (reported, expected, weight, expected weight): the Coverage, when asked
        self._coverage = None

    @property
    def coverage(self) -> C.Coverage:
        if self._coverage is None:
            self._coverage = C.Coverage(*self._counts)
        return self._coverage


def cell_maker(indicator, assess, fmt=None):
    """make_cell() for one grid: the indicator's rule, formatter and status function looked up once.

    The returned function takes (unit id, period code, period end, columns): the rollup columns cell_fields()
    names, in its order (shown and official value, shown and official count, units expected, and optionally
    the shown and official weight and the expected weight), from `start` on in that sequence.
    """
    rule, fmt, meets = indicator.completeness, fmt or indicator.formatter(), C.meets

    def make(unit_id, code, end, columns, start=0) -> Cell:
        value, official_value, count, official_count, expected = columns[start : start + 5]
        weights = columns[start + 5 : start + 8] or (None, None, None)
        expected = expected or 0
        if official_count > 0 and official_value is not None:
            shown, reported, weight, unverified = official_value, official_count, weights[1], False
        else:
            shown, reported, weight, unverified = value, count, weights[0], True
        return Cell(
            shown,
            assess(unit_id, shown, code, end),
            unverified,
            fmt(shown),
            (reported, expected, weight, weights[2]),
            not meets(reported, expected, rule),
        )

    return make


def make_cell(indicator, assess, unit_id, code, end, *columns, fmt=None) -> Cell:
    """The figure a grid shows for one unit and period (cell_maker() for one cell). `fmt`: the indicator's
    formatter, made once for a grid of many cells (Indicator.formatter)."""
    return cell_maker(indicator, assess, fmt)(unit_id, code, end, columns)


def weight_field(indicator) -> str:
    """The rollup column (without its part's prefix) that weighs the reporting units: a ratio's denominator,
    else the total (a mean's has no expected weight, so it says nothing)."""
    return "denominator" if indicator.aggregation == "ratio" else "total"


def cell_fields(basis: Basis = INSIDE, indicator=None) -> tuple[str, ...]:
    """The rollup columns make_cell() takes, in its order, for this basis: shown and official value, shown and
    official count, units expected; with an indicator, also the shown and official weight and the expected
    weight."""
    base = (
        basis.column(False, "value"),
        basis.column(True, "value"),
        basis.column(False, "count"),
        basis.column(True, "count"),
        "expected",
    )
    if indicator is None:
        return base
    w = weight_field(indicator)
    return (*base, basis.column(False, w), basis.column(True, w), "expected_weight")


def _cell(indicator, plan, unit_id, r, period=None, basis: Basis = INSIDE, fmt=None) -> Cell:
    code, end = (period.code, period.end) if period is not None else (r["period__code"], r["period__end"])
    fields = cell_fields(basis, indicator)
    return make_cell(indicator, plan.assess, unit_id, code, end, *(r[f] for f in fields), fmt=fmt)


def _under(rollups, parent: OrgUnit, depth: int, ids):
    """Rollups of the units at `depth` under `parent` (whose ids are `ids`), as an index range where one exists.

    Under the root every unit at the depth is wanted, and a list of hundreds of ids would only lead the
    database to match it against every rollup of those units (all indicators, all periods) first.
    """
    if single_root(parent):
        return rollups
    if depth == parent.depth + 1:
        return rollups.filter(parent=parent)
    return rollups.filter(org_unit_id__in=ids)


def _units_under(parent: OrgUnit, depth: int, open_from=None):
    qs = OrgUnit.objects.filter(depth=depth)
    if open_from is not None:
        qs = qs.exclude(closed_on__lt=open_from)
    if not single_root(parent):  # under the one root every unit matches; the depth alone is the range
        qs = qs.filter(parent=parent) if depth == parent.depth + 1 else qs.filter(path__startswith=parent.path)
    return qs.order_by("name")


def rows_under(parent: OrgUnit, depth: int, open_from=None) -> list[OrgUnit]:
    """The units at `depth` under `parent`, by name; with `open_from` (a date), not those closed before it
    (OrgUnit.closed_on: a closed unit stays in the periods up to the one it closed in, then leaves)."""
    return list(_units_under(parent, depth, open_from))


class Row(NamedTuple):
    """A grid's row head: what a heat map shows of a unit. Read as plain columns, not as 500 model objects."""

    pk: int
    code: str
    name: str
    depth: int


def row_heads(parent: OrgUnit, depth: int, open_from=None) -> list[Row]:
    """rows_under(), as Rows."""
    return [Row(*r) for r in _units_under(parent, depth, open_from).values_list("pk", "code", "name", "depth")]


def recent_periods(indicator, n: int, root: OrgUnit, basis: Basis = INSIDE) -> list[Period]:
    ids = list(
        Rollup.objects.filter(indicator=indicator, org_unit=root, **{basis.column(False, "count__gt"): 0})
        .order_by("-period__start")
        .values_list("period_id", flat=True)[:n]
    )
    return sorted(Period.objects.filter(pk__in=ids), key=lambda p: p.start)


@dataclass
class Heatmap:
    units: list  # OrgUnit, or Row (units_by_periods)
    columns: list  # Period or Indicator
    cells: dict = field(default_factory=dict)  # (unit id, column id) -> Cell


def units_by_periods(
    indicator, parent: OrgUnit, depth: int, periods: list[Period], root: OrgUnit, basis: Basis = INSIDE
) -> Heatmap:
    units = row_heads(parent, depth, min((p.start for p in periods), default=None))
    ids = [u.pk for u in units]
    plan = Plan.build(indicator, ids, root=root, level=(parent, depth), basis=basis)
    rollups = _under(
        Rollup.objects.filter(
            indicator=indicator, depth=depth, period__in=periods, **{basis.column(False, "count__gt"): 0}
        ),
        parent,
        depth,
        ids,
    )
    hm = Heatmap(units, periods)
    heads = {p.pk: (p.code, p.end) for p in periods}
    wanted = set(ids)
    make, cells = cell_maker(indicator, plan.assess), hm.cells
    fields = cell_fields(basis, indicator)
    for row in rollups.values_list("org_unit_id", "period_id", *fields).order_by():
        unit_id, period_id = row[0], row[1]
        if unit_id in wanted:  # the same as _cell(), without a dict per row: a national grid has thousands
            code, end = heads[period_id]
            cells[(unit_id, period_id)] = make(unit_id, code, end, row, 2)
    return hm


def root_coverage(indicator, root: OrgUnit, periods, basis: Basis = INSIDE) -> dict[int, C.Coverage]:
    """{period id: coverage at the root} (what this basis shows), for a grid's column heads and a league's warning."""
    w = basis.column(False, weight_field(indicator))
    return {
        pid: C.Coverage(n, e, wt, we)
        for pid, n, e, wt, we in Rollup.objects.filter(indicator=indicator, org_unit=root, period__in=list(periods))
        .values_list("period_id", basis.column(False, "count"), "expected", w, "expected_weight")
        .order_by()
    }


def latest_official_periods(indicators, root: OrgUnit, basis: Basis = INSIDE) -> dict[int, int]:
    """{indicator id: id of its latest period whose official data (for this basis) at the root meets the
    completeness rule}.

    A month with 4 of 96 hospitals checked is not the latest national month: the one before it is.
    """
    indicators = list(indicators)
    rules = {i.pk: i.completeness for i in indicators}
    out: dict[int, int] = {}
    count = basis.column(True, "count")
    rows = (
        Rollup.objects.filter(indicator__in=indicators, org_unit=root, **{f"{count}__gt": 0})
        .order_by("indicator_id", "-period__start")
        .values_list("indicator_id", "period_id", count, "expected")
    )
    for ind_id, period_id, n, expected in rows:
        if ind_id not in out and C.meets(n, expected, rules.get(ind_id, C.DEFAULT_RULE)):
            out[ind_id] = period_id
    return out


def units_by_indicators(indicators, parent: OrgUnit, root: OrgUnit, bases=None) -> Heatmap:
    """`bases` is {indicator id: Basis} (the reader's, per indicator); INSIDE for any not named."""
    bases = bases or {}
    depth = parent.depth + 1
    indicators = [i for i in indicators if i.report_depth >= depth]
    latest = {}
    for basis in {bases.get(i.pk, INSIDE) for i in indicators}:
        same = [i for i in indicators if bases.get(i.pk, INSIDE) == basis]
        latest.update(latest_official_periods(same, root, basis))
    # a unit closed before the earliest of the periods shown has no place in the grid
    first = Period.objects.filter(pk__in=set(latest.values())).order_by("start").values_list("start", flat=True)
    units = rows_under(parent, depth, first.first() if latest else None)
    hm = Heatmap(units, indicators)
    if not latest:
        return hm
    cond = Q()
    for ind_id, period_id in latest.items():
        cond |= Q(indicator_id=ind_id, period_id=period_id)
    by_ind = {i.pk: i for i in indicators}
    plans = {
        i.pk: Plan.build(i, [u.pk for u in units], root=root, level=(parent, depth), basis=bases.get(i.pk, INSIDE))
        for i in indicators
        if i.pk in latest
    }
    parts = [f"{p}{f}" for p in PARTS for f in ("value", "count", "total", "denominator")]
    for r in Rollup.objects.filter(cond, parent=parent).values(
        "indicator_id", "org_unit_id", "period__code", "period__end", *parts, "expected", "expected_weight"
    ):
        ind = by_ind[r["indicator_id"]]
        basis = bases.get(ind.pk, INSIDE)
        if r[basis.column(False, "count")] == 0:
            continue
        hm.cells[(r["org_unit_id"], ind.pk)] = _cell(ind, plans[ind.pk], r["org_unit_id"], r, basis=basis)
    return hm


@dataclass
class LeagueRow:
    rank: int | None
    unit: OrgUnit
    value: float | None
    planned: float | None
    gap: float | None  # ahead of plan (+) or behind (-), in the indicator's unit
    status: S.Status
    previous_rank: int | None
    unverified: bool
    coverage: C.Coverage | None = None
    incomplete: bool = False  # not ranked: too few units beneath it reported

    @property
    def movement(self) -> int | None:
        return None if self.previous_rank is None or self.rank is None else self.previous_rank - self.rank


# What a league ranks by: a rate (or average) compares units of any size as it stands; a count does not (the
# largest province has the most of everything), so counts are ranked by the gap to each unit's own plan, as a
# share of the change planned for that unit.
BY_VALUE, BY_GAP = "value", "gap"


def rank_basis(indicator) -> str:
    """BY_VALUE for a rate or an average (ratio and mean indicators), BY_GAP for a count (sum)."""
    return BY_GAP if indicator.aggregation == "sum" else BY_VALUE


def ranked_by_text(indicator) -> str:
    """What the league's rank is by, said on the page and in its files."""
    if rank_basis(indicator) == BY_GAP:
        return _(
            "Ranked by the gap to each unit's own plan, as a share of the change planned for that unit (a count "
            "is not compared as it stands: larger units have more of everything). Units without a plan are "
            "listed after the ranked ones."
        )
    return _("Ranked by the value (%(direction)s): a rate or average compares units of any size.") % {
        "direction": indicator.get_direction_display().lower()
    }


def relative_gap(plan, unit_id, value, planned, direction) -> float | None:
    """The gap to the unit's own plan (+ ahead, - behind) over the unit's whole planned change."""
    if value is None or planned is None:
        return None
    gap = value - planned if direction == S.UP else planned - value
    ends = plan.ends(unit_id)
    scale = (abs(ends[1] - ends[0]) if ends else 0) or abs(planned) or 1.0
    return gap / scale


def _ranked(indicator, values: dict) -> dict:
    """{unit id: rank} from {unit id: key}; a higher key is better when ranking by the gap."""
    order = sorted((v, uid) for uid, v in values.items() if v is not None)
    if rank_basis(indicator) == BY_GAP or indicator.direction == S.UP:
        order.reverse()
    return {uid: i for i, (_, uid) in enumerate(order, start=1)}


def league(
    indicator, parent: OrgUnit, depth: int, period: Period, root: OrgUnit, basis: Basis = INSIDE
) -> list[LeagueRow]:
    """Units ranked best first, with their rank the period before: on the period's value for a rate or an
    average, on the gap to each unit's own plan for a count (rank_basis).

    A unit whose figure stands for fewer of its units than the completeness rule asks is listed, marked
    incomplete, after the ranked ones and without a rank: it is never placed on a handful of units.
    """
    units = {u.pk: u for u in rows_under(parent, depth, period.start)}
    plan = Plan.build(indicator, list(units), root=root, level=(parent, depth), basis=basis)
    shown_count = basis.column(False, "count")
    previous = (
        Rollup.objects.filter(
            indicator=indicator, org_unit=root, period__start__lt=period.start, **{f"{shown_count}__gt": 0}
        )
        .order_by("-period__start")
        .values_list("period_id", flat=True)
        .first()
    )
    rows = _under(
        Rollup.objects.filter(
            indicator=indicator,
            depth=depth,
            period_id__in=[p for p in (period.pk, previous) if p],
            **{f"{shown_count}__gt": 0},
        ),
        parent,
        depth,
        list(units),
    )
    by_gap = rank_basis(indicator) == BY_GAP
    fmt = indicator.formatter()
    now, before = {}, {}
    for r in rows.values("org_unit_id", "period_id", "period__code", "period__end", *cell_fields(basis, indicator)):
        uid = r["org_unit_id"]
        if uid not in units:
            continue
        cell = _cell(indicator, plan, uid, r, basis=basis, fmt=fmt)
        planned = plan.planned(uid, r["period__code"], r["period__end"])
        key = relative_gap(plan, uid, cell.value, planned, indicator.direction) if by_gap else cell.value
        if r["period_id"] == period.pk:
            now[uid] = (cell, planned, key)
        elif not cell.incomplete:
            before[uid] = key
    ranks = _ranked(indicator, {u: k for u, (c, _, k) in now.items() if not c.incomplete})
    prev_ranks = _ranked(indicator, before)
    out = []
    for uid, (cell, planned, _key) in now.items():
        if uid not in ranks and cell.value is None:
            continue
        gap = None
        if planned is not None and cell.value is not None:
            gap = cell.value - planned if indicator.direction == S.UP else planned - cell.value
        out.append(
            LeagueRow(
                ranks.get(uid),
                units[uid],
                cell.value,
                planned,
                gap,
                cell.status,
                prev_ranks.get(uid),
                cell.unverified,
                cell.coverage,
                cell.incomplete,
            )
        )
    return sorted(out, key=lambda r: (r.rank is None, r.rank or 0, r.unit.name))
