"""Emails to data leads when a period's data is due, and again when it is late; never twice for the same thing."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from stocktake.accounts.mail import in_recipients_language
from stocktake.accounts.models import Person
from stocktake.architecture.models import Indicator

from . import actions, freshness
from .models import Reminder

DUE_NOTICE_DAYS = 7  # warn this many days before the due date


def _leads(indicator) -> list[Person]:
    return list(
        Person.objects.filter(
            role=Person.Role.DATA_LEAD, organisation_id=indicator.outcome.priority.lead_organisation_id
        ).exclude(email="")
    )


def _send(indicator, period_code: str, kind: str, subject: str, body: str) -> int:
    sent = 0
    for person in _leads(indicator):
        with transaction.atomic():  # the reminder is kept only if its email went out
            if actions.record_reminder(indicator=indicator, period=period_code, kind=kind, email=person.email) is None:
                continue
            send_mail(
                subject, f"Dear {person.name},\n\n{body}\n\nStocktake", settings.DEFAULT_FROM_EMAIL, [person.email]
            )
            sent += 1
    return sent


@in_recipients_language  # whoever runs the command or job
def send(today: date | None = None) -> dict:
    """Due and late reminders for every indicator; returns {"due": n, "late": n} emails sent."""
    today = today or date.today()
    counts = {"due": 0, "late": 0}
    indicators = Indicator.objects.select_related("outcome__priority")
    for f in freshness.of(indicators, today):
        ind = f.indicator
        if f.late:
            missing = ", ".join(f.missing_units[:15]) + (" …" if len(f.missing_units) > 15 else "")
            counts["late"] += _send(
                ind,
                f.due_period.code,
                Reminder.Kind.LATE,
                f"Late: {ind.name} for {f.due_period.code}",
                f"Data for '{ind.name}' ({ind.code}) for {f.due_period.code} was due on {f.due_date:%d %B %Y} and is "
                f"{f.days_late} days late. Units not yet reported: {missing}.\n"
                f"Upload it at /collection/import/ or with `stocktake import FILE`.",
            )
        period, due = freshness.next_due(ind.frequency, today)
        if today <= due <= today + timedelta(days=DUE_NOTICE_DAYS):
            counts["due"] += _send(
                ind,
                period.code,
                Reminder.Kind.DUE,
                f"Due {due:%d %B}: {ind.name} for {period.code}",
                f"Data for '{ind.name}' ({ind.code}) for {period.code} is due on {due:%d %B %Y}. "
                f"Upload it at /collection/import/ (a template with your codes is on that page).",
            )
    return counts
