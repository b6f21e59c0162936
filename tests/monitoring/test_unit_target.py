"""A unit's indicator page shows the unit's own plan and target, not the nation's."""

import re

from stocktake.architecture.models import Indicator, OrgUnit
from stocktake.monitoring import series


def _target_card(html: str) -> str:
    return re.search(r'id="target-card">.*?</div></div>', html, re.S).group(0)


def test_a_unit_page_shows_its_own_target_and_says_so(db, sign_in):
    ind = Indicator.objects.get(code="ae-4h")
    units = list(OrgUnit.objects.filter(depth__in=(2, 3)).order_by("code"))
    plan = series.Plan.build(ind, [u.pk for u in units])
    national = ind.fmt(plan.target.target_value)
    # a unit whose own baseline makes its own target differ from the nation's at the shown precision
    unit = next(u for u in units if plan.ends(u.pk) and ind.fmt(plan.ends(u.pk)[1]) != national)
    own = ind.fmt(plan.ends(unit.pk)[1])
    card = _target_card(sign_in(None).get(f"/indicators/ae-4h/?unit={unit.code}").content.decode())
    assert f'<div class="big">{own}</div>' in card and f"national target {national}" in card
    card = _target_card(sign_in(None).get("/indicators/ae-4h/").content.decode())
    assert f'<div class="big">{national}</div>' in card and "own plan" not in card
