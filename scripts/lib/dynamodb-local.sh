#!/usr/bin/env bash
# Amazon DynamoDB Local for the DynamoDB store's contract tests and for local
# work against the real DynamoDB API. The jar comes from the npm package
# `amplify-dynamodb-simulator` (it ships Amazon's DynamoDBLocal.jar and its
# native library), so only the npm registry is needed, never the internet.
#
# Usage: scripts/lib/dynamodb-local.sh install|start|stop|status
#   install  fetch the emulator into the cache (once); apt-get a JRE if java is missing
#   start    install if needed, start in memory in the background, wait until it
#            answers, print the endpoint (http://127.0.0.1:<port>) on stdout
#   stop     stop the process started by `start` (by its pid file)
#   status   exit 0 and print the endpoint if it is running
#
# Environment:
#   TABLETAP_CACHE              cache root (default: $HOME/.cache/tabletap)
#   TABLETAP_DYNAMODB_DIR       where the emulator is unpacked
#                               (default: $TABLETAP_CACHE/dynamodb-local)
#   TABLETAP_DYNAMODB_RUN_DIR   where the pid file and log go
#                               (default: $TABLETAP_DYNAMODB_DIR/run)
#   TABLETAP_DYNAMODB_PORT      port to listen on (default: $PORT, else 8000)
#   TABLETAP_DYNAMODB_WAIT      seconds to wait for it to answer (default: 30)
#
# Tests read the endpoint from TABLETAP_DYNAMODB_ENDPOINT, e.g.
#   export TABLETAP_DYNAMODB_ENDPOINT=$(scripts/lib/dynamodb-local.sh start)
#
# DynamoDB Local has no bind option and listens on all interfaces: clients
# should use 127.0.0.1 only, and it holds test data only (-inMemory).
set -euo pipefail

CACHE="${TABLETAP_CACHE:-$HOME/.cache/tabletap}"
DIR="${TABLETAP_DYNAMODB_DIR:-$CACHE/dynamodb-local}"
RUN_DIR="${TABLETAP_DYNAMODB_RUN_DIR:-$DIR/run}"
PORT="${TABLETAP_DYNAMODB_PORT:-${PORT:-8000}}"
WAIT="${TABLETAP_DYNAMODB_WAIT:-30}"
EMULATOR="$DIR/package/emulator"
PID_FILE="$RUN_DIR/dynamodb-local-$PORT.pid"
LOG_FILE="$RUN_DIR/dynamodb-local-$PORT.log"
ENDPOINT="http://127.0.0.1:$PORT"

say() { echo "dynamodb-local: $*" >&2; }

PORT_VAR=TABLETAP_DYNAMODB_PORT
# shellcheck source=scripts/lib/service.sh
. "$(dirname "${BASH_SOURCE[0]}")/service.sh"


install_java() {
    command -v java >/dev/null 2>&1 && return 0
    if ! command -v apt-get >/dev/null 2>&1; then
        say "java is missing and apt-get is not available; install a Java 17+ runtime by hand"
        exit 1
    fi
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    say "installing default-jre-headless with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq >/dev/null
    $sudo apt-get install -y -qq --no-install-recommends default-jre-headless >/dev/null
}

install_emulator() {
    [ -f "$EMULATOR/DynamoDBLocal.jar" ] && return 0
    command -v npm >/dev/null 2>&1 || { say "npm is needed to fetch amplify-dynamodb-simulator"; exit 1; }
    mkdir -p "$DIR"
    local work
    work="$(mktemp -d "$DIR/.fetch.XXXXXX")"
    say "fetching amplify-dynamodb-simulator from npm into $DIR (~57 MB, once)"
    (cd "$work" && npm pack --silent amplify-dynamodb-simulator >/dev/null && tar xzf amplify-dynamodb-simulator-*.tgz)
    [ -f "$work/package/emulator/DynamoDBLocal.jar" ] || { say "the npm package has no emulator/DynamoDBLocal.jar"; exit 1; }
    # Move into place in one step so an interrupted fetch never looks installed.
    rm -rf "$DIR/package"
    mv "$work/package" "$DIR/package"
    rm -rf "$work"
}

answers() {
    # Any HTTP status (DynamoDB answers 400 to a bare GET) means it is up.
    local code
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$ENDPOINT/" || true)"
    [ -n "$code" ] && [ "$code" != "000" ]
}

start() {
    install_java
    install_emulator
    mkdir -p "$RUN_DIR"
    service_already_running && return 0
    (
        cd "$EMULATOR"
        nohup java -Djava.library.path=./DynamoDBLocal_lib -jar DynamoDBLocal.jar \
            -inMemory -port "$PORT" -disableTelemetry >"$LOG_FILE" 2>&1 &
        echo $! >"$PID_FILE"
    )
    service_wait_until_ready
}

case "${1:-}" in
    install) install_java; install_emulator ;;
    start) start ;;
    stop) service_stop ;;
    status) service_status ;;
    *)
        echo "usage: $0 install|start|stop|status" >&2
        exit 2
        ;;
esac
