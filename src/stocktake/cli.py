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
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
