"""Form controls for setting up the delivery architecture in the app: searchable selects, an org unit chosen
by its code, and a trajectory stage editor.

Each one is a plain HTML control that works without script; a small script of our own under static
(the content security policy allows no inline script) makes it easier to use: a filter box over a long
select, suggestions while a unit's code or name is typed, and a curve drawn as stages are typed or dragged.
"""

from __future__ import annotations

import json
import math

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import OrgUnit


class SearchableSelect(forms.Select):
    """A plain <select> that architecture/searchable.js gives a filter box above it."""

    class Media:
        js = ("architecture/searchable.js",)

    def __init__(self, attrs=None, choices=()):
        base = {"data-searchable": "1", "data-filter-label": gettext_lazy("Type to filter the list")}
        super().__init__({**base, **(attrs or {})}, choices)


class UnitCodeInput(forms.TextInput):
    """A text box for an org unit's code, with a datalist that architecture/searchable.js fills from the lookup
    page as the user types a code or a name (there may be 20,000 units: too many for a select)."""

    class Media:
        js = ("architecture/searchable.js",)

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_id = context["widget"]["attrs"].get("id") or name
        context["widget"]["attrs"]["list"] = f"{widget_id}-options"
        context["widget"]["attrs"]["data-unit-lookup"] = reverse("architecture:unit_lookup")
        return context

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        widget_id = (attrs or {}).get("id") or name
        return html + format_html('<datalist id="{}-options"></datalist>', widget_id)

    def format_value(self, value):
        if isinstance(value, OrgUnit):
            return value.code
        if isinstance(value, int):  # the initial value of a foreign key is its id
            unit = OrgUnit.objects.filter(pk=value).only("code").first()
            return unit.code if unit else ""
        return super().format_value(value)


class UnitCodeField(forms.Field):
    """An org unit named by its code (or "code — name" as the suggestions show it), never by a database id."""

    widget = UnitCodeInput

    def to_python(self, value):
        text = (value or "").strip() if not isinstance(value, OrgUnit) else value
        if isinstance(text, OrgUnit) or not text:
            return text or None
        code = text.split(" — ", 1)[0].strip()
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None:
            raise ValidationError(
                _("No org unit has the code “%(code)s”. Type a code or a name and pick one of the suggestions."),
                code="invalid_choice",
                params={"code": code},
            )
        return unit

    def prepare_value(self, value):
        return value

    def has_changed(self, initial, data):
        initial_code = self.widget.format_value(initial) or ""
        return initial_code != (data or "").split(" — ", 1)[0].strip()


class RawStages(list):
    """Stage rows exactly as typed, [(time %, change %) as text], so a form with an error shows them again."""


class StagesEditor(forms.Widget):
    """Rows of (share of time elapsed %, share of change achieved %) with the curve drawn beside them.

    Posts `<name>_time` and `<name>_change` once per row. architecture/stages.js adds and removes rows,
    draws the curve as they are typed and lets the points be dragged; without script the rows are typed.
    """

    template_name = "architecture/widgets/stages.html"
    blank_rows = 2

    class Media:
        js = ("architecture/stages.js",)

    def value_from_datadict(self, data, files, name):
        if name in data:  # a script or an older page posting the stored form: [[0.25, 0.1], ...]
            return data.get(name)
        times, changes = data.getlist(f"{name}_time"), data.getlist(f"{name}_change")
        if not times and not changes:
            return None
        width = max(len(times), len(changes))
        times, changes = times + [""] * (width - len(times)), changes + [""] * (width - len(changes))
        return RawStages((t.strip(), c.strip()) for t, c in zip(times, changes))

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_time" not in data

    def format_value(self, value):
        """Rows as text for the inputs: raw rows as typed, stored fractions as percentages."""
        if isinstance(value, RawStages):
            return [list(row) for row in value]
        if isinstance(value, str):
            try:
                value = json.loads(value) if value.strip() else []
            except ValueError:
                return []
        rows = []
        for stage in value if isinstance(value, (list, tuple)) else []:
            try:
                rows.append([_percent(stage[0]), _percent(stage[1])])
            except (TypeError, ValueError, IndexError):
                continue
        return rows

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        rows = self.format_value(value)
        context["widget"]["rows"] = rows + [["", ""]] * self.blank_rows
        context["widget"]["first_row"] = len(rows) + self.blank_rows > 0
        return context


def _percent(fraction) -> str:
    number = float(fraction) * 100
    if not math.isfinite(number):
        raise ValueError(fraction)
    return f"{round(number, 4):g}"


class StagesField(forms.Field):
    """The stages of a staged trajectory as [[time fraction, change fraction], ...], typed as percentages."""

    widget = StagesEditor

    def to_python(self, value):
        if value is None or value == "":
            return []
        if isinstance(value, str):
            return self._from_json(value)
        if isinstance(value, RawStages):
            return self._from_rows(value)
        return value

    def _from_json(self, text):
        try:
            stages = json.loads(text)
        except ValueError:
            raise ValidationError(_("Write stages as pairs of numbers, e.g. [[0.5, 0.3]].")) from None

        def pair(s) -> bool:
            return (
                isinstance(s, list)
                and len(s) == 2
                and all(isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) for x in s)
            )

        if not isinstance(stages, list) or not all(pair(s) for s in stages):
            raise ValidationError(_("Write stages as pairs of numbers, e.g. [[0.5, 0.3]]."))
        return stages

    def _from_rows(self, rows):
        stages, problems = [], []
        for number, (time_text, change_text) in enumerate(rows, start=1):
            if not time_text and not change_text:
                continue
            if not time_text or not change_text:
                problems.append(
                    _("Stage %(n)s: give both the share of time elapsed and the share of change achieved.")
                    % {"n": number}
                )
                continue
            try:
                time, change = float(time_text), float(change_text)
            except ValueError:
                problems.append(_("Stage %(n)s: the shares must be numbers (percentages).") % {"n": number})
                continue
            if not (math.isfinite(time) and 0 < time < 100):
                problems.append(
                    _("Stage %(n)s: the share of time elapsed must lie strictly between 0 and 100%%.") % {"n": number}
                )
            elif not (math.isfinite(change) and 0 <= change <= 100):
                problems.append(
                    _("Stage %(n)s: the share of change achieved must lie between 0 and 100%%.") % {"n": number}
                )
            else:
                stages.append([round(time / 100, 6), round(change / 100, 6)])
        times = [t for t, _c in stages]
        if len(set(times)) != len(times):
            problems.append(_("Two stages share the same share of time elapsed: give each stage its own time."))
        if problems:
            raise ValidationError(problems)
        return sorted(stages)

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != sorted([list(map(float, s)) for s in (initial or [])])
        except (ValidationError, TypeError, ValueError):
            return True
