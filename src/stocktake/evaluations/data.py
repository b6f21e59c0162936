"""The panel an evaluation is estimated on: official values of its indicator, per unit and period.

Official means validated or published (monitoring's OFFICIAL_STATES), never
merely submitted; for the public, published only. A unit above the
indicator's reporting level gets the aggregate of the values beneath it, by
the indicator's own rule (a ratio is numerator over denominator, never an
average of ratios), with the same accumulator the rollups use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from stocktake.delivery import periods as P
from stocktake.delivery.rollup import Accumulator
from stocktake.monitoring.models import DataValue
from stocktake.monitoring.series import OFFICIAL_STATES

PUBLISHED_STATES = (DataValue.State.PUBLISHED.value,)


def period_index(kind: str, start: date) -> int:
    """Consecutive whole numbers for consecutive periods of one kind (what the estimators count in)."""
    if kind == P.MONTH:
        return start.year * 12 + start.month - 1
    if kind == P.QUARTER:
        return start.year * 4 + (start.month - 1) // 3
    if kind == P.WEEK:
        return start.toordinal() // 7
    if kind == P.DAY:
        return start.toordinal()
    return start.year  # years and financial years


@dataclass(frozen=True)
class Row:
    unit: str  # org unit code
    period: str  # period code
    index: int
    value: float


def official_rows(indicator, units, *, published_only: bool = False) -> list[Row]:
    """Every (unit, period) of the indicator with an official value at or beneath each unit, oldest first."""
    units = list(units)
    if not units:
        return []
    states = PUBLISHED_STATES if published_only else OFFICIAL_STATES
    under = Q()
    for u in units:
        under |= Q(org_unit__path__startswith=u.path)
    values = DataValue.objects.filter(
        under, indicator=indicator, disaggregation="", state__in=states, period__kind=indicator.frequency
    ).values_list("org_unit__path", "period__code", "period__start", "value", "numerator", "denominator")
    by_path = sorted(((u.path, u.code) for u in units), key=lambda pc: -len(pc[0]))
    cells: dict[tuple[str, str], Accumulator] = {}
    starts: dict[str, date] = {}
    for path, code, start, value, numerator, denominator in values:
        starts[code] = start
        for prefix, unit_code in by_path:
            if path.startswith(prefix):
                cells.setdefault((unit_code, code), Accumulator()).add(value, numerator, denominator)
    rows = []
    for (unit_code, code), acc in cells.items():
        result = acc.result(indicator.aggregation, indicator.ratio_scale)
        if result is not None:
            rows.append(Row(unit_code, code, period_index(indicator.frequency, starts[code]), float(result)))
    rows.sort(key=lambda r: (r.index, r.unit))
    return rows
