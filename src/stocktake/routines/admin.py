"""Back-office pages of the routines app: read-only, because every change must go through actions.py."""

from django.contrib import admin

from stocktake.accounts.admin import ReadOnlyAdmin

from .models import ActionItem, Assessment, AssessmentRound, Meeting, Routine

for model in (AssessmentRound, Assessment, Routine, Meeting, ActionItem):
    admin.site.register(model, ReadOnlyAdmin)
