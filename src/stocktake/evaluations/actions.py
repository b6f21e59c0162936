"""The one write path for evaluations: pages, the API and the demo call these.

Each action checks the design against the official data first (the same
checks that guard the estimates), so nothing is stored that cannot be
estimated, and writes its audit entry in the same transaction. Refusals
raise ValidationError keyed by the field at fault and change nothing.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from stocktake.accounts import audit
from stocktake.architecture.models import OrgUnit

from . import estimates
from .models import ComparisonUnit, Evaluation, TreatedUnit

PROPOSE_LIMIT = 10


def _who(user):
    return user if getattr(user, "is_authenticated", False) else None


def snapshot(evaluation: Evaluation) -> dict:
    """The evaluation's fields and its unit sets, for the audit trail."""
    return {
        **audit.snapshot(evaluation),
        "treated": [[t.org_unit.code, t.start] for t in evaluation.treated.select_related("org_unit")],
        "comparison": [[c.org_unit.code, c.distance] for c in evaluation.comparison.select_related("org_unit")],
    }


def candidates_for(treated_units) -> list[OrgUnit]:
    """Units that could serve as comparison: the same level as the treated units, not treated themselves."""
    treated_units = list(treated_units)
    depths = {u.depth for u in treated_units}
    ids = {u.pk for u in treated_units}
    return [u for u in OrgUnit.objects.filter(depth__in=depths).order_by("path") if u.pk not in ids]


def _spec(indicator, treated, comparison, windows: dict, propose: bool, limit: int, candidates=None) -> estimates.Spec:
    spec = estimates.Spec(indicator, list(treated), list(comparison), **windows)
    if propose:
        if spec.comparison:
            raise ValidationError(
                {"comparison": _("Either name the comparison units or ask for a proposal, not both.")}
            )
        treated_ids = {u.pk for u, _s in spec.treated}
        pool = (
            candidates_for(u for u, _s in spec.treated)
            if candidates is None
            else [u for u in candidates if u.pk not in treated_ids]
        )
        ranked = estimates.propose(spec, pool, limit=limit)
        spec.comparison = [u for u, _d in ranked]
        spec.distances = {u.code: d for u, d in ranked}
    return spec


def _check_fields(evaluation: Evaluation) -> None:
    try:
        evaluation.full_clean()
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None


def _store_units(evaluation: Evaluation, spec: estimates.Spec) -> None:
    evaluation.treated.all().delete()
    evaluation.comparison.all().delete()
    TreatedUnit.objects.bulk_create([TreatedUnit(evaluation=evaluation, org_unit=u, start=s) for u, s in spec.treated])
    ComparisonUnit.objects.bulk_create(
        [
            ComparisonUnit(evaluation=evaluation, org_unit=u, distance=spec.distances.get(u.code))
            for u in spec.comparison
        ]
    )


@transaction.atomic
def create_evaluation(
    *,
    user,
    interface: str = "web",
    indicator,
    name: str,
    treated,
    comparison=(),
    propose: bool = False,
    propose_limit: int = PROPOSE_LIMIT,
    pre_start: str,
    pre_end: str,
    post_start: str,
    post_end: str,
    description: str = "",
    denominator_note: str = "",
    published: bool = False,
    candidates=None,
) -> tuple[Evaluation, estimates.Result]:
    """Store an evaluation once its design has been estimated successfully on the official data.

    `treated` is [(org unit, first treated period code)]; `comparison` org units, or `propose=True` to take the
    `propose_limit` untreated units whose pre-window path is closest to the treated units' (with their distance),
    among `candidates` (default: every unit at the treated units' level).
    """
    windows = dict(pre_start=pre_start, pre_end=pre_end, post_start=post_start, post_end=post_end)
    evaluation = Evaluation(
        indicator=indicator,
        name=name,
        description=description,
        denominator_note=denominator_note,
        published=published,
        created_by=_who(user),
        selection=Evaluation.Selection.PROPOSED if propose else Evaluation.Selection.HAND,
        **windows,
    )
    _check_fields(evaluation)
    spec = _spec(indicator, treated, comparison, windows, propose, propose_limit, candidates)
    result = estimates.assess(spec)
    evaluation.save()
    _store_units(evaluation, spec)
    audit.record(
        user=user,
        interface=interface,
        action="create",
        obj=evaluation,
        after=snapshot(evaluation),
        reason=gettext_noop("Evaluation created"),
    )
    return evaluation, result


@transaction.atomic
def update_evaluation(
    evaluation: Evaluation,
    *,
    user,
    interface: str = "web",
    treated=None,
    comparison=None,
    propose: bool = False,
    propose_limit: int = PROPOSE_LIMIT,
    **fields,
) -> estimates.Result:
    """Change an evaluation's fields or unit sets; the new design must estimate, else nothing changes."""
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    before = snapshot(evaluation)
    allowed = {"name", "description", "denominator_note", "published", *estimates.WINDOW_FIELDS}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(
            {"__all__": _("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}}
        )
    for key, value in fields.items():
        setattr(evaluation, key, value)
    _check_fields(evaluation)
    current = estimates.Spec.of(evaluation)
    windows = {k: getattr(evaluation, k) for k in estimates.WINDOW_FIELDS}
    spec = _spec(
        evaluation.indicator,
        current.treated if treated is None else treated,
        [] if propose else (current.comparison if comparison is None else comparison),
        windows,
        propose,
        propose_limit,
    )
    if not propose and comparison is None:
        spec.distances = current.distances
    if propose:
        evaluation.selection = Evaluation.Selection.PROPOSED
    elif comparison is not None:
        evaluation.selection = Evaluation.Selection.HAND
    result = estimates.assess(spec)
    evaluation.save()
    _store_units(evaluation, spec)
    audit.record(
        user=user,
        interface=interface,
        action="change",
        obj=evaluation,
        before=before,
        after=snapshot(evaluation),
        reason=gettext_noop("Evaluation changed"),
    )
    return result


@transaction.atomic
def set_published(evaluation: Evaluation, published: bool, *, user, interface: str = "web") -> Evaluation:
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    before = snapshot(evaluation)
    evaluation.published = published
    evaluation.save(update_fields=["published", "updated_at"])
    audit.record(
        user=user,
        interface=interface,
        action="change",
        obj=evaluation,
        before=before,
        after=snapshot(evaluation),
        reason=gettext_noop("Evaluation published") if published else gettext_noop("Evaluation withdrawn"),
    )
    return evaluation


@transaction.atomic
def delete_evaluation(evaluation: Evaluation, *, user, interface: str = "web") -> None:
    audit.record(
        user=user,
        interface=interface,
        action="delete",
        obj=evaluation,
        before=snapshot(evaluation),
        reason=gettext_noop("Evaluation deleted"),
    )
    evaluation.delete()
