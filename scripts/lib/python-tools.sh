#!/usr/bin/env bash
# Installs the project's Python tools (cfn-lint, aws-sam-cli, schemathesis, moto,
# localstripe; pins in scripts/lib/python-requirements.txt) into one venv
# outside the repo:
#   ${TABLETAP_CACHE:-$HOME/.cache/tabletap}/pyvenv
# Creates it once; later runs only check a stamp file holding the hash of the
# requirements and the Python version, and reinstall when either changed.
#
# Usage: scripts/lib/python-tools.sh
#   Progress goes to stderr; the last line on stdout is the venv's bin dir, so
#   callers do: PY_BIN="$(scripts/lib/python-tools.sh | tail -n 1)"
#
# Environment:
#   TABLETAP_CACHE    cache root (default: $HOME/.cache/tabletap)
#   TABLETAP_PYTHON   the Python used to create the venv (default: python3)
#
# A first install takes ~1-4 minutes (aws-sam-cli and its boto3 stubs are most
# of the ~350 MB); it needs only PyPI.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REQUIREMENTS="$HERE/python-requirements.txt"
CACHE="${TABLETAP_CACHE:-$HOME/.cache/tabletap}"
VENV="$CACHE/pyvenv"
STAMP="$VENV/.tabletap-requirements.stamp"
PYTHON="${TABLETAP_PYTHON:-python3}"

say() { echo "python-tools: $*" >&2; }

[ -f "$REQUIREMENTS" ] || { say "missing $REQUIREMENTS"; exit 1; }
command -v "$PYTHON" >/dev/null 2>&1 || {
    say "$PYTHON not found; install Python 3.10+ (Debian: apt-get install -y python3 python3-venv) or set TABLETAP_PYTHON"
    exit 1
}
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' || {
    say "$PYTHON is older than 3.10; aws-sam-cli and schemathesis need 3.10+ (set TABLETAP_PYTHON)"
    exit 1
}

# One install at a time (CI jobs and a developer may start together).
mkdir -p "$CACHE"
exec 9>"$CACHE/pyvenv.lock"
if command -v flock >/dev/null 2>&1; then
    flock 9
fi

py_version="$("$PYTHON" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
want="$( { sha256sum "$REQUIREMENTS" | cut -d' ' -f1; echo "python $py_version"; } )"

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] && [ -x "$VENV/bin/python" ]; then
    say "up to date ($VENV)"
    echo "$VENV/bin"
    exit 0
fi

started=$SECONDS
if [ -x "$VENV/bin/python" ] && [ "$("$VENV/bin/python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')" = "$py_version" ]; then
    say "updating the venv at $VENV to the pins in $REQUIREMENTS"
else
    say "creating a venv at $VENV with $PYTHON $py_version"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV" || {
        say "could not create the venv; on Debian install python3-venv (apt-get install -y python3-venv)"
        exit 1
    }
fi
rm -f "$STAMP"

export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
say "installing $(grep -Ev '^\s*(#|$)' "$REQUIREMENTS" | tr '\n' ' ')(takes a few minutes the first time)"
if ! "$VENV/bin/python" -m pip install --quiet --requirement "$REQUIREMENTS" >&2; then
    say "pip install failed (see above). Check that PyPI is reachable, then run this script again;"
    say "to start from scratch: rm -rf '$VENV'"
    exit 1
fi

# Check that the entry points exist and run before declaring success.
for tool in cfn-lint sam st moto_server localstripe; do
    [ -x "$VENV/bin/$tool" ] || { say "$tool is missing from $VENV/bin after install"; exit 1; }
done
"$VENV/bin/cfn-lint" --version >&2
SAM_CLI_TELEMETRY=0 "$VENV/bin/sam" --version >&2
"$VENV/bin/st" --version >&2

echo "$want" >"$STAMP"
say "installed in $((SECONDS - started))s"
echo "$VENV/bin"
