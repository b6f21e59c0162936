"""What plans add to the portfolio: late and at-risk milestones under each priority."""

from __future__ import annotations

from django.utils.translation import ngettext

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
                    "text": ngettext("%(n)s late milestone", "%(n)s late milestones", c["late"]) % {"n": c["late"]},
                    "url": f"/plans/{codes[pid]}/#milestones",
                    "css": "flag",
                }
            )
        if c["at_risk"]:
            items.append(
                {
                    "text": ngettext("%(n)s milestone at risk", "%(n)s milestones at risk", c["at_risk"])
                    % {"n": c["at_risk"]},
                    "url": f"/plans/{codes[pid]}/#milestones",
                    "css": "muted",
                }
            )
        if items:
            notes[pid] = items
    return notes
