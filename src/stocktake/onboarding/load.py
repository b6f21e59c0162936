"""Loading a checked setup file: every row upserted by its code through the owning app's actions.

Why through the actions: the file is one more interface, like the pages and the
API, so each record is validated and audited the same way. A row equal to what is
stored calls no action at all, which is what makes a second load of the same
file change nothing and write no audit entry.
The whole load is one transaction: refused rows roll everything back unless a
partial load was asked for, and a dry run always rolls back (so its preview is
exactly what the load would do).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.deletion import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from stocktake.accounts import actions as accounts_actions
from stocktake.accounts.models import Organisation, Person
from stocktake.architecture import actions as arch
from stocktake.architecture.models import (
    Indicator,
    OrgUnit,
    OrgUnitLevel,
    Outcome,
    Pillar,
    PortfolioTier,
    Priority,
    Target,
)
from stocktake.plans import actions as plans_actions
from stocktake.plans.models import Milestone, Strategy

from . import checks
from . import sheets as S
from .reader import Problem, Table


@dataclass
class Result:
    counts: dict[str, Counter] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    stored: bool = False
    dry_run: bool = False
    seconds: dict[str, float] = field(default_factory=dict)  # wall time per sheet, for the bench

    def count(self, sheet: str, what: str, n: int = 1) -> None:
        self.counts.setdefault(sheet, Counter())[what] += n

    @property
    def changes(self) -> int:
        return sum(c[k] for c in self.counts.values() for k in ("created", "changed", "closed", "reopened", "deleted"))


class _Rollback(Exception):
    pass


def _default(model, name: str):
    f = model._meta.get_field(name)
    return f.get_default()


def _differs(obj, name: str, value) -> bool:
    f = obj._meta.get_field(name)
    if f.many_to_one:  # compare ids: reading the related record would cost a query per row
        return getattr(obj, f.attname) != getattr(value, "pk", None)
    current = getattr(obj, name)
    if value is None or current is None:
        return value is not current
    try:
        return float(current) != float(value) if isinstance(value, (int, float)) else current != value
    except (TypeError, ValueError):
        return current != value


def person_key(person: Person) -> str:
    return person.user.username if person.user_id else person.name


class Loader:
    """One load: the lookups it keeps as it goes, and what it found."""

    def __init__(self, *, user, interface: str, reason: str, partial: bool):
        self.user, self.interface, self.reason, self.partial = user, interface, reason, partial
        self.result = Result()
        self.absent: dict[str, set] = {}

    # Helpers -----------------------------------------------------------------------------------------------

    def refuse(self, sheet: str, row: int, column: str, reason: str) -> None:
        self.result.problems.append(Problem(sheet, row, column, reason))
        self.result.count(sheet, "refused")

    def refuse_error(self, sheet: str, row: int, exc: Exception, columns: dict | None = None) -> None:
        columns = columns or {}
        if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
            for name, errors in exc.message_dict.items():
                col = columns.get(name, name if name in S.BY_NAME[sheet].column_names() else "")
                self.result.problems.append(Problem(sheet, row, col, "; ".join(errors)))
        else:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            self.result.problems.append(Problem(sheet, row, "", "; ".join(messages)))
        self.result.count(sheet, "refused")

    def upsert(self, sheet: str, row: int, obj, fields: dict, create, change, columns=None):
        """Create the record, change only what differs, or leave it; returns it (None if refused)."""
        try:
            if obj is None:
                obj = create(**fields, user=self.user, interface=self.interface)
                self.result.count(sheet, "created")
                return obj
            diff = {k: v for k, v in fields.items() if _differs(obj, k, v)}
            if not diff:
                self.result.count(sheet, "unchanged")
                return obj
            obj = change(obj, **diff, user=self.user, interface=self.interface, reason=self.reason)
            self.result.count(sheet, "changed")
            return obj
        except (ValidationError, IntegrityError, ValueError) as exc:
            self.refuse_error(sheet, row, exc, columns)
            return None

    def lookup(self, sheet: str, row: int, column: str, table: dict, key, what: str):
        """The record a cell names; a refusal naming the cell when there is none."""
        if key is None:
            return None
        found = table.get(key)
        if found is None:
            self.refuse(
                sheet, row, column, _("no %(what)s '%(key)s' in the file or the database") % {"what": what, "key": key}
            )
            raise LookupError(key)
        return found

    def set_closed(self, sheet: str, obj, closed_on) -> None:
        """Close or reopen the record as its row's closed_on says, through the actions (audited there).

        A file without the closed_on column leaves every record as it is; a new day on a closed record
        reopens it and closes it again on that day.
        """
        if obj is None or "closed_on" in self.absent.get(sheet, ()) or obj.closed_on == closed_on:
            return
        who = {"user": self.user, "interface": self.interface, "reason": self.reason}
        if obj.closed_on:
            obj = arch.reopen_architecture(obj, **who)
            if not closed_on:
                self.result.count(sheet, "reopened")
                return
        arch.close_architecture(obj, on=closed_on, **who)
        self.result.count(sheet, "closed")

    def with_defaults(self, model, v: dict, names) -> dict:
        return {n: (v[n] if v.get(n) is not None else _default(model, n)) for n in names}

    # Sheets --------------------------------------------------------------------------------------------------

    def organisations(self, rows):
        self.orgs = {o.code: o for o in Organisation.objects.all()}
        pending = list(rows)
        while pending:  # parents first, whatever the order of the rows
            ready = [r for r in pending if r[1]["parent"] is None or r[1]["parent"] in self.orgs]
            if not ready:
                for number, v in pending:
                    self.refuse(
                        "Organisations",
                        number,
                        "parent",
                        _("no organisation '%(code)s' (or the parents make a loop)") % {"code": v["parent"]},
                    )
                break
            for number, v in ready:
                fields = {"name": v["name"], "kind": v["kind"], "parent": self.orgs.get(v["parent"])}
                obj = self.upsert(
                    "Organisations",
                    number,
                    self.orgs.get(v["code"]),
                    fields,
                    lambda v=v, **f: accounts_actions.create_organisation(code=v["code"], **f),
                    accounts_actions.change_organisation,
                )
                if obj is not None:
                    self.orgs[v["code"]] = obj
            pending = [r for r in pending if r not in ready and r[1]["code"] not in self.orgs]

    def levels(self, rows):
        stored = {lv.depth: lv for lv in OrgUnitLevel.objects.all()}
        for number, v in rows:
            self.upsert(
                "Levels",
                number,
                stored.get(v["depth"]),
                {"name": v["name"]},
                lambda v=v, **f: arch.create_org_unit_level(depth=v["depth"], **f),
                arch.change_org_unit_level,
            )

    def org_units(self, rows):
        if not hasattr(self, "orgs"):
            self.orgs = {o.code: o for o in Organisation.objects.all()}
        units = {u.code: u for u in OrgUnit.objects.all()}
        new, changed = [], []
        accepted = set(units)
        for number, v in sorted(rows, key=lambda r: r[1]["level"]):
            try:
                org = self.lookup("OrgUnits", number, "organisation", self.orgs, v["organisation"], _("organisation"))
            except LookupError:
                continue
            if v["parent"] is not None and v["parent"] not in accepted:
                self.refuse(
                    "OrgUnits", number, "parent", _("its parent '%(code)s' was refused") % {"code": v["parent"]}
                )
                continue
            v = {**v, "organisation": org}
            if v["code"] in units:
                changed.append((number, v))
            else:
                accepted.add(v["code"])
                new.append((number, v))
        if new:
            try:
                created = arch.create_org_units(
                    [
                        {
                            "code": v["code"],
                            "name": v["name"],
                            "parent": units.get(v["parent"], v["parent"]),
                            "organisation": v["organisation"],
                            "geometry": v["geometry"],
                        }
                        for _n, v in new
                    ],
                    user=self.user,
                    interface=self.interface,
                    reason=self.reason,
                )
            except (ValidationError, IntegrityError) as exc:
                self.refuse_error("OrgUnits", new[0][0], exc)
                return
            self.result.count("OrgUnits", "created", len(created))
            units.update({u.code: u for u in created})
            for _number, v in new:
                if v["closed_on"]:
                    arch.close_org_unit(
                        units[v["code"]],
                        on=v["closed_on"],
                        user=self.user,
                        interface=self.interface,
                        reason=self.reason,
                    )
        for number, v in changed:
            unit = units[v["code"]]
            fields = {
                "name": v["name"],
                "parent": units.get(v["parent"]),
                "organisation": v["organisation"],
                "geometry": v["geometry"],
            }
            for name in self.absent.get("OrgUnits", ()):  # a column the file does not have: left as stored
                fields.pop(name, None)
            self.upsert("OrgUnits", number, unit, fields, None, arch.change_org_unit)
            self.set_closed("OrgUnits", unit, v["closed_on"])
        self.units = units

    def remove_missing(self, rows, on):
        """Units no longer in the file: deleted when nothing refers to them, else closed (they keep their data)."""
        keep = {v["code"] for _n, v in rows}
        gone = OrgUnit.objects.exclude(code__in=keep).filter(closed_on__isnull=True).order_by("-depth", "path")
        for unit in list(gone):
            try:
                with transaction.atomic():
                    arch.delete_org_unit(unit, user=self.user, interface=self.interface, reason=self.reason)
                self.result.count("OrgUnits", "deleted")
            except ProtectedError:
                arch.close_org_unit(unit, on=on, user=self.user, interface=self.interface, reason=self.reason)
                self.result.count("OrgUnits", "closed")

    def people(self, rows):
        """Changed people one by one through change_person; new ones in one set-based create_people."""
        accounts = {u.username: u for u in get_user_model().objects.all()}
        by_key = {}
        for p in Person.objects.select_related("user").order_by("pk"):
            by_key.setdefault(person_key(p), p)
        new = []
        for number, v in rows:
            try:
                org = self.lookup("People", number, "organisation", self.orgs, v["organisation"], _("organisation"))
            except LookupError:
                continue
            key = v["user"] or v["name"]
            fields = {
                "name": v["name"],
                "title": v["title"] or "",
                "email": v["email"] or "",
                "role": v["role"],
                "organisation": org,
            }
            if key in by_key:
                obj = self.upsert("People", number, by_key[key], fields, None, accounts_actions.change_person)
                if obj is not None:
                    by_key[key] = obj
                continue
            account = accounts.get(v["user"]) if v["user"] else None
            new.append((number, key, {**fields, "account": account, "username": v["user"] if account is None else ""}))
        if new:
            made, refused = accounts_actions.create_people(
                [f for _n, _k, f in new], user=self.user, interface=self.interface, reason=self.reason
            )
            refused_rows = {i for i, _exc in refused}
            for i, exc in refused:
                self.refuse_error("People", new[i][0], exc, {"username": "user"})
            kept = [(n, k) for i, (n, k, _f) in enumerate(new) if i not in refused_rows]
            for (_number, key), person in zip(kept, made, strict=True):
                by_key[key] = person
            self.result.count("People", "created", len(made))
        self.people_by_key = by_key

    def _people(self):
        if not hasattr(self, "people_by_key"):
            self.people_by_key = {}
            for p in Person.objects.select_related("user").order_by("pk"):
                self.people_by_key.setdefault(person_key(p), p)
        return self.people_by_key

    def tiers(self, rows):
        stored = {t.name: t for t in PortfolioTier.objects.all()}
        for number, v in rows:
            fields = {
                "monitoring_frequency": v["frequency"],
                "rank": v["rank"] or 0,
                "description": v["description"] or "",
            }
            obj = self.upsert(
                "Tiers",
                number,
                stored.get(v["name"]),
                fields,
                lambda v=v, **f: arch.create_tier(name=v["name"], **f),
                arch.change_tier,
                {"monitoring_frequency": "frequency"},
            )
            if obj is not None:
                stored[v["name"]] = obj
        self.tiers_by_name = stored

    def pillars(self, rows):
        stored = {p.code: p for p in Pillar.objects.all()}
        for number, v in rows:
            fields = {"name": v["name"], "description": v["description"] or "", "rank": v["rank"] or 0}
            obj = self.upsert(
                "Pillars",
                number,
                stored.get(v["code"]),
                fields,
                lambda v=v, **f: arch.create_pillar(code=v["code"], **f),
                arch.change_pillar,
            )
            self.set_closed("Pillars", obj, v["closed_on"])
            if obj is not None:
                stored[v["code"]] = obj
        self.pillars_by_code = stored

    def priorities(self, rows):
        stored = {p.code: p for p in Priority.objects.all()}
        tiers = getattr(self, "tiers_by_name", None) or {t.name: t for t in PortfolioTier.objects.all()}
        for number, v in rows:
            try:
                fields = {
                    "name": v["name"],
                    "pillar": self.lookup(
                        "Priorities", number, "pillar", self.pillars_by_code, v["pillar"], _("pillar")
                    ),
                    "tier": self.lookup("Priorities", number, "tier", tiers, v["tier"], _("tier")),
                    "lead_organisation": self.lookup(
                        "Priorities", number, "lead_organisation", self.orgs, v["lead_organisation"], _("organisation")
                    ),
                    "description": v["description"] or "",
                    "published": bool(v["published"]),
                    "rank": v["rank"] or 0,
                }
            except LookupError:
                continue
            obj = self.upsert(
                "Priorities",
                number,
                stored.get(v["code"]),
                fields,
                lambda v=v, **f: arch.create_priority(code=v["code"], **f),
                arch.change_priority,
            )
            self.set_closed("Priorities", obj, v["closed_on"])
            if obj is not None:
                stored[v["code"]] = obj
        self.priorities_by_code = stored

    def outcomes(self, rows):
        stored = {o.code: o for o in Outcome.objects.all()}
        for number, v in rows:
            try:
                fields = {
                    "name": v["name"],
                    "priority": self.lookup(
                        "Outcomes", number, "priority", self.priorities_by_code, v["priority"], _("priority")
                    ),
                    "leader": self.lookup("Outcomes", number, "leader", self._people(), v["leader"], _("person")),
                    "description": v["description"] or "",
                    "rank": v["rank"] or 0,
                }
            except LookupError:
                continue
            obj = self.upsert(
                "Outcomes",
                number,
                stored.get(v["code"]),
                fields,
                lambda v=v, **f: arch.create_outcome(code=v["code"], **f),
                arch.change_outcome,
            )
            self.set_closed("Outcomes", obj, v["closed_on"])
            if obj is not None:
                stored[v["code"]] = obj
        self.outcomes_by_code = stored

    INDICATOR_FIELDS = [
        c.name for c in S.BY_NAME["Indicators"].columns if c.name not in ("code", "outcome", "closed_on")
    ]

    def indicators(self, rows):
        stored = {i.code: i for i in Indicator.objects.all()}
        for number, v in rows:
            try:
                outcome = self.lookup(
                    "Indicators", number, "outcome", self.outcomes_by_code, v["outcome"], _("outcome")
                )
            except LookupError:
                continue
            fields = {"outcome": outcome, **self.with_defaults(Indicator, v, self.INDICATOR_FIELDS)}
            for text in ("description", "data_source", "numerator_label", "denominator_label", "three_m_rationale"):
                fields[text] = fields[text] or ""
            obj = self.upsert(
                "Indicators",
                number,
                stored.get(v["code"]),
                fields,
                lambda v=v, **f: arch.create_indicator(code=v["code"], **f),
                arch.change_indicator,
            )
            self.set_closed("Indicators", obj, v["closed_on"])
            if obj is not None:
                stored[v["code"]] = obj
        self.indicators_by_code = stored

    def targets(self, rows):
        units = getattr(self, "units", None) or {u.code: u for u in OrgUnit.objects.all()}
        stored = {(t.indicator_id, t.org_unit_id): t for t in Target.objects.all()}
        names = [n for n in arch.TARGET_FIELDS]
        for number, v in rows:
            try:
                ind = self.lookup(
                    "Targets", number, "indicator", self.indicators_by_code, v["indicator"], _("indicator")
                )
                unit = self.lookup("Targets", number, "org_unit", units, v["org_unit"], _("org unit"))
            except LookupError:
                continue
            fields = self.with_defaults(Target, v, names)
            fields["rationale"] = fields["rationale"] or ""
            fields["stages"] = v["stages"] or []

            def create(user, interface, ind=ind, unit=unit, **f):
                return arch.create_target(
                    indicator=ind, org_unit=unit, user=user, interface=interface, reason=self.reason, **f
                )

            self.upsert(
                "Targets", number, stored.get((ind.pk, unit.pk if unit else None)), fields, create, arch.revise_target
            )

    def strategies(self, rows):
        stored = {(s.priority_id, s.name): s for s in Strategy.objects.prefetch_related("outcomes")}
        for number, v in rows:
            try:
                priority = self.lookup(
                    "Strategies", number, "priority", self.priorities_by_code, v["priority"], _("priority")
                )
                leader = self.lookup("Strategies", number, "leader", self._people(), v["leader"], _("person"))
                outcomes = [
                    self.lookup("Strategies", number, "outcomes", self.outcomes_by_code, code, _("outcome"))
                    for code in (v["outcomes"] or "").split()
                ]
            except LookupError:
                continue
            names = sorted(plans_actions.STRATEGY_FIELDS - {"name"})
            fields = {n: (v.get(n) if v.get(n) is not None else _default(Strategy, n)) for n in names}
            for n in names:
                if fields[n] is None and isinstance(Strategy._meta.get_field(n), models.TextField):
                    fields[n] = ""
            if fields["rank"] is None:
                fields["rank"] = 0
            if fields["cost"] is not None:
                from decimal import Decimal

                fields["cost"] = Decimal(str(fields["cost"]))
            fields["leader"] = leader
            existing = stored.get((priority.pk, v["name"]))

            def create(user, interface, leader, priority=priority, v=v, outcomes=outcomes, **f):
                return plans_actions.create_strategy(
                    priority=priority,
                    name=v["name"],
                    leaders=[leader],
                    outcomes=outcomes,
                    user=user,
                    interface=interface,
                    **f,
                )

            def change(obj, user, interface, reason, **f):
                if "leader" in f:
                    f["leaders"] = [f.pop("leader")]
                return plans_actions.update_strategy(obj, user=user, interface=interface, reason=reason, **f)

            obj = self.upsert("Strategies", number, existing, fields, create, change)
            if obj is None:
                continue
            stored[(priority.pk, v["name"])] = obj
            try:
                if existing is not None:
                    before = self.result.changes
                    plans_actions.set_strategy_outcomes(
                        obj, outcomes, user=self.user, interface=self.interface, reason=self.reason
                    )
                    if (
                        sorted(o.pk for o in existing.outcomes.all()) != sorted(o.pk for o in outcomes)
                        and self.result.changes == before
                    ):
                        self.result.count("Strategies", "changed")
                if v["withdrawn_reason"] and obj.withdrawn_at is None:
                    plans_actions.withdraw_strategy(
                        obj, confirm=True, reason=v["withdrawn_reason"], user=self.user, interface=self.interface
                    )
                    self.result.count("Strategies", "withdrawn")
            except ValidationError as exc:
                self.refuse_error("Strategies", number, exc)
        self.strategies_by_key = {(s.priority.code, s.name): s for s in Strategy.objects.select_related("priority")}

    def milestones(self, rows):
        stored = {(m.strategy_id, m.name): m for m in Milestone.objects.all()}
        for number, v in rows:
            try:
                strategy = self.lookup(
                    "Milestones",
                    number,
                    "strategy",
                    self.strategies_by_key,
                    (v["priority"], v["strategy"]),
                    _("strategy"),
                )
                owner = self.lookup("Milestones", number, "owner", self._people(), v["owner"], _("person"))
            except LookupError:
                continue
            fields = {
                "due_date": v["due_date"],
                "owner": owner,
                "status": v["status"] or Milestone.Status.NOT_STARTED,
                "completed_on": v["completed_on"],
                "evidence": v["evidence"] or "",
            }
            obj = self.upsert(
                "Milestones",
                number,
                stored.get((strategy.pk, v["name"])),
                fields,
                lambda strategy=strategy, v=v, **f: plans_actions.add_milestone(strategy=strategy, name=v["name"], **f),
                plans_actions.update_milestone,
            )
            if obj is not None:
                stored[(strategy.pk, v["name"])] = obj


ORDER = [
    "Organisations",
    "Levels",
    "OrgUnits",
    "People",
    "Tiers",
    "Pillars",
    "Priorities",
    "Outcomes",
    "Indicators",
    "Targets",
    "Strategies",
    "Milestones",
]
EXTRA_CHECKS = {
    "People": lambda rows, p, _rows: checks.people(rows, p),
    "Levels": lambda rows, p, _rows: checks.levels(rows, p),
    "OrgUnits": lambda rows, p, all_rows: checks.org_units(rows, all_rows.get("Levels", []), p),
    "Indicators": lambda rows, p, _rows: checks.indicators(rows, p),
    "Targets": lambda rows, p, _rows: checks.targets(rows, p),
    "Milestones": lambda rows, p, _rows: checks.milestones(rows, p),
}


def load(
    tables: dict[str, Table],
    *,
    user=None,
    interface: str = "cli",
    reason: str = "",
    dry_run: bool = False,
    partial: bool = False,
    sheets: tuple[str, ...] = tuple(ORDER),
    remove_missing_units: bool = False,
) -> Result:
    """Check and load the given sheets; Result.stored says whether anything was kept."""
    wanted = tuple(S.BY_NAME[n] for n in sheets)
    problems = checks.shape(tables, wanted)
    result = Result(dry_run=dry_run)
    if problems:
        result.problems = problems
        return result
    rows: dict[str, list] = {}
    for name in sheets:
        rows[name] = checks.typed(tables[name], S.BY_NAME[name], problems)
    for name in sheets:
        if name in EXTRA_CHECKS:
            rows[name] = EXTRA_CHECKS[name](rows[name], problems, rows)
    loader = Loader(user=user, interface=interface, reason=reason or gettext_noop("setup file"), partial=partial)
    loader.result = result
    loader.absent = {name: set(S.BY_NAME[name].column_names()) - set(tables[name].header) for name in sheets}
    for p in problems:
        result.count(p.sheet, "refused")
    result.problems = list(problems)
    try:
        with transaction.atomic():
            for name in [n for n in ORDER if n in sheets]:
                started = time.perf_counter()
                getattr(loader, name.lower().replace("orgunits", "org_units"))(rows[name])
                result.seconds[name] = time.perf_counter() - started
            if remove_missing_units and "OrgUnits" in sheets:
                loader.remove_missing(rows["OrgUnits"], timezone.localdate())
            if dry_run or (result.problems and not partial):
                raise _Rollback
    except _Rollback:
        result.stored = False
    else:
        result.stored = True
    result.problems.sort(key=lambda p: (ORDER.index(p.sheet) if p.sheet in ORDER else 99, p.row or 0))
    return result
