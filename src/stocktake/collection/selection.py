"""Values chosen by a filter, for lists and for decisions on everything that matches.

A validator with 2,000 values waiting decides them by filter (indicator, period, org unit and what lies
under it, organisation), never one id at a time. The count they confirm is sealed in a token holding the
filter, the decision and a digest of every matching value's id and version: when they apply it, the
values matching now must be exactly those (a value that arrived, or moved to a new version, after the
count changes the digest), so nothing is decided unseen (the versions-seen rule of actions._decide).
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass

from django.core import signing
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from stocktake.accounts import permissions
from stocktake.accounts.models import Organisation
from stocktake.architecture.models import Indicator, OrgUnit, Period
from stocktake.monitoring.models import DataValue

from . import verification as V

SALT = "stocktake.collection.selection"
TOKEN_SECONDS = 24 * 3600  # a count confirmed yesterday is too old to act on
# decision -> (the state it gives, the states it applies to)
DECISIONS = {
    "validate": (V.S.VALIDATED.value, (V.S.SUBMITTED.value,)),
    "publish": (V.S.PUBLISHED.value, (V.S.VALIDATED.value,)),
    "return": (V.S.RETURNED.value, (V.S.SUBMITTED.value, V.S.VALIDATED.value)),
}


class FilterError(ValueError):
    """A filter naming something that is not there, with the field."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class ValueFilter:
    """Which values: every part optional; codes, as people and files name things."""

    state: str = ""
    indicator: str = ""
    period: str = ""
    org_unit: str = ""  # this unit and every unit under it
    organisation: str = ""  # the priority's lead organisation, or the org unit's organisation

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v}


def matching(f: ValueFilter):
    """The values the filter names (any state unless `state` is given); FilterError for an unknown code."""
    qs = DataValue.objects.all()
    if f.state:
        if f.state not in DataValue.State.values:
            raise FilterError(
                "state",
                _("unknown state '%(s)s'; use one of %(all)s")
                % {"s": f.state, "all": ", ".join(DataValue.State.values)},
            )
        qs = qs.filter(state=f.state)
    if f.indicator:
        ind = Indicator.objects.filter(code=f.indicator).first()
        if ind is None:
            raise FilterError("indicator", _("no indicator with code '%(c)s'") % {"c": f.indicator})
        qs = qs.filter(indicator=ind)
    if f.period:
        period = Period.objects.filter(code=f.period).first()
        if period is None:
            raise FilterError("period", _("no values for period '%(c)s'") % {"c": f.period})
        qs = qs.filter(period=period)
    if f.org_unit:
        unit = OrgUnit.objects.filter(code=f.org_unit).first()
        if unit is None:
            raise FilterError("org_unit", _("no org unit with code '%(c)s'") % {"c": f.org_unit})
        qs = qs.filter(org_unit__path__startswith=unit.path)
    if f.organisation:
        org = Organisation.objects.filter(code=f.organisation).first()
        if org is None:
            raise FilterError("organisation", _("no organisation with code '%(c)s'") % {"c": f.organisation})
        qs = qs.filter(Q(indicator__outcome__priority__lead_organisation=org) | Q(org_unit__organisation=org))
    return qs


def visible(qs, user):
    """What this reader may see: the delivery unit every value; an organisation its own priorities' values;
    an observer published values of every priority (decision 0005); others published values of published
    priorities."""
    if permissions.can_read_unpublished(user):
        return qs
    org = permissions.organisation_id(user)
    public = Q(state=V.S.PUBLISHED)
    if not permissions.can_read_all(user):
        public &= Q(indicator__outcome__priority__published=True)
    if org is None:
        return qs.filter(public)
    return qs.filter(public | Q(indicator__outcome__priority__lead_organisation_id=org))


def for_decision(f: ValueFilter, decision: str):
    """The values a decision on this filter applies to: those in the states it may follow."""
    if decision not in DECISIONS:
        raise FilterError("decision", _("unknown decision '%(d)s'; use validate, publish or return") % {"d": decision})
    _state, sources = DECISIONS[decision]
    if f.state and f.state not in sources:
        raise FilterError(
            "state",
            _("only %(ok)s values can be decided '%(d)s'") % {"ok": " or ".join(sources), "d": decision},
        )
    qs = matching(f)
    return qs.filter(state__in=[f.state] if f.state else sources)


def seen_now(qs) -> dict[int, int]:
    """{value id: version} of every value in the queryset now."""
    return dict(qs.order_by("pk").values_list("pk", "version"))


def digest(seen: dict[int, int]) -> str:
    h = hashlib.sha256()
    for pk in sorted(seen):
        h.update(f"{pk}:{seen[pk]};".encode())
    return h.hexdigest()


def seal(f: ValueFilter, decision: str, seen: dict[int, int], user) -> str:
    """A token for exactly these values at these versions, for this decision and this user."""
    body = {"f": f.as_dict(), "d": decision, "n": len(seen), "h": digest(seen), "u": getattr(user, "pk", None)}
    return signing.dumps(body, salt=SALT, compress=True)


def unseal(token: str, user) -> tuple[ValueFilter, str, int, str]:
    """(filter, decision, count, digest) of a token this user was given; FilterError if it is not one."""
    try:
        body = signing.loads(token or "", salt=SALT, max_age=TOKEN_SECONDS)
    except signing.SignatureExpired:
        raise FilterError("token", _("this count is more than a day old; count again")) from None
    except signing.BadSignature:
        raise FilterError("token", _("not a token from a count; count again")) from None
    if body.get("u") != getattr(user, "pk", None):
        raise FilterError("token", _("this count was made by someone else; count again"))
    fields = {k: str(v) for k, v in body.get("f", {}).items() if k in ValueFilter.__dataclass_fields__}
    return ValueFilter(**fields), body["d"], int(body["n"]), body["h"]


def summary(qs, limit: int = 50) -> list[dict]:
    """What a count covers, by indicator and period, for the confirm step."""
    from django.db.models import Count

    return list(
        qs.values("indicator__code", "indicator__name", "period__code", "state")
        .annotate(n=Count("id"))
        .order_by("indicator__code", "period__code", "state")[:limit]
    )


def will_be(n: int, decision: str) -> str:
    """The confirm step's sentence: "42 values will be validated"."""
    texts = {
        "validate": ngettext("%(n)s value will be validated", "%(n)s values will be validated", n),
        "publish": ngettext("%(n)s value will be published", "%(n)s values will be published", n),
        "return": ngettext("%(n)s value will be returned", "%(n)s values will be returned", n),
    }
    return texts[decision] % {"n": n}
