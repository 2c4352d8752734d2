#!/usr/bin/env bash
# Installs cargo-lambda and zig (pins in scripts/lib/lambda-tools-requirements.txt)
# into their own venv outside the repo:
#   ${TABLETAP_CACHE:-$HOME/.cache/tabletap}/lambda-tools
# Creates it once; later runs only compare a stamp (hash of the pins and the
# Python version) and reinstall when either changed.
#
# Usage: scripts/lib/lambda-tools.sh
#   Progress goes to stderr; the last line on stdout is the venv's bin dir
#   (cargo-lambda, python-zig, and a `zig` wrapper), so callers do:
#   PATH="$(scripts/lib/lambda-tools.sh | tail -n 1):$PATH"
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REQUIREMENTS="$HERE/lambda-tools-requirements.txt"
CACHE="${TABLETAP_CACHE:-$HOME/.cache/tabletap}"
VENV="$CACHE/lambda-tools"
STAMP="$VENV/.tabletap-requirements.stamp"
PYTHON="${TABLETAP_PYTHON:-python3}"

say() { echo "lambda-tools: $*" >&2; }

command -v "$PYTHON" >/dev/null 2>&1 || {
    say "$PYTHON not found; install Python 3.10+ (Debian: apt-get install -y python3 python3-venv)"
    exit 1
}

mkdir -p "$CACHE"
exec 9>"$CACHE/lambda-tools.lock"
command -v flock >/dev/null 2>&1 && flock 9

py_version="$("$PYTHON" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
want="$( { sha256sum "$REQUIREMENTS" | cut -d' ' -f1; echo "python $py_version"; } )"

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] && [ -x "$VENV/bin/cargo-lambda" ]; then
    say "up to date ($VENV)"
    echo "$VENV/bin"
    exit 0
fi

started=$SECONDS
rm -rf "$VENV"
say "creating a venv at $VENV with $PYTHON $py_version"
"$PYTHON" -m venv "$VENV" || {
    say "could not create the venv; on Debian install python3-venv"
    exit 1
}
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
say "installing $(grep -Ev '^\s*(#|$)' "$REQUIREMENTS" | tr '\n' ' ')"
"$VENV/bin/python" -m pip install --quiet --requirement "$REQUIREMENTS" >&2 || {
    say "pip install failed (see above); check that PyPI is reachable and run again"
    exit 1
}
# cargo-zigbuild (inside cargo-lambda) looks for `zig` on PATH; the ziglang
# wheel ships it as a Python module, so give it a `zig` next to cargo-lambda.
cat >"$VENV/bin/zig" <<WRAP
#!/bin/sh
exec "$VENV/bin/python" -m ziglang "\$@"
WRAP
chmod +x "$VENV/bin/zig"
"$VENV/bin/cargo-lambda" lambda --version >&2
"$VENV/bin/zig" version >&2

echo "$want" >"$STAMP"
say "installed in $((SECONDS - started))s"
echo "$VENV/bin"
