"""The `stocktake` command: Django's management commands under one name.

stocktake serve [ADDR:PORT]   migrate, then run the web app
stocktake demo                load the demo delivery unit
stocktake migrate | createsuperuser | shell | ...
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stocktake.settings")
    from django.conf import settings
    from django.core.management import execute_from_command_line

    from stocktake.accounts.production import InsecureProduction

    try:
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    except InsecureProduction as exc:
        # Settings refuse an unsafe production configuration; say why without a traceback.
        print(exc, file=sys.stderr)
        raise SystemExit(2) from None
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "stocktake"
    if len(argv) == 1:
        argv.append("help")
    from django.db import DatabaseError

    try:
        execute_from_command_line(argv)
    except DatabaseError as exc:
        # An unreachable, read-only or busy database: one line that says so, not a traceback.
        print(database_trouble(exc), file=sys.stderr)
        raise SystemExit(3) from None


def database_trouble(exc: Exception) -> str:
    """One line for a database error the person at the terminal can act on."""
    from django.conf import settings

    from stocktake import retry

    db = settings.DATABASES["default"]
    where = (
        db.get("NAME")
        if db["ENGINE"].endswith("sqlite3")
        else f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db.get('NAME')}"
    )
    first = (str(exc).strip().splitlines() or [exc.__class__.__name__])[0]
    if retry.is_busy(exc):
        what = "the database is busy with another writer; nothing was changed, try again in a moment"
    elif "readonly" in first.lower() or "read-only" in first.lower():
        what = "the database is read-only; nothing was changed"
    elif retry.is_down(exc):
        what = "the database cannot be reached or opened"
    else:
        what = "the database refused the command; nothing was changed"
    return f"stocktake: {what} ({where}): {first}"


if __name__ == "__main__":
    main()
