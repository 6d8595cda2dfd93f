#!/usr/bin/env bash
# /healthz latency while password forms are flooded: the server pinned to
# CPU 0 with its default configuration (rate limits lifted, so the flood is
# served rather than refused), wrk on CPU 1. Three rounds: /healthz alone,
# then beside 40 connections posting made-up reset links, then beside 40
# connections posting wrong current passwords on /account/password (each an
# Argon2id verification).
#
# usage: scripts/bench-password-flood.sh [seconds]   (BIN=path/to/hallpass to measure another build)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
if [ -z "${BIN:-}" ]; then
  cargo build --release -q -p hallpass-server
  BIN=target/release/hallpass
fi
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 1; }
work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
base="http://127.0.0.1:$port"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
export HALLPASS_DATA_DIR="$work/data" HALLPASS_ISSUER="$base"
if "$BIN" config --show 2>/dev/null | grep -q failures_before_delay; then
  export HALLPASS_LIMITS__FAILURES_BEFORE_DELAY=1000000000 HALLPASS_LIMITS__FAILURES_PER_ACCOUNT_PER_HOUR=1000000000 \
    HALLPASS_LIMITS__FAILURES_PER_IP_PER_HOUR=1000000000
else # a build from before the failure-counting limits
  export HALLPASS_LIMITS__ATTEMPTS_PER_IP_PER_HOUR=1000000000 HALLPASS_LIMITS__ATTEMPTS_PER_ACCOUNT_PER_HOUR=1000000000
fi

echo "the right pass phrase" | "$BIN" users create --email flood@example.com --password-stdin --email-verified >/dev/null
taskset -c 0 "$BIN" serve --listen "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done

jar="$work/cookies"
hidden() { sed -n "s/.*name=\"$1\" value=\"\([^\"]*\)\".*/\1/p" | head -n 1; }
csrf=$(curl -s -c "$jar" -b "$jar" "$base/password/forgot" | hidden csrf)
login=$(curl -s -c "$jar" -b "$jar" "$base/login")
curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf=$(echo "$login" | hidden csrf)" \
  --data-urlencode "return_to=$(echo "$login" | hidden return_to)" \
  --data-urlencode "email=flood@example.com" --data-urlencode "password=the right pass phrase" "$base/login"
account_csrf=$(curl -s -c "$jar" -b "$jar" "$base/account" | hidden csrf)
session=$(awk '$6 == "hallpass_session" {print $7}' "$jar")
[ -n "$session" ] && [ -n "$account_csrf" ] || { echo "could not sign in for the flood" >&2; exit 1; }

flood_script() { # $1: form body, $2: cookie header
  cat >"$work/flood.lua" <<LUA
wrk.method = "POST"
wrk.body = "$1"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "$2"
LUA
}

health_p99() { taskset -c 1 wrk -t1 -c1 -d"${seconds}s" --latency "$base/healthz" | awk '$1 == "99%" {print $2}'; }

echo "healthz alone:                 p99 $(health_p99)"

flood_script "csrf=$csrf&token=made-up-link&password=a+perfectly+fine+pass+phrase" "hallpass_csrf=$csrf"
taskset -c 1 wrk -t1 -c40 -d"$((seconds + 2))s" -s "$work/flood.lua" "$base/password/reset" >"$work/reset.out" &
flood=$!
sleep 1
echo "healthz beside reset flood:    p99 $(health_p99)"
wait "$flood"
echo "  reset flood: $(awk '/Requests\/sec/ {print $2 " req/s"}' "$work/reset.out")"

flood_script "csrf=$account_csrf&current_password=not+the+pass+phrase&new_password=a+new+pass+phrase" \
  "hallpass_session=$session; hallpass_csrf=$account_csrf"
taskset -c 1 wrk -t1 -c40 -d"$((seconds + 2))s" -s "$work/flood.lua" "$base/account/password" >"$work/change.out" &
flood=$!
sleep 1
echo "healthz beside password flood: p99 $(health_p99)"
wait "$flood"
echo "  password flood: $(awk '/Requests\/sec/ {print $2 " req/s"}' "$work/change.out")"
