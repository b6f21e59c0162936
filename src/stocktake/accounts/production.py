"""Refusing to run a production deployment that is not safe to expose.

Imported by settings before Django is set up, so it must not import Django
models. Raising here stops every entry point alike: `stocktake serve`, the
WSGI module behind gunicorn, and every management command.
"""

from __future__ import annotations


class InsecureProduction(Exception):
    """Raised instead of Django's ImproperlyConfigured so the message is plain and specific."""


def problems(*, debug: bool, secret_key: str, allowed_hosts: list[str], default_secret_key: str) -> list[str]:
    found = []
    if debug:
        found.append("STOCKTAKE_DEBUG is on: debug pages would show settings and data to anyone")
    if not secret_key or secret_key == default_secret_key or len(secret_key) < 32:
        found.append(
            "STOCKTAKE_SECRET_KEY is missing, the public default, or shorter than 32 characters: "
            "sessions and tokens could be forged"
        )
    if not allowed_hosts or "*" in allowed_hosts:
        found.append("STOCKTAKE_ALLOWED_HOSTS is empty or '*': name the host names this server answers to")
    return found


def refuse_insecure_production(**settings) -> None:
    found = problems(**settings)
    if found:
        raise InsecureProduction(
            "Stocktake refuses to start in production mode (STOCKTAKE_PRODUCTION=1):\n  - " + "\n  - ".join(found)
        )
