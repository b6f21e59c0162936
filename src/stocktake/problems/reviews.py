"""A priority review as its page and its report show it: the timeline of the seed's stages, the work, the plan.

Planned dates of each stage are the review's weeks shared out as the seed's
process runs (scoping first, the report at the end); the date each stage was
reached comes from its records. The action plan is the tracked actions in
their order of priority; the trajectory chart marks the day the first started.
"""

from __future__ import annotations

from datetime import timedelta

from . import charts
from . import levels as L


def timeline(review) -> list[dict]:
    reached = {}
    for r in review.stage_records.all():
        reached.setdefault(r.stage, r.reached_on)
    total = review.weeks * 7
    out = []
    for key, label, share in L.STAGES:
        out.append(
            {
                "key": key,
                "label": label,
                "planned": review.starts_on + timedelta(days=round(total * share)),
                "reached": reached.get(key),
                "current": key == review.stage,
            }
        )
    return out


def context(review, *, for_pdf: bool = False) -> dict:
    plan = list(review.action_plan.select_related("action__owner").order_by("rank", "pk"))
    started_on = min((t.starts_on for t in plan), default=None)
    spec = None
    if review.indicator_id and not for_pdf:
        spec = charts.trajectory_with_start(review.indicator, started_on)
    return {
        "review": review,
        "team": list(review.team.order_by("name")),
        "timeline": timeline(review),
        "follow_up": L.FOLLOW_UP,
        "extensions": list(review.extensions.all()),
        "fieldwork": list(review.fieldwork.select_related("org_unit")),
        "findings": list(review.findings.all()),
        "plan": plan,
        "started_on": started_on,
        "trajectory_spec": spec,
        "stages": L.STAGE_CHOICES,
    }
