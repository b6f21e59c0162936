"""Difference-in-differences estimators for evidence of impact (issue 21).

    two_period_did   each unit's post-window mean minus its pre-window mean,
                     treated against comparison: the textbook 2x2, with a
                     Welch-type (HC2) standard error across units. Collapsing
                     each unit to two numbers makes the error honest about a
                     unit's periods moving together.
    twfe             the two-way fixed-effects regression y = unit + period +
                     b * treated_now, errors clustered by unit (statsmodels).
                     With staggered starts and effects that change over time
                     it is biased: already-treated units serve as controls.
    group_time_att   Callaway and Sant'Anna (2021) without covariates: one
                     2x2 DiD per treated group g (units starting in g) and
                     period t, against the period before g, compared with the
                     never-treated (or not-yet-treated) units; averaged over
                     the post cells with weights by group size.
    event_study      the same group-time effects averaged by periods relative
                     to the start (e = t - g; e = -1 is the reference, 0).
    pretrend_test    joint Wald/F test that the effects before the start
                     (e <= -2) are all zero.

The group-time standard errors come from each unit's influence function
(its contribution to the estimate), summed over all its periods: the same
clustering by unit as the regression, and a covariance matrix for any set of
aggregates (so the pre-trend test is joint, not one lead at a time). The
group shares are taken as known (which units started when is the design);
`random_groups=True` adds their sampling uncertainty as CS 2021 do.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import statsmodels.api as sm
from scipy import stats

from .impact import MIN_CLUSTERS, Array, Estimate, ImpactError, Note, Sample, few_units_note
from .text import _, ngettext

NEVER = "never"
NOT_YET = "not_yet"


def _wmean(x: Array, w: Array) -> float:
    return float(np.sum(w * x) / np.sum(w))


def window_means(sample: Sample, window: tuple[int, int]) -> Array:
    """Each unit's plain mean over the window's periods (NaN where it has none)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN row is the NaN we want
        return np.asarray(np.nanmean(sample.values[:, sample.window_mask(window)], axis=1), dtype=float)


def unit_changes(sample: Sample, pre: tuple[int, int], post: tuple[int, int]) -> Array:
    """Each unit's mean over the post window minus its mean over the pre window (NaN if either is empty)."""
    return window_means(sample, post) - window_means(sample, pre)


def two_period_did(sample: Sample, *, method: str = "two_period") -> Estimate:
    design = sample.design
    change = unit_changes(sample, design.pre, design.post)
    keep = ~np.isnan(change)
    treated = sample.treated_mask[keep]
    change, w = change[keep], sample.unit_weights()[keep]
    n_t, n_c = int(treated.sum()), int((~treated).sum())
    if n_t == 0 or n_c == 0:
        raise ImpactError("no_units_both_windows", _("Need treated and comparison units with data in both windows."))
    if n_t + n_c < 3:
        raise ImpactError(
            "too_few_units", _("A standard error needs at least three units (one treated, two in the comparison).")
        )
    X = np.column_stack([np.ones_like(change), treated.astype(float)])
    notes: list[Note] = []
    if min(n_t, n_c) >= 2:
        fit = sm.WLS(change, X, weights=w, hasconst=True).fit(cov_type="HC2", use_t=True)
        kind = "hc2"
    else:
        fit = sm.WLS(change, X, weights=w, hasconst=True).fit()
        kind = "classical"
        notes.append(
            Note(
                "single_unit_group",
                _(
                    "Only one unit on one side: the standard error assumes treated and comparison units vary alike, "
                    "which cannot be checked."
                ),
                {"n_treated": n_t, "n_comparison": n_c},
            )
        )
    starts = sample.start[sample.treated_mask]
    if np.any(starts > design.post[0]):
        notes.append(
            Note(
                "staggered_in_post",
                _(
                    "Some treated units start inside the post window, so the two-period comparison counts some of "
                    "their untreated periods as treated; the group-time estimate handles staggered starts."
                ),
                {"latest_start": int(starts.max())},
            )
        )
    post_mean = window_means(sample, design.post)[keep]
    low, high = fit.conf_int(0.05)[1]
    return Estimate(
        method=method,
        effect=float(fit.params[1]),
        se=float(fit.bse[1]),
        low=float(low),
        high=float(high),
        p_value=float(fit.pvalues[1]),
        treated_post_mean=_wmean(post_mean[treated], w[treated]),
        se_kind=kind,
        n_units=n_t + n_c,
        notes=tuple(notes),
    )


def twfe(sample: Sample) -> Estimate:
    """Static two-way fixed effects on every observation in the sample, clustered by unit."""
    rows, cols = np.nonzero(~np.isnan(sample.values))
    y = sample.values[rows, cols]
    w = sample.weights[rows, cols]
    periods = sample.period_array[cols]
    d = (periods >= sample.start[rows]).astype(float)
    n_units, n_periods = sample.values.shape
    X = np.zeros((len(y), 1 + n_units + n_periods - 1))
    X[:, 0] = d
    X[np.arange(len(y)), 1 + rows] = 1.0
    later = cols > 0
    X[np.flatnonzero(later), n_units + cols[later]] = 1.0
    notes: list[Note] = []
    model = sm.WLS(y, X, weights=w, hasconst=True)  # the unit dummies sum to one
    if n_units >= MIN_CLUSTERS:
        fit = model.fit(cov_type="cluster", cov_kwds={"groups": rows}, use_t=True)
        kind = "cluster"
    else:
        fit = model.fit(cov_type="HC1", use_t=True)
        kind = "hc1"
        notes.append(few_units_note(n_units))
    low, high = fit.conf_int(0.05)[0]
    treated_now = d == 1
    return Estimate(
        method="twfe",
        effect=float(fit.params[0]),
        se=float(fit.bse[0]),
        low=float(low),
        high=float(high),
        p_value=float(fit.pvalues[0]),
        treated_post_mean=_wmean(y[treated_now], w[treated_now]),
        se_kind=kind,
        n_units=n_units,
        notes=tuple(notes),
    )


@dataclass(frozen=True)
class Cell:
    group: int  # first treated period of the group
    period: int
    e: int  # periods since the start, counted in the panel's period steps
    att: float
    n_treated: int
    n_control: int
    treated_mean: float  # the group's mean outcome in this period


@dataclass(frozen=True, eq=False)
class GroupTime:
    """All group-time effects with each unit's influence on each of them (units x cells)."""

    cells: tuple[Cell, ...]
    psi: Array
    shares: dict[int, float]  # group -> share of the sample's (weighted) units
    share_psi: dict[int, Array]  # influence of each estimated share
    n_units: int
    control: str


def group_time_att(sample: Sample, *, control: str = NEVER) -> GroupTime:
    if control not in (NEVER, NOT_YET):
        raise ImpactError(
            "bad_control",
            _("The comparison must be %(never)s or %(not_yet)s, not %(control)s.")
            % {"never": repr(NEVER), "not_yet": repr(NOT_YET), "control": repr(control)},
        )
    y, start = sample.values, sample.start
    w = sample.unit_weights()
    n = len(start)
    periods = sample.period_array
    groups = sorted({int(s) for s in start[np.isfinite(start)]})
    cells: list[Cell] = []
    psis: list[Array] = []
    for g in groups:
        j_g = int(np.searchsorted(periods, g))  # first period at or after the start
        j_b = j_g - 1  # the base: the last period before the start
        in_g = start == g
        for j_t in range(len(periods)):
            if j_t == j_b:
                continue
            t = periods[j_t]
            if control == NEVER:
                ctrl = ~np.isfinite(start)
            else:
                ctrl = (start > max(t, periods[j_b])) & ~in_g
            ok = ~np.isnan(y[:, j_t]) & ~np.isnan(y[:, j_b])
            tr_i, ct_i = in_g & ok, ctrl & ok
            if not tr_i.any() or not ct_i.any():
                continue
            change = y[:, j_t] - y[:, j_b]
            mu_t, mu_c = _wmean(change[tr_i], w[tr_i]), _wmean(change[ct_i], w[ct_i])
            psi = np.zeros(n)
            psi[tr_i] = n * w[tr_i] / w[tr_i].sum() * (change[tr_i] - mu_t)
            psi[ct_i] = -n * w[ct_i] / w[ct_i].sum() * (change[ct_i] - mu_c)
            cells.append(
                Cell(g, int(t), j_t - j_g, mu_t - mu_c, int(tr_i.sum()), int(ct_i.sum()), _wmean(y[tr_i, j_t], w[tr_i]))
            )
            psis.append(psi)
    if not cells:
        raise ImpactError("no_cells", _("No group and period has both treated and comparison units with data."))
    total = w.sum()
    shares = {g: float(w[start == g].sum() / total) for g in groups}
    share_psi = {g: n * w * ((start == g).astype(float) - shares[g]) / total for g in groups}
    return GroupTime(tuple(cells), np.column_stack(psis), shares, share_psi, n, control)


@dataclass(frozen=True, eq=False)
class Aggregate:
    effect: float
    psi: Array
    treated_mean: float
    n_cells: int


def aggregate(gt: GroupTime, index: list[int], *, random_groups: bool = False) -> Aggregate:
    """Average of the chosen cells weighted by group size, with its influence function.

    `random_groups` adds the uncertainty of the group shares, as CS 2021 do
    when the start dates are a random draw from a population. In a delivery
    programme the units and their start dates are known (they were chosen),
    and then that term only widens the interval: on simulated panels with
    fixed groups and effects that differ between groups it covered the truth
    100% of the time instead of 95% (docs/impact.md).
    """
    cells = [gt.cells[i] for i in index]
    att = np.array([c.att for c in cells])
    p = np.array([gt.shares[c.group] for c in cells])
    s = p.sum()
    theta = float(p @ att / s)
    psi = gt.psi[:, index] @ (p / s)
    for g in {c.group for c in cells} if random_groups else ():
        mine = np.array([c.group == g for c in cells])
        psi = psi + (att[mine].sum() - theta * mine.sum()) / s * gt.share_psi[g]
    mean = float(p @ np.array([c.treated_mean for c in cells]) / s)
    return Aggregate(theta, psi, mean, len(cells))


def _se(psi: Array, n: int) -> float:
    return float(np.sqrt(np.sum(psi**2) / (n * (n - 1))))


def _interval(effect: float, se: float, n: int) -> tuple[float, float, float]:
    crit = float(stats.t.ppf(0.975, n - 1))
    p = float(2 * stats.t.sf(abs(effect) / se, n - 1)) if se > 0 else (0.0 if effect else 1.0)
    return effect - crit * se, effect + crit * se, p


def _influence_notes(gt: GroupTime) -> tuple[Note, ...]:
    notes: list[Note] = []
    n = gt.n_units
    if n < MIN_CLUSTERS:
        notes.append(
            Note(
                "few_units_influence",
                _(
                    "Only %(n)s units: errors that allow for a unit's periods moving together need at least "
                    "%(min)s, so the interval may be too narrow."
                )
                % {"n": n, "min": MIN_CLUSTERS},
                {"n_units": n, "min_units": MIN_CLUSTERS},
            )
        )
    single = sorted({c.group for c in gt.cells if c.n_treated == 1})
    if single:
        notes.append(
            Note(
                "single_unit_groups",
                ngettext(
                    "%(n)s of the %(total)s start dates has a single treated unit, whose own ups and downs cannot "
                    "be told from the effect: the interval may be too narrow.",
                    "%(n)s of the %(total)s start dates have a single treated unit, whose own ups and downs "
                    "cannot be told from the effect: the interval may be too narrow.",
                    len(single),
                )
                % {"n": len(single), "total": len(gt.shares)},
                {"groups": single, "n_groups": len(gt.shares)},
            )
        )
    return tuple(notes)


def group_time_estimate(gt: GroupTime, *, random_groups: bool = False) -> Estimate:
    """The simple Callaway and Sant'Anna aggregate: every post cell, weighted by group size."""
    post = [i for i, c in enumerate(gt.cells) if c.e >= 0]
    if not post:
        raise ImpactError("no_post_cells", _("No treated group has comparison data after its start."))
    agg = aggregate(gt, post, random_groups=random_groups)
    se = _se(agg.psi, gt.n_units)
    low, high, p = _interval(agg.effect, se, gt.n_units)
    return Estimate(
        method=f"group_time_{gt.control}",
        effect=agg.effect,
        se=se,
        low=low,
        high=high,
        p_value=p,
        treated_post_mean=agg.treated_mean,
        se_kind="influence",
        n_units=gt.n_units,
        notes=_influence_notes(gt),
    )


@dataclass(frozen=True)
class EventPoint:
    e: int
    effect: float
    se: float
    low: float
    high: float
    n_groups: int
    n_treated: int  # treated units behind the point: with one, its spread is invisible and the interval too narrow
    treated_mean: float


@dataclass(frozen=True, eq=False)
class EventStudy:
    points: tuple[EventPoint, ...]  # e = -1 is the reference, reported as 0 with no spread
    psi: dict[int, Array]
    n_units: int


def event_study(
    gt: GroupTime, *, leads: int | None = None, lags: int | None = None, random_groups: bool = False
) -> EventStudy:
    """Effects by periods since the start, each averaged over the groups observed that far out."""
    es = sorted({c.e for c in gt.cells})
    if leads is not None:
        es = [e for e in es if e >= -leads]
    if lags is not None:
        es = [e for e in es if e <= lags]
    points: list[EventPoint] = []
    psis: dict[int, Array] = {}
    for e in es:
        idx = [i for i, c in enumerate(gt.cells) if c.e == e]
        agg = aggregate(gt, idx, random_groups=random_groups)
        se = _se(agg.psi, gt.n_units)
        low, high, _ = _interval(agg.effect, se, gt.n_units)
        points.append(
            EventPoint(
                e,
                agg.effect,
                se,
                low,
                high,
                len({gt.cells[i].group for i in idx}),
                sum(gt.cells[i].n_treated for i in idx),
                agg.treated_mean,
            )
        )
        psis[e] = agg.psi
    ref = EventPoint(-1, 0.0, 0.0, 0.0, 0.0, len(gt.shares), 0, float("nan"))
    points.append(ref)
    points.sort(key=lambda pt: pt.e)
    return EventStudy(tuple(points), psis, gt.n_units)


@dataclass(frozen=True)
class PretrendTest:
    statistic: float  # F = Wald / number of leads
    df_num: int
    df_den: int
    p_value: float
    leads: tuple[int, ...]


def pretrend_test(study: EventStudy) -> PretrendTest:
    """Joint F test that every effect before the reference period is zero (unit-clustered covariance)."""
    leads = [pt for pt in study.points if pt.e <= -2]
    if not leads:
        raise ImpactError(
            "too_few_pre_periods",
            _("The pre-trend test needs at least 2 periods before the start (one to compare against, one to test)."),
        )
    theta = np.array([pt.effect for pt in leads])
    psi = np.column_stack([study.psi[pt.e] for pt in leads])
    n = study.n_units
    cov = psi.T @ psi / (n * (n - 1))
    wald = float(theta @ np.linalg.pinv(cov) @ theta)
    if n - len(leads) < 2:
        raise ImpactError(
            "too_many_leads",
            _(
                "The pre-trend test of %(periods)s periods before the start needs at least %(needed)s units; there are %(units)s."
            )
            % {"periods": len(leads), "needed": len(leads) + 2, "units": n},
        )
    k = int(np.linalg.matrix_rank(cov)) or 1
    # Hotelling's small-sample scaling: the covariance is itself estimated from n units, and the
    # plain Wald / k against F(k, n - 1) rejected parallel panels 16-32% of the time at 5% with
    # 6-10 leads on 31 units (simulation in docs/impact.md).
    f = wald * (n - k) / (k * (n - 1))
    return PretrendTest(f, k, n - k, float(stats.f.sf(f, k, n - k)), tuple(pt.e for pt in leads))
