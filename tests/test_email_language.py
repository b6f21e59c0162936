"""Emails speak the recipient's language, not the language of whoever's request, command or job sent them.

Stocktake keeps no language per person, so the recipient's language is the site's default (LANGUAGE_CODE,
accounts/mail.py). An alert is emailed when an import commits, inside the uploader's request: a French-speaking
uploader must not send the owners French mail on a Spanish site.
"""

from __future__ import annotations

import datetime
import importlib
import io
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import translation

from stocktake.accounts.models import Person
from stocktake.architecture.models import Indicator, Priority
from stocktake.collection import reminders
from stocktake.monitoring import actions as monitoring_actions
from stocktake.monitoring import alerts
from stocktake.routines import actions as routines_actions

REMIND_ACTIONS = importlib.import_module("stocktake.routines.management.commands.remind-actions")


@pytest.mark.parametrize("site, sender", [("es", "fr"), ("en", "es"), ("fr", "en")])
def test_alert_emails_are_in_the_site_language_whoever_raised_them(db, settings, site, sender):
    settings.LANGUAGE_CODE = site
    rail = Indicator.objects.get(code="rail-ppm")
    rule = monitoring_actions.create_alert_rule(indicator=rail, kind="beyond_band", depth=2, worst="slightly_off")
    Person.objects.filter(pk=rail.outcome.leader_id).update(email="rail.lead@example.org")
    mail.outbox.clear()
    with translation.override(sender):  # the uploader's request
        raised = alerts.evaluate([rule.indicator_id])
        assert translation.get_language() == sender  # and the request's language is left as it was
    assert raised and len(mail.outbox) == 1

    def subject(lang):
        with translation.override(lang):
            return alerts.ngettext(
                "[Stocktake] %(n)s alert: %(indicator)s", "[Stocktake] %(n)s alerts: %(indicator)s", len(raised)
            ) % {"n": len(raised), "indicator": rail.name}

    assert subject(site) != subject(sender)  # the two languages word it differently: the check can fail
    assert mail.outbox[0].subject == subject(site)


def _languages_at_send(monkeypatch, module) -> list[str]:
    """The language active each time `module` sends a message."""
    seen: list[str] = []
    real = module.send_mail

    def send_mail(*args, **kwargs):
        seen.append(translation.get_language())
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "send_mail", send_mail)
    return seen


def test_data_reminders_are_sent_in_the_site_language(db, settings, monkeypatch):
    settings.LANGUAGE_CODE = "es"
    seen = _languages_at_send(monkeypatch, reminders)
    with translation.override("fr"):
        counts = reminders.send(datetime.date(2026, 11, 24))
    assert counts["late"] >= 1 and seen and set(seen) == {"es"}


def test_action_reminders_are_sent_in_the_site_language(db, settings, monkeypatch):
    settings.LANGUAGE_CODE = "pt"
    owner = Person.objects.get(user__username="interior-data")
    routines_actions.create_action(
        priority=Priority.objects.get(code="homicides"),
        description="Send the crime returns",
        owner=owner,
        due=date.today() - timedelta(days=3),
        today=date.today() - timedelta(days=10),
    )
    seen = _languages_at_send(monkeypatch, REMIND_ACTIONS)
    with translation.override("fr"):
        call_command("remind-actions", stdout=io.StringIO(), stderr=io.StringIO())
    assert seen and set(seen) == {"pt"}
