"""Back-office pages of the incentives app: read-only, because money moves only through the actions."""

from django.contrib import admin

from .models import Fund, LedgerEntry, Payment, SampleCheck, Scheme


class ReadOnly(admin.ModelAdmin):
    """Every change to the fund must be checked and audited by stocktake.incentives.actions."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Fund)
class FundAdmin(ReadOnly):
    list_display = ("code", "name", "currency", "budget", "starts", "ends")


@admin.register(Scheme)
class SchemeAdmin(ReadOnly):
    list_display = ("code", "name", "fund", "recipient", "indicator", "status", "commitment")
    list_filter = ("fund", "status")


@admin.register(Payment)
class PaymentAdmin(ReadOnly):
    list_display = ("id", "scheme", "period", "kind", "amount", "status", "needs_review")
    list_filter = ("status", "kind", "needs_review")


@admin.register(SampleCheck)
class SampleCheckAdmin(ReadOnly):
    list_display = ("scheme", "period", "attempt", "checked", "eligible", "passed")


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnly):
    list_display = ("id", "at", "fund", "stage", "amount", "payment", "reference")
    list_filter = ("fund", "stage")
