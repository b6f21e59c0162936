"""The one write path for the delivery architecture: places and periods, tiers, pillars,
priorities, outcomes, indicators, targets and trajectories.

Pages, the admin, the API, the CLI and the demo all call these, so every
change is validated the same way and audited in the same transaction.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from stocktake.accounts import audit
from stocktake.delivery import periods as P
from stocktake.delivery import trajectory as T

from .models import (
    Indicator,
    OrgUnit,
    OrgUnitLevel,
    Outcome,
    Period,
    Pillar,
    PortfolioTier,
    Priority,
    Target,
    TargetRevision,
    TrajectoryPoint,
)

log = logging.getLogger(__name__)

TARGET_FIELDS = (
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "status",
    "trajectory_method",
    "stages",
    "rationale",
)


def ensure_period(code_or_period: str | P.Period) -> Period:
    """The stored period for a code, stored on first use (raises PeriodError for a bad code).

    Not audited: a period is wholly determined by its code, so storing it records no one's choice;
    every value, target or payment that first needs it is audited by its own action.
    """
    p = code_or_period if isinstance(code_or_period, P.Period) else P.parse(code_or_period)
    obj, _ = Period.objects.get_or_create(code=p.code, defaults={"kind": p.kind, "start": p.start, "end": p.end})
    return obj


def _create(model, *, user, interface: str, reason: str = "", **fields):
    return audit.save_audited(model(**fields), user=user, interface=interface, reason=reason)


def _change(obj, model, *, user, interface: str, reason: str = "", **fields):
    current = model.objects.select_for_update().get(pk=obj.pk)
    unknown = [name for name in fields if name not in {f.name for f in model._meta.concrete_fields} or name == "id"]
    if unknown:
        raise ValidationError(
            _("cannot change %(unknown)s on a %(verbose_name)s")
            % {"unknown": ", ".join(sorted(unknown)), "verbose_name": model._meta.verbose_name}
        )
    for name, value in fields.items():
        setattr(current, name, value)
    return audit.save_audited(current, user=user, interface=interface, reason=reason)


@transaction.atomic
def create_org_unit_level(*, depth: int, name: str, user=None, interface: str = "web") -> OrgUnitLevel:
    return _create(OrgUnitLevel, depth=depth, name=name, user=user, interface=interface)


def another_root_warning(code: str, parent: OrgUnit | None) -> str:
    """The warning for a new top-level unit when there is one already ('' otherwise).

    Several hierarchies are allowed (a state and its capital, two programmes), but each view is then scoped to
    one of them: a unit meant to sit under the nation but created without a parent would silently split it.
    """
    if parent is not None:
        return ""
    others = list(OrgUnit.objects.filter(parent=None).order_by("id").values_list("code", flat=True)[:5])
    if not others:
        return ""
    return _(
        "%(code)s is a new top-level unit beside %(others)s: the government now holds several hierarchies, and "
        "every view, completeness count, league table and heat map is scoped to one of them (chosen with root=)."
    ) % {"code": code, "others": ", ".join(others)}


@transaction.atomic
def create_org_unit(
    *,
    code: str,
    name: str,
    parent: OrgUnit | None = None,
    organisation=None,
    user=None,
    interface: str = "web",
    reason: str = "",
) -> OrgUnit:
    """A new org unit. A second (or later) top-level unit is allowed, and warned of: the warning is logged,
    written into the audit entry's reason and left on the unit as `warning` for the caller to show."""
    warning = another_root_warning(code, parent)
    if warning:
        log.warning("%s", warning)
        reason = f"{reason}\n{warning}".strip()
    unit = _create(
        OrgUnit,
        code=code,
        name=name,
        parent=parent,
        organisation=organisation,
        user=user,
        interface=interface,
        reason=reason,
    )
    unit.warning = warning
    return unit


@transaction.atomic
def create_tier(*, user=None, interface: str = "web", **fields) -> PortfolioTier:
    return _create(PortfolioTier, user=user, interface=interface, **fields)


@transaction.atomic
def create_pillar(*, user=None, interface: str = "web", **fields) -> Pillar:
    return _create(Pillar, user=user, interface=interface, **fields)


@transaction.atomic
def change_pillar(pillar: Pillar, *, user=None, interface: str = "web", reason: str = "", **fields) -> Pillar:
    return _change(pillar, Pillar, user=user, interface=interface, reason=reason, **fields)


@transaction.atomic
def create_priority(*, user=None, interface: str = "web", **fields) -> Priority:
    return _create(Priority, user=user, interface=interface, **fields)


@transaction.atomic
def change_priority(priority: Priority, *, user=None, interface: str = "web", reason: str = "", **fields) -> Priority:
    return _change(priority, Priority, user=user, interface=interface, reason=reason, **fields)


@transaction.atomic
def create_outcome(*, user=None, interface: str = "web", **fields) -> Outcome:
    return _create(Outcome, user=user, interface=interface, **fields)


@transaction.atomic
def change_outcome(outcome: Outcome, *, user=None, interface: str = "web", reason: str = "", **fields) -> Outcome:
    return _change(outcome, Outcome, user=user, interface=interface, reason=reason, **fields)


@transaction.atomic
def create_indicator(*, user=None, interface: str = "web", **fields) -> Indicator:
    return _create(Indicator, user=user, interface=interface, **fields)


@transaction.atomic
def change_indicator(
    indicator: Indicator, *, user=None, interface: str = "web", reason: str = "", **fields
) -> Indicator:
    return _change(indicator, Indicator, user=user, interface=interface, reason=reason, **fields)


CLOSABLE = (OrgUnit, Pillar, Priority, Outcome, Indicator)


def _set_closed(obj, on, *, user, interface: str, reason: str):
    """Close (on a day) or reopen (on=None) an org unit, pillar, priority, outcome or indicator: nothing is
    deleted, the history stays, and closing or reopening twice changes nothing (and writes no second audit entry)."""
    model = type(obj)
    if model not in CLOSABLE:
        raise ValidationError(_("a %(verbose_name)s cannot be closed") % {"verbose_name": model._meta.verbose_name})
    current = model.objects.select_for_update().get(pk=obj.pk)
    if (current.closed_on is None) == (on is None):
        return current
    before = audit.snapshot(current)
    current.closed_on = on
    current.save(update_fields=["closed_on"])
    audit.record(
        user=user,
        interface=interface,
        action="change",
        obj=current,
        before=before,
        after=audit.snapshot(current),
        reason=reason or (gettext_noop("closed") if on else gettext_noop("reopened")),
    )
    return current


@transaction.atomic
def close_architecture(obj, *, on, user=None, interface: str = "web", reason: str = ""):
    """Close a pillar, priority, outcome or indicator on a day (kept with its data, never deleted)."""
    if on is None:
        raise ValidationError({"on": _("a close needs the day it takes effect")})
    return _set_closed(obj, on, user=user, interface=interface, reason=reason)


@transaction.atomic
def reopen_architecture(obj, *, user=None, interface: str = "web", reason: str = ""):
    """Reopen a closed pillar, priority, outcome or indicator."""
    return _set_closed(obj, None, user=user, interface=interface, reason=reason)


def _write_revision(target: Target, reason: str, user) -> TargetRevision:
    return TargetRevision.objects.create(
        target=target,
        revision=target.revision,
        baseline_value=target.baseline_value,
        baseline_date=target.baseline_date,
        target_value=target.target_value,
        target_date=target.target_date,
        status=target.status,
        trajectory_method=target.trajectory_method,
        reason=reason,
        by=user if getattr(user, "is_authenticated", False) else None,
    )


def rebuild_trajectory(target: Target) -> int:
    """Replace the target's trajectory points with its interpolated path; returns the count."""
    plain = target.as_plain()
    stages = [tuple(s) for s in target.stages or []]
    path = T.interpolate(plain, target.indicator.frequency, target.trajectory_method, stages)
    TrajectoryPoint.objects.filter(target=target).delete()
    stored = Period.objects.in_bulk([p.code for p, _v in path], field_name="code")  # one query, not one per point
    points = [TrajectoryPoint(target=target, period=stored.get(p.code) or ensure_period(p), value=v) for p, v in path]
    TrajectoryPoint.objects.bulk_create(points)
    return len(points)


INITIAL_TARGET = gettext_noop("Initial target")  # a target's first audit reason, shown translated


@transaction.atomic
def create_target(*, indicator, org_unit=None, user=None, interface="web", reason=INITIAL_TARGET, **fields) -> Target:
    target = Target(indicator=indicator, org_unit=org_unit, **fields)
    target.full_clean()
    target.save()
    _write_revision(target, reason, user)
    rebuild_trajectory(target)
    audit.record(
        user=user, interface=interface, action="create", obj=target, after=audit.snapshot(target), reason=reason
    )
    return target


@transaction.atomic
def revise_target(target: Target, *, user=None, interface="web", reason: str = "", **changes) -> Target:
    """Change a target, keeping the old one as a revision. A committed target needs a reason."""
    unknown = set(changes) - set(TARGET_FIELDS)
    if unknown:
        raise ValidationError(_("cannot change %(fields)s on a target") % {"fields": ", ".join(sorted(unknown))})
    current = Target.objects.select_for_update().get(pk=target.pk)
    if current.status == Target.Status.COMMITTED and not reason.strip():
        raise ValidationError({"reason": _("a committed target can only be changed with a reason")})
    before = audit.snapshot(current)
    for name, value in changes.items():
        setattr(current, name, value)
    current.full_clean()
    if audit.snapshot(current) == before:
        return current
    current.revision += 1
    current.save()
    _write_revision(current, reason, user)
    rebuild_trajectory(current)
    audit.record(
        user=user,
        interface=interface,
        action="change",
        obj=current,
        before=before,
        after=audit.snapshot(current),
        reason=reason,
    )
    target.refresh_from_db()
    return current


# Onboarding from files (stocktake.onboarding): changes, closing, and many units at once -----------------------

ORG_UNIT_FIELDS = {"code", "name", "parent", "organisation", "geometry"}


@transaction.atomic
def change_org_unit_level(
    level: OrgUnitLevel, *, user=None, interface: str = "web", reason: str = "", **fields
) -> OrgUnitLevel:
    return _change(level, OrgUnitLevel, user=user, interface=interface, reason=reason, **fields)


@transaction.atomic
def change_tier(tier: PortfolioTier, *, user=None, interface: str = "web", reason: str = "", **fields) -> PortfolioTier:
    return _change(tier, PortfolioTier, user=user, interface=interface, reason=reason, **fields)


def _move_subtree(unit: OrgUnit, old_path: str, old_depth: int) -> None:
    """A moved unit's descendants follow it: their paths and depths are derived from the unit's."""
    if unit.path == old_path:
        return
    shift = unit.depth - old_depth
    below = list(OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk))
    for node in below:
        node.path = unit.path + node.path[len(old_path) :]
        node.depth += shift
    OrgUnit.objects.bulk_update(below, ["path", "depth"], batch_size=1000)


@transaction.atomic
def change_org_unit(unit: OrgUnit, *, user=None, interface: str = "web", reason: str = "", **fields) -> OrgUnit:
    """Rename or move a unit (its subtree moves with it); the audit entry keeps the before and after."""
    unknown = set(fields) - ORG_UNIT_FIELDS
    if unknown:
        raise ValidationError(_("cannot change %(fields)s on an org unit") % {"fields": ", ".join(sorted(unknown))})
    current = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    if fields.get("parent") is not None:  # as stored now: an earlier move may have changed its path
        fields["parent"] = OrgUnit.objects.get(pk=fields["parent"].pk)
    parent = fields.get("parent", current.parent)
    if parent is not None and (parent.pk == current.pk or parent.path.startswith(current.path)):
        raise ValidationError(
            {
                "parent": _("'%(parent)s' sits under '%(unit)s': the move would make a loop")
                % {"parent": parent.code, "unit": current.code}
            }
        )
    old_path, old_depth = current.path, current.depth
    before = audit.snapshot(current)
    for name, value in fields.items():
        setattr(current, name, value)
    current.full_clean()
    current.save()
    current.refresh_from_db()
    _move_subtree(current, old_path, old_depth)
    after = audit.snapshot(current)
    if after != before:
        audit.record(
            user=user, interface=interface, action="change", obj=current, before=before, after=after, reason=reason
        )
    return current


def close_org_unit(unit: OrgUnit, *, on, user=None, interface: str = "web", reason: str = "") -> OrgUnit:
    """A unit that left the hierarchy but holds data is closed on a day, never deleted."""
    return close_architecture(unit, on=on, user=user, interface=interface, reason=reason)


def reopen_org_unit(unit: OrgUnit, *, user=None, interface: str = "web", reason: str = "") -> OrgUnit:
    return reopen_architecture(unit, user=user, interface=interface, reason=reason)


@transaction.atomic
def delete_org_unit(unit: OrgUnit, *, user=None, interface: str = "web", reason: str = "") -> None:
    """Delete a unit that holds nothing (raises ProtectedError if anything refers to it)."""
    audit.delete_audited(OrgUnit.objects.get(pk=unit.pk), user=user, interface=interface, reason=reason)


def _derive_paths(depth: int) -> None:
    """Paths of units just inserted at one depth (their path is still blank): the parent's path and their id.

    One UPDATE per level instead of one per unit: 20,000 facilities cost a handful of statements.
    """
    from django.db.models import CharField, OuterRef, Subquery, Value
    from django.db.models.functions import Cast, Concat

    parent_path = Subquery(OrgUnit.objects.filter(pk=OuterRef("parent_id")).values("path")[:1])
    head = Value("/") if depth == 1 else parent_path
    OrgUnit.objects.filter(path="", depth=depth).update(
        path=Concat(head, Cast("id", CharField()), Value("/"), output_field=CharField())
    )


@transaction.atomic
def create_org_units(rows: list[dict], *, user=None, interface: str = "web", reason: str = "") -> list[OrgUnit]:
    """Many new units at once (20,000 facilities from a DHIS2 export), one audit entry each.

    Each row is {code, name, parent (an OrgUnit or the code of an earlier row), organisation, geometry}.
    Inserted level by level in bulk, so a parent always has its id and path before its children are stored.
    """
    from stocktake.accounts.models import AuditEntry

    by_code: dict[str, OrgUnit] = {}
    pending = []
    for row in rows:
        unit = OrgUnit(
            code=row["code"], name=row["name"], organisation=row.get("organisation"), geometry=row.get("geometry")
        )
        unit.clean_fields(exclude=["parent", "organisation", "path", "depth"])
        pending.append((unit, row.get("parent")))
    created: list[OrgUnit] = []
    while pending:
        ready, waiting = [], []
        for unit, parent in pending:
            if isinstance(parent, str):
                if parent not in by_code:
                    waiting.append((unit, parent))
                    continue
                parent = by_code[parent]
            unit.parent = parent
            unit.depth = parent.depth + 1 if parent else 1
            unit.path = ""
            ready.append(unit)
        if not ready:
            codes = ", ".join(sorted(str(p) for _u, p in waiting)[:5])
            raise ValidationError({"parent": _("no such parent org unit: %(codes)s") % {"codes": codes}})
        OrgUnit.objects.bulk_create(ready, batch_size=500)
        for depth in sorted({u.depth for u in ready}):
            _derive_paths(depth)
        ids = [u.pk for u in ready]
        paths = {}
        for i in range(0, len(ids), 900):
            paths.update(OrgUnit.objects.filter(pk__in=ids[i : i + 900]).values_list("pk", "path"))
        for unit in ready:
            unit.path = paths[unit.pk]
            by_code[unit.code] = unit
        created += ready
        pending = waiting
    who = user if getattr(user, "is_authenticated", False) else None
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                user=who,
                interface=interface,
                action="create",
                model=OrgUnit._meta.label_lower,
                object_id=str(u.pk),
                object_repr=str(u)[:300],
                after=audit.snapshot(u),
                reason=reason,
            )
            for u in created
        ],
        batch_size=500,
    )
    return created


# Content in several languages (architecture.translations, decision 0006) ----------------------------------------

TRANSLATABLE = (Pillar, Priority, Outcome, Indicator)


@transaction.atomic
def set_translations(obj, translations: dict, *, user=None, interface: str = "web", reason: str = ""):
    """Set the translations of a pillar's, priority's, outcome's or indicator's name and description, e.g.
    {"es": {"name": "Esperas más cortas"}}. The languages given replace what they held (a blank text falls back
    to the original); languages left out keep theirs. Checked first (every problem named), audited once."""
    from . import translations as TR

    model = type(obj)
    if model not in TRANSLATABLE:
        raise ValidationError(_("a %(verbose_name)s has no translations") % {"verbose_name": model._meta.verbose_name})
    found = TR.problems(model._meta.label_lower, translations)
    if found:
        raise ValidationError({"translations": found})
    current = model.objects.select_for_update().get(pk=obj.pk)
    merged = {**(current.translations or {}), **translations}
    return _change(current, model, user=user, interface=interface, reason=reason, translations=TR.cleaned(merged))
