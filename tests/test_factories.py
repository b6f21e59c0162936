"""The test factories build what the product builds: through the actions, audited, with a trajectory."""

import pytest

from stocktake.accounts.models import AuditEntry
from stocktake.monitoring.models import DataValueVersion
from tests import factories


def test_sign_in_by_name_role_or_none(db):
    assert factories.sign_in("manager").get("/api/accounts/me").json()["username"] == "manager"
    assert factories.sign_in("information_validator").get("/api/accounts/me").json()["username"] == "validator"
    assert factories.sign_in(None).get("/api/accounts/me").status_code == 401
    assert factories.sign_in("public").get("/api/accounts/me").status_code == 401
    with pytest.raises(ValueError):
        factories.user("public")


def test_an_indicator_with_its_target_and_a_recorded_value(db):
    ind = factories.indicator("test-beds", target=(40, 60), frequency="Q", aggregation="sum", report_depth=3)
    target = ind.targets.get()
    assert (target.baseline_value, target.target_value, target.org_unit) == (40, 60, None)
    assert target.points.count() > 0  # the trajectory was built, as the target action does
    assert AuditEntry.objects.filter(model="architecture.target", object_id=str(target.pk), action="create").exists()
    dv = factories.record(ind, "R01-D01", "2026Q1", 52)
    assert (dv.value, dv.state, dv.version) == (52, "submitted", 1)
    assert DataValueVersion.objects.filter(data_value=dv, version=1).exists()
    assert AuditEntry.objects.filter(model="monitoring.datavalue", object_id=str(dv.pk), action="create").exists()
    again = factories.record(ind, "R01-D01", "2026Q1", 55, by="health-data")
    assert again.pk == dv.pk and again.version == 2 and again.updated_by.username == "health-data"
