#!/usr/bin/env bash
# One command from a fresh machine to the demo delivery unit in a browser:
# installs everything, creates the SQLite database, loads the demo, serves it.
#   HOST=0.0.0.0 PORT=8000 bash scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh app
export STOCKTAKE_DATA_DIR="${STOCKTAKE_DATA_DIR:-$PWD/var}"
.venv/bin/stocktake demo --if-empty
exec .venv/bin/stocktake serve "${HOST:-127.0.0.1}:${PORT:-8000}"
