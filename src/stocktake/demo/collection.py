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

# Column mappings for real published files (/work/shared/data), onto the demo's own indicators: an import
# creates the file's units under a unit made for them (NHS England, Rio de Janeiro state) at the depth the
# indicator is reported at, so the demo can take each file as it is published (tests/collection/test_demo_mappings.py).
_NHS_ENG = {"code": "NHS-ENG", "name": "NHS England (real data)", "under": "NAT"}
_ATTENDED = (
    "A&E attendances Type 1 + A&E attendances Type 2 + A&E attendances Other A&E Department"
    " + A&E attendances Booked Appointments Type 1 + A&E attendances Booked Appointments Type 2"
    " + A&E attendances Booked Appointments Other Department"
)
_OVER_4H = (
    " - Attendances over 4hrs Type 1 - Attendances over 4hrs Type 2 - Attendances over 4hrs Other Department"
    " - Attendances over 4hrs Booked Appointments Type 1 - Attendances over 4hrs Booked Appointments Type 2"
    " - Attendances over 4hrs Booked Appointments Other Department"
)
NHS_PROVIDERS_MAPPING = {
    "org_unit": "Org Code",
    "org_unit_prefix": "NHS-",
    "org_unit_name": "Org name",
    "group": "Parent Org",
    "period": {"column": "Period", "format": "MSitAE-%B-%Y", "kind": "M"},
    "skip": [{"column": "Org Code", "in": ["TOTAL"]}],  # the national total row, 'TOTAL' or 'Total'
    # booked appointments are counted from August 2020; the April-July 2020 files have no such columns
    "optional": [c.strip(" +-") for c in (_ATTENDED + _OVER_4H).replace(" - ", " + ").split(" + ") if "Booked" in c],
    "indicators": [
        {"indicator": "ae-4h", "numerator": _ATTENDED + _OVER_4H, "denominator": _ATTENDED, "zero_denominator": "skip"},
        {"indicator": "ae-attendances", "value": _ATTENDED},
    ],
    "create_org_units": {"parent": "NHS-ENG", "create": [_NHS_ENG]},
}
NHS_TRUSTS_MAPPING = {
    "org_unit": "org_code",
    "org_unit_prefix": "NHS-",
    "period": {"column": "period", "format": "%Y-%m-%d", "kind": "M"},
    "indicators": [
        {"indicator": "ae-4h", "numerator": "attendances - breaches", "denominator": "attendances"},
        {"indicator": "ae-attendances", "value": "attendances"},
    ],
    "combine": "sum",
    "create_org_units": {
        "parent": "NHS-ENG-1619",
        "create": [_NHS_ENG, {"code": "NHS-ENG-1619", "name": "NHS trusts, 2016-2019 file", "under": "NHS-ENG"}],
    },
}
RIO_MAPPING = {
    "encoding": "latin-1",
    "delimiter": ";",
    "org_unit": "fmun_cod",
    "org_unit_prefix": "RJ-",
    "org_unit_name": "fmun",
    "period": {"year": "ano", "month": "mes"},
    "indicators": [{"indicator": "homicides", "value": "hom_doloso"}],
    "create_org_units": {
        "parent": "RJ",
        "create": [{"code": "RJ", "name": "Rio de Janeiro state (real data)", "under": "NAT"}],
    },
}
MAPPINGS = {
    "nhs-ae-providers": (
        NHS_PROVIDERS_MAPPING,
        "NHS England's monthly A&E provider files (Apr 2020 onwards), as published: the TOTAL row skipped, "
        "booked-appointment columns optional (they start in Aug 2020), providers created under their NHS region.",
    ),
    "nhs-ae-trusts": (
        NHS_TRUSTS_MAPPING,
        "NHS England A&E attendances and 4-hour breaches by trust, 2016-2019 (NHSRdatasets' "
        "ae_attendances.csv): department types summed per trust.",
    ),
    "rio-isp-municipal": (
        RIO_MAPPING,
        "ISP-RJ BaseMunicipioMensal.csv: latin-1, semicolons, one row per municipality and month; "
        "intentional homicides (hom_doloso) by municipality, created under Rio de Janeiro state.",
    ),
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
    for name, (config, description) in MAPPINGS.items():
        actions.save_column_mapping(
            name=name, config=config, user=users["admin"], interface="system", description=description
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
