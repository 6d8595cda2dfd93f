#!/usr/bin/env bash
# Runs each cargo-fuzz target for a bounded time, starting from the seeds in
# fuzz/seeds (and what earlier runs kept in fuzz/corpus). A crash stops the
# script; its input is in fuzz/artifacts/<target>/: fix the bug and keep the
# input as a regression test beside the code it broke.
#
# usage: scripts/fuzz.sh [seconds per target] [targets...]
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds=${1:-60}
shift || true
targets=${*:-oauth_endpoints jose redirect_uri saml_response}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
# cargo-fuzz passes nightly-only flags (the sanitizer); this toolchain is stable.
export RUSTC_BOOTSTRAP=1
for target in $targets; do
  mkdir -p "corpus/$target"
  echo "# fuzzing $target for ${seconds}s"
  log="target/$target.log"
  mkdir -p target
  if ! cargo fuzz run "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=10 -print_final_stats=1 >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzzing $target found a failure: see fuzz/artifacts/$target/" >&2
    exit 1
  fi
  grep -E '^(Done|stat::number_of_executed_units|stat::average_exec_per_sec|stat::new_units_added)' "$log" || tail -n 5 "$log"
done
