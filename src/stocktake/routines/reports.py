"""The six-monthly delivery report, the monthly note, and the assessment table across rounds (seed 003)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from stocktake.architecture.models import Indicator, Outcome
from stocktake.delivery import assessment as A
from stocktake.monitoring import asof, hooks

from . import frozen
from .models import Assessment, AssessmentRound, rating_label
from .pack import latest_assessments
from .performance import priority_performance

COLUMNS = [
    ("challenge", gettext_lazy("Chall.")),
    ("planning", gettext_lazy("Plan.")),
    ("capacity", gettext_lazy("Cap.")),
    ("stage", gettext_lazy("Stage")),
    ("evidence", gettext_lazy("Evid.")),
    ("likelihood", gettext_lazy("Likeli­hood")),  # a soft hyphen (U+00AD) where the narrow column may break the word
]


def comparison(rounds, priorities, as_of=None) -> dict:
    """Rows = outcomes, columns = rounds x judgements, each cell with its arrow against the round before;
    with `as_of` (a moment), each assessment as it was saved by then."""
    rounds = list(rounds)
    outcomes = list(
        Outcome.objects.filter(priority__in=priorities)
        .select_related("priority")
        .order_by("priority__pillar__rank", "priority__rank", "rank")
    )
    found = {
        (a.round_id, a.outcome_id): a
        for a in frozen.assessments_as_of(Assessment.objects.filter(round__in=rounds, outcome__in=outcomes), as_of)
    }
    rows = []
    for o in outcomes:
        cells = []
        prev = None
        for r in rounds:
            a = found.get((r.pk, o.pk))
            for key, _ in COLUMNS:
                value = getattr(a, key) if a else None
                before = getattr(prev, key) if prev else None
                judgement = "evidence" if key == "likelihood" else key
                move = A.movement(judgement, before, value)
                cells.append(
                    {
                        "text": A.short(judgement, value),
                        "css": A.css(judgement, value),
                        "move": move,
                        "arrow": A.ARROWS[move],
                        "key": key,
                        "round": r.name,
                        "title": rating_label(judgement, value),
                    }
                )
            prev = a or prev
        rows.append({"outcome": o, "priority": o.priority, "cells": cells})
    return {"rounds": rounds, "columns": COLUMNS, "rows": rows}


def delivery_report(rnd: AssessmentRound, priorities, *, short: bool = False, chart_width=None, as_of=None) -> dict:
    """Per priority: trajectory charts, likelihood, key issues, next steps, narrative; the table across rounds first.

    `as_of` (a moment; None is live) freezes the figures, the rounds and the assessments as they stood then
    (monitoring.asof, routines.frozen): the report as issued, reproducible after later corrections."""
    reader = asof.reader(as_of)
    priorities = list(
        priorities.select_related("lead_organisation", "pillar").prefetch_related(
            "outcomes__indicators", "outcomes__leader"
        )
    )
    rounds = list(frozen.rounds_by(as_of, AssessmentRound.objects.filter(date__lte=rnd.date)).order_by("date", "id"))
    rounds = rounds[-3:]
    this_round = {a.outcome_id: a for a in frozen.assessments_as_of(rnd.assessments.all(), as_of)}
    previous = rounds[-2] if len(rounds) > 1 and rounds[-1] == rnd else None
    before = {a.outcome_id: a for a in frozen.assessments_as_of(previous.assessments.all(), as_of)} if previous else {}
    pages = []
    facts = hooks.evaluation_facts()
    evaluations = facts.by_priority(priorities, for_pdf=chart_width is not None) if facts and not short else {}
    blocks = hooks.report_blocks(priorities, for_pdf=chart_width is not None, as_of=as_of)  # e.g. problems
    for p in priorities:
        perf = priority_performance(
            p,
            units=False,
            annex=False,
            chart_width=chart_width,
            chart_height=170 if chart_width else 220,
            reader=reader,
        )
        outcomes = perf["outcomes"]
        ratings = []
        for o in outcomes:
            a = this_round.get(o["outcome"].pk)
            o["assessment"] = a
            b = before.get(o["outcome"].pk)
            o["movement"] = A.ARROWS[A.movement("evidence", b.likelihood if b else None, a.likelihood if a else None)]
            ratings.append(a.likelihood if a else None)
        if short:  # the note keeps every headline (performance) indicator, whatever context comes first
            for o in outcomes:
                o["indicators"] = [i for i in o["indicators"] if i["indicator"].kind == Indicator.Kind.PERFORMANCE]
        likelihood = A.overall(ratings)
        pages.append(
            {
                "priority": p,
                "outcomes": outcomes,
                "likelihood": likelihood,
                "likelihood_label": rating_label("evidence", likelihood),
                "likelihood_css": A.css("evidence", likelihood),
                "evaluations": evaluations.get(p.pk, []),
                "blocks": blocks.get(p.pk, []),
            }
        )
    return {
        "round": rnd,
        "pages": pages,
        "comparison": comparison(rounds, priorities, as_of),
        "short": short,
        "as_of": as_of,
    }


def likelihood_by_priority(priority_ids) -> dict:
    """{priority id: (rating, round)} from each outcome's latest assessment, the weakest outcome winning."""
    outcomes = Outcome.objects.filter(priority_id__in=priority_ids).values_list("pk", "priority_id")
    latest = latest_assessments([pk for pk, _ in outcomes])
    out: dict[int, list] = {}
    for pk, pid in outcomes:
        a = latest.get(pk)
        if a and a.likelihood:
            out.setdefault(pid, []).append(a)
    return {
        pid: (A.overall([a.likelihood for a in items]), max((a.round for a in items), key=lambda r: r.date))
        for pid, items in out.items()
    }
