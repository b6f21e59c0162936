"""Form fields that keep out-of-range ids away from the database.

Django's ModelMultipleChoiceField checks each id with a lazy `filter(pk=...)` and then evaluates
`filter(pk__in=...)`: an id like 99999999999999999999 passes the first and makes the database driver raise
OverflowError in the second (a 500). Such an id names nothing, so it is simply not a valid choice.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from stocktake.params import MAX_ID


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for pk in value if isinstance(value, (list, tuple)) else []:
            text = str(pk).strip().lstrip("+-")
            if text.isascii() and text.isdigit() and int(text) > MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super()._check_values(value)
