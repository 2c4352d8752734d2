#!/usr/bin/env bash
# Runs the whole TableTap system on this machine with embedded defaults:
# no AWS account, no internet. Builds what is needed, then starts the local
# server (API, site, embedded store with a demo restaurant) and prints each
# table's ordering link. Data is kept in ./.tabletap across restarts.
#
# Any option is passed on to `tabletap-local` (see `--help`), e.g.
#   scripts/run-local.sh --addr 0.0.0.0:8080 --public-url http://192.168.1.20:8080
# Environment: TABLETAP_PROFILE=release for an optimised build (kitchen PC).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v cargo >/dev/null || { echo "cargo is missing: install Rust with rustup (https://rustup.rs) first" >&2; exit 1; }
export TABLETAP_CACHE="${TABLETAP_CACHE:-$HOME/.cache/tabletap}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$TABLETAP_CACHE/target}"
profile="${TABLETAP_PROFILE:-dev}"
dir=$([ "$profile" = "release" ] && echo release || echo debug)

echo "Building the local server (first build takes a few minutes)..." >&2
cargo build --locked --profile "$profile" -p tabletap-local
exec "$CARGO_TARGET_DIR/$dir/tabletap-local" "$@"
