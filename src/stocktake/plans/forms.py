"""Forms for the plan pages. They only parse input; plans.actions validates and writes."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from stocktake.accounts.models import Organisation, Person
from stocktake.architecture.models import Indicator
from stocktake.delivery import composition as CO
from stocktake.formfields import BoundedModelMultipleChoiceField

from .models import ChainActor, Milestone, Risk, ToCNode

SCORES = [("", "—")] + [(i, str(i)) for i in range(1, 6)]
DATE = forms.DateInput(attrs={"type": "date"})


def people():
    return Person.objects.order_by("name")


class StrategyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    rationale = forms.CharField(label=_("Rationale"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    scale = forms.CharField(label=_("Scale"), required=False)
    resources = forms.CharField(label=_("Resources"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    cost = forms.DecimalField(label=_("Cost"), required=False, max_digits=16, decimal_places=2)
    definition_of_success = forms.CharField(
        label=_("Definition of success"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    leaders = BoundedModelMultipleChoiceField(
        label=_("Leaders"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("The single person responsible."),
    )
    estimated_impact = forms.CharField(
        label=_("Estimated impact"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    impact_score = forms.TypedChoiceField(
        label=_("Impact score"), choices=SCORES, coerce=int, empty_value=None, required=False
    )
    difficulty_score = forms.TypedChoiceField(
        label=_("Difficulty score"), choices=SCORES, coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leaders"].queryset = people()


class ImpactForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=None)
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    effect = forms.FloatField(label=_("Effect"), help_text=_("Full effect in the indicator's units, signed."))
    ramp = forms.ChoiceField(label=_("Ramp"), choices=[(r, _(CO.RAMP_NAMES[r])) for r in CO.RAMPS])
    ramp_periods = forms.IntegerField(label=_("Ramp periods"), min_value=0, initial=4)
    end_date = forms.DateField(label=_("End date"), widget=DATE, required=False)
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, indicators=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators


class MilestoneForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=300)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=Person.objects.none(), required=False)
    due_date = forms.DateField(label=_("Due date"), widget=DATE)
    status = forms.ChoiceField(
        label=_("Status"), choices=Milestone.Status.choices, initial=Milestone.Status.NOT_STARTED
    )
    evidence = forms.CharField(label=_("Evidence"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people()


class RiskForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    likelihood = forms.TypedChoiceField(label=pgettext_lazy("of a risk", "Likelihood"), choices=SCORES[1:], coerce=int)
    impact = forms.TypedChoiceField(label=_("Impact"), choices=SCORES[1:], coerce=int)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=Person.objects.none(), required=False)
    mitigation = forms.CharField(label=_("Mitigation"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    review_date = forms.DateField(label=_("Review date"), widget=DATE, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Risk.Status.choices, initial=Risk.Status.OPEN)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people()


def attach(form: forms.Form, exc: ValidationError) -> None:
    """Put an action's refusal on the field it names, or on the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else None
            if field == "leader":
                target = "leaders" if "leaders" in form.fields else None
            for e in errors:
                form.add_error(target, e if target else f"{field}: {e}" if field != "__all__" else e)
    else:
        for e in exc.messages:
            form.add_error(None, e)


class ChainForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    levels = forms.CharField(
        label=_("Levels"), help_text=_("System levels, centre first, separated by commas: Ministry, Region, School.")
    )
    strategy = forms.ModelChoiceField(
        label=_("Strategy"), queryset=None, required=False, help_text=_("Blank: the chain serves the whole plan.")
    )

    def __init__(self, *args, strategies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["strategy"].queryset = strategies

    def clean_levels(self):
        return [x.strip() for x in self.cleaned_data["levels"].split(",") if x.strip()]


class ActorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    level = forms.TypedChoiceField(label=_("Level"), coerce=int, choices=())
    count = forms.IntegerField(label=pgettext_lazy("how many", "Count"), min_value=1, initial=1)
    role = forms.CharField(label=_("Role"), required=False)
    leader = forms.BooleanField(label=_("Leader"), required=False)
    frontline = forms.BooleanField(label=_("Frontline"), required=False)

    def __init__(self, *args, chain=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = list(enumerate(chain.levels))


class LinkForm(forms.Form):
    source = forms.ModelChoiceField(label=pgettext_lazy("the actor a chain link starts from", "Source"), queryset=None)
    target = forms.ModelChoiceField(label=pgettext_lazy("the actor a chain link leads to", "Target"), queryset=None)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("influence", _("influence")), ("funding", _("funding")), ("feedback", _("feedback"))],
    )
    strength = forms.TypedChoiceField(
        label=_("Strength"),
        coerce=int,
        choices=[(1, _("1 weak")), (2, _("2 fragile")), (3, _("3 sound")), (4, _("4 strong"))],
        initial=3,
    )

    def __init__(self, *args, chain=None, **kwargs):
        super().__init__(*args, **kwargs)
        # any actor, so that naming another chain's actor is refused by the action with its reason

        self.fields["source"].queryset = ChainActor.objects.all()
        self.fields["target"].queryset = ChainActor.objects.all()
        self.fields["source"].choices = [(a.pk, a.name) for a in chain.actors.all()]
        self.fields["target"].choices = [(a.pk, a.name) for a in chain.actors.all()]


class ToCNodeForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=())
    text = forms.CharField(max_length=300, label=_("What it says"))
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=None, required=False, help_text=_("Accountable for this result.")
    )
    indicator = forms.ModelChoiceField(
        label=_("Indicator"), queryset=None, required=False, help_text=_("The indicator that measures it, if any.")
    )

    def __init__(self, *args, priority=None, **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["stage"].choices = ToCNode.Stage.choices
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")
        self.fields["indicator"].queryset = Indicator.objects.filter(outcome__priority=priority).order_by("name")


class ToCLinkForm(forms.Form):
    source = forms.ModelChoiceField(queryset=None, label=pgettext_lazy("link of a delivery chain", "From"))
    target = forms.ModelChoiceField(queryset=None, label=_("Leads to"))
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=None,
        required=False,
        help_text=_("The organisation responsible for making this link hold."),
    )

    def __init__(self, *args, priority=None, **kwargs):
        super().__init__(*args, **kwargs)

        nodes = ToCNode.objects.filter(priority=priority)
        for name in ("source", "target"):
            self.fields[name].queryset = nodes
            self.fields[name].label_from_instance = lambda n: f"{n.get_stage_display()}: {n.text}"
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")
