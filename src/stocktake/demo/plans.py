"""What the plans app adds to the demo delivery unit.

Three full plans modelled on the seeds (A&E waits with "see and treat",
minor injury units and walk-in centres; reading at age 11; homicides by
district with weekly crime-data meetings), and two thin ones whose gaps the
rubric's pre-checks catch. The strategies, their leaders and milestones are
in the demo's setup workbook (demo/setup/Strategies.csv, Milestones.csv), as a
government's own plan would be; this part adds what a workbook does not hold:
estimated impacts, delivery chains, risks, rubric ratings and theories of change.
Estimated impacts are written as shares of each target's planned change, so they
fit whatever baseline the demo data gives.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model

from stocktake.accounts.models import Organisation, Person
from stocktake.architecture.models import Indicator, Priority
from stocktake.plans import actions as A

SYS = {"user": None, "interface": "system"}
D = date.fromisoformat

PLANS = {
    "ae-waits": {
        "indicator": "ae-4h",
        "impacts": [
            ("See and treat in every emergency department", 0.32, "2024-07-01", "s_curve", 15),
            ("Minor injury units beside large hospitals", 0.22, "2025-01-01", "linear", 12),
            ("Walk-in centres in town centres", 0.16, "2025-04-01", "linear", 18),
            ("Four-hour standard in hospital performance contracts", 0.25, "2025-04-01", "immediate", 1),
        ],
        "chain": {
            "name": "A&E waits: from the minister to the patient",
            "levels": ["Centre", "Ministry", "Regions", "Hospitals", "Frontline"],
            "actors": [
                ("Minister of Health", 0, 1, "Owns the four-hour commitment; chairs the monthly stocktake", "leader"),
                ("Delivery unit", 0, 1, "Tracks weekly data, runs stocktakes and problem-solving", ""),
                ("Acute Care Directorate", 1, 1, "Designs see and treat; manages trust contracts", ""),
                ("Regional health authorities", 2, 6, "Performance-manage trusts; hold capital", ""),
                ("Hospital trust boards", 3, 96, "Redesign rotas and patient flow", ""),
                ("A&E clinical leads", 3, 96, "Lead see and treat in each department", ""),
                ("Emergency department teams", 4, 96, "Treat, admit or discharge within four hours", "frontline"),
            ],
            "links": [
                (0, 2, "influence", 4),
                (2, 3, "influence", 3),
                (3, 4, "influence", 2),
                (2, 4, "influence", 3),
                (4, 5, "influence", 3),
                (5, 6, "influence", 4),
                (2, 3, "funding", 4),
                (3, 4, "funding", 3),
                (6, 1, "feedback", 3),
                (1, 0, "feedback", 4),
                (4, 2, "feedback", 2),
            ],
        },
        "risks": [
            (
                "Winter surge overwhelms departments",
                4,
                5,
                "Dr Helen Marsh",
                "Escalation plan; winter beds funded in the autumn budget",
                "2026-12-01",
            ),
            (
                "Not enough emergency nurse practitioners for the minor injury units",
                3,
                4,
                "Peter Lindqvist",
                "Fast-track training with nursing schools; agency cover for 12 months",
                "2027-01-15",
            ),
            (
                "Gaming: patients moved to 'clinical decision units' to stop the clock",
                3,
                3,
                "Dr Amelia Okafor",
                "Validator audits of a sample of records every quarter",
                "2026-12-15",
            ),
        ],
        "rubric": [
            ("aspiration", "green", "Clear, public, time-bound."),
            ("strategies", "amber_green", "Coherent; walk-in centres least proven."),
            ("trajectory", "amber_red", "Strategies add up to less than the target."),
            ("delivery_chain", "green", "Drawn to department level."),
            ("leadership", "green", ""),
            ("resources", "amber_green", "Walk-in centres' revenue not yet agreed."),
            ("risks", "amber_green", ""),
            ("feedback_loops", "green", "Weekly data from every department."),
        ],
    },
    "reading-11": {
        "indicator": "reading-age-11",
        "impacts": [
            ("Daily phonics and reading hour", 0.38, "2024-09-01", "s_curve", 6),
            ("Reading coaches for the weakest schools", 0.31, "2025-01-01", "linear", 6),
            ("Catch-up tutoring for 10-year-olds", 0.22, "2025-09-01", "linear", 4),
            ("A library corner in every classroom", 0.09, "2025-04-01", "immediate", 1),
        ],
        "chain": {
            "name": "Reading at 11: from the ministry to the classroom",
            "levels": ["Ministry", "Region", "District", "School", "Classroom"],
            "actors": [
                ("Director, Primary Schools", 0, 1, "Owns the reading target", "leader"),
                ("Regional education offices", 1, 6, "Allocate coaches; run training", ""),
                ("District education officers", 2, 48, "Visit schools; track termly results", ""),
                ("Local authorities", 2, 48, "Fund school libraries and buildings", ""),
                ("Head teachers", 3, 1200, "Timetable the reading hour; support teachers", ""),
                ("Class teachers", 4, 6000, "Teach the reading hour every day", "frontline"),
            ],
            "links": [
                (0, 1, "influence", 4),
                (1, 2, "influence", 3),
                (2, 4, "influence", 3),
                (4, 5, "influence", 4),
                (0, 1, "funding", 4),
                (1, 4, "funding", 3),
                (3, 4, "funding", 2),
                (5, 4, "feedback", 4),
                (4, 2, "feedback", 3),
                (2, 0, "feedback", 3),
            ],
        },
        "risks": [
            (
                "Teacher turnover dilutes phonics training",
                3,
                3,
                "Miriam Osei",
                "Training built into new teachers' induction",
                "2027-01-31",
            ),
            (
                "Tutoring providers cannot reach rural schools",
                2,
                3,
                "Ruth Aboagye",
                "Online tutoring for schools more than an hour from a provider",
                "2026-12-31",
            ),
        ],
        "rubric": [
            ("aspiration", "green", ""),
            ("strategies", "green", "Evidence-based, sequenced."),
            ("trajectory", "green", "Strategies add up to the target."),
            ("delivery_chain", "green", ""),
            ("leadership", "green", ""),
            ("resources", "green", ""),
            ("risks", "amber_green", ""),
            ("feedback_loops", "green", "Termly assessment to the classroom."),
        ],
    },
    "homicides": {
        "indicator": "homicides",
        "impacts": [
            ("Weekly crime-data meetings with district commanders", 0.2, "2024-05-01", "immediate", 1),
            ("Hot-spot policing in the most violent districts", 0.35, "2024-06-01", "linear", 9),
            ("Violence interruption for young men at risk", 0.25, "2025-01-01", "s_curve", 18),
            ("Firearms amnesty and seizure operation", 0.1, "2025-03-01", "linear", 6),
        ],
        "chain": {
            "name": "Homicides: from the Secretary to the street",
            "levels": ["State", "Region", "District", "Street"],
            "actors": [
                ("Secretary for Public Security", 0, 1, "Chairs the weekly meeting", "leader"),
                ("State police command", 0, 1, "Deploys officers", ""),
                ("Ministry of Social Development", 0, 1, "Funds violence interruption", ""),
                ("Regional police commands", 1, 6, "Allocate resources to districts", ""),
                ("District police units", 2, 48, "Patrol hot spots; report daily", ""),
                ("Community organisations", 2, 30, "Employ outreach workers", ""),
                ("Patrol officers and outreach workers", 3, 3000, "Present where violence happens", "frontline"),
            ],
            "links": [
                (0, 1, "influence", 4),
                (1, 3, "influence", 3),
                (3, 4, "influence", 3),
                (1, 4, "influence", 4),
                (4, 6, "influence", 3),
                (0, 2, "influence", 2),
                (2, 5, "influence", 2),
                (5, 6, "influence", 3),
                (2, 5, "funding", 3),
                (1, 4, "funding", 3),
                (4, 0, "feedback", 4),
            ],
        },
        "risks": [
            (
                "Displacement: violence moves to the next street",
                3,
                4,
                "Commander Lucia Ferraz",
                "Hot spots re-mapped monthly; evaluation of displacement",
                "2026-12-31",
            ),
            ("Gang truce collapses", 2, 5, "Carlos Mendes", "", "2026-12-15"),
            (
                "Outreach workers' grants paid late",
                4,
                3,
                "Beatriz Lopes",
                "Quarterly advance payments agreed with the treasury",
                "2026-11-30",
            ),
        ],
        "rubric": [
            ("aspiration", "green", "Halve violent deaths by 2027."),
            ("strategies", "amber_green", ""),
            ("trajectory", "amber_green", "A small gap to close."),
            ("delivery_chain", "amber_green", "Community organisations weakly linked."),
            ("leadership", "green", ""),
            ("resources", "amber_red", "Firearms operation not costed."),
            ("risks", "amber_red", "Gang truce risk has no mitigation."),
            ("feedback_loops", "amber_red", "Nothing comes back from outreach workers."),
        ],
        "toc": {
            "nodes": [
                ("input", "Crime analysts and daily incident data", "moi", None),
                ("input", "Grants for violence interruption", "mosd", None),
                ("activity", "Weekly crime-data meetings", "moi", None),
                ("activity", "Hot-spot patrols", "region-01", None),
                ("activity", "Outreach and mediation", "mosd", None),
                ("output", "Patrol hours in hot spots", "region-01", None),
                ("output", "Young men engaged by outreach workers", "mosd", None),
                ("outcome", "Fewer shootings in hot spots", "moi", None),
                ("impact", "Fewer people killed by violence", "delivery-unit", "homicides"),
                ("assumption", "Communities trust outreach workers", "mosd", None),
                ("external", "Conflict between drug-trafficking groups", None, None),
            ],
            "links": [
                (0, 2, "moi"),
                (2, 5, "moi"),
                (3, 5, "region-01"),
                (1, 4, "mosd"),
                (4, 6, "mosd"),
                (5, 7, "moi"),
                (6, 7, "mosd"),
                (7, 8, "moi"),
            ],
        },
    },
    # Thin plans: the pre-checks should find their gaps.
    "youth-jobs": {
        "indicator": "youth-employment",
        "impacts": [
            ("Apprenticeship levy on large employers", 0.2, "2025-09-01", "linear", 6),
        ],
        "rubric": [("strategies", "amber_green", "Two strategies agreed.")],
    },
    "child-nutrition": {
        "indicator": "stunting",
        "impacts": [],
        "chain": {
            "name": "Child nutrition: ministry to mothers",
            "levels": ["Ministry", "District", "Clinic"],
            "actors": [
                ("Maternal and Child Health Directorate", 0, 1, "", "leader"),
                ("District health teams", 1, 48, "Supervise clinics", ""),
                ("Clinic nurses", 2, 900, "Measure and counsel", "frontline"),
            ],
            "links": [(0, 1, "influence", 3), (1, 2, "influence", 2)],
            "strategy": "Growth monitoring and counselling at every clinic",
        },
    },
}


def _build(priority: Priority, cfg: dict, rater, orgs: dict) -> int:
    indicator = Indicator.objects.get(code=cfg["indicator"])
    target = indicator.targets.filter(org_unit=None).first()
    change = target.target_value - target.baseline_value
    strategies = {s.name: s for s in priority.strategies.all()}  # from the setup workbook
    for name, share, start, ramp, periods in cfg.get("impacts", []):
        A.set_impact(
            strategy=strategies[name],
            indicator=indicator,
            start_date=D(start),
            effect=round(change * share, 4),
            ramp=ramp,
            ramp_periods=periods,
            note="Estimated from pilot evidence and the benchmarks in the target rationale.",
            **SYS,
        )
    chain_cfg = cfg.get("chain")
    if chain_cfg:
        chain = A.create_chain(
            priority=priority,
            name=chain_cfg["name"],
            levels=chain_cfg["levels"],
            strategy=strategies.get(chain_cfg.get("strategy")),
            **SYS,
        )
        actors = [
            A.add_actor(
                chain=chain,
                name=n,
                level=lvl,
                count=count,
                role=role,
                leader=flag == "leader",
                frontline=flag == "frontline",
                **SYS,
            )
            for n, lvl, count, role, flag in chain_cfg["actors"]
        ]
        for u, v, kind, strength in chain_cfg["links"]:
            A.add_link(chain=chain, source=actors[u], target=actors[v], kind=kind, strength=strength, **SYS)
    for title, likelihood, impact, owner, mitigation, review in cfg.get("risks", []):
        A.add_risk(
            priority=priority,
            title=title,
            likelihood=likelihood,
            impact=impact,
            owner=Person.objects.get(name=owner),
            mitigation=mitigation,
            review_date=D(review),
            **SYS,
        )
    for criterion, rating, note in cfg.get("rubric", []):
        A.rate_criterion(
            priority=priority, criterion=criterion, rating=rating, note=note, user=rater, interface="system"
        )
    toc = cfg.get("toc")
    if toc:
        nodes = [
            A.add_toc_node(
                priority=priority,
                stage=stage,
                text=text,
                organisation=orgs.get(org),
                indicator=Indicator.objects.get(code=ind) if ind else None,
                rank=i,
                **SYS,
            )
            for i, (stage, text, org, ind) in enumerate(toc["nodes"])
        ]
        for u, v, org in toc["links"]:
            A.add_toc_link(priority=priority, source=nodes[u], target=nodes[v], organisation=orgs.get(org), **SYS)
    return len(cfg.get("impacts", []))


def extend(seed: int, say) -> None:
    """Called by build.extend after the core government is built, inside its transaction."""
    rater = get_user_model().objects.filter(username="duhead").first()
    orgs = {o.code: o for o in Organisation.objects.all()}
    n = 0
    for code, cfg in PLANS.items():
        priority = Priority.objects.filter(code=code).first()
        if priority is None:
            continue
        n += _build(priority, cfg, rater, orgs)
    say(f"plans: {n} estimated impacts in {len(PLANS)} priorities")
