#!/usr/bin/env bash
# The Hallpass side of an SSO sign-in, per second on one core: the release
# `hallpass` pinned to CPU 0; the stand-in IdP (tests/sso/idp.rs) and the
# load (authorize → /login/sso → IdP code → callback with the code exchange
# → authorize → token) on CPU 1. Prints the rate and the IdP's time per sign-in.
#
# usage: scripts/bench-sso.sh [seconds] [concurrent sign-ins]
set -euo pipefail
cd "$(dirname "$0")/.."
export SSO_BENCH_SECS="${1:-10}" SSO_BENCH_WORKERS="${2:-32}" SSO_BENCH_SERVER_CPU=0
cargo build --release -p hallpass-server --bin hallpass
taskset -c 1 cargo test --release -p hallpass-server --test sso -- --ignored sso_sign_in_throughput --nocapture 2>&1 \
  | grep -E "SSO sign-ins|panicked|FAILED"
