#!/usr/bin/env bash
# Load benchmark of the local server with a real load generator (wrk):
# menu reads and dine-in order placement, requests/s and latency
# percentiles. Prints figures; asserts nothing. Not part of CI.
#
#   scripts/bench/load.sh [--debug] [--seconds N] [--connections N]
#
# Builds tabletap-local (release unless --debug), starts it on a fresh data
# folder with the demo restaurant and its order limits turned off (a load
# test from one table is exactly what the limits refuse), and runs wrk
# against it on loopback. The kitchen listener is not started: tickets go
# to the embedded broker, which drops them with no subscriber, so this
# measures intake. Kitchen throughput is the delivery benchmark's job.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib/apt.sh

profile=release seconds=15 connections=32
while [ $# -gt 0 ]; do
    case "$1" in
        --debug) profile=debug ;;
        --seconds) seconds="$2"; shift ;;
        --connections) connections="$2"; shift ;;
        -h | --help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "load: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

command -v wrk >/dev/null || apt_install load wrk
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tabletap/target}"
if [ "$profile" = release ]; then
    cargo build --release --locked -q -p tabletap-local
else
    cargo build --locked -q -p tabletap-local
fi
bin="$CARGO_TARGET_DIR/$profile/tabletap-local"

run="$(mktemp -d -t tabletap-load.XXXXXX)"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$run"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

start() {
    # A fresh file: the old one still names the previous run's port.
    rm -f "$run/out"
    "$bin" --addr 127.0.0.1:0 --data-dir "$run/data" --site-dir site \
        --mqtt-addr "127.0.0.1:$(free_port)" "$@" >"$run/out" 2>"$run/err" &
    server=$!
    for _ in $(seq 1 200); do
        grep -q "TableTap is listening on" "$run/out" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "load: the server did not start:" >&2
    cat "$run/err" >&2
    exit 1
}
stop() { kill "$server"; wait "$server" 2>/dev/null || true; server=""; }

# First start seeds the demo; then its limits are lifted and it restarts.
start
stop
sed -e 's/per_table: { orders: 10,/per_table: { orders: 0,/' \
    -e 's/per_restaurant: { orders: 60,/per_restaurant: { orders: 0,/' \
    functions/local/demo/trattoria.yaml >"$run/unlimited.yaml"
"$bin" --data-dir "$run/data" import "$run/unlimited.yaml" >/dev/null
start
base="$(sed -n 's/^TableTap is listening on //p' "$run/out")"
token="$(grep -m1 '/t/' "$run/out" | sed 's|.*/t/||')"

cat >"$run/order.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"lines":[{"item_id":"margherita","quantity":1,"options":["large"]}]}'
LUA

echo "tabletap-local ($profile) on $(nproc) cores, wrk 2 threads, $connections connections, ${seconds}s each"
bench() {
    local name="$1"
    shift
    local out
    out="$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "$@")"
    local rps p50 p99 non2xx
    rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
    p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
    p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
    non2xx="$(awk '/Non-2xx/ {print $5}' <<<"$out")"
    printf '  %-22s %10s req/s   p50 %8s   p99 %8s   non-2xx %s\n' "$name" "$rps" "$p50" "$p99" "${non2xx:-0}"
}
bench "GET menu" "$base/api/restaurants/demo/menu"
bench "POST dine-in order" -s "$run/order.lua" "$base/api/tables/$token/orders"
echo "  orders stored: the second run's requests/s x ${seconds}s (each 201 is one order, fsynced)"
