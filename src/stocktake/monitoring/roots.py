"""Which hierarchy a view is about, when a government holds several.

A state and its capital, two programmes, or three countries in one instance
each have their own top-level unit (a root). Every view, completeness count,
league table and heat map is scoped to one root, so that no figure mixes
units across them. The root is chosen by `root=` (a root's code), follows
the unit asked about, or defaults to the root of the user's organisation's
units, else the root with the most units.
"""

from __future__ import annotations

from stocktake.accounts import permissions as perms
from stocktake.architecture.models import OrgUnit


def roots() -> list[OrgUnit]:
    """Every top-level unit, oldest first."""
    return list(OrgUnit.objects.filter(parent=None).order_by("id"))


def single_root(unit: OrgUnit) -> bool:
    """The unit is the one root there is: everything at a depth then lies beneath it (a faster range)."""
    return unit.parent_id is None and not OrgUnit.objects.filter(parent=None).exclude(pk=unit.pk).exists()


def root_of(unit: OrgUnit) -> OrgUnit:
    """The top of the unit's own hierarchy (from its path, one lookup)."""
    if unit.parent_id is None:
        return unit
    first = int(unit.path.strip("/").split("/")[0])
    return OrgUnit.objects.get(pk=first)


def within(unit: OrgUnit, root: OrgUnit) -> bool:
    return unit.path.startswith(root.path)


def _largest(candidates: list[OrgUnit]) -> OrgUnit:
    if len(candidates) == 1:
        return candidates[0]
    sizes = {r.pk: OrgUnit.objects.filter(path__startswith=r.path).count() for r in candidates}
    return max(candidates, key=lambda r: (sizes[r.pk], -r.pk))


def _organisation_root(user) -> OrgUnit | None:
    person = perms.person(user) if user is not None else None
    if person is None:
        return None
    unit = OrgUnit.objects.filter(organisation_id=person.organisation_id).order_by("depth", "id").first()
    return root_of(unit) if unit is not None else None


def root_unit(user=None, code: str | None = None) -> OrgUnit | None:
    """The root a view defaults to: `code` if it names a unit (its root), the user's organisation's, or the largest.

    None until there are org units. A code that names no unit is ignored here (the views answer 404 for it).
    """
    found = roots()
    if not found:
        return None
    if len(found) == 1:
        return found[0]
    if code:
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is not None:
            return root_of(unit)
    mine = _organisation_root(user)
    return mine if mine is not None else _largest(found)


def reporting_root(indicator, preferred: OrgUnit) -> OrgUnit:
    """`preferred`, unless the indicator has rollups under other roots only: then the first of those."""
    from .models import Rollup  # the models import this app's rules; kept local to keep this module light

    # By (indicator, org unit), the rollups' unique key: SQLite, asked for depth 1, read all the indicator's rows.
    mine = Rollup.objects.filter(indicator=indicator)
    if mine.filter(org_unit=preferred).exists():
        return preferred
    others = mine.filter(org_unit__in=OrgUnit.objects.filter(parent=None)).values_list("org_unit_id", flat=True)
    have = list(others.distinct())
    return OrgUnit.objects.filter(pk__in=have).order_by("id").first() if have else preferred


def indicator_root(indicator, user=None, code: str | None = None) -> OrgUnit | None:
    """The root an indicator's figures are read at when no unit is named: the default root (root_unit), or
    the root the indicator reports under when it has data under other roots only. None until there are
    units. Packs, proposals and plans ask this, so none of them assumes the government has one hierarchy."""
    root = root_unit(user, code)
    return reporting_root(indicator, root) if root is not None else None
