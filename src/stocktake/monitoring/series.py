"""Reading values back from the rollups: series, plans and status at any org unit.

Official status is computed from validated and published values only
(OFFICIAL_STATES). Newer submitted values are shown as provisional, marked
unverified, never silently mixed into the official picture. Readers who may
not see unpublished values (the public) get every figure from the published
part of the rollups instead: a Basis says which parts a reader's figures
come from, and monitoring.access.value_basis() chooses it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Avg, F
from django.utils import timezone

from stocktake.architecture.models import OrgUnit, Period
from stocktake.delivery import coverage as C
from stocktake.delivery import status as S

from .models import Rollup
from .rollups import (
    OFFICIAL_STATES,  # noqa: F401  (the one definition, re-exported for other apps)
    coarser_rows,
)
from .roots import (  # noqa: F401  (re-exported: callers read them here)
    indicator_root,
    root_of,
    root_unit,
    roots,
    single_root,
)


def coverage_of(row: dict, official: bool = False) -> C.Coverage:
    """A rollup row's coverage: units reported (all, or official only) of units expected beneath it, and the
    weight they carry of the weight expected (rollup_rows() reads both)."""
    return C.Coverage(
        row["official_count" if official else "count"],
        row.get("expected") or 0,
        row.get("official_weight" if official else "weight"),
        row.get("expected_weight"),
    )


def complete(indicator, row: dict, official: bool = False) -> bool:
    """Whether enough of the units beneath reported for the row's figure to stand for the whole."""
    return coverage_of(row, official).meets(indicator.completeness)


def partial_of(row: dict, today=None):
    """A Partial if the row's period has not ended yet, or (a row from rows_at) holds fewer months than it has
    (delivery.coverage.partial), else None."""
    return C.partial(
        row["period__start"],
        row["period__end"],
        today or timezone.localdate(),
        row.get("parts"),
        row.get("parts_expected"),
    )


@dataclass(frozen=True)
class Basis:
    """Which parts of a rollup a reader's figures come from, each a column prefix (rollups.PARTS).

    `shown` is the newest figure a reader may see (provisional ones included), `official` the part that
    status, forecasts and baselines are built from. The delivery unit sees everything and judges on
    checked values; the public sees published values only, both as figures and as the status built on them.
    """

    name: str
    shown: str
    official: str

    def column(self, official: bool, field_name: str) -> str:
        return (self.official if official else self.shown) + field_name


INSIDE = Basis("inside", shown="", official="official_")
PUBLISHED = Basis("published", shown="published_", official="published_")


def rollup_rows(indicator, unit: OrgUnit, basis: Basis = INSIDE) -> list[dict]:
    """Every period's rollup for the unit with anything this basis shows, oldest first, one query.

    Each row has period_id, period__code, period__start, period__end, expected (units expected beneath),
    expected_weight, and value/count/weight (what is shown) and official_value/official_count/official_weight
    (what is official), read from the basis's parts; weight is a ratio's denominator, else the total.
    """
    weight = "denominator" if indicator.aggregation == "ratio" else "total"
    columns = {
        "value": basis.column(False, "value"),
        "count": basis.column(False, "count"),
        "official_value": basis.column(True, "value"),
        "official_count": basis.column(True, "count"),
        "weight": basis.column(False, weight),
        "official_weight": basis.column(True, weight),
    }
    found = (
        Rollup.objects.filter(indicator=indicator, org_unit=unit, **{f"{columns['count']}__gt": 0})
        .values(
            "period_id",
            "period__code",
            "period__start",
            "period__end",
            "expected",
            "expected_weight",
            *set(columns.values()),
        )
        .order_by("period__start")
    )
    return [
        {
            "period_id": r["period_id"],
            "period__code": r["period__code"],
            "period__start": r["period__start"],
            "period__end": r["period__end"],
            "expected": r["expected"],
            "expected_weight": r["expected_weight"],
            **{key: r[col] for key, col in columns.items()},
        }
        for r in found
    ]


def rows_at(indicator, unit: OrgUnit, kind: str | None = None, basis: Basis = INSIDE) -> list[dict]:
    """rollup_rows() at the indicator's frequency or a coarser one (quarter, fiscal quarter, year, financial
    year), merged from the stored parts (rollups.coarser_rows); a coarser row's official figure counts only
    when every month it holds is official, else the row is unverified."""
    if kind is None or kind == indicator.frequency:
        return rollup_rows(indicator, unit, basis)
    rows = coarser_rows(indicator, unit, kind, shown=basis.shown, official=basis.official)
    for r in rows:
        if r["official_parts"] < r["parts"]:
            r["official_value"], r["official_count"] = None, 0
    return rows


def series(
    indicator,
    unit: OrgUnit,
    official: bool = False,
    rows: list[dict] | None = None,
    basis: Basis = INSIDE,
    *,
    whole: bool = False,
) -> list[tuple]:
    """[(row, value)] oldest first; row has period_id, period__code, period__start, period__end and n.

    Pass `rows` from rollup_rows() to read the official and the whole series from one query. `whole=True`
    keeps only the periods whose coverage meets the indicator's completeness rule (what status,
    forecasts and "latest" are built on).
    """
    value, count = ("official_value", "official_count") if official else ("value", "count")
    rows = rollup_rows(indicator, unit, basis) if rows is None else rows
    return [
        ({**r, "n": r[count]}, r[value])
        for r in rows
        if r[count] > 0 and (not whole or complete(indicator, r, official))
    ]


def trajectory(target) -> dict[str, tuple]:
    """{period code: (period start, period end, planned value)}."""
    return {p.period.code: (p.period.start, p.period.end, p.value) for p in target.points.select_related("period")}


def national_target(indicator):
    return indicator.targets.filter(org_unit=None).first()


@dataclass
class Plan:
    """An indicator's plan for any unit: the national trajectory, or a unit's share of it.

    A unit without a target of its own is held to the national planned
    change from its own baseline (delivery.status.unit_plan). Baselines for
    that are the mean official value over the year to the baseline date,
    taken the same way for the nation, so the nation's plan is unchanged.
    """

    indicator: object
    target: object | None
    points: dict = field(default_factory=dict)  # period code -> (start, end, planned)
    national_base: float | None = None
    unit_bases: dict = field(default_factory=dict)  # unit id -> baseline
    root_id: int | None = None
    _ends: dict = field(default_factory=dict, repr=False, compare=False)  # unit id -> ends(), filled as asked
    _judges: dict = field(default_factory=dict, repr=False, compare=False)  # unit id -> _judge(), as asked

    @classmethod
    def build(
        cls,
        indicator,
        unit_ids=(),
        root: OrgUnit | None = None,
        *,
        level: tuple[OrgUnit, int] | None = None,
        basis: Basis = INSIDE,
    ) -> Plan:
        """The plan for the root and these units. Pass `level=(parent, depth)` when unit_ids are every unit at
        that depth under that parent (a heat map's or league table's rows): their baselines are then read as
        one index range, not looked up by a list of ids that the database may match against every rollup.
        Units' baselines come from the basis's official part (published values for the public)."""
        target = national_target(indicator)
        root = root or indicator_root(indicator)
        plan = cls(indicator, target, root_id=root.pk if root else None)
        if target is None:
            return plan
        plan.points = trajectory(target)
        ids = {u for u in unit_ids if u != plan.root_id}
        since = target.baseline_date - timedelta(days=365)
        year = list(
            Period.objects.filter(kind=indicator.frequency, end__gt=since, end__lte=target.baseline_date).values_list(
                "pk", flat=True
            )
        )
        rollups = Rollup.objects.filter(indicator=indicator, period_id__in=year, **{f"{basis.official}count__gt": 0})

        def averages(qs) -> dict:
            # Grouped by org_unit_id + 0, not the column: SQLite reads rollups in the order of a GROUP BY when
            # an index gives it, and (indicator, org unit, ...) does, so it read all the indicator's rollups.
            by_unit = qs.annotate(unit=F("org_unit_id") + 0).values_list("unit")
            return dict(by_unit.annotate(b=Avg(f"{basis.official}value")).order_by())

        # Each read is one index range: the root by (indicator, org unit, period); the units by their depth
        # (the (indicator, depth, period) index) or their parent, and only by id when neither names them.
        plan.national_base = averages(rollups.filter(org_unit_id=root.pk)).get(root.pk) if root else None
        units = None
        if level is not None and ids:
            parent, depth = level
            units = rollups.filter(depth=depth)  # under the one root, every unit at the depth is wanted
            if not single_root(parent):
                units = (
                    units.filter(parent_id=parent.pk)
                    if depth == parent.depth + 1
                    else units.filter(org_unit_id__in=ids)
                )
        elif ids:
            depths = sorted(set(OrgUnit.objects.filter(pk__in=ids).values_list("depth", flat=True)))
            units = rollups.filter(depth__in=depths, org_unit_id__in=ids)
        plan.unit_bases = {u: b for u, b in averages(units).items() if u in ids} if units is not None else {}
        return plan

    def planned(self, unit_id, period_code: str, period_end=None) -> float | None:
        if self.target is None:
            return None
        point = self.points.get(period_code)
        if point is None:
            if period_end is not None and period_end <= self.target.baseline_date:
                value = self.target.baseline_value
            else:
                return None
        else:
            value = point[2]
        if unit_id == self.root_id:
            return value
        base = self.unit_bases.get(unit_id)
        if base is None or self.national_base is None:
            return None
        return S.unit_plan(base, self.national_base, value, self.indicator.aggregation)

    def ends(self, unit_id) -> tuple[float, float] | None:
        """(baseline, target) for the unit: the yardstick of its status (worked out once per unit)."""
        try:
            return self._ends[unit_id]
        except KeyError:
            found = self._ends[unit_id] = self._unit_ends(unit_id)
            return found

    def _unit_ends(self, unit_id) -> tuple[float, float] | None:
        t = self.target
        if t is None:
            return None
        if unit_id == self.root_id:
            return t.baseline_value, t.target_value
        base = self.unit_bases.get(unit_id)
        if base is None or self.national_base is None:
            return None
        agg = self.indicator.aggregation
        return (
            S.unit_plan(base, self.national_base, t.baseline_value, agg),
            S.unit_plan(base, self.national_base, t.target_value, agg),
        )

    def assess(self, unit_id, actual, period_code, period_end=None) -> S.Status:
        planned = self.planned(unit_id, period_code, period_end)
        if actual is None or planned is None:
            return S.Status(S.NO_DATA)
        try:
            judge = self._judges[unit_id]
        except KeyError:
            judge = self._judges[unit_id] = self._judge(unit_id)
        return S.Status(S.NO_DATA) if judge is None else judge(actual, planned)

    def _judge(self, unit_id):
        """The unit's status rule (delivery.status.assessor), made once per unit: a grid asks it per period."""
        ends = self.ends(unit_id)
        if ends is None:
            return None
        ind = self.indicator
        return S.assessor(
            ends[0], ends[1], ind.direction, ind.on_track_band, ind.off_track_band, self.tolerance(unit_id)
        )

    def tolerance(self, unit_id) -> float | None:
        """The indicator's hold-the-level tolerance for this unit: as set for the nation, in proportion for a
        count (a district with a tenth of the cases holds a tenth of the tolerance), the same for a rate."""
        tol = getattr(self.indicator, "hold_tolerance", None)
        if tol is None or unit_id == self.root_id or self.indicator.aggregation != "sum":
            return tol
        base = self.unit_bases.get(unit_id)
        if base is None or not self.national_base:
            return tol
        return tol * abs(base / self.national_base)


@dataclass
class Summary:
    indicator: object
    target: object | None
    latest_period: str | None
    latest_end: object | None
    latest: float | None
    previous: float | None
    planned: float | None
    status: S.Status
    trend: str
    provisional_period: str | None = None
    provisional: float | None = None
    provisional_status: S.Status | None = None
    coverage: C.Coverage | None = None  # of the latest official figure
    provisional_coverage: C.Coverage | None = None
    partial: C.Partial | None = None  # of the latest period, if it has not ended
    provisional_partial: C.Partial | None = None

    @property
    def provisional_incomplete(self) -> bool:
        """The provisional figure stands for fewer units than the completeness rule asks."""
        cov = self.provisional_coverage
        return cov is not None and not cov.meets(self.indicator.completeness)

    @property
    def latest_text(self):
        return self.indicator.fmt(self.latest)

    @property
    def target_text(self):
        return self.indicator.fmt(self.target.target_value) if self.target else "–"

    @property
    def planned_text(self):
        return self.indicator.fmt(self.planned)

    @property
    def provisional_text(self):
        return self.indicator.fmt(self.provisional)


def summarise(
    indicator,
    unit: OrgUnit | None = None,
    plan: Plan | None = None,
    rows: list[dict] | None = None,
    basis: Basis = INSIDE,
) -> Summary:
    """Official latest value, plan, status and trend at a unit (default: the root), and any newer provisional value.

    The latest is the newest period whose official figure meets the indicator's completeness rule; a newer
    period (less complete, or not yet checked) is the provisional figure, shown with its coverage. With the
    PUBLISHED basis the official and the shown part are both the published one: a provisional figure is then
    only a newer published period not yet complete enough.
    """
    unit = unit or indicator_root(indicator)
    plan = plan or Plan.build(indicator, [unit.pk] if unit else [], root=root_of(unit) if unit else None, basis=basis)
    if unit and rows is None:
        rows = rollup_rows(indicator, unit, basis)
    data = (
        [(r, v) for r, v in series(indicator, unit, official=True, rows=rows, whole=True) if v is not None]
        if unit
        else []
    )
    latest = data[-1] if data else None
    previous = data[-2][1] if len(data) > 1 else None
    planned = status = None
    if latest:
        planned = plan.planned(unit.pk, latest[0]["period__code"], latest[0]["period__end"])
        status = plan.assess(unit.pk, latest[1], latest[0]["period__code"], latest[0]["period__end"])
    summary = Summary(
        indicator=indicator,
        target=plan.target,
        latest_period=latest[0]["period__code"] if latest else None,
        latest_end=latest[0]["period__end"] if latest else None,
        latest=latest[1] if latest else None,
        previous=previous,
        planned=planned,
        status=status or S.Status(S.NO_DATA),
        trend=S.trend_arrow(previous, latest[1] if latest else None, indicator.direction),
        coverage=coverage_of(latest[0], official=True) if latest else None,
        partial=partial_of(latest[0]) if latest else None,
    )
    if unit:
        newest = [(r, v) for r, v in series(indicator, unit, rows=rows) if v is not None]
        if newest and (latest is None or newest[-1][0]["period__start"] > latest[0]["period__start"]):
            r, v = newest[-1]
            summary.provisional_period, summary.provisional = r["period__code"], v
            summary.provisional_status = plan.assess(unit.pk, v, r["period__code"], r["period__end"])
            summary.provisional_coverage = coverage_of(r)
            summary.provisional_partial = partial_of(r)
    return summary
