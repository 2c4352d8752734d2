#!/usr/bin/env bash
# Runs the whole TableTap system on this machine with embedded defaults:
# no AWS account, no internet. Builds what is needed, then starts
#   - the local server: API, site, embedded store with a demo restaurant,
#     the dispatcher, an embedded MQTT broker (mutual TLS) and the receipt
#     outbox; it prints each table's ordering link;
#   - the kitchen listener, connected to that broker with the configuration
#     the server writes, printing tickets to .tabletap/kitchen/printer.escpos
#     (`tabletap-listener render` previews a ticket; point the config at a
#     real RP326 to print on paper).
# Data is kept in ./.tabletap across restarts. Ctrl-C stops both.
#
# Any option is passed on to `tabletap-local` (see `--help`), e.g.
#   scripts/run-local.sh --addr 0.0.0.0:8080 --public-url http://192.168.1.20:8080
# Environment: TABLETAP_PROFILE=release for an optimised build (kitchen PC);
#              TABLETAP_NO_LISTENER=1 to start only the server.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v cargo >/dev/null || { echo "cargo is missing: install Rust with rustup (https://rustup.rs) first" >&2; exit 1; }
export TABLETAP_CACHE="${TABLETAP_CACHE:-$HOME/.cache/tabletap}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$TABLETAP_CACHE/target}"
export TABLETAP_DATA_DIR="${TABLETAP_DATA_DIR:-.tabletap}"
profile="${TABLETAP_PROFILE:-dev}"
dir=$([ "$profile" = "release" ] && echo release || echo debug)

echo "Building the local server and the kitchen listener (first build takes a few minutes)..." >&2
cargo build --locked --profile "$profile" -p tabletap-local -p tabletap-listener

if [ -n "${TABLETAP_NO_LISTENER:-}" ]; then
    exec "$CARGO_TARGET_DIR/$dir/tabletap-local" "$@"
fi

# The server writes the listener's configuration at every start, in its
# data folder: TABLETAP_DATA_DIR, or --data-dir if given on the command line.
data_dir="$TABLETAP_DATA_DIR"
previous=""
for arg in "$@"; do
    case "$arg" in
        --data-dir=*) data_dir="${arg#--data-dir=}" ;;
        *) [ "$previous" = "--data-dir" ] && data_dir="$arg" ;;
    esac
    previous="$arg"
done
config="$data_dir/kitchen/listener.toml"
rm -f "$config"
"$CARGO_TARGET_DIR/$dir/tabletap-local" "$@" &
server=$!
listener=""
trap 'kill $server $listener 2>/dev/null || true; wait 2>/dev/null || true' EXIT INT TERM

for _ in $(seq 1 300); do
    [ -f "$config" ] && break
    kill -0 "$server" 2>/dev/null || exit 1
    sleep 0.1
done
if [ ! -f "$config" ]; then
    echo "run-local: the server wrote no kitchen listener configuration at $config in 30 s; the listener is not started (check the server's output above)" >&2
    wait "$server"
    exit 1
fi
"$CARGO_TARGET_DIR/$dir/tabletap-listener" --config "$config" run &
listener=$!
wait "$server"
