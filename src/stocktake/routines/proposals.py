"""The data's proposal for an outcome's evidence-of-progress rating."""

from __future__ import annotations

from importlib.util import find_spec

from stocktake.architecture.models import Indicator
from stocktake.delivery import assessment as A
from stocktake.monitoring import series


def forecast_available() -> bool:
    """The forecast belongs to the monitoring work still to land; until it does the proposal says so."""
    return find_spec("stocktake.delivery.forecast") is not None


def evidence_for(outcome) -> list[A.IndicatorEvidence]:
    out = []
    for ind in outcome.indicators.all():
        if ind.kind != Indicator.Kind.PERFORMANCE:
            continue
        s = series.summarise(ind)
        out.append(A.IndicatorEvidence(name=ind.name, status=s.status.code, trend=s.trend))
    return out


def propose(outcome) -> A.Proposal:
    # Forecast chances are not wired in until a forecast module exists on main;
    # passing forecast_available=False makes the proposal say it used status and trend only.
    return A.propose_evidence(evidence_for(outcome), forecast_available=False)
