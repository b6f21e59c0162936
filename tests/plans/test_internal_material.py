"""A plan's risks, rubric notes and delivery chains are internal until the delivery unit publishes them."""

from stocktake.accounts.models import AuditEntry
from stocktake.architecture.models import Priority
from stocktake.plans import actions
from stocktake.plans.models import PlanPublication
from tests.factories import sign_in, user

CODE = "ae-waits"  # published, led by the Ministry of Health, with risks, ratings and chains in the demo


def _risk_and_note():
    priority = Priority.objects.get(code=CODE)
    actions.add_risk(priority=priority, title="INTERNAL-RISK", likelihood=3, impact=3, user=user("manager"))
    actions.rate_criterion(
        priority=priority, criterion="aspiration", rating="green", note="INTERNAL-NOTE", user=user("manager")
    )


def _sees(who) -> tuple[bool, bool]:
    c = sign_in(who)
    page = c.get(f"/plans/{CODE}/").content.decode()
    api = c.get(f"/api/plans/{CODE}").json()
    in_page = "INTERNAL-RISK" in page and "INTERNAL-NOTE" in page
    in_api = any(r["title"] == "INTERNAL-RISK" for r in api["risks"]) and bool(api["chains"])
    return in_page, in_api


def test_internal_until_published_then_every_reader_sees_it_and_the_audit_says_who(db):
    _risk_and_note()
    assert _sees(None) == (False, False)
    assert _sees("education-data") == (False, False)
    assert _sees("health-data") == (True, True)  # the lead ministry
    assert _sees("leader") == (True, True)  # the head of government
    assert _sees("observer") == (False, False)  # published material only (decision 0005)
    assert "internal to the delivery unit" in sign_in(None).get(f"/plans/{CODE}/").content.decode()

    manager = sign_in("manager")
    assert manager.post(f"/plans/{CODE}/publish/", {"published": "1"}).status_code == 302
    assert PlanPublication.objects.get(priority__code=CODE).published
    assert _sees(None) == (True, True)
    entry = AuditEntry.objects.filter(model="plans.planpublication").latest("id")
    assert entry.user.username == "manager" and entry.after["published"] is True

    assert manager.post(f"/plans/{CODE}/publish/", {"published": "0"}).status_code == 302
    assert _sees(None) == (False, False)


def test_only_the_delivery_unit_publishes(db):
    for who in ("observer", "leader", "health-data", "validator"):
        assert sign_in(who).post(f"/plans/{CODE}/publish/", {"published": "1"}).status_code == 403
    assert sign_in(None).post(f"/plans/{CODE}/publish/", {"published": "1"}).status_code in (302, 403)
    assert not PlanPublication.objects.exists()
    assert not AuditEntry.objects.filter(model="plans.planpublication").exists()


def test_the_excel_plan_holds_no_risks_for_the_public(db):
    import io

    from openpyxl import load_workbook

    _risk_and_note()
    wb = load_workbook(io.BytesIO(sign_in(None).get(f"/plans/{CODE}/plan.xlsx").content))
    text = " ".join(str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row if c is not None)
    assert (
        "INTERNAL-RISK" not in text
        and "INTERNAL-NOTE" not in text
        and not any(n.startswith("Chain") for n in wb.sheetnames)
    )
    wb = load_workbook(io.BytesIO(sign_in("health-data").get(f"/plans/{CODE}/plan.xlsx").content))
    text = " ".join(str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row if c is not None)
    assert "INTERNAL-RISK" in text and "INTERNAL-NOTE" in text
