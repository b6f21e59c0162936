"""The one way the public site changes: the delivery unit publishes (or withdraws) a commitment, audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stocktake.accounts import audit, permissions
from stocktake.architecture import translations as TR

from .models import PublicCommitment

FIELDS = ("published", "show_target", "show_chart", "show_strategy", "show_units", "summary", "translations")


@transaction.atomic
def publish(priority, *, user=None, interface="web", reason="", **choices) -> PublicCommitment:
    """Set what of this priority the public sees (FIELDS; those not given keep their value), with an audit entry
    in the same transaction. Only the delivery unit decides what is public."""
    if not permissions.can_manage(user):
        raise PermissionDenied(_("only the delivery unit decides what is on the public site"))
    unknown = sorted(set(choices) - set(FIELDS))
    if unknown:
        raise TypeError(f"unknown public fields: {', '.join(unknown)}")
    row = PublicCommitment.objects.select_for_update().filter(priority=priority).first()
    row = row or PublicCommitment(priority=priority)
    was_published = row.published
    if "translations" in choices:  # the summary in other languages; languages left out keep theirs
        found = TR.problems("public.publiccommitment", choices["translations"])
        if found:
            raise ValidationError({"translations": found})
        row.translations = TR.cleaned({**(row.translations or {}), **choices.pop("translations")})
    for name, value in choices.items():
        setattr(row, name, (value or "").strip() if name == "summary" else bool(value))
    if row.published and not was_published:
        row.published_at = timezone.now()
    row.changed_by = user if getattr(user, "is_authenticated", False) else None
    return audit.save_audited(row, user=user, interface=interface, reason=reason)
