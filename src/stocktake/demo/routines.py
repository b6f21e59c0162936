"""What the routines app adds to the demo delivery unit.

Three assessment rounds whose ratings move, a routine calendar staggered by
minister, past stocktakes with minutes, decisions and actions (some closed,
some overdue, one meeting that lapsed), so every page has something true to
show. Dates are anchored to the demo's last reported month, not to the day
the demo is loaded, so the same seed always gives the same record.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from stocktake.accounts.models import Person
from stocktake.architecture.models import Priority
from stocktake.delivery import assessment as A
from stocktake.delivery import periods as P
from stocktake.routines import actions, proposals
from stocktake.routines.models import Meeting, Routine

from . import spec

ROUNDS = [
    ("December 2025", date(2025, 12, 12)),
    ("June 2026", date(2026, 6, 12)),
    ("November 2026", date(2026, 11, 13)),
]
ACTIONS = [
    "Send a named official to the three worst-performing regions and report back on what is in the way",
    "Agree a recovery trajectory with the regional directors",
    "Publish the monthly league table of units to every frontline manager",
    "Cost the extra staff needed to close the gap and put it to the Treasury",
    "Fix the late and missing returns from the districts so the next figures are complete",
    "Bring a short options paper on the two strategies that are not moving the numbers",
]


def anchor() -> date:
    """The demo's 'today' for its own record: a little after the last month of data."""

    return P.parse(spec.LAST_PERIOD).end + timedelta(days=24)


def _ratings(rng: random.Random, evidence: int, tier: str, step: int) -> dict:
    """Earlier rounds are drawn a notch away from today's, so the table across rounds shows movement."""
    drift = {0: -1, 1: 0, 2: 0}[step] if rng.random() < 0.6 else {0: 1, 1: -1, 2: 0}[step]
    ev = min(4, max(1, evidence + (drift if step < 2 else 0)))
    planning = min(4, max(1, ev + rng.choice([0, 0, 1, -1])))
    capacity = min(4, max(1, ev + rng.choice([0, 1, -1])))
    likelihood = min(4, max(1, round((ev * 2 + planning + capacity) / 4)))
    return {
        "challenge": "H" if tier == "A+" else ("L" if tier == "Quick win" else "M"),
        "planning": planning,
        "capacity": capacity,
        "stage": min(4, 1 + step + (tier == "Quick win")),
        "evidence": ev,
        "likelihood": likelihood,
    }


def extend(seed: int, say) -> None:
    """Called by build.extend after the core government is built, inside its transaction."""
    rng = random.Random(seed * 31 + 6)
    today = anchor()
    people = {p.user.username: p for p in Person.objects.exclude(user=None).select_related("user")}
    priorities = list(
        Priority.objects.select_related("tier", "lead_organisation")
        .prefetch_related("outcomes__leader")
        .order_by("pillar__rank", "rank")
    )

    say("assessment rounds")
    rounds = [actions.create_round(name=name, date=day, interface="system") for name, day in ROUNDS]
    for p in priorities:
        tier = p.tier.name if p.tier else "B"
        for o in p.outcomes.all():
            proposal = proposals.propose(o)
            evidence = proposal.rating or 2
            for step, rnd in enumerate(rounds):
                r = _ratings(rng, evidence, tier, step)
                words = {
                    k: A.label("challenge" if k == "challenge" else ("stage" if k == "stage" else "evidence"), v)
                    for k, v in r.items()
                }
                fields = dict(r)
                fields.update(
                    {
                        "challenge_rationale": f"{words['challenge']}: the promised change is large against past progress."
                        if r["challenge"] == "H"
                        else f"{words['challenge']}: similar change has been achieved before.",
                        "planning_rationale": "Delivery plan agreed with milestones and a trajectory; "
                        + (
                            "it drives the team's weekly work."
                            if r["planning"] >= 3
                            else "it is not yet used to run the work."
                        ),
                        "capacity_rationale": "Roles along the delivery chain are "
                        + (
                            "clear and the regions are engaged."
                            if r["capacity"] >= 3
                            else "unclear below the regional level."
                        ),
                        "stage_rationale": f"Stage {words['stage']}.",
                        "evidence_rationale": proposal.text
                        if step == 2
                        else f"Evidence judged {words['evidence'].lower()}.",
                        "likelihood_rationale": f"{A.RAG[r['likelihood']][2].capitalize()}.",
                        "key_issues": "Progress is uneven across regions; the weakest two explain most of the gap."
                        if r["likelihood"] <= 2
                        else "Keeping the pace in the regions that are ahead.",
                        "next_steps": "Agree recovery plans with the weakest regions and review them at the next stocktake."
                        if r["likelihood"] <= 2
                        else "Hold the course; check the leading indicators monthly.",
                        "narrative": f"{p.name}: {A.RAG[r['likelihood']][1].lower()} in {rnd.name}. "
                        f"{o.name} is led by {o.leader or 'nobody yet'}.",
                    }
                )
                actions.assess(rnd, o, interface="system", proposal=proposal if step == 2 else None, **fields)
    for rnd in rounds[:2]:
        actions.close_round(rnd, interface="system", reason="Delivery report sent to the Prime Minister")

    say("routine calendar, stocktakes, minutes and actions")
    pm, duhead, manager = people["pm"], people["duhead"], people["manager"]
    stocktake = actions.create_routine(
        name="Prime Minister's stocktake",
        kind=Routine.Kind.STOCKTAKE,
        chair=pm,
        participants=[duhead, manager],
        frequency="eight_weekly",
        starts_on=date(2026, 9, 7),
        priorities=priorities,
        interface="system",
        description="90 minutes with the Prime Minister, the minister and the accountable leader, one priority at a time.",
    )
    actions.schedule_routine(stocktake, start=date(2026, 9, 7), months=12, interface="system")
    note = actions.create_routine(
        name="Monthly note to the Prime Minister",
        kind=Routine.Kind.MONTHLY_NOTE,
        chair=duhead,
        participants=[pm],
        frequency="monthly",
        starts_on=date(2026, 9, 25),
        priorities=priorities,
        one_priority_per_meeting=False,
        interface="system",
    )
    actions.schedule_routine(note, start=date(2026, 9, 25), months=12, interface="system")
    report = actions.create_routine(
        name="Six-monthly delivery report",
        kind=Routine.Kind.DELIVERY_REPORT,
        chair=duhead,
        participants=[pm, manager],
        frequency="six_monthly",
        starts_on=date(2026, 12, 11),
        priorities=priorities,
        one_priority_per_meeting=False,
        interface="system",
    )
    actions.schedule_routine(report, start=date(2026, 12, 11), months=12, interface="system")
    jobs = [p for p in priorities if p.code in ("youth-jobs", "school-attendance")]
    if jobs:
        task_force = actions.create_routine(
            name="Earn or Learn task force",
            kind=Routine.Kind.TASK_FORCE,
            chair=manager,
            participants=[duhead],
            frequency="six_weekly",
            starts_on=date(2026, 10, 5),
            priorities=jobs,
            one_priority_per_meeting=False,
            interface="system",
        )
        actions.schedule_routine(task_force, start=date(2026, 10, 5), months=12, interface="system")

    past = list(
        Meeting.objects.filter(date__lt=today)
        .select_related("routine")
        .prefetch_related("priorities__outcomes__leader")
        .order_by("date", "pk")
    )
    lapsed_one = False
    for i, m in enumerate(past):
        if m.routine.kind == Routine.Kind.STOCKTAKE and not lapsed_one and i > 2:
            lapsed_one = True  # one stocktake that quietly did not happen: routine health must flag it
            continue
        prios = list(m.priorities.all())
        names = ", ".join(p.name for p in prios)
        actions.record_minutes(
            m,
            minutes=f"Reviewed progress on {names} against the trajectory and the latest "
            f"assessment. The minister set out the recovery plan; the Prime Minister "
            f"asked for evidence of change in the weakest regions by the next meeting.",
            interface="system",
        )
        if m.routine.kind not in (Routine.Kind.STOCKTAKE, Routine.Kind.TASK_FORCE):
            continue
        actions.add_decision(m, text=f"Agreed the recovery plan for {prios[0].name}.", interface="system")
        for k in range(2):
            p = prios[k % len(prios)]
            leader = next((o.leader for o in p.outcomes.all() if o.leader), None) or manager
            due = m.date + timedelta(weeks=rng.choice([3, 4, 6, 10]))
            a = actions.create_action(
                priority=p,
                meeting=m,
                owner=leader,
                due=due,
                description=ACTIONS[rng.randrange(len(ACTIONS))],
                today=m.date,
                interface="system",
            )
            if due < today and rng.random() < 0.55:
                actions.close_action(a, note="Done; findings reported to the delivery unit.", interface="system")
    say("routines: 3 assessment rounds, 4 routines, past stocktakes with minutes and actions")
