"""What the collection app adds to the demo delivery unit.

The core demo stores its values straight through record_values; here we
make the data look lived-in: a few values returned with a reason, the
Ministry of the Interior late with three districts' homicide figures, a
history of imports (a correction, a dry run full of typos, a strict import
refused, a DHIS2 data value set), DHIS2 id mappings and the column mappings
for the real NHS and Rio files.
"""

from __future__ import annotations

import json
from datetime import date

from django.contrib.auth import get_user_model

from stocktake.architecture.models import Indicator, OrgUnit
from stocktake.collection import actions
from stocktake.collection.importer import run_import
from stocktake.delivery import periods as P
from stocktake.monitoring.models import DataValue

from . import spec

LATE_DISTRICTS = list(spec.WITHHELD["homicides"])

NHS_TRUSTS_MAPPING = {
    "org_unit": "org_code",
    "org_unit_prefix": "NHS-",
    "period": {"column": "period", "format": "%Y-%m-%d", "kind": "M"},
    "indicators": [
        {"indicator": "nhs-ae-4h", "numerator": "attendances - breaches", "denominator": "attendances"},
        {"indicator": "nhs-ae-attendances", "value": "attendances"},
    ],
    "combine": "sum",
    "create_org_units": {"parent": "NHS-ENG"},
}
RIO_MAPPING = {
    "encoding": "latin-1",
    "delimiter": ";",
    "org_unit": "fmun_cod",
    "org_unit_prefix": "RJ-",
    "org_unit_name": "fmun",
    "group": "regiao",
    "period": {"year": "ano", "month": "mes"},
    "indicators": [{"indicator": "rj-violent-lethality", "value": "letalidade_violenta"}],
    "create_org_units": {"parent": "RJ"},
}


def demo_today() -> date:
    """The demo is always seen from the same day: 24 days after its last reported month ends."""
    return date.fromordinal(P.parse(spec.LAST_PERIOD).end.toordinal() + 24)


def extend(seed: int, say) -> None:
    """Called by build.extend after the core government is built, inside its transaction."""
    User = get_user_model()
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["admin", "validator", "health-data", "education-data", "interior-data"]
        )
    }
    if len(users) < 5:
        return
    today = demo_today()
    last = P.parse(spec.LAST_PERIOD).code
    say("collection: late data, returned values, import history")

    # The interior ministry has not sent three districts' homicides for the last month yet (spec.WITHHELD).

    # A correction from the health ministry: three hospitals' attendances revised (new versions).
    ae = Indicator.objects.get(code="ae-attendances")
    rows = ["indicator,org_unit,period,value,comment"]
    for dv in (
        DataValue.objects.filter(indicator=ae, period__code=last)
        .select_related("org_unit")
        .order_by("org_unit__code")[:3]
    ):
        rows.append(
            f"ae-attendances,{dv.org_unit.code},{last},{int(dv.value) + 37},late returns from the minor injuries unit"
        )
    run_import("\n".join(rows).encode(), file_name=f"ae-corrections-{last}.csv", user=users["health-data"], today=today)

    # A dry run full of the typos real files carry.
    bad = (
        f"indicator,org_unit,period,value,numerator,denominator\n"
        f"attendance,R01-D01,{last},,95,\n"
        f"attendence,R01-D02,{last},,9100,9800\n"
        f"attendance,R01-D03,2026Q3,,9100,9800\n"
        f"attendance,R01-D04,{last},,9900,9800\n"
        f"attendance,R01-D05,{last},,9.1k,9800\n"
    )
    run_import(
        bad.encode(), file_name="attendance-october.csv", user=users["education-data"], dry_run=True, today=today
    )
    run_import(bad.encode(), file_name="attendance-october.csv", user=users["education-data"], strict=True, today=today)

    # DHIS2: the health ministry's HMIS sends hospital attendances as a data value set (one revised).
    actions.save_dhis2_mapping(
        kind="data_element",
        dhis2_id="fbfJHSPpUQD",
        code="ae-attendances",
        name="ED attendances",
        user=users["admin"],
        interface="system",
    )
    actions.save_dhis2_mapping(
        kind="category_option_combo",
        dhis2_id="HllvX50cXC0",
        code="",
        name="default",
        user=users["admin"],
        interface="system",
    )
    hospitals = list(OrgUnit.objects.filter(code__startswith="R02-D01-").order_by("code"))
    for i, h in enumerate(hospitals):
        actions.save_dhis2_mapping(
            kind="org_unit",
            dhis2_id=f"MdHospR02{i:02d}",
            code=h.code,
            name=h.name,
            user=users["admin"],
            interface="system",
        )
    values = []
    for i, h in enumerate(hospitals):
        dv = DataValue.objects.get(indicator=ae, org_unit=h, period__code=last)
        values.append(
            {
                "dataElement": "fbfJHSPpUQD",
                "orgUnit": f"MdHospR02{i:02d}",
                "categoryOptionCombo": "HllvX50cXC0",
                "value": str(int(dv.value) + (12 if i == 0 else 0)),
            }
        )
    payload = {
        "dataSet": "MdAEmonthly",
        "period": last.replace("-", ""),
        "completeDate": today.isoformat(),
        "dataValues": values,
    }
    run_import(json.dumps(payload).encode(), file_name=f"dhis2-ae-{last}.json", user=users["health-data"], today=today)

    # Column mappings for files that arrive as their publishers write them.
    actions.save_column_mapping(
        name="nhs-ae-trusts",
        config=NHS_TRUSTS_MAPPING,
        user=users["admin"],
        interface="system",
        description="NHS England A&E attendances and 4-hour breaches by trust (NHSRdatasets' "
        "ae_attendances.csv): department types summed per trust.",
    )
    actions.save_column_mapping(
        name="rio-isp-municipal",
        config=RIO_MAPPING,
        user=users["admin"],
        interface="system",
        description="ISP-RJ BaseMunicipioMensal.csv: latin-1, semicolons, one row per "
        "municipality and month; municipalities created under their region.",
    )

    # Verification: the validator returns two hospitals' four-hour figures that do not add up.
    four_hour = list(
        DataValue.objects.filter(indicator__code="ae-4h", period__code=last)
        .select_related("indicator", "org_unit", "period")
        .order_by("org_unit__code")[:2]
    )
    actions.return_values(
        actions.as_seen(four_hour),
        user=users["validator"],
        interface="system",
        reason="Attendances within 4 hours exceed last month's by 30% while total attendances fell; "
        "please check the ED system extract.",
    )
