"""The one write path for targets and trajectories.

Pages, the admin, the API, the CLI and the demo all call these, so every
change is validated the same way and audited in the same transaction.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from stocktake.accounts import audit
from stocktake.architecture.models import Period
from stocktake.delivery import trajectory as T

from .models import Target, TargetRevision, TrajectoryPoint

TARGET_FIELDS = ("baseline_value", "baseline_date", "target_value", "target_date", "status", "trajectory_method", "stages",
                 "rationale")


def _write_revision(target: Target, reason: str, user) -> TargetRevision:
    return TargetRevision.objects.create(
        target=target, revision=target.revision, baseline_value=target.baseline_value,
        baseline_date=target.baseline_date, target_value=target.target_value, target_date=target.target_date,
        status=target.status, trajectory_method=target.trajectory_method, reason=reason,
        by=user if getattr(user, "is_authenticated", False) else None,
    )


def rebuild_trajectory(target: Target) -> int:
    """Replace the target's trajectory points with its interpolated path; returns the count."""
    plain = target.as_plain()
    stages = [tuple(s) for s in target.stages or []]
    path = T.interpolate(plain, target.indicator.frequency, target.trajectory_method, stages)
    TrajectoryPoint.objects.filter(target=target).delete()
    points = [TrajectoryPoint(target=target, period=Period.get(p), value=v) for p, v in path]
    TrajectoryPoint.objects.bulk_create(points)
    return len(points)


@transaction.atomic
def create_target(*, indicator, org_unit=None, user=None, interface="web", reason="Initial target", **fields) -> Target:
    target = Target(indicator=indicator, org_unit=org_unit, **fields)
    target.full_clean()
    target.save()
    _write_revision(target, reason, user)
    rebuild_trajectory(target)
    audit.record(user=user, interface=interface, action="create", obj=target, after=audit.snapshot(target), reason=reason)
    return target


@transaction.atomic
def revise_target(target: Target, *, user=None, interface="web", reason: str = "", **changes) -> Target:
    """Change a target, keeping the old one as a revision. A committed target needs a reason."""
    unknown = set(changes) - set(TARGET_FIELDS)
    if unknown:
        raise ValidationError(f"cannot change {', '.join(sorted(unknown))} on a target")
    current = Target.objects.select_for_update().get(pk=target.pk)
    if current.status == Target.Status.COMMITTED and not reason.strip():
        raise ValidationError({"reason": "a committed target can only be changed with a reason"})
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
    audit.record(user=user, interface=interface, action="change", obj=current, before=before,
                 after=audit.snapshot(current), reason=reason)
    target.refresh_from_db()
    return current
