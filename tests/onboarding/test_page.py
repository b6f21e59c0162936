"""The Setup page: preview (a dry run), then apply; refusals shown by sheet, row, column and reason."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from stocktake.accounts.models import AuditEntry
from stocktake.architecture.models import OrgUnit

from .workbooks import small, write

pytestmark = pytest.mark.django_db


def _upload(client, path, **extra):
    with open(path, "rb") as f:
        return client.post("/setup/", {"file": f, "kind": "workbook", **extra})


@pytest.mark.parametrize("who", [None, "validator", "manager"])
def test_only_the_delivery_unit_head_may_set_up(sign_in, who):
    assert sign_in(who).get("/setup/").status_code in (403, 302)


def test_preview_stores_nothing_then_apply_stores_it(sign_in, tmp_path):
    client = sign_in("duhead")
    write(tmp_path / "setup.xlsx", small())
    audits = AuditEntry.objects.count()
    page = _upload(client, tmp_path / "setup.xlsx")
    text = page.content.decode()
    assert page.status_code == 200 and "Preview" in text and "<td>OrgUnits</td><td>3</td>" in text
    assert not OrgUnit.objects.filter(code="T-ROOT").exists() and AuditEntry.objects.count() == audits
    token = re.search(r'name="token" value="([0-9a-f]{32})"', text).group(1)
    applied = client.post("/setup/", {"token": token, "kind": "workbook"})
    assert applied.status_code == 200 and "Stored" in applied.content.decode()
    unit = OrgUnit.objects.get(code="T-ROOT")
    entry = AuditEntry.objects.get(model="architecture.orgunit", object_id=str(unit.pk))
    assert entry.interface == "web" and entry.user.username == "duhead"
    assert client.post("/setup/", {"token": token, "kind": "workbook"}).status_code == 404  # used up


def test_refusals_are_listed_and_there_is_nothing_to_apply(sign_in, tmp_path):
    data = small()
    data["Targets"][0]["target_date"] = "2024-01-31"
    write(tmp_path / "bad.xlsx", data)
    text = _upload(sign_in("duhead"), tmp_path / "bad.xlsx").content.decode()
    assert "<td>Targets</td><td>2</td><td>target_date</td>" in text
    assert 'name="token"' not in text


def test_a_file_that_is_not_a_workbook_is_refused_with_a_reason(sign_in, tmp_path):
    (tmp_path / "x.xlsx").write_text("hello")
    page = _upload(sign_in("duhead"), tmp_path / "x.xlsx")
    assert page.status_code == 400 and "not an Excel workbook" in page.content.decode()


def test_the_blank_template_downloads_with_instructions(sign_in):
    response = sign_in("duhead").get("/setup/template.xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames[0] == "Instructions" and "OrgUnits" in wb.sheetnames
    assert wb["OrgUnits"].max_row == 1
