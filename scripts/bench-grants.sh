#!/usr/bin/env bash
# Grants per second on one core: the server pinned to CPU 0, the load generator
# to CPU 1, both release builds, SQLite in a scratch directory. Each scenario
# runs at full speed, then at half that rate to read the latency there.
#
# usage: scripts/bench-grants.sh [seconds] [scenarios...]
# BENCH_SEED_ROWS=N first fills the database with N users and N live sessions.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
shift || true
scenarios=${*:-client-credentials refresh introspect jwks discovery password-signin email-code-signin}

cargo build --release -q -p hallpass-server -p hallpass-loadgen
bin=target/release
work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
target="http://127.0.0.1:$port"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
export HALLPASS_DATA_DIR="$work/data" HALLPASS_LOG__LEVEL=warn HALLPASS_ISSUER="$target"
# A load test signs in far more often than a person: lift the sign-in rate limits.
export HALLPASS_LIMITS__FAILURES_PER_IP_PER_HOUR=1000000000 HALLPASS_LIMITS__MAILS_PER_ACCOUNT_PER_HOUR=1000000000 HALLPASS_LIMITS__MAILS_PER_IP_PER_HOUR=1000000000

$bin/hallpass migrate >/dev/null
if [ -n "${BENCH_SEED_ROWS:-}" ]; then
  # A full directory: this many users, each with a live session.
  python3 - "$work/data/hallpass.db" "$BENCH_SEED_ROWS" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
n = int(sys.argv[2])
db.execute("""WITH RECURSIVE i(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM i WHERE n < ? - 1)
INSERT INTO users (id, email, email_normalized, email_verified, metadata, created_at, updated_at)
SELECT 'usr_01j' || printf('%023d', n), 'seed' || n || '@example.com', 'seed' || n || '@example.com', 1, '{}',
       1700000000 + n, 1700000000 + n FROM i""", (n,))
db.execute("""WITH RECURSIVE i(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM i WHERE n < ? - 1)
INSERT INTO sessions (id, token_hash, user_id, amr, auth_time, created_at, last_active_at, idle_expires_at, absolute_expires_at)
SELECT 'ses_01j' || printf('%023d', n), randomblob(32), 'usr_01j' || printf('%023d', n), '["pwd"]',
       unixepoch(), unixepoch(), unixepoch(), unixepoch() + 604800, unixepoch() + 2592000 FROM i""", (n,))
db.commit()
db.execute("ANALYZE")
PY
fi
machine=$($bin/hallpass clients create --name load-machine --scope load:test --json)
web=$($bin/hallpass clients create --name load-web --redirect-uri http://localhost:3000/callback --json)
taskset -c 0 $bin/hallpass serve --listen "127.0.0.1:$port" >/dev/null &
server=$!
for _ in $(seq 1 100); do curl -fs "$target/readyz" >/dev/null 2>&1 && break; sleep 0.1; done

run() {
  local scenario=$1 client=$2; shift 2
  taskset -c 1 $bin/hallpass-loadgen --scenario "$scenario" --target "$target" --seconds "$seconds" \
    --client-id "$(jq -r .client_id <<<"$client")" --client-secret "$(jq -r .client_secret <<<"$client")" \
    --data-dir "$work/data" --json "$@"
}

echo "# $(date -u +%FT%TZ) $(nproc) cores, server on CPU 0, load on CPU 1, ${seconds}s per run"
for scenario in $scenarios; do
  case $scenario in client-credentials) client=$machine ;; *) client=$web ;; esac
  concurrency=64; [ "$scenario" = password-signin ] && concurrency=8
  full=$(run "$scenario" "$client" --concurrency "$concurrency")
  echo "$full"
  rate=$(jq -r '.per_second / 2 | floor' <<<"$full")
  run "$scenario" "$client" --concurrency "$concurrency" --rate "$rate"
done
