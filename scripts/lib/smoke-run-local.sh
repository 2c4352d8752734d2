#!/usr/bin/env bash
# The README's first command, for real: `scripts/run-local.sh` on a temp
# data folder and free ports, one table order over HTTP, and its ticket in
# the kitchen listener's printer file within 20 s. scripts/test.sh runs it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
say() { echo "smoke-run-local: $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

DIR="$(mktemp -d -t tabletap-run-local.XXXXXX)"
PORT="$(free_port)"
MQTT_PORT="$(free_port)"
"$ROOT/scripts/run-local.sh" --data-dir "$DIR/data" --addr "127.0.0.1:$PORT" \
    --mqtt-addr "127.0.0.1:$MQTT_PORT" >"$DIR/out" 2>&1 &
PID=$!
cleanup() { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$DIR"; }
trap cleanup EXIT

for _ in $(seq 1 240); do
    grep -q "TableTap is listening on" "$DIR/out" && break
    kill -0 "$PID" 2>/dev/null || { say "run-local.sh stopped:"; cat "$DIR/out" >&2; exit 1; }
    sleep 0.5
done
grep -q "TableTap is listening on" "$DIR/out" || { say "the server did not start in 2 min:"; cat "$DIR/out" >&2; exit 1; }
TOKEN="$(grep -m1 '  Table 1 ' "$DIR/out" | sed 's|.*/t/||')"
[ -n "$TOKEN" ] || { say "no table link printed:"; cat "$DIR/out" >&2; exit 1; }

NUMBER="$(curl -fsS --max-time 10 -H 'content-type: application/json' -H 'idempotency-key: smoke-run-local' \
    -d '{"lines":[{"item_id":"espresso","quantity":1,"options":[]}]}' \
    "http://127.0.0.1:$PORT/api/tables/$TOKEN/orders" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["number"])')"
say "order $NUMBER placed from Table 1"
PRINTER="$DIR/data/kitchen/printer.escpos"
for _ in $(seq 1 40); do
    if [ -f "$PRINTER" ] && grep -a -q "$NUMBER" "$PRINTER"; then
        say "OK: order $NUMBER printed to $PRINTER by the kitchen listener"
        exit 0
    fi
    sleep 0.5
done
say "order $NUMBER did not reach the printer in 20 s; output:"
cat "$DIR/out" >&2
exit 1
