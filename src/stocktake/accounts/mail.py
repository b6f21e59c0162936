"""The language an email is written in: the recipient's, never that of whoever's request or job set it off.

An alert is emailed when an import commits, inside the uploader's request (so in the uploader's language); a
reminder goes out from a command or a job. Each sender composes and sends inside `recipient_language()` (or is
decorated with `in_recipients_language`). A person's own language (Person.language, set through the people API)
wins; blank, or a message with no one recipient, is the site's default language (LANGUAGE_CODE). `language_of`
is the one place that reads it; a sender that writes to several people switches per recipient.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.utils import translation


def language_of(person=None) -> str:
    """The language to write to this person in: theirs if they chose one, else the site's default."""
    return getattr(person, "language", "") or settings.LANGUAGE_CODE


def recipient_language(person=None):
    """A context in which gettext speaks the recipient's language: compose and send the message inside it."""
    return translation.override(language_of(person))


def in_recipients_language(func):
    """Run a sender in the recipients' language (read when it runs, not when the module is imported)."""

    @functools.wraps(func)
    def sender(*args, **kwargs):
        with recipient_language():
            return func(*args, **kwargs)

    return sender
