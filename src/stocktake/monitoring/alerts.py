"""Raising alerts after data arrive: evaluate(indicator_ids) is what an importer calls.

Rules (AlertRule) are checked against official status histories read from
the rollups (delivery.alerts holds the rule logic). A finding is raised
once per rule, unit and period however often it is evaluated, audited
(monitoring.actions.raise_alert),
and emailed to the indicator's owners through Django's email backend:
the outcome's accountable leader and the people of the lead organisation
who have an address.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from stocktake.accounts.mail import in_recipients_language
from stocktake.accounts.models import Person
from stocktake.architecture.models import OrgUnit
from stocktake.delivery import alerts as A
from stocktake.delivery import coverage as C

from . import actions, hooks, rollups
from .models import Alert, AlertRule, Rollup
from .series import Plan, roots

log = logging.getLogger(__name__)
HISTORY = 24  # periods of history a rule can look back over


def owners(indicator) -> list[str]:
    outcome = indicator.outcome
    emails = []
    if outcome.leader_id and outcome.leader.email:
        emails.append(outcome.leader.email)
    emails += list(
        Person.objects.filter(organisation_id=outcome.priority.lead_organisation_id)
        .exclude(email="")
        .order_by("name")
        .values_list("email", flat=True)
    )
    return list(dict.fromkeys(emails))


def histories(rule: AlertRule, root: OrgUnit) -> tuple[dict, dict, dict]:
    """({unit id: [(period code, status)]}, {unit id: name}, {period code: period id}) for the rule's level."""
    ind = rule.indicator
    units = dict(OrgUnit.objects.filter(depth=rule.depth, path__startswith=root.path).values_list("id", "name"))
    plan = Plan.build(ind, list(units), root=root, level=(root, rule.depth))  # every unit at the depth
    period_ids = list(
        Rollup.objects.filter(indicator=ind, org_unit=root, official_count__gt=0)
        .order_by("-period__start")
        .values_list("period_id", flat=True)[:HISTORY]
    )
    out: dict = {}
    codes = {}
    for r in (
        Rollup.objects.filter(indicator=ind, depth=rule.depth, period_id__in=period_ids, official_count__gt=0)
        .order_by("period__start")
        .values(
            "org_unit_id", "period_id", "period__code", "period__end", "official_value", "official_count", "expected"
        )
    ):
        if r["org_unit_id"] not in units or not C.meets(r["official_count"], r["expected"], ind.completeness):
            continue  # another root's unit, or a figure from too few of the unit's own units
        status = plan.assess(r["org_unit_id"], r["official_value"], r["period__code"], r["period__end"])
        out.setdefault(r["org_unit_id"], []).append((r["period__code"], status.code))
        codes[r["period__code"]] = r["period_id"]
    return out, units, codes


@in_recipients_language  # the owners' language, not that of the uploader whose import raised the alerts
def _email(rule: AlertRule, raised: list[Alert]) -> None:
    to = owners(rule.indicator)
    if not to or not raised:
        return
    lines = "\n".join(f"- {a.message}" for a in raised)
    try:
        send_mail(
            subject=ngettext(
                "[Stocktake] %(n)s alert: %(indicator)s", "[Stocktake] %(n)s alerts: %(indicator)s", len(raised)
            )
            % {"n": len(raised), "indicator": rule.indicator.name},
            message=_("The rule '%(rule)s' found:\n\n%(lines)s\n\nSee /monitoring/alerts/ for the list.")
            % {"rule": rule, "lines": lines},
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=to,
        )
    except Exception:  # a mail server being down must not undo an import
        log.exception("could not email alerts for rule %s", rule.pk)
        return
    actions.note_alerts_emailed(raised, to)


def evaluate(indicator_ids=None, *, refresh: bool = False, email: bool = True) -> list[Alert]:
    """Check every active rule of these indicators (all if None); return the alerts newly raised.

    refresh=True first rebuilds the indicators' rollups, for callers that
    changed values or states without going through monitoring.actions.
    """
    tops = roots()
    if not tops:
        return []
    rules = AlertRule.objects.filter(active=True).select_related(
        "indicator__outcome__priority", "indicator__outcome__leader"
    )
    if indicator_ids is not None:
        indicator_ids = list(indicator_ids)
        rules = rules.filter(indicator_id__in=indicator_ids)
    if refresh:
        rollups.refresh(indicator_ids)
    raised: list[Alert] = []
    for rule in rules:
        new = []
        for root in tops:  # each hierarchy on its own: a status never compares units across roots
            with transaction.atomic():
                hist, names, codes = histories(rule, root)
                for f in A.check(rule.kind, {"worst": rule.worst, "periods": rule.periods}, hist, names):
                    alert = actions.raise_alert(
                        rule=rule,
                        org_unit_id=f.unit,
                        period_id=codes[f.period],
                        message=f"{rule.indicator.name}: {f.message}",
                    )
                    if alert is not None:
                        new.append(alert)
                        hooks.alert_raised(alert)  # e.g. the problems app opens a problem when the rule asks
        if email:
            _email(rule, new)
        raised += new
    return raised
