"""The demo's evaluation: did the violence-interruption programme in six Central districts cut homicides?

The generated homicides (demo/spec.py HOMICIDE_INTERVENTION) have a true
effect built in: 4 fewer expected homicides per treated district per month
from each district's start. The comparison is proposed from the districts
of the Northern, Eastern, Central and Western regions closest over the six
months before; the Southern and Coastal regions are left out because their
homicide trends were set apart (one worsening, one improving fast), as a
delivery unit would leave out regions with programmes of their own.
"""

from __future__ import annotations

from stocktake.architecture.models import Indicator, OrgUnit
from stocktake.evaluations import actions

from . import spec

NAME = "Violence interruption in six Central districts"
WINDOWS = dict(pre_start="2024-07", pre_end="2024-12", post_start="2025-01", post_end="2026-08")
COMPARISON_REGIONS = ["R01", "R02", "R03", "R04"]


def extend(seed: int, say) -> None:
    say("evaluations")
    indicator = Indicator.objects.get(code="homicides")
    starts = spec.HOMICIDE_INTERVENTION["starts"]
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=starts)}
    candidates = [
        u
        for u in OrgUnit.objects.filter(depth=indicator.report_depth).order_by("path")
        if u.code[:3] in COMPARISON_REGIONS and u.code not in starts
    ]
    actions.create_evaluation(
        user=None,
        interface="system",
        indicator=indicator,
        name=NAME,
        description=(
            "Street outreach workers and hospital-based violence interruption in six Central districts, "
            "in two waves (January and July 2025). Comparison: the 20 "
            "untreated districts of the Northern, Eastern, Central and Western regions whose homicides "
            "over the six months before were closest; the Southern and Coastal regions ran their own "
            "programmes and are left out."
        ),
        denominator_note="Homicides per district per month (districts of about 150,000 to 400,000 people).",
        treated=[(units[code], start) for code, start in starts.items()],
        propose=True,
        propose_limit=20,
        candidates=candidates,
        published=True,
        **WINDOWS,
    )
