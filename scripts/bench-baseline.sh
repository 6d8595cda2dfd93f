#!/usr/bin/env bash
# Side by side, in one run: Hallpass and panva's oidc-provider (npm;
# OpenID-certified), configured alike (ES256 JWT access tokens, rotating refresh
# tokens, client_secret_basic), each measured by two tools: wrk (Debian's; the
# headline) and this project's hallpass-loadgen. Both servers run at once,
# pinned to CPU 0; the load comes from CPU 1, one server and one tool at a
# time, in alternating rounds. Hallpass runs with its default configuration
# (logging at `info`, to a file); oidc-provider keeps its state in memory (its
# default adapter), where Hallpass writes every refresh to SQLite.
#
# Beside each wrk rate, the rate one whole core would give: requests over the
# CPU time the server process used in the run (/proc/PID/stat), which holds
# on a machine whose other work takes turns on the server's core.
#
# usage: scripts/bench-baseline.sh [seconds] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
rounds=${2:-3}
connections=32
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

cargo build --release -q -p hallpass-server -p hallpass-loadgen
(cd bench/oidc-provider && [ -d node_modules ] || npm ci --silent --no-audit --no-fund)
bin=$PWD/target/release
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# Hallpass, started as a user starts it.
hp_port=$((20000 + RANDOM % 10000))
hp="http://127.0.0.1:$hp_port"
export HALLPASS_DATA_DIR="$work/data" HALLPASS_ISSUER="$hp"
$bin/hallpass migrate >/dev/null
machine=$($bin/hallpass clients create --name load-machine --scope load:test --json)
web=$($bin/hallpass clients create --name load-web --redirect-uri http://localhost:3000/callback --json)
hp_machine=($(field client_id <<<"$machine") $(field client_secret <<<"$machine"))
hp_web=($(field client_id <<<"$web") $(field client_secret <<<"$web"))
taskset -c 0 $bin/hallpass serve --listen "127.0.0.1:$hp_port" >"$work/hallpass.out" 2>"$work/hallpass.log" &
hp_pid=$!
pids+=($hp_pid)

# oidc-provider; its refresh-token chains are minted just before each run.
op_port=$((30000 + RANDOM % 10000))
op="http://127.0.0.1:$op_port"
op_secret=load-secret-load-secret-load-secret
(cd bench/oidc-provider && exec taskset -c 0 node server.mjs "$op_port" 1) >"$work/op.out" 2>"$work/op.err" &
op_pid=$!
pids+=($op_pid)
for _ in $(seq 1 100); do
  curl -fs "$hp/readyz" >/dev/null 2>&1 && grep -q '^{' "$work/op.out" 2>/dev/null && break
  sleep 0.1
done
op_tokens() { curl -fs "$op/bench/refresh-tokens?n=$connections"; }

basic() { printf '%s:%s' "$1" "$2" | base64 -w0; }
# Both must do the same work: an ES256-signed JWT access token per grant.
signed_jwt() {
  curl -fs -X POST -H "Authorization: Basic $(basic "$2" "$3")" -d "grant_type=client_credentials" "$1" |
    python3 -c '
import base64, json, sys
token = json.load(sys.stdin)["access_token"]
parts = token.split(".")
header = json.loads(base64.urlsafe_b64decode(parts[0] + "==")) if len(parts) == 3 else {}
sys.exit(0 if header.get("alg") == "ES256" else "not an ES256 JWT: " + token[:40])'
}
signed_jwt "$hp/oauth/token" "${hp_machine[@]}"
signed_jwt "$op/token" load "$op_secret"

results="$work/results"
record() { echo "$1 $2 $3 $4" >>"$results"; }
ticks=$(getconf CLK_TCK)
cpu_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# wrk, and the requests it got answered per CPU-second of the server: server pid, then wrk's arguments.
run_wrk_cpu() {
  local pid=$1 before after out
  shift
  before=$(cpu_of "$pid")
  out=$(run_wrk "$@")
  after=$(cpu_of "$pid")
  local served
  served=$(grep -o '[0-9]* requests in' <<<"$out" | awk '{print $1}')
  echo "$out"
  echo "per-cpu-second: $(python3 -c "print(round($served * $ticks / max($after - $before, 1)))")"
}
per_cpu() { grep -o 'per-cpu-second: [0-9]*' <<<"$1" | awk '{print $2}'; }
wrk_rate() { grep -o 'Requests/sec: *[0-9.]*' <<<"$1" | awk '{print $2}'; }
wrk_bad() { { grep -o 'Non-2xx or 3xx responses: *[0-9]*' <<<"$1" || echo ": 0"; } | awk -F': *' '{print $2}'; }
loadgen_rate() { grep -o '"per_second":[0-9.]*' <<<"$1" | cut -d: -f2; }
loadgen_bad() { grep -o '"errors":[0-9]*' <<<"$1" | cut -d: -f2; }
loadgen() {
  taskset -c 1 $bin/hallpass-loadgen --target "$1" --seconds "$seconds" --concurrency $connections --json "${@:2}"
}
run_wrk() {
  taskset -c 1 wrk -t1 -c$connections -d"${seconds}s" -s "$@" 2>&1
}
check() { # server tool scenario rate bad
  [ "$5" = 0 ] || { echo "$1 $2 $3: $5 requests refused" >&2; exit 1; }
  record "$1" "$2" "$3" "$4"
}

# Warm both up first (Node's JIT above all), then measure.
WRK_BASIC=$(basic "${hp_machine[@]}") taskset -c 1 wrk -t1 -c$connections -d3s -s scripts/wrk/client_credentials.lua "$hp/oauth/token" >/dev/null
WRK_BASIC=$(basic load "$op_secret") taskset -c 1 wrk -t1 -c$connections -d3s -s scripts/wrk/client_credentials.lua "$op/token" >/dev/null
op_tokens | python3 -c 'import json,sys; print("\n".join(json.load(sys.stdin)))' >"$work/op-warm-tokens"
WRK_BASIC=$(basic load "$op_secret") WRK_TOKENS="$work/op-warm-tokens" taskset -c 1 wrk -t1 -c$connections -d3s \
  -s scripts/wrk/refresh.lua "$op/token" >/dev/null 2>&1

for round in $(seq 1 "$rounds"); do
  # client_credentials
  out=$(WRK_BASIC=$(basic "${hp_machine[@]}") run_wrk_cpu "$hp_pid" scripts/wrk/client_credentials.lua "$hp/oauth/token")
  check hallpass wrk client_credentials "$(wrk_rate "$out")" "$(wrk_bad "$out")"
  record hallpass wrk-per-core client_credentials "$(per_cpu "$out")"
  out=$(WRK_BASIC=$(basic load "$op_secret") run_wrk_cpu "$op_pid" scripts/wrk/client_credentials.lua "$op/token")
  check oidc-provider wrk client_credentials "$(wrk_rate "$out")" "$(wrk_bad "$out")"
  record oidc-provider wrk-per-core client_credentials "$(per_cpu "$out")"
  out=$(loadgen "$hp" --scenario client-credentials --client-id "${hp_machine[0]}" --client-secret "${hp_machine[1]}")
  check hallpass loadgen client_credentials "$(loadgen_rate "$out")" "$(loadgen_bad "$out")"
  out=$(loadgen "$op" --scenario client-credentials --client-id load --client-secret "$op_secret" --token-path /token)
  check oidc-provider loadgen client_credentials "$(loadgen_rate "$out")" "$(loadgen_bad "$out")"

  # refresh_token: fresh chains for each tool and round.
  $bin/hallpass-loadgen --target "$hp" --scenario refresh --concurrency $connections --data-dir "$work/data" \
    --client-id "${hp_web[0]}" --client-secret "${hp_web[1]}" --write-tokens "$work/hp-tokens"
  out=$(WRK_BASIC=$(basic "${hp_web[@]}") WRK_TOKENS="$work/hp-tokens" run_wrk_cpu "$hp_pid" scripts/wrk/refresh.lua "$hp/oauth/token")
  check hallpass wrk refresh_token "$(wrk_rate "$out")" "$(wrk_bad "$out")"
  record hallpass wrk-per-core refresh_token "$(per_cpu "$out")"
  op_tokens | python3 -c 'import json,sys; print("\n".join(json.load(sys.stdin)))' >"$work/op-wrk-tokens"
  out=$(WRK_BASIC=$(basic load "$op_secret") WRK_TOKENS="$work/op-wrk-tokens" run_wrk_cpu "$op_pid" scripts/wrk/refresh.lua "$op/token")
  check oidc-provider wrk refresh_token "$(wrk_rate "$out")" "$(wrk_bad "$out")"
  record oidc-provider wrk-per-core refresh_token "$(per_cpu "$out")"
  out=$(loadgen "$hp" --scenario refresh --client-id "${hp_web[0]}" --client-secret "${hp_web[1]}" --data-dir "$work/data")
  check hallpass loadgen refresh_token "$(loadgen_rate "$out")" "$(loadgen_bad "$out")"
  op_tokens >"$work/op-loadgen-tokens.json"
  out=$(loadgen "$op" --scenario refresh --client-id load --client-secret "$op_secret" --token-path /token \
    --refresh-tokens "$work/op-loadgen-tokens.json")
  check oidc-provider loadgen refresh_token "$(loadgen_rate "$out")" "$(loadgen_bad "$out")"
done

echo "# $(date -u +%FT%TZ) $(nproc) cores; servers on CPU 0, load on CPU 1; $connections connections;" \
  "${seconds}s per run; median of $rounds alternating rounds"
python3 - "$results" <<'PY'
import statistics, sys
rates = {}
for line in open(sys.argv[1]):
    server, tool, scenario, rate = line.split()
    rates.setdefault((server, tool, scenario), []).append(float(rate))
med = {k: statistics.median(v) for k, v in rates.items()}
for scenario in ("client_credentials", "refresh_token"):
    hp_wrk, op_wrk = med[("hallpass", "wrk", scenario)], med[("oidc-provider", "wrk", scenario)]
    hp_lg, op_lg = med[("hallpass", "loadgen", scenario)], med[("oidc-provider", "loadgen", scenario)]
    print(f"{scenario}: wrk: Hallpass {hp_wrk:,.0f}/s, oidc-provider {op_wrk:,.0f}/s, ratio {hp_wrk / op_wrk:.2f}"
          f" | loadgen: Hallpass {hp_lg:,.0f}/s, oidc-provider {op_lg:,.0f}/s, ratio {hp_lg / op_lg:.2f}"
          f" | loadgen/wrk: Hallpass {hp_lg / hp_wrk:.2f}, oidc-provider {op_lg / op_wrk:.2f}")
    hp_core, op_core = med[("hallpass", "wrk-per-core", scenario)], med[("oidc-provider", "wrk-per-core", scenario)]
    print(f"    per CPU-second of the server (wrk): Hallpass {hp_core:,.0f}, oidc-provider {op_core:,.0f}, ratio {hp_core / op_core:.2f}")
    for (server, tool, s), v in sorted(rates.items()):
        if s == scenario:
            print(f"    {server:13} {tool:12} " + " ".join(f"{x:,.0f}" for x in v))
PY
