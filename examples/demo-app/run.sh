#!/usr/bin/env bash
# Runs the demo app against the local Hallpass started with
# `cargo run --release -p hallpass-server -- serve` from the repository root.
# The first run registers the demo as a client in that server's data
# directory and keeps its credentials in hallpass-data/demo-client.env.
set -euo pipefail
cd "$(dirname "$0")/../.."
export HALLPASS_ISSUER=${HALLPASS_ISSUER:-http://localhost:8080}
export DEMO_BASE_URL=${DEMO_BASE_URL:-http://localhost:3000}
data=${HALLPASS_DATA_DIR:-./hallpass-data}
saved="$data/demo-client.env"

cargo build --release -q -p hallpass-server -p demo-app
if [ ! -f "$saved" ]; then
  created=$(target/release/hallpass clients create --name "Demo app" --json \
    --redirect-uri "$DEMO_BASE_URL/callback" \
    --post-logout-redirect-uri "$DEMO_BASE_URL/" \
    --backchannel-logout-uri "$DEMO_BASE_URL/backchannel-logout")
  field() { grep -o "\"$1\": *\"[^\"]*\"" <<<"$created" | cut -d'"' -f4; }
  umask 077
  {
    echo "DEMO_CLIENT_ID=$(field client_id)"
    echo "DEMO_CLIENT_SECRET=$(field client_secret)"
    echo "DEMO_COOKIE_SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  } >"$saved"
fi
set -a
# shellcheck disable=SC1090
. "$saved"
set +a
exec target/release/demo-app
