#!/usr/bin/env bash
# moto server: the local stand-in for Amazon SES v2 and the AWS IoT data
# plane in the adapter tests (functions/adapters/ses, functions/adapters/iot)
# and the dispatch tests. moto (pinned in scripts/lib/python-requirements.txt)
# lives in the project's Python venv, installed by scripts/lib/python-tools.sh.
#
# Usage: scripts/lib/moto.sh install|start|stop|status
#   install  make sure the venv with moto_server exists (python-tools.sh)
#   start    install if needed, start moto_server on 127.0.0.1 in the
#            background with its request recorder on, wait until it answers,
#            print the endpoint (http://127.0.0.1:<port>) on stdout
#   stop     stop the process started by `start` (by its pid file)
#   status   exit 0 and print the endpoint if it is running
#
# Environment:
#   TABLETAP_CACHE          cache root (default: $HOME/.cache/tabletap)
#   TABLETAP_MOTO_RUN_DIR   where the pid file, log and recording go
#                           (default: $TABLETAP_CACHE/moto/run)
#   TABLETAP_MOTO_PORT      port to listen on (default: 5055)
#   TABLETAP_MOTO_WAIT      seconds to wait for it to answer (default: 30)
#
# Tests read the endpoint from TABLETAP_MOTO_ENDPOINT, e.g.
#   export TABLETAP_MOTO_ENDPOINT=$(scripts/lib/moto.sh start)
#
# The recorder (which is how tests see IoT publishes: moto keeps no other
# trace of them) is on from the start and never stopped or reset, so tests
# running in parallel never wipe each other's records; each test filters the
# recording by its own unique topic.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${TABLETAP_CACHE:-$HOME/.cache/tabletap}"
RUN_DIR="${TABLETAP_MOTO_RUN_DIR:-$CACHE/moto/run}"
PORT="${TABLETAP_MOTO_PORT:-5055}"
WAIT="${TABLETAP_MOTO_WAIT:-30}"
PID_FILE="$RUN_DIR/moto-$PORT.pid"
LOG_FILE="$RUN_DIR/moto-$PORT.log"
RECORDING="$RUN_DIR/moto-$PORT.recording"
ENDPOINT="http://127.0.0.1:$PORT"

say() { echo "moto: $*" >&2; }

PORT_VAR=TABLETAP_MOTO_PORT
# shellcheck source=scripts/lib/service.sh
. "$(dirname "${BASH_SOURCE[0]}")/service.sh"


venv_bin() {
    # python-tools.sh prints progress on stderr and the bin dir last on stdout.
    local bin
    bin="$("$HERE/python-tools.sh" | tail -n 1)"
    [ -x "$bin/moto_server" ] || {
        say "moto_server is missing from $bin; is moto[server] in $HERE/python-requirements.txt?"
        exit 1
    }
    echo "$bin"
}

answers() {
    local code
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$ENDPOINT/moto-api/" || true)"
    [ "$code" = "200" ]
}

start() {
    local bin
    bin="$(venv_bin)"
    mkdir -p "$RUN_DIR"
    service_already_running && return 0
    : >"$RECORDING"
    # Recording on from the first request; the file is ours, not the cwd's.
    MOTO_ENABLE_RECORDING=true MOTO_RECORDER_FILEPATH="$RECORDING" \
        nohup "$bin/moto_server" -H 127.0.0.1 -p "$PORT" >"$LOG_FILE" 2>&1 &
    echo $! >"$PID_FILE"
    service_wait_until_ready
}

case "${1:-}" in
    install) venv_bin >/dev/null ;;
    start) start ;;
    stop) service_stop ;;
    status) service_status ;;
    *)
        echo "usage: $0 install|start|stop|status" >&2
        exit 2
        ;;
esac
