#!/usr/bin/env bash
# Two builds side by side in one run, for one grant: refresh-token rotation
# (`refresh`, the default) or `client_credentials`. Each `hallpass` binary
# serves its own fresh data directory (default configuration, SQLite,
# development issuer), both pinned to CPU 0 from the start; wrk (`-t1 -c32`,
# scripts/wrk/) and hallpass-loadgen (32 workers) drive them from CPU 1, one
# server and one tool at a time, alternating before/after each round, with
# fresh refresh-token chains per run. Beside each wrk rate, requests per
# CPU-second of the server (/proc/PID/stat).
#
# usage: scripts/bench-ab.sh BEFORE_BIN AFTER_BIN [seconds] [rounds] [refresh|client_credentials]
# (build the old one from a checkout of the old commit; the load generator
# comes from this checkout's release build).
set -euo pipefail
cd "$(dirname "$0")/.."
before_bin=$(realpath "$1")
after_bin=$(realpath "$2")
seconds=${3:-10}
rounds=${4:-3}
scenario=${5:-refresh}
case $scenario in refresh | client_credentials) ;; *) echo "unknown scenario $scenario" >&2; exit 2 ;; esac
connections=32
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
cargo build --release -q -p hallpass-loadgen
loadgen=${CARGO_TARGET_DIR:-$PWD/target}/release/hallpass-loadgen
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
ticks=$(getconf CLK_TCK)
cpu_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }

declare -A pid port id secret
for build in before after; do
  bin=${build}_bin
  port[$build]=$((20000 + RANDOM % 10000))
  dir="$work/$build"
  mkdir -p "$dir"
  HALLPASS_DATA_DIR="$dir/data" ${!bin} migrate >/dev/null
  if [ "$scenario" = refresh ]; then
    web=$(HALLPASS_DATA_DIR="$dir/data" ${!bin} clients create --name load-web \
      --redirect-uri http://localhost:3000/callback --json)
  else
    web=$(HALLPASS_DATA_DIR="$dir/data" ${!bin} clients create --name load-machine --scope load:test --json)
  fi
  id[$build]=$(field client_id <<<"$web")
  secret[$build]=$(field client_secret <<<"$web")
  HALLPASS_DATA_DIR="$dir/data" HALLPASS_ISSUER="http://127.0.0.1:${port[$build]}" \
    taskset -c 0 "${!bin}" serve --listen "127.0.0.1:${port[$build]}" >"$dir/out" 2>"$dir/log" &
  pid[$build]=$!
  pids+=($!)
done
for build in before after; do
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:${port[$build]}/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
done

results="$work/results"
seed() { # build file: fresh refresh-token chains
  [ "$scenario" = refresh ] || return 0
  $loadgen --target "http://127.0.0.1:${port[$1]}" --scenario refresh --concurrency $connections \
    --data-dir "$work/$1/data" --client-id "${id[$1]}" --client-secret "${secret[$1]}" --write-tokens "$2"
}
run_wrk() { # build
  local before after out served basic
  seed "$1" "$work/tokens"
  basic=$(printf '%s:%s' "${id[$1]}" "${secret[$1]}" | base64 -w0)
  before=$(cpu_of "${pid[$1]}")
  out=$(WRK_BASIC=$basic WRK_TOKENS="$work/tokens" taskset -c 1 wrk -t1 -c$connections -d"${seconds}s" \
    -s "scripts/wrk/$scenario.lua" "http://127.0.0.1:${port[$1]}/oauth/token" 2>&1)
  after=$(cpu_of "${pid[$1]}")
  if grep -q 'Non-2xx\|refused refreshes: [1-9]' <<<"$out"; then echo "$1: requests refused: $out" >&2; exit 1; fi
  served=$(grep -o '[0-9]* requests in' <<<"$out" | awk '{print $1}')
  echo "$1 wrk $(grep -o 'Requests/sec: *[0-9.]*' <<<"$out" | awk '{print $2}')" >>"$results"
  echo "$1 wrk-per-cpu-second $(python3 -c "print(round($served * $ticks / max($after - $before, 1)))")" >>"$results"
}
run_loadgen() { # build
  local out
  out=$(taskset -c 1 $loadgen --target "http://127.0.0.1:${port[$1]}" --scenario "${scenario//_/-}" --concurrency $connections \
    --seconds "$seconds" --data-dir "$work/$1/data" --client-id "${id[$1]}" --client-secret "${secret[$1]}" --json)
  [ "$(grep -o '"errors":[0-9]*' <<<"$out" | cut -d: -f2)" = 0 ] || { echo "$1: loadgen errors: $out" >&2; exit 1; }
  echo "$1 loadgen $(grep -o '"per_second":[0-9.]*' <<<"$out" | cut -d: -f2)" >>"$results"
}

for build in before after; do # warm-up
  seed "$build" "$work/tokens"
  WRK_BASIC=$(printf '%s:%s' "${id[$build]}" "${secret[$build]}" | base64 -w0) WRK_TOKENS="$work/tokens" \
    taskset -c 1 wrk -t1 -c$connections -d3s -s "scripts/wrk/$scenario.lua" "http://127.0.0.1:${port[$build]}/oauth/token" >/dev/null
done
for round in $(seq 1 "$rounds"); do
  for build in before after; do run_wrk "$build"; done
  for build in before after; do run_loadgen "$build"; done
done

echo "# $scenario $(date -u +%FT%TZ) $(nproc) cores; servers on CPU 0, load on CPU 1; $connections connections;" \
  "${seconds}s per run; $rounds alternating rounds (median, then each round)"
python3 - "$results" <<'PY'
import statistics, sys
rates = {}
for line in open(sys.argv[1]):
    build, tool, rate = line.split()
    rates.setdefault((tool, build), []).append(float(rate))
for tool in ("wrk", "wrk-per-cpu-second", "loadgen"):
    b, a = statistics.median(rates[(tool, "before")]), statistics.median(rates[(tool, "after")])
    rounds = " | ".join(f"{x:,.0f} → {y:,.0f}" for x, y in zip(rates[(tool, "before")], rates[(tool, "after")]))
    print(f"{tool:19} before {b:8,.0f}  after {a:8,.0f}  after/before {a / b:.2f}   rounds: {rounds}")
PY
