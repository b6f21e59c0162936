"""Back-office pages of the incentives app: read-only, because money moves only through the actions."""

from django.contrib import admin

from stocktake.accounts.admin import ReadOnlyAdmin

from .models import Fund, LedgerEntry, Payment, SampleCheck, Scheme


@admin.register(Fund)
class FundAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "currency", "budget", "starts", "ends")


@admin.register(Scheme)
class SchemeAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "fund", "recipient", "indicator", "status", "commitment")
    list_filter = ("fund", "status")


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("id", "scheme", "period", "kind", "amount", "status", "needs_review")
    list_filter = ("status", "kind", "needs_review")


@admin.register(SampleCheck)
class SampleCheckAdmin(ReadOnlyAdmin):
    list_display = ("scheme", "period", "attempt", "checked", "eligible", "passed")


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("id", "at", "fund", "stage", "amount", "payment", "reference")
    list_filter = ("fund", "stage")
