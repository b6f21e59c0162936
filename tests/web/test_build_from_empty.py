"""Issue 15's test: a small government from an empty database with only the setup file and the API.

The test database holds the demo, so the government is built in a database of its own: a fresh SQLite file,
migrated by `stocktake migrate`, into which tests/web/empty_government.py loads a setup workbook (CLI), makes
each person's first token (`stocktake token`), and then through the API alone imports a month of data,
validates and publishes it in bulk by filter, judges an outcome in an assessment round and closes it, reads a
stocktake meeting's pack, and creates a fund with a scheme. It checks that every audit entry came from the
CLI or the API: no admin, no shell, no page, no direct model write.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(env, *args):
    done = subprocess.run([sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_a_government_is_built_from_an_empty_database_with_the_setup_file_and_the_api(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("STOCKTAKE_DATABASE")}
    env["STOCKTAKE_DATA_DIR"] = str(tmp_path / "empty")
    _run(env, "-m", "stocktake", "migrate", "-v0")
    assert _run(env, "-m", "tests.web.empty_government", str(tmp_path)).strip().endswith("built")
