"""The audit trail: browsable and filterable by the delivery unit only, exportable as CSV, never edited."""

from __future__ import annotations

import csv
import io

import pytest

from stocktake.accounts import audit
from stocktake.accounts.models import AuditEntry, Organisation


@pytest.fixture
def entries(user):
    """Two known entries from different people and interfaces."""
    org = Organisation.objects.get(code="moh")
    before = audit.snapshot(org)
    org.name = "Ministry of Health and Care"
    org.save()
    a = audit.record(
        user=user("manager"),
        interface="web",
        action="change",
        obj=org,
        before=before,
        after=audit.snapshot(org),
        reason="renamed in the reshuffle",
    )
    b = audit.record(
        user=user("validator"),
        interface="api",
        action="change",
        obj=org,
        before=audit.snapshot(org),
        after={**audit.snapshot(org), "code": "moh2"},
    )
    return a, b


@pytest.mark.parametrize(
    "username,status",
    [
        (None, 302),
        ("observer", 403),
        ("pm", 403),
        ("health-data", 403),
        ("leader", 403),
        ("validator", 200),
        ("manager", 200),
        ("duhead", 200),
        ("admin", 200),
    ],
)
def test_audit_page_is_for_the_delivery_unit_only(sign_in, username, status):
    response = sign_in(username).get("/accounts/audit/")
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/accounts/login/")
    api = sign_in(username).get("/api/accounts/audit")
    assert api.status_code == {302: 401, 403: 403, 200: 200}[status]


def test_audit_page_filters_and_shows_before_and_after(sign_in, entries):
    a, b = entries
    c = sign_in("duhead")
    html = c.get("/accounts/audit/?user=manager&model=accounts.organisation&interface=web").content.decode()
    assert f'data-entry="{a.pk}"' in html and f'data-entry="{b.pk}"' not in html
    assert "Ministry of Health → Ministry of Health and Care" in html and "renamed in the reshuffle" in html
    html = c.get(f"/accounts/audit/?object_id={a.object_id}&model=accounts.organisation&action=change").content.decode()
    assert f'data-entry="{a.pk}"' in html and f'data-entry="{b.pk}"' in html
    today = a.at.date().isoformat()
    assert f'data-entry="{a.pk}"' in c.get(f"/accounts/audit/?since={today}&until={today}").content.decode()
    assert f'data-entry="{a.pk}"' not in c.get("/accounts/audit/?until=2000-01-01").content.decode()


def test_bad_filters_are_named(sign_in):
    c = sign_in("validator")
    response = c.get("/accounts/audit/?since=yesterday")
    assert response.status_code == 400 and "since: &#x27;yesterday&#x27; is not a date" in response.content.decode()
    api = c.get("/api/accounts/audit?interface=fax")
    assert api.status_code == 400 and "interface" in api.json()["detail"]


def test_csv_export_follows_the_filter(sign_in, entries):
    a, b = entries
    response = sign_in("manager").get("/accounts/audit/?user=validator&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {r["user"] for r in rows} == {"validator"}
    mine = next(r for r in rows if r["id"] == str(b.pk))
    assert mine["interface"] == "api" and '"code": ["moh", "moh2"]' in mine["changes"]


def test_audit_api_filters(sign_in, entries):
    a, b = entries
    rows = sign_in("validator").get("/api/accounts/audit?user=manager&model=accounts.organisation").json()
    assert [r["id"] for r in rows][:1] == [a.pk] and rows[0]["reason"] == "renamed in the reshuffle"


def test_no_code_path_edits_or_deletes_audit_entries(sign_in, entries, user):
    a, _ = entries
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=a.pk).update(reason="tampered")
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=a.pk).delete()
    with pytest.raises(PermissionError):
        a.delete()
    # the back office shows entries but offers no change or delete
    admin = sign_in("admin")
    assert admin.get(f"/admin/accounts/auditentry/{a.pk}/delete/").status_code == 403
    page = admin.post(f"/admin/accounts/auditentry/{a.pk}/change/", {"reason": "tampered"})
    assert page.status_code == 403
    assert AuditEntry.objects.get(pk=a.pk).reason == "renamed in the reshuffle"
    # a user who made changes cannot be deleted, which would erase who did it
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        user("manager").delete()
