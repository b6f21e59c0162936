#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server started here and removed after.
# The command sees STOCKTAKE_DATABASE_URL pointing at it.
#   bash scripts/with-postgres.sh .venv/bin/pytest
set -euo pipefail
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
dir=$(mktemp -d /tmp/stocktake-pg.XXXXXX)
chmod 755 "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  # PostgreSQL refuses to run as root; Debian's package made the postgres user.
  chown postgres "$dir"
  as_pg=(runuser -u postgres --)
fi
"${as_pg[@]}" "$pgbin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 >/dev/null
stop() { "${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap stop EXIT
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o \
  "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
echo "==> PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') running on 127.0.0.1:$port"
export STOCKTAKE_DATABASE_URL="postgres://postgres@127.0.0.1:$port/stocktake"
"$@"
