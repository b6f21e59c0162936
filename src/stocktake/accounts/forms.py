"""Sign-in and token forms."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import backends, tokens


class SignInForm(AuthenticationForm):
    """Says plainly when an account is locked or an address throttled, instead of 'wrong password'."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if backends.rate_limited(self.request):
            raise forms.ValidationError(
                _("Too many sign-in attempts from your address. Wait a few minutes and try again."), code="rate_limited"
            )
        if backends.locked_out(username, self.request):
            minutes = settings.STOCKTAKE_LOCKOUT[1] // 60
            raise forms.ValidationError(
                _(
                    "This account is locked from your address for %(minutes)s minutes after repeated failed "
                    "sign-ins. Ask the delivery unit's administrator if you need it sooner."
                )
                % {"minutes": minutes},
                code="locked",
            )
        return super().clean()


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text=gettext_lazy("What the token is for, e.g. 'nightly import from the health MIS'.")
    )
    days = forms.IntegerField(
        min_value=1,
        max_value=tokens.MAX_DAYS,
        initial=tokens.DEFAULT_DAYS,
        help_text=format_lazy(gettext_lazy("Expires after this many days (at most {days})."), days=tokens.MAX_DAYS),
    )
