"""Which values count: only what the delivery unit has verified is official.

Status and analysis may be shown on submitted data, marked unverified;
anything that pays, publishes or reports official status must filter with
OFFICIAL_STATES (or `official()`).
"""

from __future__ import annotations

from stocktake.monitoring.models import DataValue

from .models import Review

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


def states_as_of(value_ids, moment) -> dict[tuple[int, int], str]:
    """{(value id, version): state} after the last decision on that version made by the moment.

    What a value's state was at a past moment (monitoring.asof, for frozen packs and reports): a version
    with no decision by then keeps the state it was written in."""
    ids = sorted(set(value_ids))
    out: dict[tuple[int, int], str] = {}
    for start in range(0, len(ids), 500):  # SQLite limits the parameters of one statement
        decisions = (
            Review.objects.filter(data_value_id__in=ids[start : start + 500], at__lte=moment)
            .order_by("at", "id")
            .values_list("data_value_id", "version", "state")
        )
        for dv, version, state in decisions:
            out[(dv, version)] = state
    return out
