#!/usr/bin/env bash
# Check that the partitioning migrations keep a populated PostgreSQL database's data: build the demo with
# main's code and schema (/work/main/src by default), count and checksum the values' tables, migrate with
# this checkout, and compare. Run inside scripts/with-postgres.sh:
#   bash scripts/with-postgres.sh bash scripts/migrate-populated-postgres.sh [OLD_SRC]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
old=${1:-/work/main/src}
py=${PYTHON:-/work/main/.venv/bin/python}
export STOCKTAKE_DATA_DIR=$(mktemp -d /tmp/partition-check.XXXXXX)
psql_url=$STOCKTAKE_DATABASE_URL
sums() { unsorted_sums | sort; }
unsorted_sums() {
  psql -X -q -At "$psql_url" -c "
    SELECT 'values', count(*), sum(hashtext((id, indicator_id, org_unit_id, period_id, value, numerator, state, version)::text)) FROM monitoring_datavalue
    UNION ALL SELECT 'versions', count(*), sum(hashtext((id, data_value_id, version, value, numerator, state, at)::text)) FROM monitoring_datavalueversion
    UNION ALL SELECT 'rollups', count(*), sum(hashtext((id, indicator_id, org_unit_id, period_id, value, published_value)::text)) FROM monitoring_rollup
    UNION ALL SELECT 'reviews', count(*), sum(hashtext((id, data_value_id, version, state)::text)) FROM collection_review"
}
psql -X -q "${psql_url%/*}/postgres" -c "CREATE DATABASE stocktake" 2>/dev/null || true
echo "==> demo on the old schema ($old)"
PYTHONPATH=$old "$py" -m stocktake demo --seed 2026 >/dev/null
sums | tee "$STOCKTAKE_DATA_DIR/before"
echo "==> migrate with $here/src"
PYTHONPATH=$here/src "$py" -m stocktake migrate -v 1 | grep -E "partition|distribution|Applying" || true
sums | tee "$STOCKTAKE_DATA_DIR/after"
diff "$STOCKTAKE_DATA_DIR/before" "$STOCKTAKE_DATA_DIR/after" && echo "==> same rows, same checksums"
psql -X -q -At "$psql_url" -c "SELECT c.relname, p.partstrat FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid ORDER BY 1"
psql -X -q -At "$psql_url" -c "SELECT conrelid::regclass, conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype IN ('p', 'u', 'f') AND conrelid::regclass::text IN ('monitoring_datavalue', 'monitoring_datavalueversion', 'monitoring_rollup', 'collection_review') ORDER BY 1, 2"
echo "==> a new value, version and review after the migration (the sequences carry on from the old ids)"
PYTHONPATH=$here/src "$py" -m stocktake shell -c "
from stocktake.monitoring.models import DataValue, DataValueVersion
from stocktake.monitoring import actions
dv = DataValue.objects.filter(disaggregation='').order_by('-id').first()
top = DataValueVersion.objects.order_by('-id').values_list('id', flat=True).first()
new, changed = actions.record_value(indicator=dv.indicator, org_unit=dv.org_unit, period=dv.period,
    value=(dv.value or 0) + 1, numerator=dv.numerator, denominator=dv.denominator, interface='system')
assert changed and new.versions.order_by('-id').first().id > top, 'version id not after the old ones'
print('new version', new.versions.order_by('-id').first().id, 'after', top)
"
