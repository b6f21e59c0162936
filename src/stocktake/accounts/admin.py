"""Back-office pieces every app shares (ReadOnlyAdmin, AuditedAdmin) and the accounts admin."""

from django.contrib import admin

from . import audit
from .models import ApiToken, AuditEntry, Organisation, Person


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that change only through an app's actions.py (checked and audited there) or
    that record what happened: the back office may look, never add, edit or delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedAdmin(admin.ModelAdmin):
    """Back-office edits go through the same audit trail as every other interface."""

    def save_model(self, request, obj, form, change):
        # The form has validated the record (clean=False: fields the save fills in, such as an org unit's path,
        # are not in the form); the one audited write path does the rest.
        audit.save_audited(obj, user=request.user, interface="admin", clean=False)

    def delete_model(self, request, obj):
        audit.delete_audited(obj, user=request.user, interface="admin")

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "code", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ["name", "title", "role", "organisation", "user"]
    list_filter = ["role", "organisation"]
    search_fields = ["name", "email"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "interface", "action", "model", "object_repr"]
    list_filter = ["interface", "action", "model"]
    search_fields = ["object_repr", "object_id", "reason"]
    date_hierarchy = "at"


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Read-only: tokens are made and revoked by their owners (the secret is shown only to them)."""

    list_display = ["name", "user", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    exclude = ["digest"]
