"""The data's proposal for an outcome's evidence-of-progress rating."""

from __future__ import annotations

from django.utils import timezone

from stocktake.architecture.models import Indicator
from stocktake.delivery import assessment as A
from stocktake.monitoring import hooks, series

try:  # the forecast belongs to monitoring; without it the proposal says it used status and trend only
    from stocktake.monitoring import forecasting
except ImportError:  # pragma: no cover - only on a build without the forecast
    forecasting = None


def forecast_available() -> bool:
    return forecasting is not None


def outlook(indicator, unit, plan, rows=None):
    """The forecast and the chance of meeting the target, or None when there is no forecast to be had.
    `rows` (series.rollup_rows' shape) are the figures to forecast from: a frozen pack's, or the live ones."""
    if forecasting is None:
        return None
    return forecasting.outlook(indicator, unit, plan, rows=rows)


def evidence_for(outcome) -> list[A.IndicatorEvidence]:
    out = []
    for ind in outcome.indicators.all():
        root = series.indicator_root(ind)  # the default root, or the one the indicator reports under
        if ind.kind != Indicator.Kind.PERFORMANCE or root is None:
            continue
        plan = series.Plan.build(ind, [root.pk], root=root)
        s = series.summarise(ind, root, plan)
        look = outlook(ind, root, plan)
        out.append(
            A.IndicatorEvidence(
                name=ind.name, status=s.status.code, trend=s.trend, forecast_chance=look.probability if look else None
            )
        )
    return out


def milestones_for(outcome, today=None) -> tuple[int, int] | None:
    """(late, due so far) over the milestones of the strategies serving the outcome, when plans has any."""
    facts = hooks.plan_facts()
    return facts.milestone_counts(outcome, today or timezone.localdate()) if facts else None


def propose(outcome) -> A.Proposal:
    return A.propose_evidence(
        evidence_for(outcome), forecast_available=forecast_available(), milestones=milestones_for(outcome)
    )
