#!/usr/bin/env bash
# Runs the example MCP server against the local Hallpass started with
# `cargo run --release -p hallpass-server -- serve` from the repository root.
# The first run registers its resource ({MCP_BASE_URL}/mcp, scope mcp:tools)
# in that server's data directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
export HALLPASS_ISSUER=${HALLPASS_ISSUER:-http://localhost:8080}
export MCP_BASE_URL=${MCP_BASE_URL:-http://localhost:3001}
export MCP_LISTEN=${MCP_LISTEN:-127.0.0.1:3001}
resource="${MCP_BASE_URL%/}/mcp"

cargo build --release -q -p hallpass-server -p mcp-server
if ! target/release/hallpass resources list --json | grep -q "\"identifier\": *\"$resource\""; then
  target/release/hallpass resources create --identifier "$resource" \
    --name "Hallpass example MCP server" --scope mcp:tools
fi
exec target/release/mcp-server
