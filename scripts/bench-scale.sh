#!/usr/bin/env bash
# The grant and sign-in scenarios on an empty database and on one holding
# 1,000,000 users with 1,000,000 live sessions, in one run: the degradation
# as a ratio of full-speed throughput and of p99 latency.
#
# usage: scripts/bench-scale.sh [seconds] [rows]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-8}
rows=${2:-1000000}
scenarios="client-credentials refresh introspect password-signin email-code-signin"
empty=$(scripts/bench-grants.sh "$seconds" $scenarios | grep '"target_rate":null')
full=$(BENCH_SEED_ROWS=$rows scripts/bench-grants.sh "$seconds" $scenarios | grep '"target_rate":null')
echo "# $(date -u +%FT%TZ) $(nproc) cores, SQLite, empty vs $rows users and live sessions, ${seconds}s per run"
python3 - "$empty" "$full" <<'PY'
import json, sys
empty = {j["scenario"]: j for j in map(json.loads, sys.argv[1].splitlines())}
full = {j["scenario"]: j for j in map(json.loads, sys.argv[2].splitlines())}
for name, e in empty.items():
    f = full[name]
    print(f"{name}: {e['per_second']:.0f}/s -> {f['per_second']:.0f}/s ({f['per_second'] / e['per_second']:.2f}x), "
          f"p99 {e['p99_ms']:.2f} -> {f['p99_ms']:.2f} ms, errors {e['errors']} / {f['errors']}")
PY
