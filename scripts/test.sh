#!/usr/bin/env bash
# Runs every TableTap test on a fresh or warm machine: installs the real
# local stand-ins the tests need (DynamoDB Local, Mosquitto, moto,
# localstripe, Chromium, Python and npm tools),
# starts each
# service once, builds the workspace once, runs all suites, and stops what
# it started. `.ci/run` calls exactly this.
#
# A suite whose service is missing fails; nothing is skipped.
#
# Environment:
#   TABLETAP_CACHE    where tools and the cargo target dir are kept between
#                     runs (default: $HOME/.cache/tabletap)
#   CARGO_TARGET_DIR  default: $TABLETAP_CACHE/target (kept warm across runs)
set -euo pipefail
cd "$(dirname "$0")/.."

export TABLETAP_CACHE="${TABLETAP_CACHE:-$HOME/.cache/tabletap}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$TABLETAP_CACHE/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# This script starts every service the tests need, so a test that finds one
# missing must fail, not skip (the tests read CI for that).
export CI="${CI:-1}"
RUN_DIR="$(mktemp -d -t tabletap-test.XXXXXX)"
started_at=$(date +%s)
LOCAL_SERVER_PID=""

step() { printf '\n==> %s (%ss)\n' "$*" "$(( $(date +%s) - started_at ))"; }

cleanup() {
    [ -n "$LOCAL_SERVER_PID" ] && kill "$LOCAL_SERVER_PID" 2>/dev/null || true
    TABLETAP_DYNAMODB_RUN_DIR="$RUN_DIR" TABLETAP_DYNAMODB_PORT="${DYNAMODB_PORT:-0}" \
        scripts/lib/dynamodb-local.sh stop >/dev/null 2>&1 || true
    TABLETAP_MOTO_RUN_DIR="$RUN_DIR" TABLETAP_MOTO_PORT="${MOTO_PORT:-0}" \
        scripts/lib/moto.sh stop >/dev/null 2>&1 || true
    TABLETAP_LOCALSTRIPE_RUN_DIR="$RUN_DIR/localstripe" scripts/lib/localstripe.sh stop >/dev/null 2>&1 || true
    rm -rf "$RUN_DIR"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

step "Installing test tools and services (only what is missing)"
command -v cargo >/dev/null || { echo "cargo is missing: install Rust with rustup first" >&2; exit 1; }
if ! cargo nextest --version >/dev/null 2>&1; then
    echo "cargo-nextest is missing: installing it from crates.io"
    cargo install --locked cargo-nextest
fi
scripts/lib/dynamodb-local.sh install
scripts/lib/install-mosquitto.sh
scripts/lib/install-qr-tools.sh
PY_BIN="$(scripts/lib/python-tools.sh | tail -n 1)"

step "Checking formatting and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Building the workspace (tests and binaries)"
cargo build --workspace --all-targets --locked

step "Starting DynamoDB Local"
DYNAMODB_PORT="$(free_port)"
TABLETAP_DYNAMODB_ENDPOINT="$(TABLETAP_DYNAMODB_RUN_DIR="$RUN_DIR" TABLETAP_DYNAMODB_PORT="$DYNAMODB_PORT" \
    scripts/lib/dynamodb-local.sh start)"
export TABLETAP_DYNAMODB_ENDPOINT
echo "DynamoDB Local at $TABLETAP_DYNAMODB_ENDPOINT"

step "Starting moto (stand-in for SES v2 and the IoT data plane)"
MOTO_PORT="$(free_port)"
TABLETAP_MOTO_ENDPOINT="$(TABLETAP_MOTO_RUN_DIR="$RUN_DIR" TABLETAP_MOTO_PORT="$MOTO_PORT" \
    scripts/lib/moto.sh start)"
export TABLETAP_MOTO_ENDPOINT
echo "moto at $TABLETAP_MOTO_ENDPOINT"

step "Starting localstripe (fake Stripe API for the takeout payment tests)"
TABLETAP_LOCALSTRIPE_URL="$(TABLETAP_LOCALSTRIPE_RUN_DIR="$RUN_DIR/localstripe" scripts/lib/localstripe.sh start | tail -n 1)"
export TABLETAP_LOCALSTRIPE_URL
echo "localstripe at $TABLETAP_LOCALSTRIPE_URL"

# The listener's end-to-end tests start their own Mosquitto brokers (mutual
# TLS, one per test, each with its own certificates and persistence).
step "Running the Rust test suites (unit, contract, handlers, listener, end-to-end)"
cargo nextest run --workspace --locked --profile ci

step "Checking the running API against its OpenAPI document (schemathesis)"
"$CARGO_TARGET_DIR/debug/tabletap-local" --addr 127.0.0.1:0 --data-dir "$RUN_DIR/local-data" \
    --site-dir site --mqtt-addr "127.0.0.1:$(free_port)" >"$RUN_DIR/local.out" 2>"$RUN_DIR/local.err" &
LOCAL_SERVER_PID=$!
for _ in $(seq 1 100); do
    grep -q "TableTap is listening on" "$RUN_DIR/local.out" 2>/dev/null && break
    sleep 0.1
done
BASE_URL="$(sed -n 's/^TableTap is listening on //p' "$RUN_DIR/local.out")"
[ -n "$BASE_URL" ] || { echo "the local server did not start:" >&2; cat "$RUN_DIR/local.err" >&2; exit 1; }
TABLE_TOKEN="$(grep -m1 '/t/' "$RUN_DIR/local.out" | sed 's|.*/t/||')"
# An owner of the demo restaurant, so the staff routes are fuzzed signed in.
ST_OWNER_PASSWORD="$("$CARGO_TARGET_DIR/debug/tabletap-local" --data-dir "$RUN_DIR/local-data" \
    staff add --restaurant demo --username st-owner@demo --role owner | sed -n 's/^password: //p')"
TABLETAP_ST_STAFF_TOKEN="$(curl -fsS --max-time 10 -H 'content-type: application/json' \
    -d "{\"username\":\"st-owner@demo\",\"password\":\"$ST_OWNER_PASSWORD\"}" \
    "$BASE_URL/api/staff/sign-in" | "$PY_BIN/python" -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
export TABLETAP_ST_STAFF_TOKEN
PATH="$PY_BIN:$PATH" scripts/lib/schemathesis.sh "$BASE_URL" "$TABLE_TOKEN"
unset TABLETAP_ST_STAFF_TOKEN
kill "$LOCAL_SERVER_PID" && wait "$LOCAL_SERVER_PID" 2>/dev/null || true
LOCAL_SERVER_PID=""

step "Running the diner site's browser tests (Chromium, playwright-core, axe-core)"
scripts/lib/browser-tests.sh

step "Running the README's local command (scripts/run-local.sh): one order to the printer"
scripts/lib/smoke-run-local.sh

step "Validating the SAM template offline (cfn-lint, sam validate --lint)"
scripts/lib/check-template.sh

step "Computing the AWS bill against its targets (docs/deploy.md, \"What it costs\")"
node scripts/bench/bill.mjs

# The real `sam build` of docs/deploy.md (x86_64, cargo-lambda, offline), in
# the same warm target dir, then each function's size and what it links.
step "Building the Lambda functions with sam build and checking their zips"
scripts/lib/sam-build.sh

step "All checks passed"
