"""Back office for collection: mappings are edited here (audited); imports, reviews and reminders are read-only records."""

from django.contrib import admin

from stocktake.accounts.admin import AuditedAdmin, ReadOnlyAdmin

from .models import ColumnMapping, Dhis2Mapping, ImportBatch, Reminder, Review


@admin.register(ColumnMapping)
class ColumnMappingAdmin(AuditedAdmin):
    list_display = ["name", "description", "updated_at"]
    search_fields = ["name", "description"]


@admin.register(Dhis2Mapping)
class Dhis2MappingAdmin(AuditedAdmin):
    list_display = ["kind", "dhis2_id", "name", "code", "field"]
    list_filter = ["kind"]
    search_fields = ["dhis2_id", "code", "name"]


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "created_at",
        "user",
        "file_name",
        "format",
        "dry_run",
        "status",
        "rows_read",
        "records",
        "rows_skipped",
        "rows_accepted",
        "rows_rejected",
        "created",
        "changed",
    ]
    list_filter = ["status", "format", "dry_run"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["data_value", "version", "previous_state", "state", "reason", "by", "at"]
    list_filter = ["state"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "period", "kind", "email", "sent_at"]
    list_filter = ["kind"]
