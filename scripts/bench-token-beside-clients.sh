#!/usr/bin/env bash
# The token endpoint alone, then beside third-party clients arriving:
# dynamic registrations (RFC 7591) and authorization requests whose client ID
# metadata document Hallpass must fetch, in alternating rounds.
#
# Hallpass (release, default configuration, development mode so that it may
# fetch documents from loopback) is pinned to CPU 0; wrk and the load
# generator run on CPU 1. wrk drives `client_credentials` at full speed
# (`-t1 -c32 --latency`); beside it the load generator sends
#   * registrations at REG_RATE/s, each claiming another client address
#     (X-Forwarded-For from 198.18.0.0/15; the server trusts 127.0.0.1 as a
#     proxy for this run), so each is a real registration and a write;
#   * authorization requests at DOC_RATE/s, each naming a new metadata
#     document, which the load generator serves after DOC_DELAY_MS (a slow
#     host far away), so DOC_RATE × DOC_DELAY_MS/1000 fetches are in flight;
#   * a flood of registrations from one address, as fast as answered: the
#     per-address limit (20 an hour) refuses all but the first 20.
# The paced background alone is measured too, for the CPU it takes from the
# core: what is left of it is what the token endpoint may use.
#
# usage: scripts/bench-token-beside-clients.sh [seconds] [rounds]
# env: REG_RATE (default 100), DOC_RATE (100), DOC_DELAY_MS (200)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
rounds=${2:-3}
reg_rate=${REG_RATE:-100}
doc_rate=${DOC_RATE:-100}
doc_delay=${DOC_DELAY_MS:-200}
connections=32
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

cargo build --release -q -p hallpass-server -p hallpass-loadgen
bin=${CARGO_TARGET_DIR:-$PWD/target}/release
work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

port=$((20000 + RANDOM % 10000))
hp="http://127.0.0.1:$port"
export HALLPASS_DATA_DIR="$work/data" HALLPASS_ISSUER="$hp"
printf '[limits]\ntrusted_proxies = ["127.0.0.1/32"]\n' >"$work/hallpass.toml"
export HALLPASS_CONFIG="$work/hallpass.toml"
$bin/hallpass migrate >/dev/null
machine=$($bin/hallpass clients create --name load-machine --scope load:test --json)
basic=$(printf '%s:%s' "$(field client_id <<<"$machine")" "$(field client_secret <<<"$machine")" | base64 -w0)
taskset -c 0 $bin/hallpass serve --listen "127.0.0.1:$port" >"$work/hallpass.out" 2>"$work/hallpass.log" &
pid=$!
pids+=($pid)
for _ in $(seq 1 100); do curl -fs "$hp/readyz" >/dev/null 2>&1 && break; sleep 0.1; done

ticks=$(getconf CLK_TCK)
cpu_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }
results="$work/results"
record() { echo "$*" >>"$results"; }
token_run() { # label: wrk client_credentials, its rate, p99 and requests per CPU-second
  local before after out served
  before=$(cpu_of "$pid")
  out=$(WRK_BASIC=$basic taskset -c 1 wrk -t1 -c$connections -d"${seconds}s" --latency \
    -s scripts/wrk/client_credentials.lua "$hp/oauth/token" 2>&1)
  after=$(cpu_of "$pid")
  if grep -q 'Non-2xx' <<<"$out"; then echo "token requests refused: $out" >&2; exit 1; fi
  served=$(grep -o '[0-9]* requests in' <<<"$out" | awk '{print $1}')
  record "$1 rate $(grep -o 'Requests/sec: *[0-9.]*' <<<"$out" | awk '{print $2}')"
  record "$1 p99_ms $(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else {sub(/s/,"",v); v*=1000}; print v}' <<<"$out")"
  record "$1 served $served"
  record "$1 cpu_seconds $(python3 -c "print(max($after - $before, 1) / $ticks)")"
}
background() { # starts the registrations and document authorizations; they run seconds + 2
  local span=$((seconds + 2))
  taskset -c 1 $bin/hallpass-loadgen --target "$hp" --scenario register --spread-addresses \
    --rate "$reg_rate" --concurrency 8 --seconds "$span" --json >"$work/reg.json" &
  bg=($!)
  taskset -c 1 $bin/hallpass-loadgen --target "$hp" --scenario metadata-documents --document-delay-ms "$doc_delay" \
    --rate "$doc_rate" --concurrency 64 --seconds "$span" --json >"$work/doc.json" &
  bg+=($!)
}
flood() { # registrations from one address, as fast as answered
  taskset -c 1 $bin/hallpass-loadgen --target "$hp" --scenario register \
    --concurrency 8 --seconds $((seconds + 2)) --json >"$work/flood.json" &
  bg=($!)
}
bg_record() { # label file: answered per second and errors of a background run
  record "$1 bg_rate $(grep -o '"per_second":[0-9.]*' "$2" | cut -d: -f2)"
  record "$1 bg_errors $(grep -o '"errors":[0-9]*' "$2" | cut -d: -f2)"
}

# Warm up, then measure.
WRK_BASIC=$basic taskset -c 1 wrk -t1 -c$connections -d3s -s scripts/wrk/client_credentials.lua "$hp/oauth/token" >/dev/null
for round in $(seq 1 "$rounds"); do
  token_run alone
  background
  sleep 1 # the load generator's warm-up second
  token_run beside_clients
  wait "${bg[@]}"
  bg_record registrations "$work/reg.json"
  bg_record documents "$work/doc.json"
  flood
  sleep 1
  token_run beside_flood
  wait "${bg[@]}" || true # refused, all of them, once the address's 20 are used: the point
  bg_record flood "$work/flood.json"
  # The background alone: the share of the core it takes.
  before=$(cpu_of "$pid")
  background
  wait "${bg[@]}"
  after=$(cpu_of "$pid")
  record "background_alone core_share $(python3 -c "print(round(($after - $before) / $ticks / ($seconds + 3), 3))")"
done

echo "# $(date -u +%FT%TZ) $(nproc) cores; server on CPU 0, load on CPU 1; ${seconds}s runs; $rounds rounds;" \
  "registrations ${reg_rate}/s, documents ${doc_rate}/s after ${doc_delay} ms"
python3 - "$results" "$seconds" <<'PY'
import statistics, sys
values = {}
for line in open(sys.argv[1]):
    label, what, value = line.split()
    values.setdefault((label, what), []).append(float(value))
med = {k: statistics.median(v) for k, v in values.items()}
seconds = float(sys.argv[2])
def per_cpu(label, minus=0.0):
    # requests per CPU-second of the server, less `minus` of a core taken by other work
    return [s / max(c - minus * seconds, 1e-9) for s, c in zip(values[(label, "served")], values[(label, "cpu_seconds")])]
rows = [("alone", per_cpu("alone")), ("beside_clients", per_cpu("beside_clients")), ("beside_flood", per_cpu("beside_flood"))]
alone = statistics.median(rows[0][1])
for label, cores in rows:
    print(f"{label:15} client_credentials {med[(label, 'rate')]:8,.0f}/s, p99 {med[(label, 'p99_ms')]:.2f} ms,"
          f" {statistics.median(cores):,.0f} per CPU-second ({statistics.median(cores) / alone:.2f} of alone)   rounds: "
          + " ".join(f"{x:,.0f}" for x in cores) + "  p99 ms: " + " ".join(f"{x:.1f}" for x in values[(label, "p99_ms")]))
share = statistics.median(values[("background_alone", "core_share")])
left = statistics.median(per_cpu("beside_clients", share))
print(f"the background alone takes {share:.1%} of the server's core; beside it, client_credentials got {left:,.0f}"
      f" per CPU-second of what was left ({left / alone:.2f} of alone)")
for label in ("registrations", "documents", "flood"):
    print(f"{label:15} answered {med[(label, 'bg_rate')]:,.0f}/s, refused or failed {med[(label, 'bg_errors')]:,.0f} per run")
PY
