#!/usr/bin/env bash
# Side by side: the client_credentials and refresh scenarios against Hallpass
# and against panva's oidc-provider (npm; OpenID-certified), configured alike
# (ES256 JWT access tokens, rotating refresh tokens, client_secret_basic), in
# one run on this machine. Each server in turn is pinned to CPU 0 and the load
# generator to CPU 1; 64 workers, full speed. oidc-provider keeps its state in
# memory (its default adapter); Hallpass writes every refresh to SQLite.
#
# usage: scripts/bench-baseline.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
workers=64

cargo build --release -q -p hallpass-server -p hallpass-loadgen
(cd bench/oidc-provider && [ -d node_modules ] || npm ci --silent --no-audit --no-fund)
bin=target/release
work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

load() {
  taskset -c 1 $bin/hallpass-loadgen --target "$1" --seconds "$seconds" --concurrency $workers --json "${@:2}"
}
rate() { grep -o '"per_second":[0-9.]*' <<<"$1" | cut -d: -f2; }
p99() { grep -o '"p99_ms":[0-9.]*' <<<"$1" | cut -d: -f2; }
errors() { grep -o '"errors":[0-9]*' <<<"$1" | cut -d: -f2; }

# Hallpass, as scripts/bench-grants.sh runs it.
port=$((20000 + RANDOM % 20000))
target="http://127.0.0.1:$port"
export HALLPASS_DATA_DIR="$work/data" HALLPASS_LOG__LEVEL=warn HALLPASS_ISSUER="$target"
$bin/hallpass migrate >/dev/null
machine=$($bin/hallpass clients create --name load-machine --scope load:test --json)
web=$($bin/hallpass clients create --name load-web --redirect-uri http://localhost:3000/callback --json)
field() { grep -o "\"$2\": *\"[^\"]*\"" <<<"$1" | cut -d'"' -f4; }
taskset -c 0 $bin/hallpass serve --listen "127.0.0.1:$port" >/dev/null &
server=$!
for _ in $(seq 1 100); do curl -fs "$target/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
hp_cc=$(load "$target" --scenario client-credentials --client-id "$(field "$machine" client_id)" --client-secret "$(field "$machine" client_secret)")
hp_rt=$(load "$target" --scenario refresh --client-id "$(field "$web" client_id)" --client-secret "$(field "$web" client_secret)" --data-dir "$work/data")
kill "$server"; wait "$server" 2>/dev/null || true; server=""

# oidc-provider.
port=$((20000 + RANDOM % 20000))
(cd bench/oidc-provider && exec taskset -c 0 node server.mjs "$port" "$workers") >"$work/op.out" 2>"$work/op.err" &
server=$!
for _ in $(seq 1 100); do grep -q '^{' "$work/op.out" 2>/dev/null && break; sleep 0.1; done
grep '^{' "$work/op.out" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["refresh_tokens"]))' >"$work/tokens.json"
secret=load-secret-load-secret-load-secret
op_cc=$(load "http://127.0.0.1:$port" --scenario client-credentials --client-id load --client-secret "$secret" --token-path /token)
op_rt=$(load "http://127.0.0.1:$port" --scenario refresh --client-id load --client-secret "$secret" --token-path /token --refresh-tokens "$work/tokens.json")

echo "# $(date -u +%FT%TZ) $(nproc) cores, server on CPU 0, load on CPU 1, $workers workers, ${seconds}s per run"
for row in "client_credentials|$hp_cc|$op_cc" "refresh_token|$hp_rt|$op_rt"; do
  IFS='|' read -r name hp op <<<"$row"
  ratio=$(python3 -c "print(f'{$(rate "$hp")/$(rate "$op"):.2f}')")
  echo "$name: Hallpass $(rate "$hp")/s (p99 $(p99 "$hp") ms, $(errors "$hp") errors), oidc-provider $(rate "$op")/s (p99 $(p99 "$op") ms, $(errors "$op") errors), ratio $ratio"
done
