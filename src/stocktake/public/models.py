"""What the delivery unit has decided to show the public, per commitment (a priority) and per field."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicCommitment(models.Model):
    """The delivery unit's decision about one priority on the public site.

    No row, or `published` off, means the priority is not on the public site at all. When it is, each
    field flag says whether the target (and deadline), the trajectory chart and the strategy summaries
    are shown; the latest published value and its status are always shown, failures included.
    Changed only through public.actions.publish, which audits every change.
    """

    priority = models.OneToOneField(
        "architecture.Priority", on_delete=models.CASCADE, primary_key=True, related_name="public_commitment"
    )
    published = models.BooleanField(default=False, help_text=_("Shown on the public site."))
    show_target = models.BooleanField(default=True, help_text=_("Show each indicator's target and deadline."))
    show_chart = models.BooleanField(default=True, help_text=_("Show the trajectory chart and its figures."))
    show_strategy = models.BooleanField(default=False, help_text=_("Show the summaries of its active strategies."))
    show_units = models.BooleanField(default=False, help_text=_("Publish figures per region and district."))
    summary = models.TextField(blank=True, help_text=_("The commitment in plain language, for citizens."))
    translations = models.JSONField(
        default=dict, blank=True, help_text=_('The summary in other languages: {"es": {"summary": "..."}}.')
    )
    published_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(auto_now=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = _("public commitment")

    def __str__(self) -> str:
        return f"{self.priority_id}: {'public' if self.published else 'not public'}"
