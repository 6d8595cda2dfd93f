#!/usr/bin/env bash
# Installs pysaml2 (PyPI) into its own virtualenv, for the SAML browser test: the test runs
# crates/hallpass-server/tests/saml_idp/idp.py, a pysaml2 identity provider, with that python.
# pysaml2 signs through Debian's xmlsec1 binary. Prints the venv's python.
# The venv lives at $PYSAML2_VENV (default ~/.cache/hallpass/pysaml2).
set -euo pipefail
venv="${PYSAML2_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/hallpass/pysaml2}"
if ! "$venv/bin/python" -c "import saml2" 2>/dev/null; then
  mkdir -p "$(dirname "$venv")"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "pysaml2==7.5.*" >&2
fi
echo "$venv/bin/python"
