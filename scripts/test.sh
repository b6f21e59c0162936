#!/usr/bin/env bash
# One command from a fresh machine to the whole test suite, on SQLite and on PostgreSQL,
# including the browser tests in Debian's headless Chromium.
#   bash scripts/test.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh test
data_dir="${STOCKTAKE_DATA_DIR:-$PWD/var/test}"
mkdir -p "$data_dir/sqlite" "$data_dir/postgres"
unset STOCKTAKE_DATABASE_URL

echo "==> Lint and format (ruff)"
.venv/bin/ruff check src tests bench
.venv/bin/ruff format --check src tests bench

# The two runs go side by side, one per core (each is one process; the suite took 82 min one after the other
# in CI, against CI's 90): the PostgreSQL run writes its log and it is printed when the SQLite run is done.
# Each has a data directory of its own (spooled uploads, documents, the SQLite database).
# STOCKTAKE_TEST_SERIAL=1 runs them one after the other instead.
pg_log="$data_dir/postgres.log"
run_postgres() {
  STOCKTAKE_DATA_DIR="$data_dir/postgres" bash scripts/with-postgres.sh .venv/bin/python -m pytest "$@"
}
if [ "${STOCKTAKE_TEST_SERIAL:-}" = "1" ]; then
  echo "==> Test suite on SQLite"
  STOCKTAKE_DATA_DIR="$data_dir/sqlite" .venv/bin/python -m pytest "$@"
  echo "==> Test suite on PostgreSQL"
  run_postgres "$@"
  exit 0
fi
echo "==> Test suites on SQLite and on PostgreSQL, side by side (PostgreSQL's output: $pg_log, printed after)"
run_postgres "$@" >"$pg_log" 2>&1 &
pg_pid=$!
trap 'kill "$pg_pid" 2>/dev/null || true' EXIT
sqlite_rc=0
STOCKTAKE_DATA_DIR="$data_dir/sqlite" .venv/bin/python -m pytest "$@" || sqlite_rc=$?
pg_rc=0
wait "$pg_pid" || pg_rc=$?
trap - EXIT
echo "==> Test suite on PostgreSQL (run beside the SQLite one)"
cat "$pg_log"
echo "==> SQLite: exit $sqlite_rc; PostgreSQL: exit $pg_rc"
[ "$sqlite_rc" -eq 0 ] && [ "$pg_rc" -eq 0 ]
