#!/usr/bin/env bash
# The management API over a large directory: 1,000,000 users seeded straight
# into the database, then `GET /api/v1/users?email=` (search) and
# `GET /api/v1/users?limit=50&after=` (a page) at random places, on SQLite or
# PostgreSQL. The server is pinned to CPU 0, the load generator to CPU 1; each
# scenario runs at full speed, then at a fixed 200 requests/s to read the
# latency there.
#
# usage: scripts/bench-directory.sh [sqlite|postgres] [seconds] [users]
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-sqlite}
seconds=${2:-10}
users=${3:-1000000}
pg_admin=${HALLPASS_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/test}

cargo build --release -q -p hallpass-server -p hallpass-loadgen
bin=target/release
work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
target="http://127.0.0.1:$port"
server=""
database=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null
  wait 2>/dev/null
  [ -n "$database" ] && psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS $database" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
export HALLPASS_DATA_DIR="$work/data" HALLPASS_LOG__LEVEL=warn HALLPASS_ISSUER="$target"

# Ids sort as the store's ULIDs do: `usr_01j` and 23 digits.
columns="id, email, email_normalized, email_verified, metadata, created_at, updated_at"
case $backend in
  sqlite)
    $bin/hallpass migrate >/dev/null
    python3 - "$work/data/hallpass.db" "$users" <<PY
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("""WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1)
INSERT INTO users ($columns)
SELECT 'usr_01j' || printf('%023d', i), 'user' || i || '@example.com', 'user' || i || '@example.com', 1, '{}',
       1700000000 + i, 1700000000 + i FROM n""", (int(sys.argv[2]),))
db.commit()
db.execute("ANALYZE")
PY
    ;;
  postgres)
    database="hallpass_bench_$$"
    psql -q "$pg_admin" -c "CREATE DATABASE $database" >/dev/null
    export HALLPASS_DATABASE_URL="${pg_admin%/*}/$database"
    $bin/hallpass migrate >/dev/null
    psql -q "$HALLPASS_DATABASE_URL" -c "INSERT INTO users ($columns)
      SELECT 'usr_01j' || lpad(i::text, 23, '0'), 'user' || i || '@example.com', 'user' || i || '@example.com', true, '{}',
             1700000000 + i, 1700000000 + i FROM generate_series(0, $users - 1) AS i; ANALYZE users;" >/dev/null
    ;;
  *) echo "usage: $0 [sqlite|postgres] [seconds] [users]" >&2; exit 2 ;;
esac

admin=$($bin/hallpass clients create --name bench-admin --admin --json)
taskset -c 0 $bin/hallpass serve --listen "127.0.0.1:$port" >/dev/null &
server=$!
for _ in $(seq 1 100); do curl -fs "$target/readyz" >/dev/null 2>&1 && break; sleep 0.1; done

field() { grep -o "\"$1\": *\"[^\"]*\"" <<<"$admin" | cut -d'"' -f4; }
echo "# $(date -u +%FT%TZ) $(nproc) cores, $backend, $users users, server on CPU 0, load on CPU 1, ${seconds}s per run"
for scenario in users-search users-list; do
  for rate in "" 200; do
    taskset -c 1 $bin/hallpass-loadgen --scenario "$scenario" --target "$target" --seconds "$seconds" \
      --client-id "$(field client_id)" --client-secret "$(field client_secret)" --users "$users" \
      --concurrency 16 ${rate:+--rate $rate} --json
  done
done
