"""Build the demo delivery unit. Deterministic: the same seed gives the same government."""

from __future__ import annotations

import math
import random
from datetime import date

from django.db import transaction

from stocktake.accounts import actions as accounts_actions
from stocktake.accounts.models import Organisation, Person
from stocktake.architecture import actions as architecture_actions
from stocktake.architecture.models import (
    Indicator,
    OrgUnit,
    Period,
    Priority,
)
from stocktake.delivery import periods as P
from stocktake.delivery import trajectory as T
from stocktake.delivery.rollup import Accumulator
from stocktake.monitoring import actions as monitoring_actions
from stocktake.monitoring.models import DataValue

from . import accounts as demo_accounts
from . import collection as demo_collection
from . import evaluations as demo_evaluations
from . import incentives as demo_incentives
from . import monitoring as demo_monitoring
from . import plans as demo_plans
from . import problems as demo_problems
from . import routines as demo_routines
from . import spec
from .spec import DEMO_PASSWORD

# username, person name, role, organisation code (None: the delivery unit)
DEMO_USERS = [
    ("admin", "Delivery Unit Administrator", "delivery_unit_head", None),
    ("pm", "Prime Minister Helena Voss", "head_of_government", None),
    ("duhead", "Rafael Ortiz", "delivery_unit_head", None),
    ("manager", "Aisha Bello", "priority_manager", None),
    ("validator", "Kenji Watanabe", "information_validator", None),
    ("health-data", "Lucy Chen", "data_lead", "moh"),
    ("education-data", "Marco Rossi", "data_lead", "moe"),
    ("interior-data", "Ana Souza", "data_lead", "moi"),
    ("observer", "Treasury Observer", "observer", None),
]

_SYLLABLES_A = [
    "Al",
    "Bar",
    "Cal",
    "Dor",
    "El",
    "Fen",
    "Gar",
    "Hal",
    "Ir",
    "Kel",
    "Lan",
    "Mar",
    "Nor",
    "Ol",
    "Pen",
    "Ros",
    "Sal",
    "Tor",
    "Ul",
    "Ver",
    "Wes",
    "Yar",
    "Zan",
    "Ash",
    "Bel",
    "Cor",
    "Dun",
    "Eb",
]
_SYLLABLES_B = [
    "bridge",
    "ford",
    "ton",
    "mouth",
    "field",
    "wick",
    "by",
    "dale",
    "stead",
    "haven",
    "more",
    "combe",
    "worth",
    "ham",
    "ley",
    "port",
    "well",
    "brook",
]


class DemoExists(Exception):
    pass


def _district_names(rng: random.Random, n: int) -> list[str]:
    names: list[str] = []
    while len(names) < n:
        name = rng.choice(_SYLLABLES_A) + rng.choice(_SYLLABLES_B)
        if name not in names:
            names.append(name)
    return names


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 40:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _prevented(rng: random.Random, count: int, lam: float, effect: float) -> int:
    """Thin a Poisson(lam) count so that it is Poisson(lam + effect): an expected `effect` (< 0) fewer events.

    Keeping each event with probability 1 + effect / lam makes the kept count Poisson(lam + effect)
    exactly, as long as lam >= -effect (else every event is prevented).
    """
    keep = max(0.0, 1.0 + effect / lam) if lam > 0 else 0.0
    return sum(1 for _ in range(count) if rng.random() < keep)


def _seasonal(d: date) -> float:
    """+1 in January, -1 in July: winter pressure on hospitals, summer on roads and violence."""
    return math.cos(2 * math.pi * (d.month - 1) / 12)


SYSTEM = "system"  # the interface every demo write is audited under


def _unit(**fields) -> OrgUnit:
    return architecture_actions.create_org_unit(interface=SYSTEM, **fields)


def build_org_units(rng: random.Random, organisations: dict) -> dict[int, list[OrgUnit]]:
    for depth, name in [(1, "Nation"), (2, "Region"), (3, "District"), (4, "Facility")]:
        architecture_actions.create_org_unit_level(depth=depth, name=name, interface=SYSTEM)
    nation = _unit(code="NAT", name="Republic of Meridia")
    by_depth = {1: [nation], 2: [], 3: [], 4: []}
    names = _district_names(rng, len(spec.REGIONS) * spec.DISTRICTS_PER_REGION)
    for r, region_name in enumerate(spec.REGIONS, start=1):
        region = _unit(
            code=f"R{r:02d}", name=f"{region_name} Region", parent=nation, organisation=organisations[f"region-{r:02d}"]
        )
        by_depth[2].append(region)
        for d in range(1, spec.DISTRICTS_PER_REGION + 1):
            dname = names.pop(0)
            district = _unit(code=f"R{r:02d}-D{d:02d}", name=dname, parent=region)
            by_depth[3].append(district)
            for h in range(1, spec.HOSPITALS_PER_DISTRICT + 1):
                kind = "General Hospital" if h == 1 else "Community Hospital"
                by_depth[4].append(_unit(code=f"R{r:02d}-D{d:02d}-H{h}", name=f"{dname} {kind}", parent=district))
    return by_depth


def build_people(organisations: dict) -> None:
    centre = organisations["delivery-unit"]
    for username, name, role, org in DEMO_USERS:
        first, _, last = name.rpartition(" ")
        account = accounts_actions.create_account(
            username=username,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            email=f"{username}@demo.stocktake.invalid",
            superuser=username == "admin",
            interface=SYSTEM,
        )
        accounts_actions.create_person(
            name=name,
            role=role,
            organisation=organisations[org] if org else centre,
            account=account,
            email=account.email,
            interface=SYSTEM,
        )


def withheld_ids(withheld, units: list[OrgUnit], periods: dict) -> set[tuple[int, int]]:
    """(unit id, period id) of the last period's values some units have not sent yet (spec.WITHHELD)."""
    if not withheld:
        return set()
    last = periods[sorted(periods)[-1]].pk
    return {(u.pk, last) for u in units if u.code in withheld}


def _progress(d: date, baseline: date, target: date, method: str, stages) -> float:
    x = (d - baseline).days / (target - baseline).days
    return T.fraction_of_change(x, method, [tuple(s) for s in stages]) if x > 0 else 0.0


def generate_values(
    rng: random.Random, ind: Indicator, cfg: dict, units: list[OrgUnit], period_objs: dict, baseline: date, target: date
) -> list[dict]:
    last_codes = sorted(period_objs)[-2:]
    starts = cfg.get("intervention", {}).get("starts", {})
    # The built-in effect draws from its own stream: the main one, and so every other number, is unchanged.
    effect_rng = random.Random(f"{ind.code}-intervention")
    rows = []
    for unit in units:
        region_code = unit.code[:3]
        achieved = cfg.get("region_achieved", {}).get(region_code, cfg["achieved"])
        achieved += rng.gauss(0, 0.08)
        offset = rng.gauss(0, cfg["spread"])
        factor = math.exp(rng.gauss(0, cfg["spread"])) if cfg["aggregation"] == "sum" else 1.0
        size = rng.uniform(*cfg["size"]) if "size" in cfg else None
        ar = 0.0
        for code, period in sorted(period_objs.items()):
            end = period.end
            x = _progress(end, baseline, target, cfg.get("method", "linear"), cfg.get("stages", []))
            ar = 0.6 * ar + rng.gauss(0, 1)
            season = cfg.get("season", 0.0) * _seasonal(end)
            state = (
                DataValue.State.SUBMITTED
                if code == last_codes[-1]
                else DataValue.State.VALIDATED
                if code in last_codes
                else DataValue.State.PUBLISHED
            )
            row = {
                "indicator_id": ind.pk,
                "org_unit_id": unit.pk,
                "period_id": period.pk,
                "disaggregation": "",
                "value": None,
                "numerator": None,
                "denominator": None,
                "comment": "",
                "state": state,
            }
            if cfg["aggregation"] == "ratio":
                pct = cfg["base"] + offset + achieved * cfg["change"] * x + season + cfg["noise"] * ar
                pct = min(99.0, max(1.0, pct))
                den = round(size * (1 + 0.05 * rng.gauss(0, 1)) * (1 + 0.05 * _seasonal(end)))
                row["denominator"] = float(den)
                row["numerator"] = float(round(den * pct / 100))
            elif cfg.get("counts"):
                change = cfg["change"] if cfg.get("relative") else cfg["change"] / cfg["base"]
                lam = cfg["base"] * factor * (1 + achieved * change * x) * (1 + season)
                count = _poisson(rng, lam)
                start = starts.get(unit.code)
                if start is not None and code >= start:
                    count = _prevented(effect_rng, count, lam, cfg["intervention"]["effect"])
                row["value"] = float(count)
            else:
                row["value"] = float(round(cfg["base"] * factor * (1 + season + cfg["noise"] * ar)))
            rows.append(row)
    return rows


def national_baseline(ind: Indicator, rows: list[dict], baseline_period_ids: list[int]) -> float:
    """What a delivery unit would take as the baseline: the national figure at the baseline.

    Counts are noisy month to month, so their baseline is the mean of the
    periods given (the year to the baseline); ratios use the baseline period.
    """
    per_period: dict[int, Accumulator] = {}
    for r in rows:
        if r["period_id"] in baseline_period_ids:
            per_period.setdefault(r["period_id"], Accumulator()).add(r["value"], r["numerator"], r["denominator"])
    values = [acc.result(ind.aggregation, ind.ratio_scale) for acc in per_period.values()]
    return sum(values) / len(values)


# Each capability app's part of the demo (plans, routines, funds, ...) is a module
# here named after the app, run in this order after the core government exists.
# They live here, above the apps, because a part may use several apps at once
# (the fund's part imports corrected values through collection).
EXTENSIONS = [
    demo_accounts,
    demo_collection,
    demo_monitoring,
    demo_plans,
    demo_routines,
    demo_incentives,
    demo_evaluations,
    demo_problems,
]


def extend(seed: int, say) -> None:
    for part in EXTENSIONS:
        part.extend(seed, say)


@transaction.atomic
def build(seed: int = 2026, progress=None) -> dict:
    if Priority.objects.exists() or OrgUnit.objects.exists():
        raise DemoExists("the database already holds delivery data; run `stocktake demo --reset` to replace it")
    say = progress or (lambda msg: None)
    rng = random.Random(seed)

    def organisation(code, name, kind, parent=None):
        organisations[code] = accounts_actions.create_organisation(
            code=code, name=name, kind=kind, parent=parent, interface=SYSTEM
        )

    organisations: dict = {}
    organisation("delivery-unit", "Prime Minister's Delivery Unit", Organisation.Kind.CENTRE)
    for code, name in spec.MINISTRIES.items():
        organisation(code, name, Organisation.Kind.MINISTRY)
    for r, region in enumerate(spec.REGIONS, start=1):
        organisation(f"region-{r:02d}", f"{region} Regional Government", Organisation.Kind.SUBNATIONAL)
    organisation("rail-operator", "Meridia Rail", Organisation.Kind.PROVIDER, parent=organisations["mot"])

    say("org units")
    units = build_org_units(rng, organisations)
    say("people and demo accounts")
    build_people(organisations)

    tiers = {
        name: architecture_actions.create_tier(
            name=name, monitoring_frequency=freq, rank=rank, description=desc, interface=SYSTEM
        )
        for name, freq, rank, desc in spec.TIERS
    }
    pillars = {
        code: architecture_actions.create_pillar(code=code, name=name, rank=i, interface=SYSTEM)
        for i, (code, name) in enumerate(spec.PILLARS)
    }

    baseline_month = P.parse(spec.BASELINE)
    target_month = P.parse(spec.TARGET)
    first, last = P.parse(spec.FIRST_PERIOD), P.parse(spec.LAST_PERIOD)
    baseline_date, target_date = baseline_month.end, target_month.end
    period_cache: dict[str, dict[str, Period]] = {}

    total = 0
    for rank, pcfg in enumerate(spec.PRIORITIES):
        say(f"priority: {pcfg['name']}")
        ministry = organisations[pcfg["ministry"]]
        priority = architecture_actions.create_priority(
            pillar=pillars[pcfg["pillar"]],
            code=pcfg["code"],
            name=pcfg["name"],
            tier=tiers[pcfg["tier"]],
            lead_organisation=ministry,
            published=rank % 3 != 2,
            rank=rank,
            interface=SYSTEM,
        )
        leader = None
        if pcfg["leader"]:
            leader = accounts_actions.create_person(
                name=pcfg["leader"][0],
                title=f"{pcfg['leader'][1]}, {ministry.name}",
                role=Person.Role.ACCOUNTABLE_LEADER,
                organisation=ministry,
                interface=SYSTEM,
            )
        outcome = architecture_actions.create_outcome(
            priority=priority, code=f"{pcfg['code']}-outcome", name=pcfg["outcome"], leader=leader, interface=SYSTEM
        )
        for irank, cfg in enumerate(pcfg["indicators"]):
            ind = architecture_actions.create_indicator(
                outcome=outcome,
                code=cfg["code"],
                name=cfg["name"],
                unit=cfg["unit"],
                direction=cfg["direction"],
                frequency=cfg["frequency"],
                aggregation=cfg["aggregation"],
                ratio_scale=cfg.get("ratio_scale", 1),
                numerator_label=cfg.get("numerator_label", ""),
                denominator_label=cfg.get("denominator_label", ""),
                report_depth=cfg["depth"],
                kind=cfg.get("kind", "performance"),
                level=cfg.get("level", "outcome"),
                data_source=cfg.get("source", ""),
                min_value=cfg.get("min_value"),
                max_value=cfg.get("max_value"),
                decimals=1 if cfg["unit"] == "%" else 0,
                rank=irank,
                meaningful=True,
                moveable=cfg.get("kind", "performance") == "performance",
                measurable=True,
                interface=SYSTEM,
            )
            kind = cfg["frequency"]
            if kind not in period_cache:
                # only periods that have ended by the last reported month: no data from the future
                period_cache[kind] = {
                    p.code: architecture_actions.ensure_period(p)
                    for p in P.between(kind, first.start, last.end)
                    if p.end <= last.end
                }
            periods = period_cache[kind]
            rows = generate_values(rng, ind, cfg, units[cfg["depth"]], periods, baseline_date, target_date)
            withheld = spec.WITHHELD.get(cfg["code"], ())  # not sent yet: the demo's late data
            monitoring_actions.record_values(
                [
                    r
                    for r in rows
                    if (r["org_unit_id"], r["period_id"]) not in withheld_ids(withheld, units[cfg["depth"]], periods)
                ],
                interface="system",
                source="demo",
            )
            total += len(rows)
            if ind.kind != Indicator.Kind.PERFORMANCE:
                continue
            year_to_baseline = [
                p.pk for code, p in periods.items() if baseline_date - date.resolution * 365 < p.end <= baseline_date
            ]
            base_ids = year_to_baseline if cfg.get("counts") else [periods[P.containing(kind, baseline_date).code].pk]
            base_value = national_baseline(ind, rows, base_ids)
            change = cfg["change"] * (base_value if cfg.get("relative") else 1)
            digits = ind.decimals
            architecture_actions.create_target(
                indicator=ind,
                baseline_value=round(base_value, digits),
                baseline_date=baseline_date,
                target_value=round(base_value + change, digits),
                target_date=target_date,
                status="committed",
                trajectory_method=cfg["method"],
                stages=cfg.get("stages", []),
                rationale=f"Committed by the {ministry.name} in the {baseline_month.start.year} delivery plan.",
                interface="system",
                reason="Set in the delivery plan",
            )
    say(f"{total:,} data values")
    extend(seed, say)
    return {"data_values": total, "priorities": len(spec.PRIORITIES), "org_units": sum(len(v) for v in units.values())}
