"""What plans add to the portfolio: late and at-risk milestones under each priority."""

from __future__ import annotations

from stocktake.architecture import access as architecture_access

from .queries import milestone_counts


def priority_notes(request, priority_ids) -> dict[int, list[dict]]:
    visible = set(
        architecture_access.visible_priorities(request.user).filter(pk__in=priority_ids).values_list("pk", flat=True)
    )
    codes = dict(architecture_access.visible_priorities(request.user).filter(pk__in=visible).values_list("pk", "code"))
    notes: dict[int, list[dict]] = {}
    for pid, c in milestone_counts(list(visible)).items():
        items = []
        if c["late"]:
            items.append(
                {
                    "text": f"{c['late']} late milestone{'s' if c['late'] != 1 else ''}",
                    "url": f"/plans/{codes[pid]}/#milestones",
                    "css": "flag",
                }
            )
        if c["at_risk"]:
            items.append(
                {
                    "text": f"{c['at_risk']} milestone{'s' if c['at_risk'] != 1 else ''} at risk",
                    "url": f"/plans/{codes[pid]}/#milestones",
                    "css": "muted",
                }
            )
        if items:
            notes[pid] = items
    return notes
