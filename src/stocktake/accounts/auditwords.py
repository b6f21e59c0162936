"""The audit trail in words: field labels, before → after as a person reads them, and a link to the record.

An entry stores snapshots (stocktake.accounts.audit.snapshot): attribute names and plain values, e.g.
`computed_by_id: 4`. The page shows "Computed by: none → Dana Reyes" instead, reading the model's own field
labels and choices. The models are found by their label (apps.get_model), so this module imports no app above
accounts (tests/test_layers.py); a record that is gone, or a value that no longer names a record, is shown as
stored. Used by the audit page only; the CSV export keeps the raw values for machines.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.urls import NoReverseMatch, reverse
from django.utils import formats
from django.utils.translation import gettext as _

from . import reasons
from .audit import changed

# Where each kind of record is seen: (url name, how to get its arguments from the record).
LINKS = {
    "architecture.priority": ("plans:plan", lambda o: [o.code]),
    "architecture.outcome": ("plans:plan", lambda o: [o.priority.code]),
    "architecture.indicator": ("indicator", lambda o: [o.code]),
    "architecture.target": ("target", lambda o: [o.indicator.code]),
    "monitoring.datavalue": ("collection:value", lambda o: [o.pk]),
    "plans.strategy": ("plans:strategy", lambda o: [o.priority.code, o.pk]),
    "plans.milestone": ("plans:strategy", lambda o: [o.strategy.priority.code, o.strategy_id]),
    "plans.strategyimpact": ("plans:strategy", lambda o: [o.strategy.priority.code, o.strategy_id]),
    "plans.risk": ("plans:plan", lambda o: [o.priority.code]),
    "plans.rubricrating": ("plans:plan", lambda o: [o.priority.code]),
    "plans.tocnode": ("plans:plan", lambda o: [o.priority.code]),
    "plans.toclink": ("plans:plan", lambda o: [o.priority.code]),
    "plans.deliverychain": ("plans:plan", lambda o: [o.priority.code]),
    "plans.chainactor": ("plans:plan", lambda o: [o.chain.priority.code]),
    "plans.chainlink": ("plans:plan", lambda o: [o.chain.priority.code]),
    "routines.meeting": ("routines:meeting", lambda o: [o.pk]),
    "routines.decision": ("routines:meeting", lambda o: [o.meeting_id]),
    "routines.actionitem": ("routines:actions", lambda o: []),
    "routines.assessmentround": ("routines:round", lambda o: [o.pk]),
    "routines.assessment": ("routines:round", lambda o: [o.round_id]),
    "incentives.payment": ("incentives:payment", lambda o: [o.pk]),
    "incentives.scheme": ("incentives:scheme", lambda o: [o.code]),
    "incentives.fund": ("incentives:fund", lambda o: [o.code]),
    "incentives.samplecheck": ("incentives:scheme", lambda o: [o.scheme.code]),
    "evaluations.evaluation": ("evaluations:detail", lambda o: [o.pk]),
}


@dataclass
class Change:
    label: str
    before: str
    after: str


class Reader:
    """Puts a page of entries into words, fetching each record and each named record once."""

    def __init__(self):
        self._objects: dict[tuple[str, str], object] = {}

    def model(self, label: str):
        try:
            return apps.get_model(label)
        except (LookupError, ValueError):
            return None

    def record(self, label: str, pk):
        key = (label, str(pk))
        if key not in self._objects:
            model = self.model(label)
            obj = None
            if model is not None and pk not in (None, ""):
                try:
                    obj = model._default_manager.filter(pk=pk).first()
                except (ValueError, TypeError):
                    obj = None
            self._objects[key] = obj
        return self._objects[key]

    def kind(self, entry) -> str:
        """The record's kind in words ("payment", "delivery chain link"), or its stored label."""
        model = self.model(entry.model)
        name = _words(model._meta.verbose_name) if model is not None else entry.model
        return name[:1].upper() + name[1:]

    def link(self, entry) -> str:
        """The page where the record is seen today, or "" (deleted, or no page of its own)."""
        if entry.model not in LINKS:
            return ""
        obj = self.record(entry.model, entry.object_id)
        if obj is None:
            return ""
        name, args = LINKS[entry.model]
        try:
            return reverse(name, args=args(obj))
        except (NoReverseMatch, AttributeError):
            return ""

    def reason(self, entry) -> str:
        """The reason in the reader's language if the system wrote it, as typed if a person did."""
        return reasons.shown(entry.reason)

    def changes(self, entry) -> list[Change]:
        model = self.model(entry.model)
        fields = {f.attname: f for f in model._meta.concrete_fields} if model is not None else {}
        out = []
        for attname, (before, after) in changed(entry.before, entry.after).items():
            if attname == "id":
                continue  # the record's own id is beside its name already
            field = fields.get(attname)
            out.append(Change(self.label(model, attname, field), self.words(field, before), self.words(field, after)))
        return out

    def label(self, model, attname: str, field) -> str:
        if field is None and model is not None:
            try:
                field = model._meta.get_field(attname)
            except FieldDoesNotExist:
                field = None
        verbose = getattr(field, "verbose_name", None)  # a reverse relation has none
        name = _words(verbose) if verbose else _words(attname.removesuffix("_id").replace("_", " "))
        return name[:1].upper() + name[1:]

    def words(self, field, value) -> str:
        if value is None or value == "" or value == [] or value == {}:
            return _("none")
        if field is not None and field.is_relation and field.many_to_one and field.concrete:
            obj = self.record(field.related_model._meta.label_lower, value)
            if obj is None:
                return f"#{value}"
            full = getattr(obj, "get_full_name", None)
            return (full() if callable(full) else "") or str(obj)
        if field is not None and getattr(field, "flatchoices", None):
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, str) and field is not None:
            when = _date_or_time(field, value)
            if when:
                return when
        if isinstance(value, dict):
            return "; ".join(f"{k.replace('_', ' ')}: {self.words(None, v)}" for k, v in value.items())
        if isinstance(value, list):
            if all(isinstance(v, dict) for v in value):
                return (
                    _("%(n)s entries") % {"n": len(value)}
                    if len(value) > 3
                    else " | ".join(self.words(None, v) for v in value)
                )
            return ", ".join(self.words(None, v) for v in value)
        return str(value)


def _words(verbose) -> str:
    """A model's or field's verbose name in the reader's language. One marked gettext_lazy is translated
    already; one Django made up from the attribute name ("review note") is plain English, put through the
    catalogues in case the interface says the same words elsewhere, and shown as it is if not."""
    if isinstance(verbose, str):
        if not verbose:
            return verbose  # gettext("") is the catalogue's header
        shown = _(verbose)
        if shown == verbose:  # "description": the interface may say it as a heading, "Description"
            heading = _(verbose[:1].upper() + verbose[1:])
            shown = heading if heading != verbose[:1].upper() + verbose[1:] else verbose
        return shown
    return str(verbose)


def _date_or_time(field, value: str) -> str:
    try:
        if field.get_internal_type() == "DateTimeField":
            return formats.date_format(datetime.datetime.fromisoformat(value), "j M Y H:i")
        if field.get_internal_type() == "DateField":
            return formats.date_format(datetime.date.fromisoformat(value), "j M Y")
    except ValueError:
        return ""
    return ""
