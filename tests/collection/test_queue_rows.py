"""A decision in the verification queue shows its result in the row the user clicked, not off-screen."""

import re

from stocktake.monitoring.models import DataValue


def group_form(html: str, group: str) -> dict:
    row = re.search(rf'<tr data-group="{group}">(.*?)</tr>', html, re.S)
    assert row, group
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', row.group(1)))
    form.pop("csrfmiddlewaretoken", None)
    return form


def test_validating_a_group_redraws_its_row_with_the_new_state(client, users, db):
    client.force_login(users["validator"])
    html = client.get("/collection/queue/").content.decode()
    assert 'hx-target="closest tr"' in html
    form = group_form(html, "homicides/2026-10/submitted")
    n = DataValue.objects.filter(indicator__code="homicides", period__code="2026-10", state="submitted").count()
    r = client.post("/collection/decide/", {**form, "decision": "validate"}, HTTP_HX_REQUEST="true")
    row = r.content.decode()
    assert r.status_code == 200
    assert '<tr data-group="homicides/2026-10/validated"' in row
    assert 'class="state state-validated">validated<' in row
    assert f"{n} values validated." in row and 'role="status"' in row


def test_a_refused_group_decision_says_why_in_its_row(client, users, db):
    client.force_login(users["validator"])
    form = group_form(client.get("/collection/queue/").content.decode(), "homicides/2026-10/submitted")
    first = form["seen"].split()[0].split(":")[0]
    form["seen"] = f"{first}:999"  # a version that is not the one stored: nothing is decided
    r = client.post("/collection/decide/", {**form, "decision": "validate"}, HTTP_HX_REQUEST="true")
    row = r.content.decode()
    assert r.status_code == 409
    assert '<tr data-group="homicides/2026-10/submitted"' in row and 'role="alert"' in row
    assert DataValue.objects.filter(pk=first, state="submitted").exists()
