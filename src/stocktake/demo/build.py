"""Build the demo delivery unit. Deterministic: the same seed gives the same government."""

from __future__ import annotations

import math
import random
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction

from stocktake.accounts import actions as accounts_actions
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
from stocktake.onboarding import load as setup_load
from stocktake.onboarding import reader
from stocktake.onboarding.reader import Table

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

# The demo government's structure (organisations, people, levels, org units, tiers, pillars, priorities,
# outcomes, indicators, targets, strategies and their milestones) is a setup workbook, as a real
# government's would be: one CSV per sheet, loaded by the onboarding loader. Only what a workbook cannot hold (values, plans, routines, funds ...)
# is generated below and by the extensions.
SETUP = Path(__file__).with_name("setup")
SUPERUSERS = {"admin"}


class DemoSetupRefused(RuntimeError):
    pass


def create_sign_ins(people: Table) -> None:
    """The demo's sign-ins, made before the workbook is loaded so it links each to its person.

    A workbook never carries passwords (a new sign-in from a real file gets none); the demo's are published.
    """
    if settings.PRODUCTION:
        raise RuntimeError("the demo creates accounts with a published password; it is refused in production mode")
    for _number, row in people.rows:
        username = row.get("user", "")
        if not username:
            continue
        first, _, last = row["name"].rpartition(" ")
        accounts_actions.create_account(
            username=username,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            email=row.get("email", ""),
            superuser=username in SUPERUSERS,
            interface=SYSTEM,
        )


def build_structure(folder: Path = SETUP) -> dict[int, list[OrgUnit]]:
    """Load the demo's setup workbook; the org units by depth, each level in the order the file lists them."""
    tables = reader.read(folder)
    create_sign_ins(tables["People"])
    result = setup_load.load(tables, interface=SYSTEM, reason="The demo's setup workbook")
    if not result.stored:
        raise DemoSetupRefused("; ".join(str(p) for p in result.problems[:10]))
    by_depth: dict[int, list[OrgUnit]] = {}
    for unit in OrgUnit.objects.order_by("depth", "pk"):
        by_depth.setdefault(unit.depth, []).append(unit)
    return by_depth


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

    say("the setup workbook: organisations, people, org units, priorities, indicators, targets, strategies")
    units = build_structure()
    # The district names are in the workbook now; drawing them still keeps every later number as it was.
    _district_names(rng, len(spec.REGIONS) * spec.DISTRICTS_PER_REGION)

    baseline_month = P.parse(spec.BASELINE)
    target_month = P.parse(spec.TARGET)
    first, last = P.parse(spec.FIRST_PERIOD), P.parse(spec.LAST_PERIOD)
    baseline_date, target_date = baseline_month.end, target_month.end
    period_cache: dict[str, dict[str, Period]] = {}

    total = 0
    indicators = {i.code: i for i in Indicator.objects.all()}
    for pcfg in spec.PRIORITIES:
        say(f"priority: {pcfg['name']}")
        for cfg in pcfg["indicators"]:
            ind = indicators[cfg["code"]]
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
    say(f"{total:,} data values")
    extend(seed, say)
    return {"data_values": total, "priorities": len(spec.PRIORITIES), "org_units": sum(len(v) for v in units.values())}
