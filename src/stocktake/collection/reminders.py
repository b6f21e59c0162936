"""Emails to data leads when a period's data is due, and again when it is late; never twice for the same thing.

Each email is written in its recipient's language (Person.language, else the site's), with dates as that
language writes them, whoever or whatever (the nightly job) sends it."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from stocktake.accounts.mail import in_recipients_language, recipient_language
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


def _send(indicator, period_code: str, kind: str, write) -> int:
    """Email each data lead; `write(person)` makes the (subject, body) in that person's language."""
    sent = 0
    for person in _leads(indicator):
        with transaction.atomic():  # the reminder is kept only if its email went out
            if actions.record_reminder(indicator=indicator, period=period_code, kind=kind, email=person.email) is None:
                continue
            with recipient_language(person):  # theirs, not the sender's
                subject, body = write(person)
                text = _("Dear %(name)s,\n\n%(body)s\n\nStocktake") % {"name": person.name, "body": body}
            send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [person.email])
            sent += 1
    return sent


def _late(ind, f, missing: str):
    def write(person):
        subject = _("Late: %(indicator)s for %(period)s") % {"indicator": ind.name, "period": f.due_period.code}
        body = ngettext(
            "Data for '%(indicator)s' (%(code)s) for %(period)s was due on %(due)s and is %(n)s day late. "
            "Units not yet reported: %(missing)s.\nUpload it at /collection/import/ or with `stocktake import FILE`.",
            "Data for '%(indicator)s' (%(code)s) for %(period)s was due on %(due)s and is %(n)s days late. "
            "Units not yet reported: %(missing)s.\nUpload it at /collection/import/ or with `stocktake import FILE`.",
            f.days_late,
        ) % {
            "indicator": ind.name,
            "code": ind.code,
            "period": f.due_period.code,
            "due": formats.date_format(f.due_date, "DATE_FORMAT"),
            "n": f.days_late,
            "missing": missing,
        }
        return subject, body

    return write


def _due(ind, period, due):
    def write(person):
        subject = _("Due %(due)s: %(indicator)s for %(period)s") % {
            "due": formats.date_format(due, "MONTH_DAY_FORMAT"),
            "indicator": ind.name,
            "period": period.code,
        }
        body = _(
            "Data for '%(indicator)s' (%(code)s) for %(period)s is due on %(due)s. "
            "Upload it at /collection/import/ (a template with your codes is on that page)."
        ) % {
            "indicator": ind.name,
            "code": ind.code,
            "period": period.code,
            "due": formats.date_format(due, "DATE_FORMAT"),
        }
        return subject, body

    return write


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
            counts["late"] += _send(ind, f.due_period.code, Reminder.Kind.LATE, _late(ind, f, missing))
        period, due = freshness.next_due(ind.frequency, today)
        if today <= due <= today + timedelta(days=DUE_NOTICE_DAYS):
            counts["due"] += _send(ind, period.code, Reminder.Kind.DUE, _due(ind, period, due))
    return counts
