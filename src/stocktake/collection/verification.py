"""Which values count: only what the delivery unit has verified is official.

Status and analysis may be shown on submitted data, marked unverified;
anything that pays, publishes or reports official status must filter with
OFFICIAL_STATES (or `official()`).
"""

from __future__ import annotations

from stocktake.monitoring.models import DataValue

S = DataValue.State
OFFICIAL_STATES = (S.VALIDATED.value, S.PUBLISHED.value)
UNVERIFIED_STATES = (S.SUBMITTED.value, S.RETURNED.value)
# What each decision may follow: a returned value must be resubmitted (a new version) before it is validated.
ALLOWED = {
    S.VALIDATED.value: {S.SUBMITTED.value},
    S.RETURNED.value: {S.SUBMITTED.value, S.VALIDATED.value},
    S.PUBLISHED.value: {S.VALIDATED.value},
}


def official(queryset=None):
    """Data values that count for official status."""
    qs = queryset if queryset is not None else DataValue.objects.all()
    return qs.filter(state__in=OFFICIAL_STATES)


def is_official(value: DataValue) -> bool:
    return value.state in OFFICIAL_STATES
