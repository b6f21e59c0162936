"""What the accounts app adds to the demo: a sign-in for the one role the core demo lacks, and a token."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model

from stocktake.accounts import actions
from stocktake.accounts.models import Person
from stocktake.architecture.models import Priority

from .spec import DEMO_PASSWORD

# The accountable leader of the A&E priority (Ministry of Health) gets an account.
LEADER_USERNAME = "leader"
LEADER_PRIORITY = "ae-waits"


def extend(seed: int, say) -> None:
    """Called by build.extend inside its transaction, so refusing here loads nothing."""

    if settings.PRODUCTION:
        raise RuntimeError("the demo creates accounts with a published password; it is refused in production mode")

    say("accounts: accountable leader sign-in, an API token")
    priority = Priority.objects.get(code=LEADER_PRIORITY)
    person = (
        Person.objects.filter(
            role=Person.Role.ACCOUNTABLE_LEADER, organisation=priority.lead_organisation, user__isnull=True
        )
        .order_by("pk")
        .first()
    )
    first, _, last = person.name.rpartition(" ")
    account = actions.create_account(
        username=LEADER_USERNAME,
        password=DEMO_PASSWORD,
        first_name=first,
        last_name=last,
        email=f"{LEADER_USERNAME}@demo.stocktake.invalid",
        interface="system",
    )
    actions.give_account(person, account, interface="system")
    # A token as a ministry's nightly import would hold. Its secret is derived from the seed and never shown;
    # it exists so the tokens page and the back office have something to list.
    health = get_user_model().objects.get(username="health-data")
    actions.create_placeholder_token(
        health, name="Nightly import from the health MIS", seed=seed, days=60, interface="system"
    )
