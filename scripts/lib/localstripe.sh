#!/usr/bin/env bash
# localstripe: a stateful fake of the Stripe API (PyPI, pinned in
# scripts/lib/python-requirements.txt) that signs and sends webhooks like
# Stripe does. The takeout payment tests point the local server at it.
#
# Usage:
#   scripts/lib/localstripe.sh start   # prints the base URL (last line), e.g. http://127.0.0.1:8420
#   scripts/lib/localstripe.sh stop
#
# Typical use (scripts/test.sh):
#   export TABLETAP_LOCALSTRIPE_URL="$(scripts/lib/localstripe.sh start | tail -n 1)"
#
# Environment:
#   TABLETAP_CACHE               cache root holding the Python venv (default: $HOME/.cache/tabletap)
#   TABLETAP_LOCALSTRIPE_PORT    port to use (default: a free one)
#   TABLETAP_LOCALSTRIPE_RUN_DIR where the pid file and log go (default: $TABLETAP_CACHE/localstripe)
#
# localstripe binds ALL interfaces (it has no bind option); clients here only
# ever talk to 127.0.0.1. It keeps its state in memory: a restart forgets
# every PaymentIntent and webhook registration.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${TABLETAP_CACHE:-$HOME/.cache/tabletap}"
RUN_DIR="${TABLETAP_LOCALSTRIPE_RUN_DIR:-$CACHE/localstripe}"
PID_FILE="$RUN_DIR/localstripe.pid"
LOG="$RUN_DIR/localstripe.log"

say() { echo "localstripe: $*" >&2; }

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
    local bin port
    bin="$("$HERE/python-tools.sh" | tail -n 1)"
    [ -x "$bin/localstripe" ] || { say "localstripe is missing from $bin after install"; exit 1; }
    mkdir -p "$RUN_DIR"
    if [ -f "$PID_FILE" ] && kill -0 "$(cut -d' ' -f1 "$PID_FILE")" 2>/dev/null; then
        port="$(cut -d' ' -f2 "$PID_FILE")"
        say "already running (pid $(cut -d' ' -f1 "$PID_FILE"))"
        echo "http://127.0.0.1:$port"
        return 0
    fi
    port="${TABLETAP_LOCALSTRIPE_PORT:-$(free_port)}"
    say "starting on port $port (it listens on all interfaces; use 127.0.0.1); log: $LOG"
    # setsid: its own process group, so `stop` ends it and nothing else.
    setsid "$bin/localstripe" --port "$port" >"$LOG" 2>&1 </dev/null &
    local pid=$!
    echo "$pid $port" >"$PID_FILE"
    for _ in $(seq 1 100); do
        if curl -fsS -o /dev/null -u sk_test_12345: "http://127.0.0.1:$port/v1/customers" 2>/dev/null; then
            say "ready (pid $pid)"
            echo "http://127.0.0.1:$port"
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    say "did not answer within 20 s; its log says:"
    tail -n 20 "$LOG" >&2 || true
    exit 1
}

stop() {
    [ -f "$PID_FILE" ] || { say "not running"; return 0; }
    local pid
    pid="$(cut -d' ' -f1 "$PID_FILE")"
    kill "$pid" 2>/dev/null || true
    rm -f "$PID_FILE"
    say "stopped (pid $pid)"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
