#!/usr/bin/env bash
# Browser tests of the diner site (tests/browser): Debian's Chromium driven
# by playwright-core against the real local server and kitchen listener,
# which the tests start themselves (free ports, temp data dirs).
# Installs what is missing: chromium (apt), the pinned npm packages (npm ci).
#
# Needs the binaries built first: cargo build -p tabletap-local -p tabletap-listener
# Environment:
#   TABLETAP_BIN_DIR   folder with tabletap-local and tabletap-listener
#                      (default: ${CARGO_TARGET_DIR:-$HOME/.cache/tabletap/target}/debug)
# Screenshots go to out/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/../.."

say() { echo "browser-tests: $*" >&2; }

if [ ! -x /usr/bin/chromium ]; then
    say "installing Debian's chromium"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
fi
command -v node >/dev/null || { say "node is missing: install Node.js 20 or later"; exit 1; }
command -v npm >/dev/null || { say "npm is missing: install Node.js 20 or later"; exit 1; }

export TABLETAP_BIN_DIR="${TABLETAP_BIN_DIR:-${CARGO_TARGET_DIR:-$HOME/.cache/tabletap/target}/debug}"
for bin in tabletap-local tabletap-listener; do
    [ -x "$TABLETAP_BIN_DIR/$bin" ] || { say "$TABLETAP_BIN_DIR/$bin is missing: run cargo build -p tabletap-local -p tabletap-listener first"; exit 1; }
done

cd tests/browser
npm ci --no-audit --no-fund --loglevel=error
say "running (binaries from $TABLETAP_BIN_DIR)"
node --test --test-concurrency=1 --test-reporter=spec tests/
