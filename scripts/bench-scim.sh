#!/usr/bin/env bash
# SCIM provisioning figures: a release server pinned to one core (SQLite),
# USERS created through POST /Users, then userName lookups (p50/p99).
# With SEED set, that many more SCIM Users are first written straight into
# the database (as the server stores them), so lookups run among USERS+SEED.
# usage: [SEED=N] scripts/bench-scim.sh [users] [concurrency]
set -euo pipefail
cd "$(dirname "$0")/.."
users="${1:-10000}"
concurrency="${2:-32}"
cargo build --release -q -p hallpass-server
bin="${CARGO_TARGET_DIR:-target}/release/hallpass"
python="$(scripts/install-scim2-tester.sh)"
data="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; rm -rf "$data"' EXIT
log="$data/serve.log"
taskset -c 0 "$bin" --data-dir "$data" serve --listen 127.0.0.1:0 --json >"$log" 2>/dev/null &
server=$!
for _ in $(seq 1 100); do grep -q listening "$log" 2>/dev/null && break; sleep 0.1; done
address="$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["address"])' "$log")"
org="$("$bin" --data-dir "$data" orgs create --name Bench --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
made="$("$bin" --data-dir "$data" directories create --org "$org" --name Bench --json)"
id="$(echo "$made" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
base="http://$address/scim/v2/$id"
token="$(echo "$made" | python3 -c 'import json,sys; print(json.load(sys.stdin)["bearer_token"])')"
if [ -n "${SEED:-}" ]; then
  python3 - "$data/hallpass.db" "$id" "$SEED" <<'PY'
import json, sqlite3, sys, time
db, directory, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
c = sqlite3.connect(db, timeout=60)
now = int(time.time())
doc = lambda i: json.dumps({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": f"seed{i}@bench.test"})
rows = ((directory, f"scm_seed{i:020d}", "User", f"seed{i}@bench.test", None, None, doc(i), 1, now, now) for i in range(n))
c.executemany("INSERT INTO scim_resources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
c.commit()
print(f"seeded {n} SCIM Users")
PY
fi
echo "server pinned to core 0 ($address); load on core 1"
taskset -c 1 "$python" scripts/bench-scim.py "$base" "$token" "$users" "$concurrency"
