#!/usr/bin/env bash
# One command from a fresh machine to the whole test suite, on SQLite and on PostgreSQL,
# including the browser tests in Debian's headless Chromium.
#   bash scripts/test.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh test
export STOCKTAKE_DATA_DIR="${STOCKTAKE_DATA_DIR:-$PWD/var/test}"
mkdir -p "$STOCKTAKE_DATA_DIR"
unset STOCKTAKE_DATABASE_URL

echo "==> Lint and format (ruff)"
.venv/bin/ruff check src tests bench
.venv/bin/ruff format --check src tests bench

echo "==> Test suite on SQLite"
.venv/bin/python -m pytest "$@"

echo "==> Test suite on PostgreSQL"
bash scripts/with-postgres.sh .venv/bin/python -m pytest "$@"
