"""Small builders for action and API tests, on the demo delivery unit the session fixture loads.

Plain functions rather than fixtures, so a test says what it makes in one line:

    c = sign_in("manager")                      # a test client signed in as the demo's priority manager
    ind = indicator("test-beds", target=(40, 60))
    dv = record(ind, "R01-D01-H1", "2026-03", 52)

They write through the apps' action functions wherever one exists (targets,
data values), so what a test builds is what the product builds. Pillars,
priorities, outcomes and indicators have no action yet and are made directly.
"""

from __future__ import annotations

from datetime import date

PASSWORD = "demo-stocktake-2026"  # every demo user's (README, "Demo accounts")

# The demo user who holds each role (None is the public, not signed in).
ROLES = {
    "public": None,
    "head_of_government": "pm",
    "delivery_unit_head": "duhead",
    "priority_manager": "manager",
    "information_validator": "validator",
    "data_lead_health": "health-data",
    "data_lead_education": "education-data",
    "accountable_leader": "leader",
    "observer": "observer",
}


def user(who: str):
    """The demo user called `who`, or holding the role `who` (a key of ROLES)."""
    from django.contrib.auth import get_user_model

    username = ROLES.get(who, who)
    if username is None:
        raise ValueError("the public has no user")
    return get_user_model().objects.get(username=username)


def sign_in(who=None, client=None, **client_kwargs):
    """A test client signed in as a demo user or role (None or "public": not signed in).

    Each call gives a new client unless one is passed, so a test can hold
    two people side by side. Extra keyword arguments go to the Client (e.g. REMOTE_ADDR).
    """
    from django.test import Client

    c = client if client is not None else Client(**client_kwargs)
    if who is not None and ROLES.get(who, who) is not None:
        c.force_login(who if hasattr(who, "pk") else user(who))
    return c


def _period(period):
    from stocktake.architecture.models import Period

    return Period.get(period) if isinstance(period, str) else period


def indicator(code: str, *, organisation: str = "moh", target=None, target_unit=None, by: str = "manager", **fields):
    """A new indicator under a priority of its own, led by `organisation`, and optionally its target.

    target: (baseline, target) values, or a dict of Target fields; the
    baseline is at 2025-01-01 and the target at 2027-12-31 unless given.
    target_unit: the org unit code the target is for (default: the nation).
    Other keyword arguments are Indicator fields (direction, frequency, aggregation, ...).
    """
    from stocktake.accounts.models import Organisation
    from stocktake.architecture import actions
    from stocktake.architecture.models import Indicator, OrgUnit, Outcome, Pillar, Priority

    priority = Priority.objects.create(
        pillar=Pillar.objects.first(),
        code=f"p-{code}",
        name=f"Priority for {code}",
        lead_organisation=Organisation.objects.get(code=organisation),
    )
    outcome = Outcome.objects.create(priority=priority, code=f"o-{code}", name=f"Outcome for {code}")
    fields.setdefault("name", code)
    fields.setdefault("unit", "count")
    fields.setdefault("direction", "up")
    ind = Indicator.objects.create(outcome=outcome, code=code, **fields)
    if target is not None:
        spec = dict(target) if isinstance(target, dict) else {"baseline_value": target[0], "target_value": target[1]}
        spec.setdefault("baseline_date", date(2025, 1, 1))
        spec.setdefault("target_date", date(2027, 12, 31))
        unit = OrgUnit.objects.get(code=target_unit) if target_unit else None
        actions.create_target(indicator=ind, org_unit=unit, user=user(by), interface="system", **spec)
    return ind


def record(
    ind,
    unit,
    period,
    value=None,
    *,
    numerator=None,
    denominator=None,
    state="submitted",
    by=None,
    interface="system",
    **kwargs,
):
    """Store one data value through monitoring's record_value; codes or objects for indicator, unit and period."""
    from stocktake.architecture.models import Indicator, OrgUnit
    from stocktake.monitoring import actions

    ind = Indicator.objects.get(code=ind) if isinstance(ind, str) else ind
    unit = OrgUnit.objects.get(code=unit) if isinstance(unit, str) else unit
    dv, _ = actions.record_value(
        indicator=ind,
        org_unit=unit,
        period=_period(period),
        value=value,
        numerator=numerator,
        denominator=denominator,
        state=state,
        user=user(by) if by else None,
        interface=interface,
        **kwargs,
    )
    return dv
