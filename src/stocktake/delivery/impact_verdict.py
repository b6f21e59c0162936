"""The impact report: every estimator run on one design, and a verdict that claims no more than they support.

`assess_impact` runs the two-period comparison, two-way fixed effects, the
group-time (Callaway and Sant'Anna) estimate, the event study, the
pre-trend test and both placebos. The group-time estimate is the headline:
it stays unbiased when units start at different times and the effect grows,
where the fixed-effects regression does not (the report keeps the gap).

The verdict is data (codes and numbers); `verdict_sentences` writes it in the
reader's language (delivery.text), for the evaluation pages, the API and the
pack alike, and `render_verdict` joins it with the caveats. Its rules:

  - "rose"/"fell" only when the 95% interval excludes zero; otherwise
    "unclear" ("we cannot tell"), with the interval;
  - the pre-trend test is reported as "no detectable difference", never
    as proof of parallel trends; a failed test is a warning up front;
  - a placebo start that "finds" an effect, and every caveat of the
    headline estimate (few units, one treated unit), are passed on.
"""

from __future__ import annotations

from dataclasses import dataclass

from .did import (
    NEVER,
    EventStudy,
    PretrendTest,
    event_study,
    group_time_att,
    group_time_estimate,
    pretrend_test,
    twfe,
    two_period_did,
)
from .impact import Design, Estimate, ImpactError, Note, Panel, prepare
from .impact_placebo import PermutationTest, Placebo, permutation_test, placebo_in_time
from .text import _

ALPHA = 0.05


@dataclass(frozen=True)
class Verdict:
    direction: str  # "rose", "fell" or "unclear"
    effect: float
    low: float
    high: float
    percent: float | None
    percent_low: float | None
    percent_high: float | None
    pretrend: str  # "similar", "differ" or "untested"
    pretrend_p: float | None
    pretrend_periods: int  # how many periods before the start the test looked back (0 if untested)
    placebo: str  # "clean", "effect_before_start" or "untested"
    placebo_start: int | None
    permutation_observed: float  # the two-period difference the permutations are measured against
    permutation_p: float
    permutations: int
    permutation_as_large: int
    notes: tuple[Note, ...]


@dataclass(frozen=True, eq=False)
class ImpactReport:
    two_period: Estimate
    twfe: Estimate
    group_time: Estimate
    event_study: EventStudy
    pretrend: PretrendTest | None
    placebos: tuple[Placebo, ...]
    permutation: PermutationTest
    verdict: Verdict

    @property
    def cs_minus_twfe(self) -> float:
        """How far the group-time estimate is from the fixed-effects one, in the indicator's unit."""
        return self.group_time.effect - self.twfe.effect


def assess_impact(
    panel: Panel,
    design: Design,
    *,
    control: str = NEVER,
    leads: int | None = None,
    lags: int | None = None,
    permutations: int = 999,
    seed: int = 0,
    random_groups: bool = False,
) -> ImpactReport:
    sample = prepare(panel, design)
    two = two_period_did(sample)
    fe = twfe(sample)
    gt = group_time_att(sample, control=control)
    headline = group_time_estimate(gt, random_groups=random_groups)
    if leads is None:
        # As far back as the pre window reaches: every group is seen at every lead, and the joint
        # test has few restrictions for its units (a Wald test of many leads estimated from few
        # units rejects too often, even with the small-sample scaling: docs/impact.md).
        leads = sum(1 for p in sample.periods if design.pre[0] <= p <= design.pre[1])
    study = event_study(gt, leads=leads, lags=lags, random_groups=random_groups)
    notes = list(headline.notes)
    try:
        trend: PretrendTest | None = pretrend_test(study)
    except ImpactError as exc:
        trend = None
        notes.append(Note(exc.code, exc.message))
    try:
        placebos = tuple(placebo_in_time(sample))
    except ImpactError as exc:
        placebos = ()
        notes.append(Note(exc.code, exc.message))
    perm = permutation_test(sample, permutations=permutations, seed=seed)
    if len({int(s) for s in sample.start[sample.treated_mask]}) > 1 and abs(headline.effect - fe.effect) > headline.se:
        notes.append(
            Note(
                "twfe_differs",
                _(
                    "The plain fixed-effects regression gives %(twfe)s, %(gap)s away: with staggered starts it also "
                    "compares late starters with units already treated, which can mislead when the effect changes "
                    "over time."
                )
                % {"twfe": _num(fe.effect), "gap": _num(headline.effect - fe.effect)},
                {"twfe": fe.effect, "gap": headline.effect - fe.effect},
            )
        )
    return ImpactReport(
        two, fe, headline, study, trend, placebos, perm, make_verdict(headline, trend, placebos, perm, notes)
    )


def make_verdict(
    estimate: Estimate,
    trend: PretrendTest | None,
    placebos: tuple[Placebo, ...],
    perm: PermutationTest,
    notes: list[Note],
) -> Verdict:
    if estimate.low > 0:
        direction = "rose"
    elif estimate.high < 0:
        direction = "fell"
    else:
        direction = "unclear"
    if trend is None:
        pre, pre_p, pre_n = "untested", None, 0
    else:
        pre, pre_p = ("differ" if trend.p_value < ALPHA else "similar"), trend.p_value
        pre_n = -min(trend.leads)
    placebo, placebo_start = "untested", None
    if placebos:
        placebo = "clean"
        # Several fake starts are tried, so each is held to a Bonferroni-corrected level.
        failed = [pl for pl in placebos if pl.estimate.p_value < ALPHA / len(placebos)]
        if failed:
            placebo, placebo_start = "effect_before_start", failed[0].fake_start
    return Verdict(
        direction,
        estimate.effect,
        estimate.low,
        estimate.high,
        estimate.percent,
        estimate.percent_low,
        estimate.percent_high,
        pre,
        pre_p,
        pre_n,
        placebo,
        placebo_start,
        perm.observed,
        perm.p_value,
        perm.permutations,
        perm.as_large,
        tuple(notes),
    )


def _num(x: float) -> str:
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 1:
        return f"{x:.1f}"
    return f"{x:.2g}"


def _p(x: float) -> str:
    return "< 0.001" if x < 0.001 else f"= {x:.2f}" if x >= 0.01 else f"= {x:.3f}"


def verdict_sentences(v: Verdict, *, outcome: str, unit: str = "", placebo_period: str | None = None) -> list[str]:
    """The verdict, sentence by sentence, in the reader's language: never more than the estimate supports.

    `outcome` is the indicator's name inside a sentence, `unit` the unit after a number ("points"), and
    `placebo_period` the fake start as the reader knows it (a period code); the page layer passes them in.
    """
    u = f" {unit}" if unit else ""
    out: list[str] = []
    if v.pretrend == "differ":
        out.append(
            _(
                "Warning: in the %(n)s periods before the start, %(outcome)s already moved differently in the "
                "two groups (pre-trend test p %(p)s), so the difference below may not be the intervention's "
                "doing."
            )
            % {"n": v.pretrend_periods, "outcome": outcome, "p": _p(v.pretrend_p or 0.0)}
        )
    if v.direction == "unclear":
        out.append(
            _(
                "We cannot tell whether %(outcome)s changed because of the intervention: relative to the "
                "comparison units it moved by %(effect)s%(unit)s, but the 95%% interval runs from %(low)s to "
                "%(high)s%(unit)s, which includes no change."
            )
            % {"outcome": outcome, "effect": _num(v.effect), "low": _num(v.low), "high": _num(v.high), "unit": u}
        )
    else:
        lo, hi = sorted((abs(v.low), abs(v.high)))
        args = {"outcome": outcome, "effect": _num(abs(v.effect)), "low": _num(lo), "high": _num(hi), "unit": u}
        if v.direction == "rose":
            text = (
                _(
                    "Relative to the comparison units, %(outcome)s rose by %(effect)s%(unit)s (95%% interval "
                    "%(low)s to %(high)s%(unit)s)"
                )
                % args
            )
        else:
            text = (
                _(
                    "Relative to the comparison units, %(outcome)s fell by %(effect)s%(unit)s (95%% interval "
                    "%(low)s to %(high)s%(unit)s)"
                )
                % args
            )
        if v.percent is not None and v.percent_low is not None and v.percent_high is not None:
            plo, phi = sorted((abs(v.percent_low), abs(v.percent_high)))
            pargs = {"pct": _num(abs(v.percent)), "low": _num(plo), "high": _num(phi)}
            if v.direction == "rose":
                text += _(", %(pct)s%% above what it would otherwise have been (%(low)s%% to %(high)s%%)") % pargs
            else:
                text += _(", %(pct)s%% below what it would otherwise have been (%(low)s%% to %(high)s%%)") % pargs
        out.append(text + ".")
    if v.pretrend == "similar":
        out.append(
            _(
                "In the %(n)s periods before the start the two groups moved alike: no detectable difference in "
                "their trends (test p %(p)s)."
            )
            % {"n": v.pretrend_periods, "p": _p(v.pretrend_p or 0.0)}
        )
    elif v.pretrend == "untested":
        out.append(_("Whether the two groups moved alike before the start could not be checked."))
    if v.placebo == "effect_before_start":
        if placebo_period is None:
            placebo_period = _("period %(index)s") % {"index": v.placebo_start}
        out.append(
            _(
                'Pretending the start came earlier (%(period)s) also produced a clear "effect", where there '
                "could be none: the comparison is doubtful."
            )
            % {"period": placebo_period}
        )
    out.append(
        _(
            "Giving the treated label to randomly chosen units instead produced a two-period difference at least "
            "as large as the real one (%(observed)s%(unit)s) in %(k)s of %(n)s tries (permutation p %(p)s)."
        )
        % {
            "observed": _num(v.permutation_observed),
            "unit": u,
            "k": f"{v.permutation_as_large:,}",
            "n": f"{v.permutations:,}",
            "p": _p(v.permutation_p),
        }
    )
    return out


def render_verdict(v: Verdict, *, outcome: str | None = None, unit: str = "") -> str:
    """The verdict and its caveats as one paragraph, in the reader's language (for logs, scripts and tests)."""
    sentences = verdict_sentences(v, outcome=_("the outcome") if outcome is None else outcome, unit=unit)
    return " ".join(sentences + [n.message for n in v.notes])
