"""The forms of the delivery architecture: the target form (shared by the target page and the back office)
and the set-up pages' forms for pillars, priorities, outcomes, indicators and org units."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stocktake.accounts.models import Organisation, Person
from stocktake.errors import reasons

from .actions import TARGET_FIELDS
from .models import Indicator, OrgUnit, Outcome, Pillar, Priority, Target
from .widgets import SearchableSelect, StagesField, UnitCodeField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MarkedErrorsMixin:
    """Marks fields with errors for assistive technology and puts the focus on the first one.

    Every error reaches the form through add_error (field cleaning, model validation, and the
    action's refusals added by the view), so marking there catches them all. The first field in
    error gets `autofocus`: the browser moves the focus there with no script at all.
    """

    def add_error(self, field, error):
        super().add_error(field, error)
        self._mark_errors()

    def _mark_errors(self):
        first = True
        for name, field in self.fields.items():
            attrs = field.widget.attrs
            for key in ("aria-invalid", "aria-describedby", "autofocus"):
                attrs.pop(key, None)
            if name in self._errors:
                attrs["aria-invalid"] = "true"
                helped = f" {self[name].auto_id}_helptext" if field.help_text and self[name].auto_id else ""
                attrs["aria-describedby"] = f"{name}-error{helped}"
                if first:
                    attrs["autofocus"] = True
                    first = False
        self.focus_summary = first and bool(self._errors.get(NON_FIELD_ERRORS))

    refusal_fields: dict[str, str] = {}  # an action's field name -> the form field that shows its refusal

    def add_refusal(self, exc: ValidationError) -> None:
        """Put an action's refusal beside the fields it names; a reason about anything else goes at the top."""
        for field, messages in reasons(exc).items():
            target = self.refusal_fields.get(field, field)
            target = target if target in self.fields else None
            for message in messages:
                if target is None and field != NON_FIELD_ERRORS:
                    message = f"{field}: {message}"
                self.add_error(target, message)

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(anchor id, label, message) for every error, in the order of the fields, for the summary at the top."""
        out = [("", "", str(m)) for m in self.non_field_errors()]
        for name, field in self.fields.items():
            for message in self.errors.get(name, []):
                out.append((self[name].id_for_label or name, str(field.label or name), str(message)))
        return out


class TargetForm(MarkedErrorsMixin, forms.ModelForm):
    stages = StagesField(
        required=False,
        label=gettext_lazy("Stages"),
        help_text=gettext_lazy("For a staged trajectory: the share of the change planned by each share of the time."),
    )
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why the target is set or changed. Required to change a committed target.",
    )

    class Meta:
        model = Target
        fields = [
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
            "status",
            "trajectory_method",
            "stages",
            "rationale",
        ]
        widgets = {
            "baseline_date": DATE,
            "target_date": DATE,
            "rationale": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_stages(self):
        """A list of [time fraction, change fraction] pairs; emptied rows mean none (the column is never NULL)."""
        return self.cleaned_data.get("stages") or []

    def clean(self):
        data = super().clean()
        if self.instance.pk and self.instance.status == Target.Status.COMMITTED and self.has_changed():
            if not (data.get("reason") or "").strip():
                self.add_error("reason", _("A committed target can only be changed with a reason."))
        return data

    def target_fields(self) -> dict:
        """What the write path (actions.create_target / revise_target) takes."""

        return {k: self.cleaned_data[k] for k in TARGET_FIELDS if k in self.cleaned_data}


# The set-up pages ---------------------------------------------------------------------------------


TEXT = forms.Textarea(attrs={"rows": 3})
L = gettext_lazy
LABELS = {
    "code": L("Code"),
    "name": L("Name"),
    "description": L("Description"),
    "rank": L("Rank"),
    "tier": L("Portfolio tier"),
    "published": L("Published on the public site"),
    "unit": L("Unit of measure"),
    "direction": L("Direction"),
    "frequency": L("Reporting frequency"),
    "level": L("Level in the results chain"),
    "kind": L("Kind"),
    "data_source": L("Data source"),
    "aggregation": L("Aggregation"),
    "ratio_scale": L("Ratio scale"),
    "numerator_label": L("Numerator (what is counted)"),
    "denominator_label": L("Denominator (out of what)"),
    "report_depth": L("Reported at level"),
    "min_value": L("Lowest possible value"),
    "max_value": L("Highest possible value"),
    "decimals": L("Decimals shown"),
    "on_track_band": L("On-track band"),
    "off_track_band": L("Off-track band"),
    "hold_tolerance": L("Hold tolerance"),
    "meaningful": L("Meaningful (3M)"),
    "moveable": L("Moveable (3M)"),
    "measurable": L("Measurable (3M)"),
    "three_m_rationale": L("3M rationale"),
}
HELP = {
    "code": L("Letters, numbers, hyphens and underscores; used in links, files and the API. Must be unique."),
    "rank": L("Lower ranks are shown first."),
    "unit": L("e.g. “%”, “count”, “per 100,000 people”."),
    "ratio_scale": L("Multiply numerator/denominator by this: 100 for a percentage."),
    "report_depth": L("The org-unit level (1 = top) at which values are reported."),
    "on_track_band": L("A shortfall up to this share of the planned change is on track."),
    "off_track_band": L("A shortfall beyond this share of the planned change is off track."),
    "hold_tolerance": L(
        "For a target that holds a level: how far short of it, in the indicator's unit, is still on track "
        "(0.5 for half a point). Blank: 1% of the level."
    ),
    "aggregation": L("How values add up the hierarchy; a ratio needs its numerator and denominator defined."),
}


def _labels(fields: list[str]) -> dict:
    """Translated labels for a form's model fields (the models' own are plain English)."""
    return {f: LABELS[f] for f in fields if f in LABELS}


def _help(fields: list[str]) -> dict:
    return {f: HELP[f] for f in fields if f in HELP}


class SetupForm(MarkedErrorsMixin, forms.ModelForm):
    """A set-up page's form: a reason for the audit trail beside the record's own fields."""

    reason = forms.CharField(
        required=False,
        max_length=500,
        label=gettext_lazy("Reason for the change"),
        help_text=gettext_lazy("Kept in the audit trail beside the change."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("pillar", "priority", "outcome"):  # a closed one is not offered, unless it is the current one
            field = self.fields.get(name)
            if isinstance(field, forms.ModelChoiceField):
                current = getattr(self.instance, f"{name}_id", None)
                field.queryset = field.queryset.filter(Q(closed_on__isnull=True) | Q(pk=current))

    def record_fields(self, changed_only: bool = False) -> dict:
        """What the write path (actions.create_* / change_*) takes: the model's fields, without the reason."""
        names = [n for n in self._meta.fields if n in self.cleaned_data]
        if changed_only:
            names = [n for n in names if n in self.changed_data]
        return {n: self.cleaned_data[n] for n in names}


def _people():
    return Person.objects.select_related("organisation").order_by("name")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} · {obj.organisation.name}" if obj.organisation_id else obj.name


class CodedChoiceField(forms.ModelChoiceField):
    """A choice shown as "code — name", so a list is searchable by either."""

    def label_from_instance(self, obj):
        return f"{obj.code} — {obj.name}"


class PillarForm(SetupForm):
    class Meta:
        model = Pillar
        fields = ["code", "name", "description", "rank"]
        labels, help_texts = _labels(fields), _help(fields)
        widgets = {"description": TEXT}


class PriorityForm(SetupForm):
    pillar = CodedChoiceField(Pillar.objects.all(), label=gettext_lazy("Pillar"), widget=SearchableSelect)
    lead_organisation = CodedChoiceField(
        Organisation.objects.order_by("name"), label=gettext_lazy("Lead organisation"), widget=SearchableSelect
    )

    class Meta:
        model = Priority
        fields = ["pillar", "code", "name", "description", "tier", "lead_organisation", "published", "rank"]
        labels, help_texts = _labels(fields), _help(fields)
        widgets = {"description": TEXT}


class OutcomeForm(SetupForm):
    priority = CodedChoiceField(
        Priority.objects.select_related("pillar"), label=gettext_lazy("Priority"), widget=SearchableSelect
    )
    leader = PersonChoiceField(
        _people(),
        required=False,
        label=gettext_lazy("Accountable leader"),
        help_text=gettext_lazy("The one person accountable. An outcome without one is flagged on the portfolio."),
        widget=SearchableSelect,
    )

    class Meta:
        model = Outcome
        fields = ["priority", "code", "name", "description", "leader", "rank"]
        labels, help_texts = _labels(fields), _help(fields)
        widgets = {"description": TEXT}


class IndicatorForm(SetupForm):
    outcome = CodedChoiceField(
        Outcome.objects.select_related("priority"), label=gettext_lazy("Outcome"), widget=SearchableSelect
    )

    class Meta:
        model = Indicator
        fields = [
            "outcome",
            "code",
            "name",
            "description",
            "unit",
            "direction",
            "frequency",
            "level",
            "kind",
            "data_source",
            "aggregation",
            "ratio_scale",
            "numerator_label",
            "denominator_label",
            "report_depth",
            "min_value",
            "max_value",
            "decimals",
            "on_track_band",
            "off_track_band",
            "hold_tolerance",
            "hold_tolerance",
            "meaningful",
            "moveable",
            "measurable",
            "three_m_rationale",
            "rank",
        ]
        labels, help_texts = _labels(fields), _help(fields)
        widgets = {"description": TEXT, "three_m_rationale": TEXT}

    def clean(self):
        data = super().clean()
        if data.get("aggregation") == Indicator.Aggregation.RATIO:
            for name in ("numerator_label", "denominator_label"):
                if not (data.get(name) or "").strip():
                    self.add_error(
                        name,
                        _("A ratio indicator needs its numerator and denominator defined: say what is counted."),
                    )
        return data


class OrgUnitForm(SetupForm):
    parent = UnitCodeField(
        required=False,
        label=gettext_lazy("Parent unit"),
        help_text=gettext_lazy(
            "Type the parent's code or name and pick it from the suggestions; blank for a top-level unit "
            "(level 1, e.g. the nation). A unit's level is one below its parent's."
        ),
    )
    organisation = CodedChoiceField(
        Organisation.objects.order_by("name"),
        required=False,
        label=gettext_lazy("Responsible organisation"),
        help_text=gettext_lazy("The subnational government or provider responsible for this unit, if any."),
        widget=SearchableSelect,
    )

    class Meta:
        model = OrgUnit
        fields = ["code", "name", "parent", "organisation"]
        labels, help_texts = _labels(fields), _help(fields)

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent is not None and self.instance.pk:
            if parent.pk == self.instance.pk or parent.path.startswith(self.instance.path):
                raise forms.ValidationError(_("A unit cannot sit under itself or under one of its own units."))
        return parent
