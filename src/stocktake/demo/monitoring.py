"""What monitoring adds to the demo: alert rules on the priorities the head of government watches most."""

from __future__ import annotations

from stocktake.architecture.models import Indicator
from stocktake.monitoring import actions, alerts

DEMO_RULES = [
    # indicator, kind, level, worst, periods
    ("homicides", "consecutive", 3, "off_track", 3),
    ("ae-4h", "beyond_band", 2, "off_track", 2),
    ("reading-age-11", "consecutive", 3, "off_track", 2),
    ("youth-employment", "beyond_band", 2, "off_track", 2),
]


def extend(seed: int, say) -> None:
    """Called by build.extend inside its transaction; deterministic, no email sent."""

    say("alert rules")
    by_code = {i.code: i for i in Indicator.objects.filter(code__in=[r[0] for r in DEMO_RULES])}
    for code, kind, depth, worst, periods in DEMO_RULES:
        if code in by_code:
            actions.create_alert_rule(
                indicator=by_code[code], kind=kind, depth=depth, worst=worst, periods=periods, interface="system"
            )
    raised = alerts.evaluate(email=False)
    say(f"{len(raised)} alerts raised")
