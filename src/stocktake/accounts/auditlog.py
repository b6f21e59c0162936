"""Reading the audit trail: the filters shared by the audit page, its CSV export and the API."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from stocktake.delivery.cells import csv_writer

from .audit import changed
from .models import AuditEntry

CSV_COLUMNS = [
    "id",
    "at",
    "user",
    "interface",
    "action",
    "model",
    "object_id",
    "object_repr",
    "changes",
    "before",
    "after",
    "reason",
]


class FilterError(ValueError):
    pass


@dataclass
class AuditFilter:
    user: str = ""
    model: str = ""
    object_id: str = ""
    interface: str = ""
    action: str = ""
    since: date | None = None
    until: date | None = None

    @classmethod
    def from_params(cls, params) -> AuditFilter:
        """Parse query parameters; bad dates are named, not ignored."""
        f = cls(**{k: (params.get(k) or "").strip() for k in ("user", "model", "object_id", "interface", "action")})
        for name in ("user", "model", "object_id"):
            if "\x00" in getattr(f, name):
                raise FilterError(_("%(field)s: contains a NUL character") % {"field": name})
        for name in ("since", "until"):
            raw = (params.get(name) or "").strip()
            if raw:
                try:
                    setattr(f, name, date.fromisoformat(raw))
                except ValueError:
                    raise FilterError(
                        _("%(field)s: '%(value)s' is not a date (YYYY-MM-DD)") % {"field": name, "value": raw}
                    ) from None
        if f.interface and f.interface not in AuditEntry.Interface.values:
            raise FilterError(
                _("interface: '%(value)s' is not one of %(choices)s")
                % {"value": f.interface, "choices": ", ".join(AuditEntry.Interface.values)}
            )
        if f.action and f.action not in AuditEntry.Action.values:
            raise FilterError(
                _("action: '%(value)s' is not one of %(choices)s")
                % {"value": f.action, "choices": ", ".join(AuditEntry.Action.values)}
            )
        return f

    def apply(self, qs=None):
        qs = (qs if qs is not None else AuditEntry.objects.all()).select_related("user")
        if self.user:
            qs = qs.filter(user__username=self.user)
        if self.model:
            qs = qs.filter(model=self.model.lower())
        if self.object_id:
            qs = qs.filter(object_id=self.object_id)
        if self.interface:
            qs = qs.filter(interface=self.interface)
        if self.action:
            qs = qs.filter(action=self.action)
        tz = timezone.get_current_timezone()
        if self.since:
            qs = qs.filter(at__gte=datetime.combine(self.since, time.min, tzinfo=tz))
        if self.until:
            qs = qs.filter(at__lt=datetime.combine(self.until + timedelta(days=1), time.min, tzinfo=tz))
        return qs

    def querystring(self) -> str:
        from urllib.parse import urlencode

        return urlencode({k: v for k, v in self.__dict__.items() if v})


def changes(entry: AuditEntry) -> dict:
    return changed(entry.before, entry.after)


def write_csv(entries, out) -> None:
    writer = csv_writer(out)
    writer.writerow(CSV_COLUMNS)
    for e in entries.iterator(chunk_size=2000):
        writer.writerow(
            [
                e.pk,
                e.at.isoformat(),
                e.user.username if e.user else "",
                e.interface,
                e.action,
                e.model,
                e.object_id,
                e.object_repr,
                json.dumps(changes(e), default=str),
                json.dumps(e.before, default=str),
                json.dumps(e.after, default=str),
                e.reason,
            ]
        )


def model_choices() -> list[str]:
    return list(AuditEntry.objects.order_by("model").values_list("model", flat=True).distinct())
