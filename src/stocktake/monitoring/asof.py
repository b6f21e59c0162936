"""Figures as they stood at a moment: what a pack or report issued then showed, rebuilt from the history.

The Rollup table only knows the present. A stocktake pack issued on 2 November must keep showing what the
meeting saw, after November's values arrive, a value is corrected or a new round is judged; so a frozen pack
reads its figures from here instead. Every version of every value is kept (DataValueVersion, with the time
it was written) and every verification decision too (collection's reviews, lent through monitoring.hooks,
since collection sits above monitoring): the value of a cell at a moment is its last version written by
then, in the state its last decision by then gave it.

Those values are rolled up in memory with delivery.rollup (the same Accumulator the database rollups
follow), for the few indicators and units a pack shows, and handed out in the shape series.rollup_rows()
gives, so series.summarise, series.series and forecasting.outlook build the same latest figures, statuses
and forecasts from them as they do from the live table. A Reader with no moment is the live view.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from stocktake.architecture.models import OrgUnit, Period
from stocktake.delivery import rollup as R
from stocktake.delivery import trajectory as T

from . import hooks
from .models import DataValueVersion, Rollup
from .rollups import OFFICIAL_STATES, PUBLISHED_STATES
from .series import INSIDE, Basis, Plan, national_target, rollup_rows, trajectory

SUBMITTED = "submitted"  # the state a version is written in (collection's verification states)


def states_as_of(value_ids, moment: datetime) -> dict[tuple[int, int], str]:
    """{(value id, version): state} from the verification decisions made by the moment (the last one wins).

    Empty without the collection app (no decisions: each version keeps the state it was written in)."""
    history = hooks.review_history()
    return history(value_ids, moment) if history else {}


def values_as_of(indicator, moment: datetime) -> list[tuple[int, int, float | None, float | None, float | None, str]]:
    """The indicator's total values (no disaggregation) at its reporting level as they stood at the moment:
    [(org unit id, period id, value, numerator, denominator, state)], ordered by unit and period."""
    versions = (
        DataValueVersion.objects.filter(
            data_value__indicator=indicator,
            data_value__disaggregation="",
            data_value__org_unit__depth=indicator.report_depth,
            at__lte=moment,
        )
        .order_by("data_value_id", "version")
        .values_list(
            "data_value_id",
            "data_value__org_unit_id",
            "data_value__period_id",
            "version",
            "value",
            "numerator",
            "denominator",
            "state",
        )
    )
    last = {}
    for row in versions:
        last[row[0]] = row  # ordered by version: the last written by the moment wins
    decided = states_as_of(list(last), moment)
    # Publishing marks the version published in its history row (the public keeps that figure while a newer
    # version is checked), so a version decided only after the moment was, at the moment, as written: submitted.
    later = set(states_as_of(list(last), timezone.now() + timedelta(days=1))) - set(decided)
    out = [
        (unit, period, value, num, den, decided.get((dv, version), SUBMITTED if (dv, version) in later else state))
        for dv, unit, period, version, value, num, den, state in last.values()
    ]
    return sorted(out, key=lambda r: (r[0], r[1]))


def target_as_of(indicator, moment: datetime):
    """The national target in force at the moment and its trajectory: (target, {period code: (start, end,
    planned)}), or (None, {}) when the target was set only after it.

    A target is never overwritten (architecture.TargetRevision keeps each revision with its time), so a pack
    issued before a revision keeps the target and trajectory it was drawn against. The trajectory of an older
    revision is interpolated again from that revision's baseline, target and method, as
    architecture.actions.rebuild_trajectory drew it; a staged trajectory's stages have no history, so the
    current stages are used (docs/routines.md lists what cannot be frozen)."""
    current = national_target(indicator)
    if current is None:
        return None, {}
    revision = current.revisions.filter(at__lte=moment).order_by("-revision").first()
    if revision is None:
        return None, {}
    if revision.revision == current.revision:
        return current, trajectory(current)
    then = copy.copy(current)  # an unsaved stand-in: nothing reads its live points (Plan holds them)
    for name in ("baseline_value", "baseline_date", "target_value", "target_date", "status", "trajectory_method"):
        setattr(then, name, getattr(revision, name))
    then.revision = revision.revision
    path = T.interpolate(
        then.as_plain(), indicator.frequency, then.trajectory_method, [tuple(s) for s in then.stages or []]
    )
    return then, {p.code: (p.start, p.end, v) for p, v in path}


@dataclass
class _Cells:
    """One indicator's accumulators at every unit and period, for the whole, the official and the published part."""

    parts: dict = field(default_factory=dict)  # unit id -> {period id: (all, official, published) Accumulators}


@dataclass
class Reader:
    """Where a pack's figures come from: the live rollups (moment None) or the history as of a moment.

    `rows(indicator, unit)` has the shape of series.rollup_rows(); `plan(...)` is series.Plan with the
    baselines of that moment; `today` is the date partial periods are judged on (the moment's date).
    """

    moment: datetime | None = None
    basis: Basis = INSIDE
    _cells: dict = field(default_factory=dict, repr=False)
    _units: dict | None = field(default=None, repr=False)
    _periods: dict = field(default_factory=dict, repr=False)
    _expected_at: dict = field(default_factory=dict, repr=False)

    @property
    def frozen(self) -> bool:
        return self.moment is not None

    @property
    def today(self):
        return timezone.localdate(self.moment) if self.moment else timezone.localdate()

    def rows(self, indicator, unit: OrgUnit) -> list[dict]:
        if self.moment is None:
            return rollup_rows(indicator, unit, self.basis)
        cells = self._cells_of(indicator)
        expected = self._expected(indicator).get(unit.pk, 0)
        shown, official = _part_index(self.basis, shown=True), _part_index(self.basis, shown=False)
        rule, scale = indicator.aggregation, indicator.ratio_scale
        weigh = "denominator" if rule == "ratio" else "total"  # as series.rollup_rows weighs a unit
        # The weight expected is the stored rollups' (monitoring.weights): the units' size, not a figure of the
        # moment; a period with no stored rollup has none.
        expected_weight = dict(
            Rollup.objects.filter(indicator=indicator, org_unit=unit).values_list("period_id", "expected_weight")
        )
        out = []
        for period_id, accs in cells.parts.get(unit.pk, {}).items():
            if accs[shown].count == 0:
                continue
            p = self._periods[period_id]
            out.append(
                {
                    "period_id": period_id,
                    "period__code": p.code,
                    "period__start": p.start,
                    "period__end": p.end,
                    "expected": expected,
                    "expected_weight": expected_weight.get(period_id),
                    "value": accs[shown].result(rule, scale),
                    "count": accs[shown].count,
                    "weight": getattr(accs[shown], weigh),
                    "official_value": accs[official].result(rule, scale),
                    "official_count": accs[official].count,
                    "official_weight": getattr(accs[official], weigh),
                }
            )
        return sorted(out, key=lambda r: r["period__start"])

    def plan(self, indicator, unit_ids, root: OrgUnit) -> Plan:
        """The indicator's plan at the root and these units, baselines from the official part as it stood."""
        if self.moment is None:
            return Plan.build(indicator, unit_ids, root=root, basis=self.basis)
        target, points = target_as_of(indicator, self.moment)
        plan = Plan(indicator, target, root_id=root.pk)
        if target is None:
            return plan
        plan.points = points
        since = target.baseline_date - timedelta(days=365)

        def base(unit_id):
            unit = OrgUnit(pk=unit_id)
            values = [
                r["official_value"]
                for r in self.rows(indicator, unit)
                if r["official_count"] > 0
                and r["official_value"] is not None
                and since < r["period__end"] <= target.baseline_date
            ]
            return sum(values) / len(values) if values else None

        plan.national_base = base(root.pk)
        plan.unit_bases = {u: b for u in set(unit_ids) - {root.pk} if (b := base(u)) is not None}
        return plan

    def _cells_of(self, indicator) -> _Cells:
        if indicator.pk in self._cells:
            return self._cells[indicator.pk]
        parent_of = self._parent_of()
        cells = _Cells()
        for unit, period, value, num, den, state in values_as_of(indicator, self.moment):
            official, published = state in OFFICIAL_STATES, state in PUBLISHED_STATES
            for u in R.ancestors(unit, parent_of):
                by_period = cells.parts.setdefault(u, {})
                accs = by_period.setdefault(period, (R.Accumulator(), R.Accumulator(), R.Accumulator()))
                accs[0].add(value, num, den)
                if official:
                    accs[1].add(value, num, den)
                if published:
                    accs[2].add(value, num, den)
        missing = {p for by_period in cells.parts.values() for p in by_period} - set(self._periods)
        self._periods.update({p.pk: p for p in Period.objects.filter(pk__in=missing)})
        self._cells[indicator.pk] = cells
        return cells

    def _parent_of(self) -> dict:
        """{unit id: parent id} for the whole hierarchy (read once per reader)."""
        if self._units is None:
            self._units = {
                pk: (parent, depth) for pk, parent, depth in OrgUnit.objects.values_list("pk", "parent_id", "depth")
            }
        return {pk: parent for pk, (parent, _) in self._units.items()}

    def _expected(self, indicator) -> dict[int, int]:
        """Units at the indicator's reporting level beneath each unit (the rollups' `expected`)."""
        depth = indicator.report_depth
        if depth not in self._expected_at:
            parent_of = self._parent_of()
            counts: dict[int, int] = {}
            for pk, (_, d) in self._units.items():
                if d == depth:
                    for u in R.ancestors(pk, parent_of):
                        counts[u] = counts.get(u, 0) + 1
            self._expected_at[depth] = counts
        return self._expected_at[depth]


def _part_index(basis: Basis, *, shown: bool) -> int:
    """Which accumulator (all, official, published) a basis's shown or official part reads."""
    prefix = basis.shown if shown else basis.official
    return {"": 0, "official_": 1, "published_": 2}[prefix]


def reader(moment: datetime | None, basis: Basis = INSIDE) -> Reader:
    """A Reader for the moment (None: the live rollups)."""
    return Reader(moment=moment, basis=basis)
