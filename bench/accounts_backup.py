"""How long backup and restore take on the demo delivery unit, and that the result is identical.

    .venv/bin/python bench/accounts_backup.py            # SQLite in a temporary folder
    STOCKTAKE_DATABASE_URL=postgres://... .venv/bin/python bench/accounts_backup.py

Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="stocktake-bench-"))
    os.environ.setdefault("STOCKTAKE_DATA_DIR", str(tmp))
    os.environ.setdefault("STOCKTAKE_DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "stocktake.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("demo", reset=True, yes=True, stdout=open(os.devnull, "w"))
    from stocktake.accounts.backup import restore_backup, table_rows, write_backup

    path = tmp / "bench.backup.gz"
    started = time.perf_counter()
    rows = write_backup(path)
    backup_s = time.perf_counter() - started
    before = table_rows()
    started = time.perf_counter()
    restore_backup(path)
    restore_s = time.perf_counter() - started
    same = table_rows() == before
    print(f"database: {os.environ['STOCKTAKE_DATABASE_URL'].split(':')[0]}")
    print(f"rows: {rows:,}  file: {path.stat().st_size / 1e6:.1f} MB")
    print(f"backup: {backup_s:.2f} s ({rows / backup_s:,.0f} rows/s)")
    print(f"restore: {restore_s:.2f} s ({rows / restore_s:,.0f} rows/s)")
    print(f"identical after restore: {same}")


if __name__ == "__main__":
    main()
