"""Evidence of impact (issue 21): the panel, the design and what every estimate reports.

A programme starts in some units (districts, hospitals, schools) and not in
others. Did the indicator move because of it? The answer compares how the
treated units changed with how comparable untreated units changed over the
same periods (difference in differences). This module holds the inputs:

    Observation   one row of the panel: unit, period index, value and an
                  optional weight (the denominator of a rate, e.g. people);
    Panel         the rows as a units x periods matrix (NaN where missing);
    Design        which units were treated and from which period (each its
                  own start: staggered adoption is allowed), which units
                  are the comparison, and the pre and post windows;
    Sample        the panel cut to the design, after every check in
                  `prepare` has passed;
    Estimate      one effect with its interval, in the indicator's unit and
                  as a percentage of the counterfactual;
    propose_comparison  untreated units whose pre-window path is closest
                  to the treated mean, for the user to choose from.

Estimators live in delivery/did.py, placebo inference in
delivery/impact_placebo.py, the report and its plain-language verdict in
delivery/impact_verdict.py. Nothing here imports Django: every message carries a
code and the numbers, and its sentence goes through delivery.text, so it reads in
the reader's language when made inside a request (the estimates are never stored).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from .text import _

Array = npt.NDArray[np.float64]

# Below this many units, cluster-robust standard errors are unreliable
# (they are too small with few clusters); the estimators then say so and
# use heteroskedasticity-robust errors instead.
MIN_CLUSTERS = 10


class ImpactError(ValueError):
    """Bad input for an impact estimate. `code` and `params` let the page layer translate it."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = params


@dataclass(frozen=True)
class Note:
    """A caveat attached to an estimate: a stable code, the numbers, and the sentence in the reader's language."""

    code: str
    message: str
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Observation:
    unit: str
    period: int
    value: float
    weight: float | None = None


@dataclass(frozen=True, eq=False)
class Panel:
    units: tuple[str, ...]
    periods: tuple[int, ...]
    values: Array  # units x periods, NaN where missing
    weights: Array  # units x periods, NaN where missing; 1.0 when unweighted
    weighted: bool


def build_panel(observations: Iterable[Observation]) -> Panel:
    """Check every row (naming the row and field of any problem) and lay them out as a matrix."""
    rows = list(observations)
    if not rows:
        raise ImpactError("empty_panel", _("The panel has no rows."))
    has_weight = rows[0].weight is not None
    seen: dict[tuple[str, int], int] = {}
    for number, row in enumerate(rows, start=1):
        if not isinstance(row.unit, str) or not row.unit.strip():
            raise ImpactError(
                "bad_unit", _("Row %(number)s, field unit: the unit is empty.") % {"number": number}, row=number
            )
        if isinstance(row.period, bool) or not isinstance(row.period, (int, np.integer)):
            raise ImpactError(
                "bad_period",
                _("Row %(number)s, field period: %(period)s is not a whole number.")
                % {"number": number, "period": repr(row.period)},
                row=number,
            )
        if not _finite(row.value):
            raise ImpactError(
                "bad_value",
                _("Row %(number)s, field value: %(value)s is not a finite number.")
                % {"number": number, "value": repr(row.value)},
                row=number,
            )
        if (row.weight is not None) != has_weight:
            raise ImpactError(
                "mixed_weights",
                (
                    _("Row %(number)s, field weight: either every row has a weight or none has; row 1 has.")
                    if has_weight
                    else _("Row %(number)s, field weight: either every row has a weight or none has; row 1 has not.")
                )
                % {"number": number},
                row=number,
            )
        if row.weight is not None and (not _finite(row.weight) or row.weight <= 0):
            raise ImpactError(
                "bad_weight",
                _("Row %(number)s, field weight: %(weight)s is not a positive number.")
                % {"number": number, "weight": repr(row.weight)},
                row=number,
            )
        key = (row.unit, int(row.period))
        if key in seen:
            raise ImpactError(
                "duplicate_row",
                _("Row %(number)s: unit %(unit)s already has period %(period)s (row %(seen)s).")
                % {"number": number, "unit": repr(row.unit), "period": row.period, "seen": seen[key]},
                row=number,
                first_row=seen[key],
            )
        seen[key] = number
    units = tuple(sorted({r.unit for r in rows}))
    periods = tuple(sorted({int(r.period) for r in rows}))
    u_index = {u: i for i, u in enumerate(units)}
    p_index = {p: j for j, p in enumerate(periods)}
    values = np.full((len(units), len(periods)), np.nan)
    weights = np.full_like(values, np.nan)
    for r in rows:
        i, j = u_index[r.unit], p_index[int(r.period)]
        values[i, j] = float(r.value)
        weights[i, j] = 1.0 if r.weight is None else float(r.weight)
    return Panel(units, periods, values, weights, has_weight)


def _finite(x: object) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool) and math.isfinite(x)


@dataclass(frozen=True)
class Design:
    """Who was treated from when, who is compared, and the windows (inclusive period indexes).

    The pre window lies before every treated start; the post window runs to
    the end of the analysis. Periods between the two windows (if any) are
    used by the panel estimators but not by the two-period comparison.
    """

    treated: Mapping[str, int]  # unit -> first treated period
    comparison: Sequence[str]
    pre: tuple[int, int]
    post: tuple[int, int]


@dataclass(frozen=True, eq=False)
class Sample:
    """The panel cut to the design's units and to the periods from the pre start to the post end."""

    units: tuple[str, ...]  # treated first, then comparison
    periods: tuple[int, ...]
    values: Array
    weights: Array
    start: Array  # first treated period per unit; +inf for comparison units
    design: Design
    weighted: bool

    @property
    def treated_mask(self) -> npt.NDArray[np.bool_]:
        return np.isfinite(self.start)

    @property
    def period_array(self) -> Array:
        return np.asarray(self.periods, dtype=float)

    def window_mask(self, window: tuple[int, int]) -> npt.NDArray[np.bool_]:
        p = self.period_array
        return (p >= window[0]) & (p <= window[1])

    def unit_weights(self) -> Array:
        """One weight per unit (its mean weight over the sample periods), for unit-level means."""
        return np.asarray(np.nanmean(self.weights, axis=1), dtype=float)

    def treated_post_obs(self) -> npt.NDArray[np.bool_]:
        """Observations of treated units at or after their own start (and present)."""
        p = self.period_array[None, :]
        return (p >= self.start[:, None]) & ~np.isnan(self.values)


def prepare(panel: Panel, design: Design) -> Sample:
    """Refuse a design the data cannot answer, with a message that says which unit or window and why."""
    a, b = design.pre
    c, d = design.post
    first, last = panel.periods[0], panel.periods[-1]
    if a > b or c > d:
        raise ImpactError("bad_window", _("Each window must start no later than it ends."))
    if b >= c:
        raise ImpactError(
            "windows_overlap",
            _("The pre window must end before the post window starts (%(b)s >= %(c)s).") % {"b": b, "c": c},
        )
    if a < first or d > last:
        raise ImpactError(
            "window_outside_data",
            _("The windows run from period %(a)s to %(d)s, but the data cover only %(first)s to %(last)s.")
            % {"a": a, "d": d, "first": first, "last": last},
            first=first,
            last=last,
        )
    if not design.treated:
        raise ImpactError("no_treated", _("There are no treated units."))
    if not design.comparison:
        raise ImpactError("no_comparison", _("There are no comparison units to compare the treated units with."))
    treated = list(design.treated)
    comparison = list(dict.fromkeys(design.comparison))
    both = sorted(set(treated) & set(comparison))
    if both:
        raise ImpactError(
            "overlapping_sets",
            _("These units are both treated and in the comparison: %(both)s.") % {"both": ", ".join(both)},
            units=both,
        )
    known = set(panel.units)
    unknown = sorted(u for u in treated + comparison if u not in known)
    if unknown:
        raise ImpactError(
            "unknown_units",
            _("These units are not in the data: %(unknown)s.") % {"unknown": ", ".join(unknown)},
            units=unknown,
        )
    for unit, first_treated in design.treated.items():
        if not b < first_treated <= d:
            raise ImpactError(
                "start_outside_window",
                _(
                    "Unit %(unit)s starts in period %(first_treated)s; every treated start must fall after the pre window (ends %(b)s) and no later than the post window's end (%(d)s)."
                )
                % {"unit": unit, "first_treated": first_treated, "b": b, "d": d},
                unit=unit,
                start=first_treated,
            )
    rows = np.asarray([panel.units.index(u) for u in treated + comparison], dtype=np.intp)
    p = np.asarray(panel.periods)
    cols = np.flatnonzero((p >= a) & (p <= d))
    values = panel.values[np.ix_(rows, cols)]
    weights = panel.weights[np.ix_(rows, cols)]
    periods = tuple(int(x) for x in p[cols])
    start = np.array([float(design.treated[u]) for u in treated] + [np.inf] * len(comparison))
    sample = Sample(tuple(treated + comparison), periods, values, weights, start, design, panel.weighted)
    present = ~np.isnan(values)
    pre, post = sample.window_mask(design.pre), sample.window_mask(design.post)
    no_pre = [u for i, u in enumerate(sample.units) if not present[i, pre].any()]
    if no_pre:
        of_treated = no_pre[0] in design.treated
        no_pre = [u for u in no_pre if (u in design.treated) == of_treated]
        message = (
            _("Treated units with no data in the pre window (%(a)s to %(b)s): %(units)s.")
            if of_treated
            else _("Comparison units with no data in the pre window (%(a)s to %(b)s): %(units)s.")
        )
        raise ImpactError(
            "no_pre_data",
            message % {"a": a, "b": b, "units": ", ".join(no_pre)},
            units=no_pre,
        )
    after_start = sample.treated_post_obs()
    no_post = [
        u
        for i, u in enumerate(sample.units)
        if not (after_start[i].any() if np.isfinite(start[i]) else present[i, post].any())
    ]
    if no_post:
        raise ImpactError(
            "no_post_data",
            _("Units with no data in the post window (%(c)s to %(d)s) after their start: %(no_post)s.")
            % {"c": c, "d": d, "no_post": ", ".join(no_post)},
            units=no_post,
        )
    return sample


@dataclass(frozen=True)
class Estimate:
    """One effect, its uncertainty, and the same in percent of what would have happened without it.

    counterfactual = treated post mean - effect; the percentages divide the
    effect and its interval bounds by it (the counterfactual's own
    uncertainty is not carried into the percentage).
    """

    method: str
    effect: float
    se: float
    low: float
    high: float
    p_value: float
    treated_post_mean: float
    se_kind: str  # "cluster", "influence", "hc1", "hc2", "classical"
    n_units: int
    notes: tuple[Note, ...] = ()

    @property
    def counterfactual(self) -> float:
        return self.treated_post_mean - self.effect

    def _pct(self, x: float) -> float | None:
        cf = self.counterfactual
        return None if abs(cf) < 1e-12 else 100.0 * x / cf

    @property
    def percent(self) -> float | None:
        return self._pct(self.effect)

    @property
    def percent_low(self) -> float | None:
        return self._pct(self.low)

    @property
    def percent_high(self) -> float | None:
        return self._pct(self.high)


def few_units_note(n: int) -> Note:
    return Note(
        "few_units",
        _(
            "Only %(n)s units: errors that allow for a unit's periods moving together need at least %(min)s, "
            "so the interval may be too narrow."
        )
        % {"n": n, "min": MIN_CLUSTERS},
        {"n_units": n, "min_units": MIN_CLUSTERS},
    )


@dataclass(frozen=True)
class Candidate:
    unit: str
    rmse: float  # root mean squared distance from the treated mean over the pre window


def propose_comparison(
    panel: Panel,
    treated: Iterable[str],
    pre: tuple[int, int],
    *,
    limit: int | None = None,
    exclude: Iterable[str] = (),
    demean: bool = False,
) -> list[Candidate]:
    """Untreated units ranked by how closely their pre-window path follows the treated mean path.

    Only units with a value in every pre-window period where the treated
    mean exists are ranked. `demean` compares shapes (each path minus its
    own mean) rather than levels: parallel trends need the same movement,
    not the same level.
    """
    treated_set = set(treated)
    unknown = sorted(treated_set - set(panel.units))
    if unknown:
        raise ImpactError(
            "unknown_units",
            _("These units are not in the data: %(unknown)s.") % {"unknown": ", ".join(unknown)},
            units=unknown,
        )
    if not treated_set:
        raise ImpactError("no_treated", _("There are no treated units."))
    p = np.asarray(panel.periods)
    cols = (p >= pre[0]) & (p <= pre[1])
    if not cols.any():
        raise ImpactError(
            "window_outside_data",
            _("No data in the pre window (%(start)s to %(end)s).") % {"start": pre[0], "end": pre[1]},
        )
    rows = np.asarray([i for i, u in enumerate(panel.units) if u in treated_set], dtype=np.intp)
    with np.errstate(invalid="ignore"):
        target = np.nanmean(panel.values[np.ix_(rows, np.flatnonzero(cols))], axis=0)
    keep = ~np.isnan(target)
    target = target[keep]
    if demean:
        target = target - target.mean()
    skip = treated_set | set(exclude)
    out: list[Candidate] = []
    for i, unit in enumerate(panel.units):
        if unit in skip:
            continue
        path = panel.values[i, np.flatnonzero(cols)][keep]
        if np.isnan(path).any():
            continue
        if demean:
            path = path - path.mean()
        out.append(Candidate(unit, float(np.sqrt(np.mean((path - target) ** 2)))))
    out.sort(key=lambda c: (c.rmse, c.unit))
    return out if limit is None else out[:limit]
