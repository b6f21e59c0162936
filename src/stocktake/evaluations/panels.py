"""The evaluations app's section on the indicator page: the evaluations of that indicator this reader may see.

Monitoring owns the indicator page and must not import this app (it is the
lower layer): the app registers it in monitoring/hooks.py from its ready().
"""

from __future__ import annotations

from . import permissions as can
from .models import Evaluation


def indicator_section(request, indicator) -> dict | None:
    evaluations = list(can.visible(request.user, Evaluation.objects.filter(indicator=indicator)))
    manage = can.can_manage(request.user)
    if not evaluations and not manage:
        return None
    return {
        "template": "evaluations/_indicator_section.html",
        "evaluations": evaluations,
        "can_manage": manage,
        "indicator": indicator,
    }
