"""Run by test_build_from_empty.py in a fresh database: a government from nothing, with only the setup file,
the CLI's first tokens and the API. Not collected by pytest (its name has no test_ prefix).

The database holds nothing but its migrations when this starts: the setup workbook makes the organisations,
people with sign-ins, org units, the structure and a target; `stocktake token` gives each person a token;
everything after goes through the API. It prints one line, "built", when every step has answered as it should.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stocktake.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from stocktake.accounts.models import AuditEntry  # noqa: E402
from stocktake.architecture.models import Priority  # noqa: E402
from stocktake.monitoring.models import DataValue  # noqa: E402
from tests.onboarding.workbooks import write  # noqa: E402
from tests.web.bearer import Api  # noqa: E402

PEOPLE = [
    ("fj-head", "Ana Head", "delivery_unit_head", "fj-du"),
    ("fj-val", "Val Checker", "information_validator", "fj-du"),
    ("fj-data", "Dee Lead", "data_lead", "fj-health"),
    ("fj-leader", "Lee Owner", "accountable_leader", "fj-health"),
]
WORKBOOK = {
    "Organisations": [
        {"code": "fj-du", "name": "Fjell Delivery Unit", "kind": "centre"},
        {"code": "fj-health", "name": "Fjell Health", "kind": "ministry", "parent": "fj-du"},
    ],
    "Levels": [{"depth": 1, "name": "Province"}, {"depth": 2, "name": "District"}],
    "OrgUnits": [
        {"code": "fj", "name": "Fjell", "level": 1},
        {"code": "fj-east", "name": "East Fjell", "parent": "fj", "level": 2},
        {"code": "fj-west", "name": "West Fjell", "parent": "fj", "level": 2},
    ],
    "People": [{"user": u, "name": n, "role": r, "organisation": o} for u, n, r, o in PEOPLE],
    "Tiers": [{"name": "Top", "frequency": "M", "rank": 0}],
    "Pillars": [{"code": "fj-wellbeing", "name": "Wellbeing"}],
    "Priorities": [
        {
            "code": "fj-clinics",
            "name": "Clinics open",
            "pillar": "fj-wellbeing",
            "tier": "Top",
            "lead_organisation": "fj-health",
        }
    ],
    "Outcomes": [{"code": "fj-visits", "name": "More clinic visits", "priority": "fj-clinics", "leader": "fj-leader"}],
    "Indicators": [
        {
            "code": "fj-clinic-visits",
            "name": "Clinic visits",
            "outcome": "fj-visits",
            "unit": "count",
            "direction": "up",
            "frequency": "M",
            "aggregation": "sum",
            "report_depth": 2,
        }
    ],
    "Targets": [
        {
            "indicator": "fj-clinic-visits",
            "org_unit": "fj",
            "baseline_value": 100,
            "baseline_date": "2026-06-30",
            "target_value": 160,
            "target_date": "2027-06-30",
            "status": "committed",
        }
    ],
    "Strategies": [
        {"priority": "fj-clinics", "name": "Evening clinics", "leader": "fj-leader", "outcomes": "fj-visits"}
    ],
    "Milestones": [
        {"priority": "fj-clinics", "strategy": "Evening clinics", "name": "Open in the east", "due_date": "2026-09-30"}
    ],
}


def _say(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def main(folder: Path) -> None:
    assert not Priority.objects.exists() and not AuditEntry.objects.exists(), "the database is not empty"
    write(folder / "fjell.xlsx", WORKBOOK)
    said = _say("setup", str(folder / "fjell.xlsx"))
    assert "refused" not in said and "OrgUnits: 3 created" in said, said
    head, lead, validator = Api("fj-head"), Api("fj-data"), Api("fj-val")
    people = {p["name"]: p["id"] for p in head.get("/api/accounts/people?limit=100")["items"]}

    rows = [
        {"indicator": "fj-clinic-visits", "org_unit": unit, "period": month, "value": v}
        for unit, month, v in [("fj-east", "2026-07", 52), ("fj-west", "2026-07", 49), ("fj-east", "2026-08", 55)]
    ]
    report = lead.send("post", "/api/collection/values", {"rows": rows})
    assert report["created"] == 3 and report["rows_rejected"] == 0, report
    assert validator.get("/api/collection/values?state=submitted&indicator=fj-clinic-visits")["count"] == 3
    for decision in ("validate", "publish"):
        counted = validator.send("post", "/api/collection/decisions/count", {"decision": decision, "org_unit": "fj"})
        assert counted["count"] == 3, counted
        done = validator.send(
            "post", "/api/collection/decisions/matching", {"token": counted["token"], "count": counted["count"]}
        )
        assert done["decided"] == 3, done
    assert set(DataValue.objects.values_list("state", flat=True)) == {"published"}

    rnd = head.post("/api/routines/rounds", {"name": "Fjell September 2026", "date": "2026-09-15"})
    judged = head.send(
        "put",
        f"/api/routines/rounds/{rnd['id']}/assessments/fj-visits",
        {"likelihood": 3, "likelihood_rationale": "visits are rising in the east", "key_issues": "the west is flat"},
    )
    assert judged["likelihood"] == 3, judged
    head.send("post", f"/api/routines/rounds/{rnd['id']}/close", {})

    routine = head.post(
        "/api/routines/routines",
        {
            "name": "Fjell stocktake",
            "kind": "stocktake",
            "chair_id": people["Ana Head"],
            "frequency": "monthly",
            "starts_on": "2026-09-01",
            "priorities": ["fj-clinics"],
        },
    )
    meeting = head.post(
        f"/api/routines/routines/{routine['id']}/meetings", {"date": "2026-09-20", "priorities": ["fj-clinics"]}
    )
    pack = head.get(f"/api/routines/meetings/{meeting['id']}/pack?as_of=now")
    assert "fj-clinic-visits" in str(pack), pack

    head.post(
        "/api/incentives/funds",
        {
            "code": "fj-fund",
            "name": "Fjell Fund",
            "currency": "USD",
            "budget": "100000",
            "starts": "2026-07-01",
            "ends": "2027-12-31",
        },
    )
    scheme = head.send(
        "post",
        "/api/incentives/funds/fj-fund/schemes",
        {
            "code": "fj-east-visits",
            "name": "East clinic visits",
            "indicator": "fj-clinic-visits",
            "org_unit": "fj-east",
            "recipient": "fj-health",
            "rule": {"type": "threshold", "target": "50", "amount": "1000"},
            "first_period": "2026-07",
            "last_period": "2026-12",
            "commitment": "6000",
        },
        expect=200,
    )
    assert scheme["status"] == "active", scheme
    interfaces = set(AuditEntry.objects.values_list("interface", flat=True))
    assert interfaces <= {"cli", "api"}, interfaces  # no admin, no shell, no page: the file and the API only
    print("built")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
