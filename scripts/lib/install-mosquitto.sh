#!/usr/bin/env bash
# Installs the Mosquitto broker (and its clients) that the listener's
# end-to-end tests start, one broker per test. Idempotent and quiet when
# mosquitto is already there; uses apt-get only when it is missing.
set -euo pipefail

if command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ]; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-mosquitto: mosquitto is missing and apt-get is not available; install the 'mosquitto' package by hand" >&2
    exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

echo "install-mosquitto: installing mosquitto and mosquitto-clients with apt-get" >&2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends mosquitto mosquitto-clients; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "install-mosquitto: apt-get failed (output above)" >&2
    exit 1
fi
# Debian's package does not start a service in a container, but stop one if a
# host did: the tests start their own brokers on their own ports.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet mosquitto 2>/dev/null; then
    $SUDO systemctl disable --now mosquitto >/dev/null 2>&1 || true
fi
[ -x /usr/sbin/mosquitto ] || command -v mosquitto >/dev/null 2>&1 || {
    echo "install-mosquitto: apt-get finished but no mosquitto binary was found" >&2
    exit 1
}
