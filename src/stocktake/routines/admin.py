"""Back-office pages of the routines app: read-only, because every change must go through actions.py."""

from django.contrib import admin

from .models import ActionItem, Assessment, AssessmentRound, Meeting, Routine


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


for model in (AssessmentRound, Assessment, Routine, Meeting, ActionItem):
    admin.site.register(model, ReadOnly)
