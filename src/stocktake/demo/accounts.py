"""What the accounts app adds to the demo: a token as a ministry's nightly import would hold.

The sign-ins, the accountable leader's among them, are in the demo's setup workbook (demo/setup/People.csv).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from stocktake.accounts import actions


def extend(seed: int, say) -> None:
    """Called by build.extend inside its transaction."""
    say("accounts: an API token")
    # A token as a ministry's nightly import would hold. Its secret is derived from the seed and never shown;
    # it exists so the tokens page and the back office have something to list.
    health = get_user_model().objects.get(username="health-data")
    actions.create_placeholder_token(
        health, name="Nightly import from the health MIS", seed=seed, days=60, interface="system"
    )
