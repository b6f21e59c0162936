"""Real published files imported as they are, through saved mappings, and national figures rebuilt from the parts."""

import csv
import json
from collections import defaultdict

import pytest

from stocktake.architecture.models import Indicator, OrgUnit, Period
from stocktake.collection import actions
from stocktake.collection.models import ColumnMapping
from stocktake.delivery import periods as P
from stocktake.monitoring import rollups
from stocktake.monitoring.models import DataValue
from tests.factories import indicator

from .conftest import REAL


@pytest.fixture
def nhs(db, users):
    return ColumnMapping.objects.get(name="nhs-ae-trusts")  # saved by the demo, onto the demo's own indicators


def test_nhs_trust_file_imports_as_it_is_and_the_national_share_is_rebuilt_from_parts(nhs, run):
    path = REAL / "ae_attendances_cut.csv"
    assert not OrgUnit.objects.filter(code__startswith="NHS-").exists()  # the demo as built: the import makes them
    batch = run(path.read_bytes(), name=path.name, mapping=nhs)
    assert batch.status == "done" and batch.rows_rejected == 0, (batch.message, batch.errors[:5])
    with open(path, newline="") as fh:
        trusts = {row["org_code"] for row in csv.DictReader(fh)}
    # the 40 trusts kept in the cut (274 in the whole file), under NHS England and its 2016-2019 trusts' unit
    assert batch.units_created == len(trusts) + 2 == 42
    assert OrgUnit.objects.get(code="NHS-RF4").depth == Indicator.objects.get(code="ae-4h").report_depth == 4
    assert batch.rows_read == 912 and batch.records == 2 * 912 and batch.rows_skipped == 0
    attendances, breaches = defaultdict(float), defaultdict(float)
    trust_pct = defaultdict(list)
    per_trust = defaultdict(lambda: [0.0, 0.0])
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            month = row["period"][:7]
            attendances[month] += float(row["attendances"])
            breaches[month] += float(row["breaches"])
            t = per_trust[(month, row["org_code"])]
            t[0] += float(row["attendances"])
            t[1] += float(row["breaches"])
    for (month, _), (a, b) in per_trust.items():
        if a:
            trust_pct[month].append(100 * (1 - b / a))
    england = OrgUnit.objects.get(code="NHS-ENG")
    ind = Indicator.objects.get(code="ae-4h")
    for month in ("2016-04", "2017-12", "2019-03"):
        expected = 100 * (1 - breaches[month] / attendances[month])
        got = rollups.read(ind, england, Period.objects.get(code=month))
        assert got == pytest.approx(expected)
        assert abs(got - sum(trust_pct[month]) / len(trust_pct[month])) > 0.1  # never the mean of trust percentages
    year = 100 * (
        1
        - sum(breaches[m] for m in breaches if m.startswith("2018"))
        / sum(attendances[m] for m in attendances if m.startswith("2018"))
    )
    assert rollups.read(ind, england, P.parse("2018")) == pytest.approx(year)
    trust = DataValue.objects.get(indicator=ind, org_unit__code="NHS-RF4", period__code="2017-03")
    assert (trust.numerator, trust.denominator) == (21289 + 813 + 2850 - 2879 - 22 - 6, 21289 + 813 + 2850)
    again = run(path.read_bytes(), name=path.name, mapping=nhs)
    assert (again.created, again.changed, again.units_created) == (0, 0, 0)


def test_rio_crime_file_in_latin1_with_semicolons_imports_and_sums_to_the_state(db, users, run):
    path = REAL / "BaseMunicipioMensal_cut.csv"
    batch = run(path.read_bytes(), name=path.name, mapping=ColumnMapping.objects.get(name="rio-isp-municipal"))
    assert batch.status == "done" and batch.rows_rejected == 0, (batch.message, batch.errors[:5])
    assert batch.units_created == 92 + 1  # the municipalities, and the state they are made under
    angra = OrgUnit.objects.get(code="RJ-3300100")
    assert angra.name == "Angra dos Reis" and angra.parent.code == "RJ"
    assert angra.depth == Indicator.objects.get(code="homicides").report_depth == 3
    totals = defaultdict(float)
    with open(path, newline="", encoding="latin-1") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            if row["hom_doloso"]:
                totals[f"{int(row['ano']):04d}-{int(row['mes']):02d}"] += float(row["hom_doloso"])
    ind = Indicator.objects.get(code="homicides")
    state = OrgUnit.objects.get(code="RJ")
    for month in ("2014-01", "2020-06", "2026-03"):
        assert rollups.read(ind, state, Period.objects.get(code=month)) == totals[month] > 0


@pytest.fixture
def sierra_leone(db, users):
    """Map the DHIS2 docs' Sierra Leone ids onto a demo indicator and hospitals."""
    admin = users["admin"]
    for de in ("f7n9E0hX8qk", "Ix2HsbDMLea", "eY5ehpbEsB7", "DUSpd8Jq3M7"):
        actions.save_dhis2_mapping(kind="data_element", dhis2_id=de, code=f"sl-{de.lower()}", user=admin)
        indicator(f"sl-{de.lower()}", aggregation="sum", report_depth=4, min_value=0)
    for i, ou in enumerate(("DiszpKrYNg8", "FNnj3jKGS7i", "gP6hn503KUX", "OjTS752GbZE")):
        actions.save_dhis2_mapping(kind="org_unit", dhis2_id=ou, code=f"R06-D0{i + 1}-H1", user=admin)
    actions.save_dhis2_mapping(kind="category_option_combo", dhis2_id="bRowv6yZOF2", code="", user=admin)
    actions.save_dhis2_mapping(kind="category_option_combo", dhis2_id="Prlt0C1RF0s", code="sex=female", user=admin)
    actions.save_dhis2_mapping(kind="category_option_combo", dhis2_id="V6L425pT3A0", code="sex=male", user=admin)


@pytest.mark.parametrize(
    "name, fmt, accepted, rejected",
    [
        ("docs_bulk.json", "dhis2-json", 3, 1),  # the docs' deliberately invalid org unit Jkhdsf8sdf4
        ("docs_single_set.json", "dhis2-json", 3, 0),
        ("docs_bulk.csv", "dhis2-csv", 3, 0),
        ("docs_full_columns.csv", "dhis2-csv", 3, 0),
    ],
)
def test_dhis2_docs_examples_import_through_the_mapping(sierra_leone, run, name, fmt, accepted, rejected):
    path = REAL / name
    batch = run(path.read_bytes(), name=name)
    assert batch.format == fmt and batch.rows_accepted == accepted and batch.rows_rejected == rejected, batch.errors
    if rejected:
        assert batch.errors[0]["column"] == "orgUnit" and "Jkhdsf8sdf4" in batch.errors[0]["message"]
    if name == "docs_full_columns.csv":
        assert set(
            DataValue.objects.filter(indicator__code=f"sl-{'DUSpd8Jq3M7'.lower()}").values_list(
                "disaggregation", flat=True
            )
        ) == {"sex=female", "sex=male"}


def test_our_own_dhis2_value_set_imports_and_shows_in_the_trajectory_chart(db, users, client, run):
    """A data value set in DHIS2's documented format, for the demo's mapped hospitals, lands in the chart once validated."""
    payload = json.loads((REAL / "docs_single_set.json").read_text())
    payload.update(period="202611", orgUnit="MdHospR0200", completeDate="2026-12-05")
    payload["dataValues"] = [
        {
            "dataElement": "fbfJHSPpUQD",
            "categoryOptionCombo": "HllvX50cXC0",
            "value": "9321",
            "comment": "from the HMIS",
        }
    ]
    import datetime

    batch = run(json.dumps(payload).encode(), name="hmis.json", user="health-data", today=datetime.date(2026, 12, 20))
    assert batch.created == 1, batch.errors
    value = (
        DataValue.objects.filter(source=f"import #{batch.pk}").select_related("indicator", "org_unit", "period").get()
    )
    client.force_login(users["health-data"])
    html = client.get("/indicators/ae-attendances/?unit=R02-D01-H1").content.decode()
    assert "9,321" in html or "9321" in html  # listed at once, marked unverified; the chart waits for validation
    actions.validate(actions.as_seen([value]), user=users["validator"])
    html = client.get("/indicators/ae-attendances/?unit=R02-D01-H1").content.decode()
    spec = json.loads(html.split('<script id="trajectory-spec" type="application/json">')[1].split("</script>")[0])
    actual = [r for r in spec["layer"][0]["data"]["values"] if r["series"] == "Actual"]
    assert actual[-1] == {"date": "2026-11-30", "value": 9321.0, "series": "Actual"}
