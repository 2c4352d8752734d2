#!/usr/bin/env bash
# Installs the Mosquitto broker (and its clients) that the listener's
# end-to-end tests start, one broker per test. Idempotent and quiet when
# mosquitto is already there; uses apt-get only when it is missing.
set -euo pipefail
. "$(dirname "$0")/apt.sh"

if command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ]; then
    exit 0
fi

apt_install install-mosquitto mosquitto mosquitto-clients
# Debian's package does not start a service in a container, but stop one if a
# host did: the tests start their own brokers on their own ports.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet mosquitto 2>/dev/null; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO systemctl disable --now mosquitto >/dev/null 2>&1 || true
fi
[ -x /usr/sbin/mosquitto ] || command -v mosquitto >/dev/null 2>&1 || {
    echo "install-mosquitto: apt-get finished but no mosquitto binary was found" >&2
    exit 1
}
