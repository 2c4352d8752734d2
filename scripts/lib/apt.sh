#!/usr/bin/env bash
# Sourced by the install-*.sh scripts: one way to install Debian packages
# the tests need, quietly, showing apt-get's output only when it fails.

# apt_install WHO PACKAGE...  (WHO names the calling script in messages)
apt_install() {
    local who="$1"
    shift
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "$who: apt-get is not available; install '$*' by hand" >&2
        return 1
    fi
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "$who: installing $* with apt-get" >&2
    local log
    log=$(mktemp)
    if ! { $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"; } >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        echo "$who: apt-get failed (output above)" >&2
        return 1
    fi
    rm -f "$log"
}
