"""Upload page, templates, the import API, freshness on the portfolio, and reminders by email."""

import datetime
import io
import json

import openpyxl
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from stocktake.architecture.actions import ensure_period
from stocktake.collection import freshness, reminders
from stocktake.collection.models import ImportBatch, Reminder
from stocktake.monitoring.models import DataValue

HEAD = "indicator,org_unit,period,value,numerator,denominator,comment\n"


def test_upload_page_runs_a_dry_run_then_a_commit_and_shows_the_report(client, users):
    client.force_login(users["interior-data"])
    page = client.get("/collection/import/").content.decode()
    assert "homicides" in page and "ae-4h" not in page  # only the codes this data lead may report
    data = (HEAD + "homicides,R01-D01,2026-09,13,,,\nhomicides,R01-D02,2026-09,abc,,,\n").encode()
    r = client.post("/collection/import/", {"file": SimpleUploadedFile("h.csv", data), "dry_run": "1"})
    batch = ImportBatch.objects.latest("pk")
    assert r.status_code == 302 and r["Location"] == f"/collection/imports/{batch.pk}/"
    html = client.get(r["Location"]).content.decode()
    assert "Dry run:" in html and "1 of 2 rows would be accepted" in html and "&#x27;abc&#x27; is not a number" in html
    r = client.post("/collection/import/", {"file": SimpleUploadedFile("h.csv", data)})
    html = client.get(r["Location"]).content.decode()
    assert "Stored." in html and "1 changed" in html
    assert (
        DataValue.objects.get(indicator__code="homicides", org_unit__code="R01-D01", period__code="2026-09").value == 13
    )


def test_upload_and_api_are_refused_to_people_who_do_not_submit_data(client, users):
    client.force_login(users["observer"])
    assert client.get("/collection/import/").status_code == 403
    r = client.post(
        "/api/collection/values",
        json.dumps({"rows": [{"indicator": "homicides", "org_unit": "R01-D01", "period": "2026-09", "value": 1}]}),
        content_type="application/json",
    )
    assert r.status_code == 403
    client.logout()
    assert client.get("/collection/import/").status_code == 302  # to sign in
    assert client.post("/api/collection/values", "{}", content_type="application/json").status_code in (401, 403)


def test_api_imports_rows_files_and_dhis2_value_sets(client, users):
    client.force_login(users["interior-data"])
    r = client.post(
        "/api/collection/values",
        json.dumps(
            {
                "rows": [
                    {"indicator": "homicides", "org_unit": "R01-D01", "period": "2026-09", "value": 17},
                    {"indicator": "homicides", "org_unit": "R01-D01", "period": "2027-01", "value": 1},
                ],
                "dry_run": False,
            }
        ),
        content_type="application/json",
    )
    body = r.json()
    assert r.status_code == 200 and body["rows_accepted"] == 1 and body["errors"][0]["row"] == 2
    assert body["errors"][0]["column"] == "period"
    r = client.post(
        "/api/collection/imports",
        {"file": SimpleUploadedFile("x.csv", (HEAD + "homicides,R01-D01,2026-09,18,,,\n").encode()), "dry_run": "true"},
    )
    assert r.status_code == 200 and r.json()["dry_run"] and r.json()["rows_accepted"] == 1
    assert client.get(f"/api/collection/imports/{r.json()['id']}").json()["file_name"] == "x.csv"
    client.force_login(users["health-data"])
    r = client.post(
        "/api/collection/dataValueSets?dryRun=true",
        json.dumps(
            {
                "period": "202609",
                "dataValues": [{"dataElement": "fbfJHSPpUQD", "orgUnit": "MdHospR0200", "value": "8000"}],
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["rows_accepted"] == 1 and r.json()["format"] == "dhis2-json"


def test_templates_are_prefilled_with_the_users_codes(client, users):
    client.force_login(users["interior-data"])
    text = client.get("/collection/template.csv").content.decode()
    lines = text.splitlines()
    assert lines[0] == "indicator,org_unit,period,disaggregation,value,numerator,denominator,comment"
    assert {line.split(",")[0] for line in lines[1:]} == {"homicides", "victimisation-rate"}
    wb = openpyxl.load_workbook(io.BytesIO(client.get("/collection/template.xlsx").content))
    assert wb.sheetnames == ["data", "indicators"] and wb["data"].max_row == len(lines)
    assert client.get("/collection/template.pdf").status_code == 404


def test_portfolio_shows_freshness_and_the_late_ministry(client, db, users):
    today = datetime.date(2026, 11, 24)
    rows = {
        f.indicator.code: f
        for f in freshness.of(
            __import__("stocktake.architecture.models", fromlist=["Indicator"]).Indicator.objects.all(), today
        )
    }
    late = rows["homicides"]
    assert late.late and late.due_period.code == "2026-10" and late.missing_units == ["R03-D02", "R03-D05", "R05-D07"]
    assert late.days_late == 9 and rows["ae-4h"].last_period == "2026-10" and not rows["ae-4h"].late
    client.force_login(users["duhead"])
    html = client.get("/").content.decode()
    assert 'id="freshness-panel"' in html and "indicators have late data" in html
    assert '<li data-late="homicides">' in html and "days late (3 units missing)" in html
    assert "unverified" in html
    page = client.get("/collection/freshness/").content.decode()
    assert 'data-indicator="homicides"' in page


def test_remind_sends_due_and_late_emails_once(db, users):
    mail.outbox.clear()
    counts = reminders.send(datetime.date(2026, 11, 24))
    late = [m for m in mail.outbox if m.subject.startswith("Late: ")]
    assert counts["late"] == len(late) == 1
    assert late[0].to == ["interior-data@demo.stocktake.invalid"] and "R03-D02" in late[0].body
    mail.outbox.clear()
    assert reminders.send(datetime.date(2026, 11, 24)) == {"due": 0, "late": 0}  # never twice
    call_command("remind", "--today", "2026-12-10")  # November data is due on 15 December
    due = [m for m in mail.outbox if m.subject.startswith("Due ")]
    assert {m.to[0] for m in due} == {
        "health-data@demo.stocktake.invalid",
        "education-data@demo.stocktake.invalid",
        "interior-data@demo.stocktake.invalid",
    }
    assert Reminder.objects.filter(kind="due").count() == len(due)


def test_a_reminder_is_written_in_its_recipients_language(db, users):
    """The interior data lead reads Spanish: the late reminder's subject, body and date are Spanish, the others'
    stay English, though the job that sends them has no request and no language of its own."""
    from stocktake.accounts.models import Person

    Person.objects.filter(email="interior-data@demo.stocktake.invalid").update(language="es")
    mail.outbox.clear()
    reminders.send(datetime.date(2026, 11, 24))
    (late,) = [m for m in mail.outbox if m.to == ["interior-data@demo.stocktake.invalid"]]
    assert late.subject.startswith("Atraso: "), late.subject
    assert "15 de noviembre de 2026" in late.body and "días de atraso" in late.body, late.body
    assert late.body.startswith("Estimado/a ") and "R03-D02" in late.body
    call_command("remind", "--today", "2026-12-10")
    subjects = {m.to[0]: m.subject for m in mail.outbox if m.to[0].endswith("-data@demo.stocktake.invalid")}
    assert subjects["interior-data@demo.stocktake.invalid"].startswith("Vence el 15 de diciembre")
    assert subjects["health-data@demo.stocktake.invalid"].startswith("Due December 15")


def test_freshness_counts_the_totals_the_rollups_count(db):
    """Freshness reads the rollups: a unit has reported a period when its total (blank disaggregation) is in,
    whatever its state; a breakdown alone neither fills a gap nor makes a newer period 'reported'."""
    from stocktake.architecture.models import Indicator, OrgUnit
    from stocktake.monitoring.actions import record_value

    ind = Indicator.objects.get(code="homicides")
    today = datetime.date(2026, 11, 24)
    unit = lambda code: OrgUnit.objects.get(code=code)  # noqa: E731
    n = OrgUnit.objects.filter(depth=ind.report_depth).count()
    before = freshness.of([ind], today)[0]
    assert before.last_period == "2026-10" and before.missing_units == ["R03-D02", "R03-D05", "R05-D07"]
    record_value(
        indicator=ind, org_unit=unit("R03-D02"), period=ensure_period("2026-10"), value=2, disaggregation="sex=male"
    )
    record_value(
        indicator=ind, org_unit=unit("R01-D01"), period=ensure_period("2026-11"), value=1, disaggregation="sex=male"
    )
    f = freshness.of([ind], today)[0]
    assert f.last_period == "2026-10" and f.missing_units == ["R03-D02", "R03-D05", "R05-D07"]
    record_value(indicator=ind, org_unit=unit("R03-D05"), period=ensure_period("2026-10"), value=4)
    f = freshness.of([ind], today)[0]
    assert f.missing_units == ["R03-D02", "R05-D07"] and f.reported_share == (n - 2) / n and f.late
    record_value(indicator=ind, org_unit=unit("R03-D02"), period=ensure_period("2026-10"), value=4)
    record_value(indicator=ind, org_unit=unit("R05-D07"), period=ensure_period("2026-10"), value=5)
    record_value(indicator=ind, org_unit=unit("R01-D01"), period=ensure_period("2026-11"), value=3)
    f = freshness.of([ind], today)[0]
    assert f.missing_units == [] and f.reported_share == 1.0 and not f.late and f.last_period == "2026-11"
    assert f.days_since == (today - datetime.date(2026, 11, 30)).days


def test_unverified_counts_on_the_portfolio_are_per_priority(client, db, users):
    """The delivery unit sees how many values await verification under each priority; the public does not."""
    from stocktake.architecture.models import Priority

    expected = {
        p.name: DataValue.objects.filter(indicator__outcome__priority=p, state__in=["submitted", "returned"]).count()
        for p in Priority.objects.all()
    }
    assert any(expected.values())
    client.force_login(users["duhead"])
    html = client.get("/").content.decode()
    for n in expected.values():
        if n:
            assert f"{n:,} values unverified" in html
    client.logout()
    assert "values unverified" not in client.get("/").content.decode()
