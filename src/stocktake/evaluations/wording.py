"""Every sentence a reader sees about an evaluation, translated here from delivery's codes and numbers.

delivery/ has no Django, so its English messages are for logs and tests;
the page, the API and the pack read these instead (gettext), so a French
or Portuguese delivery unit reads its verdicts in its own language.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def num(x: float | None) -> str:
    if x is None:
        return "–"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 1:
        return f"{x:.1f}"
    return f"{x:.2g}"


def pval(x: float | None) -> str:
    if x is None:
        return "–"
    return "< 0.001" if x < 0.001 else f"= {x:.2f}" if x >= 0.01 else f"= {x:.3f}"


def _units(params) -> str:
    return ", ".join(str(u) for u in params.get("units", []))


def error_message(exc) -> str:
    """An ImpactError in the reader's language, from its code and parameters."""
    p = exc.params
    messages = {
        "empty_panel": _("There are no official (validated or published) values of this indicator for these units."),
        "no_treated": _("Name at least one treated unit."),
        "no_comparison": _("Name at least one comparison unit, or ask for them to be proposed."),
        "overlapping_sets": _("These units are both treated and in the comparison: %(units)s.") % {"units": _units(p)},
        "unknown_units": _("These units have no official values of this indicator: %(units)s.") % {"units": _units(p)},
        "bad_window": _("Each window must start no later than it ends."),
        "windows_overlap": _("The pre window must end before the post window starts."),
        "window_outside_data": _("The windows reach beyond the official data, which run from %(first)s to %(last)s.")
        % {"first": p.get("first_code", p.get("first", "?")), "last": p.get("last_code", p.get("last", "?"))},
        "start_outside_window": _(
            "%(unit)s starts in %(start)s: every start must fall after the pre window and no "
            "later than the end of the post window."
        )
        % {"unit": p.get("unit", "?"), "start": p.get("start_code", p.get("start", "?"))},
        "no_pre_data": _("No official data in the pre window for: %(units)s.") % {"units": _units(p)},
        "no_post_data": _("No official data in the post window after the start for: %(units)s.") % {"units": _units(p)},
        "too_few_units": _("A standard error needs at least three units (one treated, two in the comparison)."),
        "no_units_both_windows": _("No treated and comparison units have data in both windows."),
        "no_cells": _("No period has both treated and comparison units with data."),
        "no_post_cells": _("No treated unit has comparison data after its start."),
    }
    return messages.get(exc.code, exc.message)


def note_message(note) -> str:
    p = note.params
    if note.code in ("few_units", "few_units_influence"):
        return _(
            "Only %(n)s units: errors that allow for a unit's periods moving together need at least %(min)s, "
            "so the interval may be too narrow."
        ) % {"n": p.get("n_units"), "min": p.get("min_units")}
    if note.code == "single_unit_group":
        return _(
            "Only one unit on one side: the standard error assumes treated and comparison units vary alike, "
            "which cannot be checked."
        )
    if note.code == "staggered_in_post":
        return _(
            "Some treated units start inside the post window, so the two-period comparison counts some of their "
            "untreated periods as treated; the group-time estimate handles staggered starts."
        )
    if note.code == "single_unit_groups":
        n = len(p.get("groups", []))
        return ngettext(
            "%(n)s of the %(total)s start dates has a single treated unit, whose own ups and downs cannot "
            "be told from the effect: the interval may be too narrow.",
            "%(n)s of the %(total)s start dates have a single treated unit, whose own ups and downs "
            "cannot be told from the effect: the interval may be too narrow.",
            n,
        ) % {"n": n, "total": p.get("n_groups")}
    if note.code == "twfe_differs":
        return _(
            "The plain fixed-effects regression gives %(twfe)s, %(gap)s away: with staggered starts it also "
            "compares late starters with units already treated, which can mislead when the effect changes "
            "over time."
        ) % {"twfe": num(p.get("twfe")), "gap": num(p.get("gap"))}
    if note.code == "too_few_pre_periods":
        return _("The pre window has too few periods to test the trends before the start.")
    if note.code == "too_many_leads":
        return _("Too few units to test the trends over so many periods before the start.")
    return note.message


def verdict_sentences(v, *, outcome: str, unit: str, placebo_period: str | None = None) -> list[str]:
    """The verdict, sentence by sentence: never more than the estimate supports, "we cannot tell" included."""
    u = f" {unit}" if unit else ""
    out: list[str] = []
    if v.pretrend == "differ":
        out.append(
            _(
                "Warning: in the %(n)s periods before the start, %(outcome)s already moved differently in the "
                "two groups (pre-trend test p %(p)s), so the difference below may not be the intervention's "
                "doing."
            )
            % {"n": v.pretrend_periods, "outcome": outcome, "p": pval(v.pretrend_p)}
        )
    if v.direction == "unclear":
        out.append(
            _(
                "We cannot tell whether %(outcome)s changed because of the intervention: relative to the "
                "comparison units it moved by %(effect)s%(unit)s, but the 95%% interval runs from %(low)s to "
                "%(high)s%(unit)s, which includes no change."
            )
            % {"outcome": outcome, "effect": num(v.effect), "low": num(v.low), "high": num(v.high), "unit": u}
        )
    else:
        lo, hi = sorted((abs(v.low), abs(v.high)))
        args = {"outcome": outcome, "effect": num(abs(v.effect)), "low": num(lo), "high": num(hi), "unit": u}
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
            pargs = {"pct": num(abs(v.percent)), "low": num(plo), "high": num(phi)}
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
            % {"n": v.pretrend_periods, "p": pval(v.pretrend_p)}
        )
    elif v.pretrend == "untested":
        out.append(_("Whether the two groups moved alike before the start could not be checked."))
    if v.placebo == "effect_before_start":
        out.append(
            _(
                'Pretending the start came earlier (%(period)s) also produced a clear "effect", where there '
                "could be none: the comparison is doubtful."
            )
            % {"period": placebo_period or v.placebo_start}
        )
    out.append(
        _(
            "Giving the treated label to randomly chosen units instead produced a two-period difference at least "
            "as large as the real one (%(observed)s%(unit)s) in %(k)s of %(n)s tries (permutation p %(p)s)."
        )
        % {
            "observed": num(v.permutation_observed),
            "unit": u,
            "k": f"{v.permutation_as_large:,}",
            "n": f"{v.permutations:,}",
            "p": pval(v.permutation_p),
        }
    )
    return out


def method_label(method: str) -> str:
    if method.startswith("group_time"):
        return _("Callaway–Sant'Anna group-time effects (headline)")
    return {
        "two_period": _("Two-period difference in differences"),
        "twfe": _("Two-way fixed effects"),
    }.get(method, method)


def se_label(kind: str) -> str:
    return {
        "cluster": _("clustered by unit"),
        "influence": _("influence function, by unit"),
        "hc1": _("robust (HC1), not clustered"),
        "hc2": _("robust (HC2), across units"),
        "classical": _("classical"),
    }.get(kind, kind)


def direction_label(direction: str) -> str:
    return {"rose": _("rose"), "fell": _("fell"), "unclear": _("we cannot tell")}.get(direction, direction)
