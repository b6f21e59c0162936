"""From a stored (or proposed) evaluation to the impact report: the panel, the design, the estimates.

Nothing is cached: the estimates are recomputed from the official values
each time, with a fixed permutation seed, so the page, the API and the pack
give the same numbers, and a corrected value changes them everywhere.
Bad input comes back as a ValidationError keyed by the form field at fault,
in the reader's language (wording.error_message), never as a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from stocktake.delivery import periods as P
from stocktake.delivery.impact import Design, ImpactError, Observation, build_panel, propose_comparison
from stocktake.delivery.impact_verdict import ImpactReport, assess_impact

from . import wording
from .data import Row, official_rows, period_index

PERMUTATIONS = 999
SEED = 0

# Which form field an ImpactError is about (the rest go to the whole form).
FIELD_OF = {
    "empty_panel": "indicator",
    "no_treated": "treated",
    "start_outside_window": "treated",
    "no_post_data": "treated",
    "unknown_units": "treated",
    "no_comparison": "comparison",
    "overlapping_sets": "comparison",
    "too_few_units": "comparison",
    "no_units_both_windows": "comparison",
    "no_cells": "comparison",
    "no_post_cells": "comparison",
    "bad_window": "pre_start",
    "windows_overlap": "post_start",
    "window_outside_data": "post_end",
}
WINDOW_FIELDS = ("pre_start", "pre_end", "post_start", "post_end")


@dataclass
class Spec:
    """An evaluation's design in the terms a person gives it: units and period codes."""

    indicator: object
    treated: list[tuple[object, str]]  # (org unit, first treated period code)
    comparison: list[object]  # org units
    pre_start: str
    pre_end: str
    post_start: str
    post_end: str
    distances: dict[str, float] = field(default_factory=dict)  # unit code -> distance, when proposed

    @classmethod
    def of(cls, evaluation) -> Spec:
        treated = [(t.org_unit, t.start) for t in evaluation.treated.select_related("org_unit")]
        comparison = list(evaluation.comparison.select_related("org_unit"))
        return cls(
            evaluation.indicator,
            treated,
            [c.org_unit for c in comparison],
            evaluation.pre_start,
            evaluation.pre_end,
            evaluation.post_start,
            evaluation.post_end,
            {c.org_unit.code: c.distance for c in comparison if c.distance is not None},
        )


@dataclass
class Result:
    spec: Spec
    rows: list[Row]
    report: ImpactReport
    codes: dict[int, str]  # period index -> code
    pre: tuple[int, int]
    post: tuple[int, int]

    @property
    def first_start(self) -> int:
        """The period index of the earliest treated start."""
        return min(period_index(self.spec.indicator.frequency, P.parse(s).start) for _u, s in self.spec.treated)

    def code(self, index: int | None) -> str | None:
        return None if index is None else self.codes.get(int(index), str(index))


def period_of(indicator, code: str, field_name: str) -> P.Period:
    """The period a code names, refused unless it is of the indicator's frequency."""
    try:
        p = P.parse(code)
    except P.PeriodError as exc:
        raise ValidationError(
            {field_name: _("%(code)s is not a period code (%(reason)s).") % {"code": code, "reason": exc}}
        ) from None
    if p.kind != indicator.frequency:
        raise ValidationError(
            {
                field_name: _(
                    "%(code)s is a %(kind)s period, but %(indicator)s is reported "
                    "%(frequency)s: use periods like %(example)s."
                )
                % {
                    "code": code,
                    "kind": P.FREQUENCY_NAMES.get(p.kind, p.kind),
                    "indicator": indicator.code,
                    "frequency": P.FREQUENCY_NAMES.get(indicator.frequency, indicator.frequency),
                    "example": P.containing(indicator.frequency, p.start).code,
                }
            }
        )
    return p


def _index(indicator, code: str, field_name: str) -> int:
    return period_index(indicator.frequency, period_of(indicator, code, field_name).start)


def _validation_error(exc: ImpactError, spec: Spec, codes: dict[int, str]) -> ValidationError:
    params = exc.params
    for key in ("first", "last", "start"):
        if key in params:
            params[f"{key}_code"] = codes.get(params[key], params[key])
    name = FIELD_OF.get(exc.code)
    if exc.code == "window_outside_data" and "first" in params:
        (pre_start, _pe), _post = windows(spec)
        name = "pre_start" if pre_start < params["first"] else "post_end"
    if exc.code in ("no_pre_data",):
        treated = {u.code for u, _s in spec.treated}
        name = "treated" if set(params.get("units", [])) & treated else "comparison"
    return ValidationError({name or "__all__": wording.error_message(exc)})


def _panel(spec: Spec, rows: list[Row]):
    if not rows:
        raise ValidationError({"indicator": wording.error_message(ImpactError("empty_panel", ""))})
    return build_panel(Observation(r.unit, r.index, r.value) for r in rows)


def windows(spec: Spec) -> tuple[tuple[int, int], tuple[int, int]]:
    ind = spec.indicator
    errors = {}
    idx = {}
    for name in WINDOW_FIELDS:
        try:
            idx[name] = _index(ind, getattr(spec, name), name)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return (idx["pre_start"], idx["pre_end"]), (idx["post_start"], idx["post_end"])


def propose(spec: Spec, candidates, *, limit: int = 10, published_only: bool = False) -> list[tuple[object, float]]:
    """The untreated candidate units whose pre-window path is closest to the treated units' mean path."""
    pre, _post = windows(spec)
    treated = [u for u, _s in spec.treated]
    if not treated:
        raise ValidationError({"treated": wording.error_message(ImpactError("no_treated", ""))})
    pool = {u.code: u for u in candidates}
    pool.update({u.code: u for u in treated})
    rows = official_rows(spec.indicator, pool.values(), published_only=published_only)
    panel = _panel(spec, rows)
    try:
        ranked = propose_comparison(panel, [u.code for u in treated], pre, limit=limit)
    except ImpactError as exc:
        raise _validation_error(exc, spec, {r.index: r.period for r in rows}) from None
    return [(pool[c.unit], c.rmse) for c in ranked]


def assess(spec: Spec, *, published_only: bool = False) -> Result:
    """Every estimate and the verdict for the design, or a ValidationError naming the field at fault."""
    pre, post = windows(spec)
    treated: dict[str, int] = {}
    for unit, start in spec.treated:
        treated[unit.code] = _index(spec.indicator, start, "treated")
    if not treated:
        raise ValidationError({"treated": wording.error_message(ImpactError("no_treated", ""))})
    if not spec.comparison:
        raise ValidationError({"comparison": wording.error_message(ImpactError("no_comparison", ""))})
    units = {u.code: u for u, _s in spec.treated}
    units.update({u.code: u for u in spec.comparison})
    rows = official_rows(spec.indicator, units.values(), published_only=published_only)
    codes = {r.index: r.period for r in rows}
    panel = _panel(spec, rows)
    design = Design(treated=treated, comparison=[u.code for u in spec.comparison], pre=pre, post=post)
    try:
        report = assess_impact(panel, design, permutations=PERMUTATIONS, seed=SEED)
    except ImpactError as exc:
        raise _validation_error(exc, spec, codes) from None
    return Result(spec, rows, report, codes, pre, post)
