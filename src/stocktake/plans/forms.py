"""Forms for the plan pages. They only parse input; plans.actions validates and writes."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

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
    name = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    scale = forms.CharField(required=False)
    resources = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    cost = forms.DecimalField(required=False, max_digits=16, decimal_places=2)
    definition_of_success = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    leaders = BoundedModelMultipleChoiceField(
        queryset=Person.objects.none(), required=False, help_text="The single person responsible."
    )
    estimated_impact = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    impact_score = forms.TypedChoiceField(choices=SCORES, coerce=int, empty_value=None, required=False)
    difficulty_score = forms.TypedChoiceField(choices=SCORES, coerce=int, empty_value=None, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leaders"].queryset = people()


class ImpactForm(forms.Form):
    indicator = forms.ModelChoiceField(queryset=None)
    start_date = forms.DateField(widget=DATE)
    effect = forms.FloatField(help_text="Full effect in the indicator's units, signed.")
    ramp = forms.ChoiceField(choices=[(r, CO.RAMP_NAMES[r]) for r in CO.RAMPS])
    ramp_periods = forms.IntegerField(min_value=0, initial=4)
    end_date = forms.DateField(widget=DATE, required=False)
    note = forms.CharField(required=False)

    def __init__(self, *args, indicators=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators


class MilestoneForm(forms.Form):
    name = forms.CharField(max_length=300)
    owner = forms.ModelChoiceField(queryset=Person.objects.none(), required=False)
    due_date = forms.DateField(widget=DATE)
    status = forms.ChoiceField(choices=Milestone.Status.choices, initial=Milestone.Status.NOT_STARTED)
    evidence = forms.CharField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people()


class RiskForm(forms.Form):
    title = forms.CharField(max_length=300)
    likelihood = forms.TypedChoiceField(choices=SCORES[1:], coerce=int)
    impact = forms.TypedChoiceField(choices=SCORES[1:], coerce=int)
    owner = forms.ModelChoiceField(queryset=Person.objects.none(), required=False)
    mitigation = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    review_date = forms.DateField(widget=DATE, required=False)
    status = forms.ChoiceField(choices=Risk.Status.choices, initial=Risk.Status.OPEN)

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
    name = forms.CharField(max_length=200)
    levels = forms.CharField(help_text="System levels, centre first, separated by commas: Ministry, Region, School.")
    strategy = forms.ModelChoiceField(
        queryset=None, required=False, help_text="Blank: the chain serves the whole plan."
    )

    def __init__(self, *args, strategies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["strategy"].queryset = strategies

    def clean_levels(self):
        return [x.strip() for x in self.cleaned_data["levels"].split(",") if x.strip()]


class ActorForm(forms.Form):
    name = forms.CharField(max_length=200)
    level = forms.TypedChoiceField(coerce=int, choices=())
    count = forms.IntegerField(min_value=1, initial=1)
    role = forms.CharField(required=False)
    leader = forms.BooleanField(required=False)
    frontline = forms.BooleanField(required=False)

    def __init__(self, *args, chain=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = list(enumerate(chain.levels))


class LinkForm(forms.Form):
    source = forms.ModelChoiceField(queryset=None)
    target = forms.ModelChoiceField(queryset=None)
    kind = forms.ChoiceField(choices=[(k, k) for k in ("influence", "funding", "feedback")])
    strength = forms.TypedChoiceField(
        coerce=int, choices=[(1, "1 weak"), (2, "2 fragile"), (3, "3 sound"), (4, "4 strong")], initial=3
    )

    def __init__(self, *args, chain=None, **kwargs):
        super().__init__(*args, **kwargs)
        # any actor, so that naming another chain's actor is refused by the action with its reason

        self.fields["source"].queryset = ChainActor.objects.all()
        self.fields["target"].queryset = ChainActor.objects.all()
        self.fields["source"].choices = [(a.pk, a.name) for a in chain.actors.all()]
        self.fields["target"].choices = [(a.pk, a.name) for a in chain.actors.all()]


class ToCNodeForm(forms.Form):
    stage = forms.ChoiceField(choices=())
    text = forms.CharField(max_length=300, label="What it says")
    organisation = forms.ModelChoiceField(queryset=None, required=False, help_text="Accountable for this result.")
    indicator = forms.ModelChoiceField(
        queryset=None, required=False, help_text="The indicator that measures it, if any."
    )

    def __init__(self, *args, priority=None, **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["stage"].choices = ToCNode.Stage.choices
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")
        self.fields["indicator"].queryset = Indicator.objects.filter(outcome__priority=priority).order_by("name")


class ToCLinkForm(forms.Form):
    source = forms.ModelChoiceField(queryset=None, label="From")
    target = forms.ModelChoiceField(queryset=None, label="Leads to")
    organisation = forms.ModelChoiceField(
        queryset=None, required=False, help_text="The organisation responsible for making this link hold."
    )

    def __init__(self, *args, priority=None, **kwargs):
        super().__init__(*args, **kwargs)

        nodes = ToCNode.objects.filter(priority=priority)
        for name in ("source", "target"):
            self.fields[name].queryset = nodes
            self.fields[name].label_from_instance = lambda n: f"{n.get_stage_display()}: {n.text}"
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")
