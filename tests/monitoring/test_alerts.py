"""Alert rules: evaluated after data arrive, raised once, audited, emailed to the owners."""

import pytest
from django.core import mail
from django.core.management import call_command

from stocktake.accounts.models import AuditEntry, Person
from stocktake.architecture.actions import ensure_period
from stocktake.architecture.models import Indicator, OrgUnit
from stocktake.delivery import status as S
from stocktake.monitoring import actions, alerts, series
from stocktake.monitoring.models import Alert, AlertRule


@pytest.fixture
def rail_rule(db):
    rail = Indicator.objects.get(code="rail-ppm")
    return actions.create_alert_rule(indicator=rail, kind="beyond_band", depth=2, worst="slightly_off")


def expected_units(rule):
    ind = rule.indicator
    regions = list(OrgUnit.objects.filter(depth=2))
    plan = series.Plan.build(ind, [r.pk for r in regions])
    out = set()
    for r in regions:
        row, value = series.series(ind, r, official=True)[-1]
        if plan.assess(r.pk, value, row["period__code"]).code in (S.SLIGHTLY_OFF, S.OFF_TRACK):
            out.add(r.code)
    return out


def test_evaluate_raises_each_finding_once_and_emails_the_owners(rail_rule):
    mail.outbox.clear()
    leader = rail_rule.indicator.outcome.leader
    Person.objects.filter(pk=leader.pk).update(email="rail.lead@example.org")
    raised = alerts.evaluate([rail_rule.indicator_id])
    assert {a.org_unit.code for a in raised} == expected_units(rail_rule)
    assert raised, "the demo's rail data has regions off plan"
    assert all(a.period.code == "2026-09" for a in raised)
    assert len(mail.outbox) == 1 and "rail.lead@example.org" in mail.outbox[0].to
    assert all("rail.lead@example.org" in a.emailed_to for a in raised)
    assert AuditEntry.objects.filter(model="monitoring.alert", object_id=str(raised[0].pk)).exists()
    assert alerts.evaluate([rail_rule.indicator_id]) == []  # nothing new, nothing sent
    assert len(mail.outbox) == 1


def test_two_periods_in_a_row_rule(db):
    homicides = Indicator.objects.get(code="homicides")
    rule = actions.create_alert_rule(indicator=homicides, kind="consecutive", depth=2, periods=2)
    raised = alerts.evaluate([homicides.pk], email=False)
    hist, names, _ = alerts.histories(rule, series.root_unit())
    want = {u for u, h in hist.items() if [c for _, c in h[-2:]] == [S.OFF_TRACK, S.OFF_TRACK]}
    assert {a.org_unit_id for a in raised if a.rule_id == rule.pk} == want


def test_new_official_data_raises_an_alert_on_import(db):
    rail = Indicator.objects.get(code="rail-ppm")
    rule = actions.create_alert_rule(indicator=rail, kind="beyond_band", depth=2)
    first = {a.org_unit_id for a in alerts.evaluate([rail.pk], email=False)}
    region = OrgUnit.objects.filter(depth=2).exclude(pk__in=first).order_by("code").first()
    period = ensure_period("2026-09")
    actions.record_value(
        indicator=rail, org_unit=region, period=period, numerator=100, denominator=1000, state="validated"
    )  # 10% on time: far off
    new = alerts.evaluate([rail.pk], email=False)
    assert [(a.rule_id, a.org_unit_id, a.period.code) for a in new] == [(rule.pk, region.pk, "2026-09")]
    assert Alert.objects.filter(rule=rule, org_unit=region, period=period).count() == 1


def test_bad_rules_are_refused_naming_the_field(db, admin_user):
    from django.core.exceptions import ValidationError

    ae = Indicator.objects.get(code="ae-4h")
    count = AlertRule.objects.count()
    with pytest.raises(ValidationError) as err:
        actions.create_alert_rule(indicator=ae, kind="consecutive", periods=1)
    assert "periods" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        actions.create_alert_rule(indicator=Indicator.objects.get(code="rail-ppm"), kind="beyond_band", depth=3)
    assert "depth" in err.value.message_dict
    assert AlertRule.objects.count() == count


def test_alerts_page_and_rule_form_permissions(client, sign_in, db):
    assert client.get("/monitoring/alerts/").status_code == 302  # sign in first
    page = sign_in("health-data").get("/monitoring/alerts/")
    assert page.status_code == 200 and "Add a rule" not in page.content.decode()
    count = AlertRule.objects.count()
    response = sign_in("health-data").post("/monitoring/alerts/rules/", {"indicator": "ae-4h", "kind": "beyond_band"})
    assert response.status_code == 403 and AlertRule.objects.count() == count
    c = sign_in("manager")
    bad = c.post(
        "/monitoring/alerts/rules/", {"indicator": "ae-4h", "kind": "consecutive", "periods": "40", "depth": "3"}
    )
    assert bad.status_code == 400 and "periods" in bad.content.decode() and AlertRule.objects.count() == count
    ok = c.post(
        "/monitoring/alerts/rules/",
        {"indicator": "ae-4h", "kind": "consecutive", "periods": "3", "depth": "3", "worst": "off_track"},
    )
    assert ok.status_code == 302 and AlertRule.objects.count() == count + 1
    html = c.get("/monitoring/alerts/").content.decode()
    assert "Off track 3 periods in a row" in html


def test_alerts_command(db, capsys):
    rail = Indicator.objects.get(code="rail-ppm")
    actions.create_alert_rule(indicator=rail, kind="beyond_band", depth=2, worst="slightly_off")
    call_command("alerts", "rail-ppm", "--no-email")
    out = capsys.readouterr().out
    assert "new alert" in out and "rail-ppm\tR0" in out
    with pytest.raises(SystemExit):
        call_command("alerts", "no-such-indicator")
