"""What the page, the API and the pack show of an impact report: one function, so they never disagree."""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import wording


def _estimate(est) -> dict:
    return {
        "method": est.method,
        "label": wording.method_label(est.method),
        "effect": est.effect,
        "se": est.se,
        "low": est.low,
        "high": est.high,
        "p_value": est.p_value,
        "percent": est.percent,
        "percent_low": est.percent_low,
        "percent_high": est.percent_high,
        "se_kind": est.se_kind,
        "se_label": wording.se_label(est.se_kind),
        "n_units": est.n_units,
    }


def outcome_words(indicator) -> str:
    """The indicator's name inside a sentence ("homicides"), keeping acronyms ("A&E ...") as they are."""
    name = indicator.name
    return name[0].lower() + name[1:] if len(name) > 1 and not name[1].isupper() else name


def unit_words(indicator) -> str:
    """The unit after a number in a sentence: "points" for a percentage, nothing for a plain count."""
    if indicator.unit == "%":
        return _("points")
    return "" if indicator.unit.lower() in ("count", "number") else indicator.unit


def summarise(result) -> dict:
    """Estimates, tests, verdict (translated) and notes of one evaluation's result."""
    rep = result.report
    v = rep.verdict
    ind = result.spec.indicator
    placebo_ps = [pl.estimate.p_value for pl in rep.placebos]
    notes, seen = [], set()
    for note in v.notes:
        text = wording.note_message(note)
        if text not in seen:
            seen.add(text)
            notes.append({"code": note.code, "text": text})
    return {
        "estimates": [_estimate(rep.two_period), _estimate(rep.twfe), _estimate(rep.group_time)],
        "cs_minus_twfe": rep.cs_minus_twfe,
        "pretrend_p": rep.pretrend.p_value if rep.pretrend else None,
        "pretrend": v.pretrend,
        "placebo": v.placebo,
        "placebo_min_p": min(placebo_ps) if placebo_ps else None,
        "placebo_start": result.code(v.placebo_start),
        "permutation_p": v.permutation_p,
        "permutations": v.permutations,
        "direction": v.direction,
        "direction_label": wording.direction_label(v.direction),
        "verdict": wording.verdict_sentences(
            v, outcome=outcome_words(ind), unit=unit_words(ind), placebo_period=result.code(v.placebo_start)
        ),
        "notes": notes,
        "event_study": [
            {
                "e": pt.e,
                "effect": pt.effect,
                "low": pt.low,
                "high": pt.high,
                "n_groups": pt.n_groups,
                "n_treated": pt.n_treated,
            }
            for pt in rep.event_study.points
        ],
        "n_treated": len(result.spec.treated),
        "n_comparison": len(result.spec.comparison),
    }


def panel_csv_rows(result):
    """The panel used, one row per unit and period, so anyone can check the numbers elsewhere."""
    treated = {u.code: s for u, s in result.spec.treated}
    names = {u.code: u.name for u, _s in result.spec.treated}
    names.update({u.code: u.name for u in result.spec.comparison})
    lo, hi = result.pre[0], result.post[1]
    yield ["unit", "unit_name", "group", "first_treated_period", "period", "period_index", "value"]
    for r in result.rows:
        if lo <= r.index <= hi:
            yield [
                r.unit,
                names.get(r.unit, ""),
                "treated" if r.unit in treated else "comparison",
                treated.get(r.unit, ""),
                r.period,
                r.index,
                repr(r.value),
            ]
