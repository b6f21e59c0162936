"""Placebo inference for evidence of impact: would we "find" an effect where there can be none?

placebo_in_time    pretend the programme started earlier, inside the pre
                   window, and run the two-period comparison on pre-window
                   data only. Nothing had started yet, so a clear "effect"
                   there says the groups were already drifting apart.
permutation_test   reassign the treated label to random sets of units of
                   the same size, many times, and see how often the
                   two-period estimate is at least as large as the real
                   one. The p-value needs no assumption about the
                   distribution of the outcome, only that the labels could
                   have fallen on any units (a seeded, bounded number of
                   draws; every assignment when there are few enough).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace

import numpy as np

from .did import two_period_did, unit_changes
from .impact import Design, Estimate, ImpactError, Sample
from .text import _

MAX_PERMUTATIONS = 10_000


@dataclass(frozen=True)
class Placebo:
    fake_start: int
    estimate: Estimate


def placebo_in_time(sample: Sample) -> list[Placebo]:
    """One placebo per period of the pre window that leaves at least one period on each side of it."""
    a, b = sample.design.pre
    pre_periods = [p for p in sample.periods if a <= p <= b]
    if len(pre_periods) < 2:
        raise ImpactError(
            "too_few_pre_periods", _("A placebo start needs at least 2 periods in the pre window (one either side).")
        )
    keep = np.asarray([a <= p <= b for p in sample.periods])
    out: list[Placebo] = []
    for before, fake in zip(pre_periods, pre_periods[1:]):
        design = Design(
            treated={u: fake for u in sample.design.treated},
            comparison=sample.design.comparison,
            pre=(a, before),
            post=(fake, b),
        )
        cut = replace(
            sample,
            periods=tuple(pre_periods),
            values=sample.values[:, keep],
            weights=sample.weights[:, keep],
            start=np.where(sample.treated_mask, float(fake), np.inf),
            design=design,
        )
        try:
            out.append(Placebo(fake, two_period_did(cut, method="placebo_in_time")))
        except ImpactError:
            continue  # too few units with data on both sides of this fake start
    return out


@dataclass(frozen=True)
class PermutationTest:
    observed: float
    p_value: float
    permutations: int
    as_large: int  # tried assignments whose |difference| is at least the observed one
    exact: bool  # every possible assignment was tried


def permutation_test(sample: Sample, *, permutations: int = 999, seed: int = 0) -> PermutationTest:
    if not 1 <= permutations <= MAX_PERMUTATIONS:
        raise ImpactError(
            "bad_permutations",
            _("The number of permutations must be between 1 and %(max_permutations)s.")
            % {"max_permutations": MAX_PERMUTATIONS},
        )
    change = unit_changes(sample, sample.design.pre, sample.design.post)
    keep = ~np.isnan(change)
    change, w, treated = change[keep], sample.unit_weights()[keep], sample.treated_mask[keep]
    n, k = len(change), int(treated.sum())
    if k == 0 or k == n:
        raise ImpactError("no_units_both_windows", _("Need treated and comparison units with data in both windows."))
    observed = float(_did(treated[None, :], change, w)[0])
    tol = 1e-12 * max(1.0, abs(observed))
    if math.comb(n, k) <= permutations:
        masks = np.zeros((math.comb(n, k), n), dtype=bool)
        for row, chosen in enumerate(itertools.combinations(range(n), k)):
            masks[row, list(chosen)] = True
        stats_ = _did(masks, change, w)
        hits = int(np.sum(np.abs(stats_) >= abs(observed) - tol))  # the real assignment is among them
        return PermutationTest(observed, hits / len(masks), len(masks), hits, True)
    rng = np.random.default_rng(seed)
    order = np.argsort(rng.random((permutations, n)), axis=1)[:, :k]
    masks = np.zeros((permutations, n), dtype=bool)
    np.put_along_axis(masks, order, True, axis=1)
    stats_ = _did(masks, change, w)
    hits = int(np.sum(np.abs(stats_) >= abs(observed) - tol))
    # the real assignment counts as one more draw, so p is never 0 (Phipson and Smyth 2010)
    return PermutationTest(observed, (1 + hits) / (permutations + 1), permutations, hits, False)


def _did(masks: np.ndarray, change: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted mean change of the masked units minus that of the rest, one per mask row."""
    m = masks.astype(float)
    wc = w * change
    treated = (m @ wc) / (m @ w)
    rest = ((1 - m) @ wc) / ((1 - m) @ w)
    return np.asarray(treated - rest)
