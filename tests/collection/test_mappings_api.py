"""Column mappings and the DHIS2 id table through the API: saved through the actions, audited."""

from __future__ import annotations

from stocktake.accounts.models import AuditEntry
from stocktake.collection.models import ColumnMapping, Dhis2Mapping
from tests import factories

J = "application/json"


def test_a_column_mapping_is_saved_read_and_replaced_by_name(db):
    du = factories.sign_in("manager")
    config = {
        "org_unit": {"column": "Code"},
        "period": {"column": "Month"},
        "indicators": [{"indicator": "ae-attendances", "value": "Seen"}],
    }
    r = du.put("/api/collection/mappings/trust-files", {"config": config, "description": "trusts"}, content_type=J)
    assert r.status_code == 200 and ColumnMapping.objects.get(name="trust-files").config == config
    r = du.put("/api/collection/mappings/trust-files", {"config": {**config, "skip": []}}, content_type=J)
    assert r.status_code == 200 and ColumnMapping.objects.filter(name="trust-files").count() == 1
    assert AuditEntry.objects.filter(model="collection.columnmapping", interface="api").count() == 2
    assert du.get("/api/collection/mappings/trust-files").json()["config"]["skip"] == []
    names = {m["name"] for m in du.get("/api/collection/mappings").json()["items"]}
    assert "trust-files" in names
    assert (
        factories.sign_in("observer").put("/api/collection/mappings/x", {"config": {}}, content_type=J).status_code
        == 403
    )


def test_the_dhis2_table_maps_an_id_once_and_lists_by_kind(db):
    du = factories.sign_in("manager")
    body = {"kind": "org_unit", "dhis2_id": "DiszpKrYNg8", "code": "north-d01", "name": "Ngelehun CHC"}
    r = du.put("/api/collection/dhis2-mappings", body, content_type=J)
    assert r.status_code == 200 and r.json()["code"] == "north-d01"
    r = du.put("/api/collection/dhis2-mappings", {**body, "code": "north-d02"}, content_type=J)
    assert (
        r.status_code == 200 and Dhis2Mapping.objects.get(kind="org_unit", dhis2_id="DiszpKrYNg8").code == "north-d02"
    )
    page = du.get("/api/collection/dhis2-mappings?kind=org_unit&code=north-d02").json()
    assert page["count"] == 1 and page["items"][0]["dhis2_id"] == "DiszpKrYNg8"
    bad = du.put("/api/collection/dhis2-mappings", {**body, "kind": "planet"}, content_type=J)
    assert bad.status_code in (400, 422)
    lead = factories.sign_in("health-data")
    assert lead.put("/api/collection/dhis2-mappings", body, content_type=J).status_code == 403
