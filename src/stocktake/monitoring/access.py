"""The lookups monitoring's pages, API and the target page share, each under the one permission check.

Each raises NotFound (a 404 page, or a 404 JSON answer in the API) for what is
absent or hidden, so that a page and its API twin cannot disagree.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from stocktake.accounts import permissions as perms
from stocktake.accounts.permissions import NotFound
from stocktake.architecture import access as architecture_access
from stocktake.architecture.models import Indicator, OrgUnit

from . import roots, series


def readable_indicators(user):
    """Every indicator of a priority the user may read, in portfolio order."""
    return (
        Indicator.objects.filter(outcome__priority__in=architecture_access.visible_priorities(user))
        .select_related("outcome__priority__pillar")
        .order_by("outcome__priority__pillar__rank", "outcome__priority__rank", "rank", "code")
    )


def indicator(user, code) -> Indicator:
    """The indicator with this code, if its priority is readable by the user."""
    ind = get_object_or_404(Indicator.objects.select_related("outcome__priority__pillar", "outcome__leader"), code=code)
    if not perms.can_read_priority(user, ind.outcome.priority):
        raise NotFound("no such indicator")  # do not confirm that an unpublished one exists
    return ind


def root_unit(request=None, unit: OrgUnit | None = None, indicator=None) -> OrgUnit:
    """The root a view is scoped to; 404 until there are org units.

    `root=` (a root's code) if the request names one; else the root of `unit`; else the user's default
    (monitoring.roots.root_unit), or, for an indicator reported under another root only, that root.
    """
    code = request.GET.get("root") if request is not None else None
    if code:
        root = roots.root_of(get_object_or_404(OrgUnit, code=code))
        if unit is not None and not roots.within(unit, root):
            raise NotFound(_("unit: %(unit)s is not under %(root)s") % {"unit": unit.code, "root": root.code})
        return root
    if unit is not None:
        return roots.root_of(unit)
    root = series.root_unit(getattr(request, "user", None))
    if root is None:
        raise NotFound("no org units yet")
    if indicator is not None:
        root = roots.reporting_root(indicator, root)
    return root


def unit(code, default=None) -> OrgUnit | None:
    """The org unit with this code, or the default when no code is given."""
    return get_object_or_404(OrgUnit, code=code) if code else default
