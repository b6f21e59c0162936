#!/usr/bin/env bash
# Install what Stocktake needs on a Debian machine, then the Python environment in .venv.
#   bash scripts/install.sh        the app (WeasyPrint's Pango, fonts)
#   bash scripts/install.sh test   the app plus test needs (Chromium, PostgreSQL, poppler)
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-app}"

packages=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
want() { for p in "$@"; do have_pkg "$p" || packages+=("$p"); done; }

want libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
want gettext  # msgfmt: the translation catalogues (.po) are compiled (.mo) below
if [ "$what" = "test" ]; then
  command -v chromium >/dev/null || want chromium
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || want postgresql
  command -v pdftotext >/dev/null || want poppler-utils
  command -v npm >/dev/null || want npm  # axe-core, the accessibility checker the browser tests inject
fi
if ! python3 -c "import venv, ensurepip" >/dev/null 2>&1; then
  want python3-venv python3-dev
fi

if [ "${#packages[@]}" -gt 0 ]; then
  echo "==> Installing system packages: ${packages[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "Need root to apt-get install ${packages[*]}; run as root or install them first." >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${packages[@]}"
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> Creating the Python environment in .venv"
  python3 -m venv .venv
fi
echo "==> Installing Python packages (pinned in pyproject.toml)"
.venv/bin/python -m pip install -q --upgrade pip
if [ "$what" = "test" ]; then
  .venv/bin/python -m pip install -q -e ".[test]"
  # The official IATI 2.03 XSDs the tests validate the export against (tests/public/test_iati.py), as the pinned
  # pyIATI package ships them; --no-deps because its own pins (lxml 4.2, PyYAML 3.13) predate this Python and
  # only its schema files are read, never its code.
  .venv/bin/python -m pip install -q --no-deps "pyIATI==0.4.1"
else
  .venv/bin/python -m pip install -q -e .
fi

echo "==> Compiling the translation catalogues (src/stocktake/*/locale/*/LC_MESSAGES/django.mo)"
(data="$PWD/var" && cd src/stocktake && STOCKTAKE_DATA_DIR="$data" ../../.venv/bin/stocktake compilemessages -v 0)

if [ "$what" = "test" ]; then
  echo "==> Installing axe-core (pinned) into node_modules for the accessibility tests"
  axe_version=4.14.1
  if [ "$(node -p "require('./node_modules/axe-core/package.json').version" 2>/dev/null)" != "$axe_version" ]; then
    npm install --no-save --no-package-lock --no-audit --no-fund --silent "axe-core@$axe_version"
  fi
fi
