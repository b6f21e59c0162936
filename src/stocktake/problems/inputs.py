"""Reading form and API input into the records the actions take, refusing unknown ones with the field named.

Pages and the API share these, so 'owner 99' or 'unit X' is refused in the same words everywhere.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from stocktake.accounts.models import Person
from stocktake.architecture.models import Indicator, OrgUnit, Priority
from stocktake.params import MAX_ID


def id_of(raw, field: str) -> int | None:
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ValidationError({field: _("%(v)r is not a number") % {"v": raw}})
    if not 0 < value <= MAX_ID:
        raise ValidationError({field: _("%(v)s is not a valid id") % {"v": value}})
    return value


def person(raw, field: str = "owner") -> Person | None:
    pk = id_of(raw, field)
    if pk is None:
        return None
    found = Person.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: _("there is no person %(v)s") % {"v": pk}})
    return found


def people(raws, field: str = "team") -> list[Person]:
    return [p for p in (person(r, field) for r in raws if r not in (None, "")) if p is not None]


def priority(raw, field: str = "priority") -> Priority | None:
    if raw in (None, ""):
        return None
    found = Priority.objects.filter(code=str(raw)).first()
    if found is None and str(raw).isdigit():
        found = Priority.objects.filter(pk=id_of(raw, field)).first()
    if found is None:
        raise ValidationError({field: _("there is no priority %(v)s") % {"v": raw}})
    return found


def indicator(raw, field: str = "indicator") -> Indicator | None:
    if raw in (None, ""):
        return None
    found = Indicator.objects.filter(code=str(raw)).first()
    if found is None:
        raise ValidationError({field: _("%(v)s is not an indicator code") % {"v": raw}})
    return found


def units(raw, field: str = "org_units") -> list[OrgUnit]:
    codes = [c.strip() for c in (raw if isinstance(raw, list) else str(raw or "").split(",")) if c and c.strip()]
    found = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationError({field: _("not org unit codes: %(c)s") % {"c": ", ".join(missing)}})
    return [found[c] for c in dict.fromkeys(codes)]


def unit(raw, field: str = "org_unit") -> OrgUnit | None:
    got = units([raw] if raw else [], field)
    return got[0] if got else None


def day(raw, field: str) -> date | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise ValidationError({field: _("%(v)r is not a date (YYYY-MM-DD)") % {"v": raw}})
