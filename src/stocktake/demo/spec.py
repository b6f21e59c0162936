"""What the demo government is trying to do, modelled on the seeds' priorities.

Each indicator says how its data behaves: its baseline level, the change the
government promised by the target date, and how much of that change is
actually being achieved (`achieved`): 1.0 is on plan, 0.5 is half-way there,
which is what makes some priorities clearly off track and others on it.
"""

DEMO_PASSWORD = "demo-stocktake-2026"  # every demo account's; demo only

PILLARS = [
    ("health", "Health and care"),
    ("education", "Education and skills"),
    ("safety", "Safety and justice"),
    ("transport", "Transport"),
    ("economy", "Jobs and the economy"),
    ("social", "Social protection and services"),
]

MINISTRIES = {
    "moh": "Ministry of Health",
    "moe": "Ministry of Education",
    "moi": "Ministry of the Interior",
    "mot": "Ministry of Transport",
    "mol": "Ministry of Labour and Enterprise",
    "mosd": "Ministry of Social Development",
}

# A violence-interruption programme in six Central districts, three from January 2025 and three from July 2025,
# built into the generated homicides: in each treated district-month from its start, 4 homicides fewer are
# expected (each would-be homicide is prevented with probability 4 / expected count, drawn from a separate random
# stream so no other generated number changes). The demo evaluation (evaluations/demo.py) must find it.
HOMICIDE_INTERVENTION = {
    "starts": {"R03-D01": "2025-01", "R03-D03": "2025-01", "R03-D04": "2025-01",
               "R03-D02": "2025-07", "R03-D06": "2025-07", "R03-D08": "2025-07"},
    "effect": -4.0,  # homicides per district per month
}

# One entry per priority. Indicators: code, name, unit, direction, frequency, aggregation, depth, behaviour.
PRIORITIES = [
    {
        "code": "ae-waits", "pillar": "health", "tier": "A+", "ministry": "moh",
        "name": "Cut waiting times in emergency departments",
        "outcome": "Patients in A&E are treated, admitted or discharged within four hours",
        "leader": ("Dr Amelia Okafor", "Director General, Acute Care"),
        "indicators": [
            dict(code="ae-4h", name="A&E patients seen within four hours", unit="%", direction="up", frequency="M",
                 aggregation="ratio", ratio_scale=100, depth=4, numerator_label="Attendances within 4 hours",
                 denominator_label="Total attendances", base=76.0, change=19.0, achieved=0.35, spread=6.0,
                 noise=1.6, season=-3.0, size=(4000, 14000), method="staged", stages=[[0.25, 0.15], [0.6, 0.6]],
                 min_value=0, max_value=100, source="Hospital episode returns, monthly"),
            dict(code="ae-attendances", name="A&E attendances", unit="count", direction="down", frequency="M",
                 aggregation="sum", depth=4, kind="contextual", level="leading", base=9000, change=0, achieved=1,
                 spread=0.35, noise=0.04, season=0.08, source="Hospital episode returns, monthly"),
        ],
    },
    {
        "code": "child-nutrition", "pillar": "health", "tier": "A", "ministry": "moh",
        "name": "End child malnutrition",
        "outcome": "Fewer children under five are stunted",
        "leader": ("Grace Mwangi", "Director, Maternal and Child Health"),
        "indicators": [
            dict(code="stunting", name="Children under five who are stunted", unit="%", direction="down", frequency="Q",
                 aggregation="ratio", ratio_scale=100, depth=3, numerator_label="Children measured as stunted",
                 denominator_label="Children measured", base=27.0, change=-7.0, achieved=1.05, spread=5.0, noise=0.8,
                 size=(800, 2500), method="linear", min_value=0, max_value=100, source="Growth monitoring at clinics"),
        ],
    },
    {
        "code": "reading-11", "pillar": "education", "tier": "A+", "ministry": "moe",
        "name": "Every child reads well by age 11",
        "outcome": "More 11-year-olds reach the expected standard in reading",
        "leader": ("Samuel Adeyemi", "Director, Primary Schools"),
        "indicators": [
            dict(code="reading-age-11", name="11-year-olds reaching the expected reading standard", unit="%",
                 direction="up", frequency="Q", aggregation="ratio", ratio_scale=100, depth=3,
                 numerator_label="Pupils at expected standard", denominator_label="Pupils assessed",
                 base=62.0, change=16.0, achieved=0.86, spread=7.0, noise=1.2, size=(1500, 5000), method="s_curve",
                 min_value=0, max_value=100, source="National reading assessment, termly"),
        ],
    },
    {
        "code": "school-attendance", "pillar": "education", "tier": "B", "ministry": "moe",
        "name": "Children in school every day",
        "outcome": "Pupils attend school regularly",
        "leader": ("Nadia Haddad", "Director, School Standards"),
        "indicators": [
            dict(code="attendance", name="School attendance rate", unit="%", direction="up", frequency="M",
                 aggregation="ratio", ratio_scale=100, depth=3, numerator_label="Pupil-days attended",
                 denominator_label="Pupil-days possible", base=88.0, change=5.0, achieved=1.1, spread=3.0, noise=0.5,
                 season=-1.0, size=(200000, 600000), method="linear", min_value=0, max_value=100,
                 source="School registers"),
        ],
    },
    {
        "code": "homicides", "pillar": "safety", "tier": "A+", "ministry": "moi",
        "name": "Halve violent deaths",
        "outcome": "Fewer people are killed by violence in every district",
        "leader": ("Carlos Mendes", "Secretary for Public Security"),
        "indicators": [
            dict(code="homicides", name="Homicides", unit="count", direction="down", frequency="M", aggregation="sum",
                 depth=3, base=9.0, change=-0.35, relative=True, achieved=0.9, region_achieved={"R05": -0.2, "R06": 0.1},
                 spread=0.6, noise=0.0, season=0.1, counts=True, method="linear", min_value=0,
                 source="Police incident records, daily, validated monthly", intervention=HOMICIDE_INTERVENTION),
        ],
    },
    {
        "code": "victimisation", "pillar": "safety", "tier": "A", "ministry": "moi",
        "name": "People feel safe and are safe",
        "outcome": "Fewer adults are victims of crime",
        "leader": ("Ingrid Larsen", "Director, Crime Prevention"),
        "indicators": [
            dict(code="victimisation-rate", name="Adults who were victims of crime in the last 12 months", unit="%",
                 direction="down", frequency="Q", aggregation="ratio", ratio_scale=100, depth=2,
                 numerator_label="Respondents victimised", denominator_label="Respondents", base=21.0, change=-4.0,
                 achieved=0.8, spread=3.0, noise=0.7, size=(1500, 3000), method="linear", min_value=0, max_value=100,
                 source="National crime survey, quarterly"),
        ],
    },
    {
        "code": "rail-punctuality", "pillar": "transport", "tier": "A", "ministry": "mot",
        "name": "Trains that run on time",
        "outcome": "Passengers arrive when the timetable says",
        "leader": ("Thomas Becker", "Director, Rail Services"),
        "indicators": [
            dict(code="rail-ppm", name="Trains arriving on time", unit="%", direction="up", frequency="M",
                 aggregation="ratio", ratio_scale=100, depth=2, numerator_label="Trains on time",
                 denominator_label="Trains planned", base=84.0, change=8.0, achieved=1.0, spread=4.0, noise=1.4,
                 season=-2.0, size=(9000, 20000), method="linear", min_value=0, max_value=100,
                 source="Rail operators' performance returns"),
        ],
    },
    {
        "code": "road-deaths", "pillar": "transport", "tier": "B", "ministry": "mot",
        "name": "Safer roads",
        "outcome": "Fewer people die on the roads",
        "leader": ("Priya Raman", "Director, Road Safety"),
        "indicators": [
            dict(code="road-deaths", name="Road traffic deaths", unit="count", direction="down", frequency="M",
                 aggregation="sum", depth=3, base=5.0, change=-0.25, relative=True, achieved=0.7, spread=0.5, noise=0.0,
                 season=0.08, counts=True, method="linear", min_value=0, source="Police road accident reports"),
        ],
    },
    {
        "code": "youth-jobs", "pillar": "economy", "tier": "A", "ministry": "mol",
        "name": "Jobs for young people",
        "outcome": "More young people are in work",
        "leader": ("Fatima Zahra", "Director, Employment Programmes"),
        "indicators": [
            dict(code="youth-employment", name="Employment rate, people aged 18-24", unit="%", direction="up",
                 frequency="Q", aggregation="ratio", ratio_scale=100, depth=2, numerator_label="Employed aged 18-24",
                 denominator_label="Population aged 18-24 sampled", base=48.0, change=7.0, achieved=0.3, spread=5.0,
                 noise=0.9, size=(3000, 6000), method="linear", min_value=0, max_value=100,
                 source="Labour force survey, quarterly"),
        ],
    },
    {
        "code": "new-business", "pillar": "economy", "tier": "Quick win", "ministry": "mol",
        "name": "Start a business in a day",
        "outcome": "More new businesses are registered",
        "leader": ("Oliver Grant", "Registrar of Companies"),
        "indicators": [
            dict(code="business-registrations", name="New business registrations", unit="count", direction="up",
                 frequency="M", aggregation="sum", depth=3, base=120.0, change=0.3, relative=True, achieved=1.3,
                 spread=0.5, noise=0.08, season=0.05, counts=True, method="linear", min_value=0,
                 source="Companies registry"),
        ],
    },
    {
        "code": "safe-water", "pillar": "social", "tier": "A", "ministry": "mosd",
        "name": "Safe water for every household",
        "outcome": "More households have safely managed drinking water",
        "leader": ("Joseph Kariuki", "Director, Water and Sanitation"),
        "indicators": [
            dict(code="safe-water", name="Households with safely managed drinking water", unit="%", direction="up",
                 frequency="Q", aggregation="ratio", ratio_scale=100, depth=3, numerator_label="Households served",
                 denominator_label="Households", base=64.0, change=14.0, achieved=0.92, spread=9.0, noise=0.6,
                 size=(20000, 60000), method="linear", min_value=0, max_value=100, source="Utility connection records"),
        ],
    },
    {
        "code": "birth-registration", "pillar": "social", "tier": "B", "ministry": "mosd",
        "name": "Every birth registered",
        "outcome": "Every child has a legal identity from birth",
        "leader": None,  # deliberately missing: the portfolio flags an outcome with no accountable leader
        "indicators": [
            dict(code="birth-registration", name="Births registered within 30 days", unit="%", direction="up",
                 frequency="M", aggregation="ratio", ratio_scale=100, depth=3, numerator_label="Births registered in time",
                 denominator_label="Births notified", base=71.0, change=17.0, achieved=0.55, spread=8.0, noise=1.5,
                 size=(300, 1200), method="linear", min_value=0, max_value=100, source="Civil registry"),
        ],
    },
]

TIERS = [("A+", "W", 0, "Head of government's top priorities: reviewed weekly."),
         ("A", "M", 1, "Reviewed monthly by the delivery unit."),
         ("B", "Q", 2, "Reviewed quarterly."),
         ("Quick win", "M", 3, "Short, visible wins, tracked monthly until done.")]

REGIONS = ["Northern", "Eastern", "Central", "Western", "Southern", "Coastal"]
DISTRICTS_PER_REGION = 8
HOSPITALS_PER_DISTRICT = 2

BASELINE = "2024-03"
TARGET = "2027-03"
FIRST_PERIOD = "2023-01"
LAST_PERIOD = "2026-10"
# Values not sent yet for the last period, by indicator: these units' data is late (the freshness page, reminders).
WITHHELD = {"homicides": ("R03-D02", "R03-D05", "R05-D07")}
