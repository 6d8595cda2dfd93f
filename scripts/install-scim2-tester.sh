#!/usr/bin/env bash
# Installs scim2-tester (PyPI) into its own virtualenv, for the SCIM tests
# (crates/hallpass-server/tests/scim/scim2_tester.rs). Prints the venv's python.
# The venv lives at $SCIM2_TESTER_VENV (default ~/.cache/hallpass/scim2-tester).
set -euo pipefail
venv="${SCIM2_TESTER_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/hallpass/scim2-tester}"
if ! "$venv/bin/python" -c "import scim2_tester" 2>/dev/null; then
  mkdir -p "$(dirname "$venv")"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "scim2-tester[httpx2]" >&2
fi
echo "$venv/bin/python"
