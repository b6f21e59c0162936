"""`stocktake token USER [--name N] [--days D]`: the first API token, made where no page can be reached yet.

A new deployment has a user (from `createsuperuser` or `stocktake setup`) but no token, and a program that
builds the government through the API needs one; this makes it through the same action as the tokens page
(audited, interface "cli") and prints the secret once.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from stocktake.accounts import actions, tokens


class Command(BaseCommand):
    help = "Create an API token for USER and print its secret (shown this once; only its digest is stored)."

    def add_arguments(self, parser):
        parser.add_argument("user", help="the user name the token acts for; it carries exactly their permissions")
        parser.add_argument("--name", default="made with stocktake token", help="what the token is for")
        parser.add_argument(
            "--days", type=int, default=None, help=f"how long it lives (1 to {tokens.MAX_DAYS}; default the longest)"
        )

    def handle(self, *args, user, name, days, **options):
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(_("user: there is no user named '%(user)s'") % {"user": user})
        if not account.is_active:
            raise CommandError(_("user: '%(user)s' is deactivated; an inactive user holds no tokens") % {"user": user})
        try:
            token, secret = actions.issue_token(account, name=name, days=days, interface="cli")
        except tokens.TokenError as exc:
            raise CommandError(str(exc)) from exc
        self.stderr.write(
            _("Token '%(name)s' for %(user)s, expires %(date)s. The secret is below and is not shown again:")
            % {"name": token.name, "user": account.username, "date": f"{token.expires_at:%Y-%m-%d}"}
        )
        self.stdout.write(secret)
