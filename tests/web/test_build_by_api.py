"""A small government built with only the CLI's first token and the API: no admin, no shell, no model writes.

Beside the demo (a second hierarchy of its own), the delivery unit head creates the organisations, people
with sign-ins, the structure, org units and a target; the data lead submits a month; a validator who did
not submit it verifies it in bulk by filter; a round is opened, closed and reopened; a fund is made and a
scheme launched on it.
"""

from __future__ import annotations

from stocktake.accounts.models import AuditEntry
from stocktake.monitoring.models import DataValue
from tests.web.bearer import Api

PASSWORD = "lakeland-first-password"


def test_a_government_is_built_fed_verified_and_funded_through_the_api(db):
    admin = Api("admin", "build")
    admin.post("/api/accounts/organisations", {"code": "lk-du", "name": "Lakeland Delivery Unit", "kind": "centre"})
    admin.post("/api/accounts/organisations", {"code": "lk-health", "name": "Lakeland Health", "kind": "ministry"})
    people = {}
    for username, role, org in [
        ("lk-head", "delivery_unit_head", "lk-du"),
        ("lk-val", "information_validator", "lk-du"),
        ("lk-data", "data_lead", "lk-health"),
        ("lk-leader", "accountable_leader", "lk-health"),
    ]:
        body = {"name": username, "role": role, "organisation": org, "username": username, "password": PASSWORD}
        people[username] = admin.post("/api/accounts/people", body)["id"]
    head, lead, validator = (Api(u, "build") for u in ("lk-head", "lk-data", "lk-val"))

    head.post("/api/architecture/pillars", {"code": "lk-wellbeing", "name": "Wellbeing"})
    head.post(
        "/api/architecture/priorities",
        {"code": "lk-clinics", "name": "Clinics open", "pillar": "lk-wellbeing", "lead_organisation": "lk-health"},
    )
    head.post(
        "/api/architecture/outcomes",
        {"code": "lk-visits", "name": "More visits", "priority": "lk-clinics", "leader_id": people["lk-leader"]},
    )
    head.post(
        "/api/architecture/indicators",
        {
            "code": "lk-clinic-visits",
            "outcome": "lk-visits",
            "name": "Clinic visits",
            "unit": "count",
            "direction": "up",
            "report_depth": 2,
        },
    )
    head.post("/api/architecture/org-units", {"code": "lk", "name": "Lakeland"})
    for code in ("lk-east", "lk-west"):
        head.post("/api/architecture/org-units", {"code": code, "name": code, "parent": "lk"})
    target = head.post(
        "/api/architecture/indicators/lk-clinic-visits/targets",
        {
            "org_unit": "lk",
            "baseline_value": 100,
            "baseline_date": "2026-06-30",
            "target_value": 160,
            "target_date": "2027-06-30",
            "status": "committed",
        },
    )
    assert len(target["trajectory"]) == 12

    rows = [
        {"indicator": "lk-clinic-visits", "org_unit": unit, "period": month, "value": v}
        for unit, month, v in [("lk-east", "2026-07", 52), ("lk-west", "2026-07", 49), ("lk-east", "2026-08", 55)]
    ]
    report = lead.send("post", "/api/collection/values", {"rows": rows})
    assert report["created"] == 3 and report["rows_rejected"] == 0

    waiting = validator.get("/api/collection/values?state=submitted&indicator=lk-clinic-visits")
    assert waiting["count"] == 3
    counted = validator.send("post", "/api/collection/decisions/count", {"decision": "validate", "org_unit": "lk"})
    assert counted["count"] == 3 and counted["message"] == "3 values will be validated"
    done = validator.send(
        "post", "/api/collection/decisions/matching", {"token": counted["token"], "count": counted["count"]}
    )
    assert done == {"decided": 3, "state": "validated"}
    counted = validator.send(
        "post", "/api/collection/decisions/count", {"decision": "publish", "indicator": "lk-clinic-visits"}
    )
    validator.send("post", "/api/collection/decisions/matching", {"token": counted["token"], "count": 3})
    assert set(DataValue.objects.filter(indicator__code="lk-clinic-visits").values_list("state", flat=True)) == {
        "published"
    }

    rnd = head.post("/api/routines/rounds", {"name": "Lakeland January 2027", "date": "2027-01-15"})
    head.send("post", f"/api/routines/rounds/{rnd['id']}/close", {})
    reopened = head.send("post", f"/api/routines/rounds/{rnd['id']}/reopen", {"reason": "late data from the east"})
    assert reopened["state"] == "open"

    head.post(
        "/api/incentives/funds",
        {
            "code": "lk-fund",
            "name": "Lakeland Fund",
            "currency": "USD",
            "budget": "100000",
            "starts": "2026-07-01",
            "ends": "2027-12-31",
        },
    )
    scheme = head.send(
        "post",
        "/api/incentives/funds/lk-fund/schemes",
        {
            "code": "lk-east-visits",
            "name": "East clinic visits",
            "indicator": "lk-clinic-visits",
            "org_unit": "lk-east",
            "recipient": "lk-health",
            "rule": {"type": "threshold", "target": "50", "amount": "1000"},
            "first_period": "2026-07",
            "last_period": "2026-12",
            "commitment": "6000",
        },
    )
    assert scheme["status"] == "active"
    assert AuditEntry.objects.filter(interface="api", user__username="lk-head").count() >= 10
    assert not AuditEntry.objects.filter(
        interface="admin", at__gte=AuditEntry.objects.order_by("at").last().at
    ).exists()
