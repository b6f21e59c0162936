"""Evaluations in the stocktake pack and the delivery report: one entry per evaluation of a priority's indicators.

The routines app asks for them (through monitoring/hooks.py, registered in
EvaluationsConfig.ready(), as plans registers its plan facts) when it builds a
pack or a report; this module owns what an evaluation
shows (the verdict, the headline estimate, the trajectory against its
counterfactual) so the pack and the evaluation page never disagree. Pack and
report readers read the priority's routines (the delivery unit or the lead
ministry), so the estimates use official values.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from . import charts, estimates, summary
from .models import Evaluation

PRINT_WIDTH = 560  # CSS px, the pack's text width on A4 and Letter


def pack_entries(priorities, *, for_pdf: bool = False) -> list[dict]:
    out = []
    qs = (
        Evaluation.objects.filter(indicator__outcome__priority__in=list(priorities))
        .select_related("indicator__outcome__priority")
        .order_by("indicator__outcome__priority__rank", "pk")
    )
    for ev in qs:
        entry = {"evaluation": ev, "priority": ev.indicator.outcome.priority, "chart_id": f"pack-evaluation-{ev.pk}"}
        try:
            result = estimates.assess(estimates.Spec.of(ev))
        except ValidationError as exc:
            entry["problem"] = "; ".join(m for ms in exc.message_dict.values() for m in ms)
            out.append(entry)
            continue
        entry["summary"] = summary.summarise(result)
        entry["headline"] = entry["summary"]["estimates"][-1]
        spec = charts.trajectory_spec(result, width=PRINT_WIDTH if for_pdf else "container")
        entry["spec"] = spec
        if for_pdf:
            import vl_convert

            entry["svg"] = vl_convert.vegalite_to_svg(spec)
        out.append(entry)
    return out


def by_priority(priorities, *, for_pdf: bool = False) -> dict[int, list[dict]]:
    grouped: dict[int, list[dict]] = {}
    for entry in pack_entries(priorities, for_pdf=for_pdf):
        grouped.setdefault(entry["priority"].pk, []).append(entry)
    return grouped


def indicator_section(request, indicator) -> dict | None:
    from .panels import indicator_section as section

    return section(request, indicator)
