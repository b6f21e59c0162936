"""A data lead uploads a DHIS2 data value set, sees the report; a validator validates it and it reaches the chart."""

import json

import pytest

pytestmark = pytest.mark.browser


def sign_in(page, server, username, next_url):
    page.goto(f"{server}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo-stocktake-2026")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**{next_url}")


def test_upload_a_dhis2_value_set_then_validate_it(page, demo_server, tmp_path, browser):
    payload = {
        "dataSet": "MdAEmonthly",
        "period": "202609",
        "dataValues": [
            {
                "dataElement": "fbfJHSPpUQD",
                "orgUnit": "MdHospR0201",
                "categoryOptionCombo": "HllvX50cXC0",
                "value": "7777",
            },
            {"dataElement": "fbfJHSPpUQD", "orgUnit": "NotMapped01", "value": "12"},
        ],
    }
    path = tmp_path / "hmis-september.json"
    path.write_text(json.dumps(payload))
    sign_in(page, demo_server, "health-data", "/collection/import/")
    page.set_input_files("input[name=file]", str(path))
    page.uncheck("input[name=dry_run]")
    page.click("form.upload-form button[type=submit]")
    page.wait_for_selector('#batch[data-status="done"]')
    text = page.locator("#batch").inner_text()
    assert "Stored." in text and "1 of 2 rows accepted" in text and "1 changed" in text
    assert "no mapping for DHIS2 org unit 'NotMapped01'" in text
    assert page.errors == []

    validator = browser.new_context().new_page()
    sign_in(validator, demo_server, "validator", "/collection/queue/")
    row = validator.locator('tr[data-group="ae-attendances/2026-09/submitted"]')
    assert row.locator("td.num").inner_text() == "1"
    row.locator("button", has_text="Validate all 1").click()
    # the row itself shows the result where the validator clicked
    validator.wait_for_selector('tr[data-group="ae-attendances/2026-09/validated"] >> text=1 value validated.')
    validator.goto(demo_server + "/indicators/ae-attendances/?unit=R02-D01-H2")
    validator.wait_for_selector("#trajectory-chart.chart-ready svg", timeout=20000)
    spec = json.loads(validator.locator("#trajectory-spec").inner_text())
    actual = {r["date"]: r["value"] for r in spec["layer"][0]["data"]["values"] if r["series"] == "Actual"}
    assert actual["2026-09-30"] == 7777
    validator.context.close()
