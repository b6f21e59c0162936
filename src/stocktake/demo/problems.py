"""What the problems app adds to the demo, modelled on the seeds.

- Homicides: an alert rule that opens a level-2 problem for each district it
  finds off track (a district alert), evaluated once so the problem opens.
- A&E waits: the seed 001 (rule 8) and seed 003 story: a level-3 problem,
  its hypothesis tree, and an eight-week priority review with field visits to
  emergency departments, findings ("see and treat" in the best-run
  departments) and a prioritised action plan on the tracker.
- Reading at age 11: a stakeholder map with movement between two placements
  and engagement plans.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from stocktake.accounts.models import Person
from stocktake.architecture.models import Indicator, OrgUnit, Priority
from stocktake.monitoring import actions as monitoring_actions
from stocktake.monitoring import alerts
from stocktake.problems import actions

SYSTEM = "system"
# A district alert that opens a problem: homicides off track four months running.
HOMICIDE_RULE = dict(kind="consecutive", depth=3, worst="off_track", periods=4)
AE_PROBLEM = "A&E: one patient in five waits more than four hours"
AE_REVIEW = "A&E waiting times: priority review"


def _leader(code) -> Person:
    return Priority.objects.get(code=code).outcomes.order_by("rank").first().leader


def extend(seed: int, say) -> None:
    say("problems: a homicide alert opens a problem; the A&E review; the reading coalition")
    manager = Person.objects.get(user__username="manager")
    homicides(manager)
    ae_review(manager)
    reading_map(manager)


def homicides(manager) -> None:
    indicator = Indicator.objects.get(code="homicides")
    rule = monitoring_actions.create_alert_rule(indicator=indicator, interface=SYSTEM, **HOMICIDE_RULE)
    actions.set_alert_option(rule, level=2, owner=_leader("homicides"), interface=SYSTEM)
    alerts.evaluate([indicator.pk], email=False)


def ae_review(manager) -> None:
    priority = Priority.objects.get(code="ae-waits")
    indicator = Indicator.objects.get(code="ae-4h")
    leader = _leader("ae-waits")
    today = timezone.localdate()
    start = today - timedelta(weeks=16)
    problem = actions.open_problem(
        priority=priority,
        indicator=indicator,
        title=AE_PROBLEM,
        description="Monthly data show 20 per cent of patients waiting longer than four hours, sometimes much "
        "longer, a year into the plan; the delivery report asks for a more sustainable approach.",
        owner=leader,
        level=2,
        opened_on=start - timedelta(weeks=2),
        interface=SYSTEM,
    )
    actions.change_level(
        problem,
        3,
        reason="Standard problem solving has not found the cause; the most visible priority to the public.",
        interface=SYSTEM,
    )
    tree = actions.create_tree(
        problem=problem, issue="Why do one in five A&E patients still wait more than four hours?", interface=SYSTEM
    )
    trunk = actions.add_hypothesis(
        tree,
        text="The waits come from how departments run, not from how many patients arrive",
        analysis="Compare the best and worst departments with similar attendances",
        end_product="League table of four-hour performance against attendances",
        sources="Monthly A&E returns; field visits",
        owner=manager,
        interface=SYSTEM,
    )
    triage = actions.add_hypothesis(
        tree,
        parent=trunk,
        text="Minor injuries queue behind urgent cases at triage",
        analysis="Time from arrival to treatment for minor injuries, by department",
        end_product="Waiting-time profile by acuity",
        sources="Patient-level data from six departments",
        owner=manager,
        interface=SYSTEM,
    )
    actions.add_hypothesis(
        tree,
        parent=trunk,
        text="Patients wait for a bed on a ward once a decision to admit is made",
        analysis="Share of breaches after a decision to admit",
        end_product="Breach reasons by stage",
        sources="Breach audits",
        owner=leader,
        interface=SYSTEM,
    )
    demand = actions.add_hypothesis(
        tree,
        text="More patients arrive than departments were built for",
        analysis="Attendance growth against capacity",
        end_product="Attendances per cubicle over five years",
        sources="Hospital returns",
        owner=leader,
        interface=SYSTEM,
    )
    actions.update_hypothesis(
        triage,
        verdict="supported",
        evidence_note="Departments using 'see and treat' at triage had almost no minor-injury breaches.",
        evidence_indicator=indicator,
        interface=SYSTEM,
    )
    actions.update_hypothesis(
        demand,
        verdict="rejected",
        evidence_note="The best and worst departments see the same attendances per cubicle.",
        interface=SYSTEM,
    )
    actions.confirm_mece(
        tree, note="Operations and demand cover the causes; checked with the department.", interface=SYSTEM
    )

    team = [manager, leader, Person.objects.get(user__username="validator")]
    review = actions.create_review(
        priority=priority,
        problem=problem,
        indicator=indicator,
        title=AE_REVIEW,
        terms_of_reference="With the Department of Health: find why waits persist, track the delivery chain down to "
        "the front line, and agree a prioritised action plan within eight weeks.",
        starts_on=start,
        weeks=8,
        lead=manager,
        team=team,
        interface=SYSTEM,
    )
    hospitals = list(OrgUnit.objects.filter(depth=4, code__startswith="R0").order_by("code")[:3])
    visits = [
        (
            "Clinical director, triage nurses, bed manager",
            "'See and treat' in place since spring: minor injuries treated at the triage point and sent home.",
        ),
        (
            "Emergency department consultant, two registrars",
            "Minor injuries wait behind urgent cases; no senior clinician at triage in the evening.",
        ),
        (
            "Chief executive, A&E matron",
            "Strong management: daily breach review at 8am; patients waiting for beds escalated at two hours.",
        ),
    ]
    for week, (hospital, (who, found)) in enumerate(zip(hospitals, visits), start=2):
        actions.add_fieldwork(
            review,
            org_unit=hospital,
            visited_on=start + timedelta(weeks=week),
            who=who,
            findings=found,
            interface=SYSTEM,
        )
    for stage, week in (("evidence", 2), ("fieldwork", 3), ("findings", 6), ("action_plan", 7), ("report", 8)):
        actions.reach_stage(review, stage, on=start + timedelta(weeks=week), interface=SYSTEM)
    for rank, (text, evidence) in enumerate(
        [
            ("Well-performing departments have excellent management and efficient processes.", "Three site visits"),
            ("'See and treat' transforms triage by treating minor injuries at once.", "Breach data from six trusts"),
        ],
        start=1,
    ):
        actions.add_finding(
            review, text=text, evidence=evidence, rank=rank, on=start + timedelta(weeks=6), interface=SYSTEM
        )
    for rank, (text, weeks_due) in enumerate(
        [
            ("Scale up 'see and treat' in every emergency department, fastest first", 10),
            ("Tailored support teams for the 20 departments furthest off track", 8),
            ("Put A&E four-hour performance in hospital star ratings", 12),
            ("An incentive scheme for hospitals on track to meet the target", 14),
        ],
        start=1,
    ):
        actions.add_review_action(
            review,
            description=text,
            owner=leader,
            due=today + timedelta(weeks=weeks_due),
            rank=rank,
            starts_on=start + timedelta(weeks=8),
            interface=SYSTEM,
        )
    actions.set_status(problem, "agreed", interface=SYSTEM)


READING = [
    # name, kind, role, power, support (first review), (power, support) now, interests, objective
    (
        "Teachers' union",
        "organisation",
        "Teachers deliver the daily reading hour",
        5,
        2,
        (5, 3),
        "Workload; professional autonomy",
        "Agree the reading hour fits the timetable without extra marking",
    ),
    (
        "Regional education directors",
        "organisation",
        "Run the school improvement teams",
        4,
        4,
        (4, 5),
        "Their regions' results",
        "Lead the reading drive in their regions",
    ),
    (
        "Minister of Finance",
        "person",
        "Funds the reading books programme",
        5,
        2,
        (5, 2),
        "Value for money",
        "Protect the books budget in the next spending review",
    ),
    (
        "Parents' association",
        "organisation",
        "Reading at home",
        2,
        4,
        (2, 5),
        "Children's progress",
        "Cultivate as visible supporters in every district",
    ),
    (
        "Publishers' council",
        "organisation",
        "Supplies the levelled readers",
        2,
        2,
        (2, 2),
        "Contracts",
        "Keep informed; deliver books on time",
    ),
    (
        "Head teachers' network",
        "organisation",
        "Leads reading in each school",
        4,
        3,
        (4, 4),
        "Inspection outcomes",
        "Bring them onside with the reading data for their schools",
    ),
]


def reading_map(manager) -> None:
    priority = Priority.objects.get(code="reading-11")
    today = timezone.localdate()
    first, second = today - timedelta(weeks=26), today - timedelta(weeks=2)
    for name, kind, role, power, support, now, interests, objective in READING:
        s = actions.add_stakeholder(
            priority=priority,
            name=name,
            kind=kind,
            role=role,
            power=power,
            support=support,
            on=first,
            interests=interests,
            objective=objective,
            current_status="Met at the spring review",
            key_messages="Every child reading well at 11 is the government's first education promise.",
            key_actions="Termly meeting with the minister; reading data shared each month",
            timing="Before each stocktake",
            interface=SYSTEM,
        )
        if now != (power, support):
            actions.move_stakeholder(
                s, power=now[0], support=now[1], on=second, note="Placed again at the autumn review", interface=SYSTEM
            )
        if name == "Teachers' union":
            actions.add_engagement_action(
                s,
                description="Minister meets the teachers' union on the reading hour timetable",
                owner=_leader("reading-11") or manager,
                due=today + timedelta(weeks=3),
                interface=SYSTEM,
            )
