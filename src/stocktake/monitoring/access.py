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


def value_basis(user, indicator) -> series.Basis:
    """The values this user may see of this indicator: every state (official status from checked values) for
    those who may read unpublished values (accounts.permissions.can_read_unpublished), published values only
    for everyone else: the public, other ministries, and observers unless STOCKTAKE_OBSERVERS_READ_UNPUBLISHED.

    Every page, chart, export and API route of monitoring reads the rollups through the basis this returns.
    """
    if perms.can_read_unpublished(user, indicator.outcome.priority):
        return series.INSIDE
    return series.PUBLISHED


def indicators_with_unpublished(user):
    """The readable indicators whose unpublished values this user may see (alerts are raised on official values,
    so they are read only here): every one for those who read all, their own ministry's for a ministry."""
    qs = readable_indicators(user)
    if perms.can_read_unpublished(user):
        return qs
    org = perms.organisation_id(user)
    return qs.filter(outcome__priority__lead_organisation_id=org) if org is not None else qs.none()


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
