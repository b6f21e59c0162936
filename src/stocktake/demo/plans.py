"""What the plans app adds to the demo delivery unit.

Three full plans modelled on the seeds (A&E waits with "see and treat",
minor injury units and walk-in centres; reading at age 11; homicides by
district with weekly crime-data meetings), and two thin ones whose gaps the
rubric's pre-checks catch. Estimated impacts are written as shares of each
target's planned change, so they fit whatever baseline the demo data gives.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model

from stocktake.accounts import actions as accounts_actions
from stocktake.accounts.models import Organisation, Person
from stocktake.architecture.models import Indicator, Priority
from stocktake.plans import actions as A

SYS = {"user": None, "interface": "system"}
D = date.fromisoformat

PLANS = {
    "ae-waits": {
        "indicator": "ae-4h",
        "strategies": [
            dict(
                name="See and treat in every emergency department",
                description="A senior clinician sees minor cases on arrival and treats and discharges them at once, "
                "instead of queueing them behind major cases.",
                rationale="Pilots cut waits for minor cases from hours to minutes; minor cases are half of attendances.",
                scale="All 96 emergency departments, in three waves by region.",
                resources="Training for 400 senior nurses; rota changes; no new buildings.",
                cost=45_000_000,
                success="Every department runs see and treat at least 12 hours a day by March 2026.",
                leader=("Dr Helen Marsh", "National Clinical Director for Emergency Care"),
                impact_text="The largest single gain, arriving as departments adopt the model.",
                impact=5,
                difficulty=2,
                share=0.32,
                start="2024-07-01",
                ramp="s_curve",
                periods=15,
                milestones=[
                    (
                        "Pilot in 6 departments evaluated",
                        "2024-10-31",
                        "done",
                        "2024-10-20",
                        "Evaluation report: minor-case waits down 71%",
                    ),
                    (
                        "Wave 1: Northern and Eastern regions live",
                        "2025-03-31",
                        "done",
                        "2025-04-14",
                        "Regional sitreps, April 2025",
                    ),
                    ("Wave 2: Central and Western regions live", "2025-09-30", "done", "2025-09-26", ""),
                    ("Wave 3: remaining regions live", "2026-03-31", "on_track", None, ""),
                    ("12-hour cover in every department", "2026-12-31", "at_risk", None, ""),
                ],
            ),
            dict(
                name="Minor injury units beside large hospitals",
                description="Nurse-led units for sprains, cuts and minor fractures, diverting walk-in patients from A&E.",
                rationale="A third of attendances at the largest hospitals are minor injuries.",
                scale="24 units at the busiest sites.",
                resources="Capital for 24 units; 180 emergency nurse practitioners.",
                cost=80_000_000,
                success="24 units open, seeing 15% of former A&E minor-injury patients, by June 2026.",
                leader=("Peter Lindqvist", "Director of Urgent Care Estates"),
                impact=4,
                difficulty=3,
                share=0.22,
                start="2025-01-01",
                ramp="linear",
                periods=12,
                milestones=[
                    ("Sites chosen and capital approved", "2024-11-30", "done", "2024-11-28", "Treasury letter"),
                    ("First 12 units open", "2025-09-30", "done", "2025-10-31", "Opening list"),
                    ("All 24 units open", "2026-06-30", "on_track", None, ""),
                ],
            ),
            dict(
                name="Walk-in centres in town centres",
                description="GP-led walk-in centres open 8am to 8pm, so people with minor illness need not go to A&E.",
                rationale="Surveys show a quarter of A&E patients came because their GP was closed.",
                scale="40 centres in towns with the highest A&E use per head.",
                resources="Contracts with GP practices; leases.",
                cost=120_000_000,
                success="40 centres open by March 2027, each seeing 100 patients a day.",
                leader=("Sunita Rao", "Director of Primary Care"),
                impact=3,
                difficulty=4,
                share=0.16,
                start="2025-04-01",
                ramp="linear",
                periods=18,
                milestones=[
                    ("Procurement of providers complete", "2025-02-28", "done", "2025-03-20", ""),
                    ("First 20 centres open", "2026-05-31", "on_track", None, ""),
                    ("All 40 centres open", "2027-03-31", "not_started", None, ""),
                ],
            ),
            dict(
                name="Four-hour standard in hospital performance contracts",
                description="The four-hour standard written into every trust's contract, with weekly data to the "
                "delivery unit and monthly stocktakes for the worst performers.",
                rationale="What gets measured weekly at the top gets managed at the front line.",
                scale="Every acute trust.",
                resources="Contract variations; a weekly data feed.",
                cost=2_000_000,
                success="Every trust reports weekly; the worst ten are in stocktakes monthly.",
                leader=("Dr Amelia Okafor", None),
                impact=4,
                difficulty=1,
                share=0.25,
                start="2025-04-01",
                ramp="immediate",
                periods=1,
                milestones=[("Contract variation signed by every trust", "2025-03-31", "done", "2025-03-31", "")],
            ),
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
        "strategies": [
            dict(
                name="Daily phonics and reading hour",
                description="A structured reading hour every day in every primary school, with a phonics programme for "
                "the first three years.",
                rationale="Systematic phonics has the strongest evidence of any early reading intervention.",
                scale="All 1,200 primary schools.",
                resources="Programme licences; two days' training per teacher.",
                cost=30_000_000,
                success="Every school teaching the hour, checked by inspectors, by July 2025.",
                leader=("Miriam Osei", "Head of Literacy, Ministry of Education"),
                impact=5,
                difficulty=2,
                share=0.38,
                start="2024-09-01",
                ramp="s_curve",
                periods=6,
                milestones=[
                    ("Programme chosen and licensed", "2024-06-30", "done", "2024-06-12", "Contract"),
                    ("All teachers trained", "2024-12-31", "done", "2025-01-31", "Training register"),
                    (
                        "Inspectors confirm the hour in 95% of schools",
                        "2025-07-31",
                        "done",
                        "2025-07-20",
                        "Inspection sample of 240 schools",
                    ),
                ],
            ),
            dict(
                name="Reading coaches for the weakest schools",
                description="An expert reading coach works two days a week in each of the 300 lowest-attaining schools.",
                rationale="Coaching changes classroom practice where training alone does not.",
                scale="300 schools, 150 coaches.",
                resources="150 coaches for three years.",
                cost=55_000_000,
                success="Attainment in the 300 schools rises twice as fast as elsewhere.",
                leader=("Daniel Kim", "Director, School Improvement"),
                impact=4,
                difficulty=3,
                share=0.31,
                start="2025-01-01",
                ramp="linear",
                periods=6,
                milestones=[
                    ("150 coaches recruited", "2024-12-15", "done", "2024-12-10", ""),
                    ("Coaches in all 300 schools", "2025-04-30", "done", "2025-04-28", ""),
                    (
                        "Mid-point review of coached schools",
                        "2026-09-30",
                        "done",
                        "2026-10-05",
                        "Review paper to the stocktake",
                    ),
                ],
            ),
            dict(
                name="Catch-up tutoring for 10-year-olds",
                description="Small-group tutoring, three times a week for a term, for every 10-year-old reading below "
                "the expected standard.",
                rationale="Catches the children who would otherwise miss the standard at 11.",
                scale="About 40,000 pupils a year.",
                resources="Tutoring providers; a screening check.",
                cost=40_000_000,
                success="Two thirds of tutored pupils reach the standard by 11.",
                leader=("Ruth Aboagye", "Director, Pupil Support"),
                impact=3,
                difficulty=3,
                share=0.22,
                start="2025-09-01",
                ramp="linear",
                periods=4,
                milestones=[
                    ("Screening check in every school", "2025-06-30", "done", "2025-06-30", ""),
                    ("First tutoring term complete", "2025-12-20", "done", "2025-12-19", ""),
                    ("Second cohort tutored", "2026-12-20", "on_track", None, ""),
                ],
            ),
            dict(
                name="A library corner in every classroom",
                description="Forty new books chosen by teachers for every primary classroom.",
                rationale="Children who read for pleasure read better; many homes have no books.",
                scale="8,000 classrooms.",
                resources="320,000 books.",
                cost=6_000_000,
                success="Every classroom stocked by April 2025.",
                leader=("Miriam Osei", None),
                impact=2,
                difficulty=1,
                share=0.09,
                start="2025-04-01",
                ramp="immediate",
                periods=1,
                milestones=[("Books delivered to every school", "2025-03-31", "done", "2025-03-25", "Delivery notes")],
            ),
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
        "strategies": [
            dict(
                name="Weekly crime-data meetings with district commanders",
                description="Every Monday the Secretary reviews last week's killings district by district with the "
                "commanders and agrees actions, as Pernambuco's Pacto pela Vida did.",
                rationale="Daily, validated data and weekly accountability changed police deployment within months.",
                scale="All 48 districts.",
                resources="A crime analysis team of 12; daily incident data.",
                cost=3_000_000,
                success="Every district reviewed weekly; actions followed up the next week.",
                leader=("Carlos Mendes", None),
                impact=4,
                difficulty=2,
                share=0.2,
                start="2024-05-01",
                ramp="immediate",
                periods=1,
                milestones=[
                    ("Daily incident data from every district", "2024-04-30", "done", "2024-04-30", ""),
                    ("First weekly meeting held", "2024-05-06", "done", "2024-05-06", "Minutes"),
                ],
            ),
            dict(
                name="Hot-spot policing in the most violent districts",
                description="Patrols concentrated on the streets and hours where killings cluster.",
                rationale="Most homicides happen in a few places at a few times.",
                scale="12 districts, about 300 hot spots.",
                resources="600 officers redeployed; crime mapping.",
                cost=25_000_000,
                success="Killings in hot spots down by half by March 2026.",
                leader=("Commander Lucia Ferraz", "Head of Operations, State Police"),
                impact=5,
                difficulty=3,
                share=0.35,
                start="2024-06-01",
                ramp="linear",
                periods=9,
                milestones=[
                    ("Hot spots mapped", "2024-05-31", "done", "2024-05-30", "Hot-spot map"),
                    ("Officers redeployed in all 12 districts", "2024-12-31", "done", "2025-02-15", ""),
                    ("Independent evaluation of displacement", "2026-08-31", "on_track", None, ""),
                ],
            ),
            dict(
                name="Violence interruption for young men at risk",
                description="Outreach workers from the community mediate disputes before they turn lethal.",
                rationale="Cure Violence sites cut shootings by 30-60% in evaluated cities.",
                scale="8 districts; 120 outreach workers.",
                resources="Grants to community organisations.",
                cost=18_000_000,
                success="120 workers active; 1,500 young men engaged a year.",
                leader=("Beatriz Lopes", "Director, Youth and Communities, Ministry of Social Development"),
                impact=4,
                difficulty=4,
                share=0.25,
                start="2025-01-01",
                ramp="s_curve",
                periods=18,
                milestones=[
                    ("Grants awarded to community organisations", "2024-11-30", "done", "2024-12-20", ""),
                    ("120 outreach workers trained", "2025-06-30", "done", "2025-08-31", ""),
                    ("Programme in all 8 districts", "2026-03-31", "at_risk", None, ""),
                ],
            ),
            dict(
                name="Firearms amnesty and seizure operation",
                description="A six-month amnesty followed by targeted seizure of illegal guns.",
                rationale="Three in four homicides are by firearm.",
                scale="National.",
                resources="Collection points; forensic capacity.",
                cost=None,
                success="20,000 illegal firearms out of circulation.",
                leader=("Commander Lucia Ferraz", None),
                impact=3,
                difficulty=3,
                share=0.1,
                start="2025-03-01",
                ramp="linear",
                periods=6,
                milestones=[("Amnesty announced", "2025-02-28", "done", "2025-02-27", "")],
            ),
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
        "strategies": [
            dict(
                name="Apprenticeship levy on large employers",
                description="Employers with more than 250 staff fund apprenticeships.",
                cost=None,
                success="",
                leader=None,
                impact=3,
                difficulty=4,
                share=0.2,
                start="2025-09-01",
                ramp="linear",
                periods=6,
                milestones=[],
            ),
            dict(
                name="Job-search coaching in every employment office",
                description="Weekly coaching for young jobseekers.",
                cost=12_000_000,
                success="Every young jobseeker coached weekly.",
                leader=("Fatima Zahra", None),
                impact=2,
                difficulty=2,
                share=None,
                milestones=[("Coaches in every office", "2026-01-31", "on_track", None, "")],
            ),
        ],
        "rubric": [("strategies", "amber_green", "Two strategies agreed.")],
    },
    "child-nutrition": {
        "indicator": "stunting",
        "strategies": [
            dict(
                name="Growth monitoring and counselling at every clinic",
                description="Every child under two weighed and measured monthly; mothers counselled.",
                cost=9_000_000,
                success="95% of under-twos measured monthly.",
                leader=("Grace Mwangi", None),
                impact=4,
                difficulty=2,
                share=None,
                milestones=[
                    ("Scales and boards in every clinic", "2025-06-30", "done", "2025-07-15", ""),
                    ("Counsellors trained", "2026-06-30", "on_track", None, ""),
                ],
            ),
        ],
        "chain": {
            "name": "Child nutrition: ministry to mothers",
            "levels": ["Ministry", "District", "Clinic"],
            "actors": [
                ("Maternal and Child Health Directorate", 0, 1, "", "leader"),
                ("District health teams", 1, 48, "Supervise clinics", ""),
                ("Clinic nurses", 2, 900, "Measure and counsel", "frontline"),
            ],
            "links": [(0, 1, "influence", 3), (1, 2, "influence", 2)],
            "strategy": 0,
        },
    },
}


def _person(name_title, default_org, cache, fallback=None):
    if not name_title:
        return None
    name, title = name_title
    if name in cache:
        return cache[name]
    person = Person.objects.filter(name=name).first() or fallback
    if person is None or person.name != name:
        person = accounts_actions.create_person(
            name=name,
            title=title or "",
            role=Person.Role.ACCOUNTABLE_LEADER,
            organisation=default_org,
            interface="system",
        )
    cache[name] = person
    return person


def _build(priority: Priority, cfg: dict, rater, orgs: dict) -> int:
    indicator = Indicator.objects.get(code=cfg["indicator"])
    target = indicator.targets.filter(org_unit=None).first()
    change = target.target_value - target.baseline_value
    people: dict = {}
    strategies = []
    for rank, s in enumerate(cfg["strategies"]):
        leader = _person(s.get("leader"), priority.lead_organisation, people)
        strategy = A.create_strategy(
            priority=priority,
            name=s["name"],
            leaders=[leader] if leader else [],
            outcomes=list(priority.outcomes.all()),
            description=s.get("description", ""),
            rationale=s.get("rationale", ""),
            scale=s.get("scale", ""),
            resources=s.get("resources", ""),
            cost=s.get("cost"),
            definition_of_success=s.get("success", ""),
            estimated_impact=s.get("impact_text", ""),
            impact_score=s.get("impact"),
            difficulty_score=s.get("difficulty"),
            rank=rank,
            **SYS,
        )
        strategies.append(strategy)
        if s.get("share") is not None:
            A.set_impact(
                strategy=strategy,
                indicator=indicator,
                start_date=D(s["start"]),
                effect=round(change * s["share"], 4),
                ramp=s["ramp"],
                ramp_periods=s["periods"],
                note="Estimated from pilot evidence and the benchmarks in the target rationale.",
                **SYS,
            )
        for name, due, status, done, evidence in s.get("milestones", []):
            A.add_milestone(
                strategy=strategy,
                name=name,
                due_date=D(due),
                status=status,
                completed_on=D(done) if done else None,
                evidence=evidence,
                owner=leader,
                **SYS,
            )
    chain_cfg = cfg.get("chain")
    if chain_cfg:
        chain = A.create_chain(
            priority=priority,
            name=chain_cfg["name"],
            levels=chain_cfg["levels"],
            strategy=strategies[chain_cfg["strategy"]] if "strategy" in chain_cfg else None,
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
            owner=_person((owner, None), priority.lead_organisation, people),
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
    return len(strategies)


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
    say(f"plans: {n} strategies in {len(PLANS)} priorities")
