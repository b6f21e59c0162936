"""Every sentence a reader sees about an evaluation, translated here from delivery's codes and numbers.

The verdict's sentences are the engine's own (delivery/impact_verdict.py,
translated through delivery.text). The refusals and caveats are reworded
here from their codes, in the page's terms (official values, the form's
fields), so a French or Portuguese delivery unit reads them in its language.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from stocktake.delivery import impact_verdict


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
    """The verdict, sentence by sentence: never more than the estimate supports, "we cannot tell" included.

    The sentences are the engine's (delivery/impact_verdict.py, through delivery.text), so a script and a
    page say the same thing; the evaluation is recomputed on every read, so they are in the reader's language.
    """
    return impact_verdict.verdict_sentences(v, outcome=outcome, unit=unit, placebo_period=placebo_period)


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
