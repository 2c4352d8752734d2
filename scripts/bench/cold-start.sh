#!/usr/bin/env bash
# Cold starts of every Lambda function, measured like Lambda's Init
# Duration (scripts/bench/cold_start.py: a Runtime API stand-in spawns each
# bootstrap), against DynamoDB Local and moto, with a Python handler of
# get-table's job beside them. Prints a Markdown table (docs/benchmarks.md).
#
# Usage: scripts/bench/cold-start.sh [RUNS]        (default 10 per function)
# Builds the release bootstraps first (`cargo lambda build --release` in
# functions/lambdas, as `sam build` does: warm after scripts/lib/sam-build.sh).
# Environment: CARGO_TARGET_DIR, TABLETAP_CACHE as in scripts/test.sh;
# TABLETAP_DYNAMODB_ENDPOINT / TABLETAP_MOTO_ENDPOINT to use running ones.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUNS="${1:-10}"
export TABLETAP_CACHE="${TABLETAP_CACHE:-$HOME/.cache/tabletap}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$TABLETAP_CACHE/target}"
RUN_DIR="$(mktemp -d -t tabletap-bench.XXXXXX)"
say() { echo "cold-start: $*" >&2; }

PY_BIN="$("$ROOT/scripts/lib/python-tools.sh" | tail -n 1)"
LAMBDA_BIN="$("$ROOT/scripts/lib/lambda-tools.sh" | tail -n 1)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

cleanup() {
    [ -n "${DDB_PORT:-}" ] && TABLETAP_DYNAMODB_RUN_DIR="$RUN_DIR" TABLETAP_DYNAMODB_PORT="$DDB_PORT" \
        "$ROOT/scripts/lib/dynamodb-local.sh" stop >/dev/null 2>&1 || true
    [ -n "${MOTO_PORT:-}" ] && TABLETAP_MOTO_RUN_DIR="$RUN_DIR" TABLETAP_MOTO_PORT="$MOTO_PORT" \
        "$ROOT/scripts/lib/moto.sh" stop >/dev/null 2>&1 || true
    rm -rf "$RUN_DIR"
}
trap cleanup EXIT

say "building the release bootstraps (cargo lambda build --release, x86_64)"
(cd "$ROOT/functions/lambdas" && PATH="$LAMBDA_BIN:$PATH" cargo lambda build --release --locked) >&2

if [ -z "${TABLETAP_DYNAMODB_ENDPOINT:-}" ]; then
    DDB_PORT="$(free_port)"
    TABLETAP_DYNAMODB_ENDPOINT="$(TABLETAP_DYNAMODB_RUN_DIR="$RUN_DIR" TABLETAP_DYNAMODB_PORT="$DDB_PORT" \
        "$ROOT/scripts/lib/dynamodb-local.sh" start)"
fi
if [ -z "${TABLETAP_MOTO_ENDPOINT:-}" ]; then
    MOTO_PORT="$(free_port)"
    TABLETAP_MOTO_ENDPOINT="$(TABLETAP_MOTO_RUN_DIR="$RUN_DIR" TABLETAP_MOTO_PORT="$MOTO_PORT" \
        "$ROOT/scripts/lib/moto.sh" start)"
fi
export TABLETAP_DYNAMODB_ENDPOINT TABLETAP_MOTO_ENDPOINT

say "seeding a table on DynamoDB Local ($TABLETAP_DYNAMODB_ENDPOINT)"
TABLE="$(cd "$ROOT" && cargo run --quiet --locked -p tabletap-lambdas --example bench_seed)"
# The Stripe functions read their secrets from SSM at cold start (moto's).
AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local "$PY_BIN/python" - "$TABLETAP_MOTO_ENDPOINT" <<'PY'
import sys, boto3
ssm = boto3.client("ssm", endpoint_url=sys.argv[1], region_name="us-east-1")
for name, value in [("/tabletap/bench/secret-key", "sk_test_bench"),
                    ("/tabletap/bench/webhook-secret", "whsec_test_tabletap")]:
    ssm.put_parameter(Name=name, Value=value, Type="SecureString", Overwrite=True)
PY
# redeliver-tickets publishes delivery alerts to an SNS topic (moto's).
OPS_TOPIC="$(AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local "$PY_BIN/python" - "$TABLETAP_MOTO_ENDPOINT" <<'PY'
import sys, boto3
sns = boto3.client("sns", endpoint_url=sys.argv[1], region_name="us-east-1")
print(sns.create_topic(Name="tabletap-bench-ops")["TopicArn"])
PY
)"

say "cpu: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $RUNS cold starts per function"
# DynamoDB Local keeps one database per access key and region: the same
# ("local", us-east-1) the seeding used. Everything else goes to moto.
"$PY_BIN/python" "$ROOT/scripts/bench/cold_start.py" \
    --functions "$CARGO_TARGET_DIR/lambda" --events "$ROOT/events" --runs "$RUNS" \
    --python-handler "$ROOT/scripts/bench/python_get_table.py" \
    --env AWS_REGION=us-east-1 --env AWS_DEFAULT_REGION=us-east-1 \
    --env AWS_ACCESS_KEY_ID=local --env AWS_SECRET_ACCESS_KEY=local --env AWS_SESSION_TOKEN=bench \
    --env AWS_CONFIG_FILE=/dev/null --env AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    --env AWS_EC2_METADATA_DISABLED=true \
    --env "AWS_ENDPOINT_URL=$TABLETAP_MOTO_ENDPOINT" \
    --env "AWS_ENDPOINT_URL_DYNAMODB=$TABLETAP_DYNAMODB_ENDPOINT" \
    --env "TABLETAP_TABLE_NAME=$TABLE" \
    --env TABLETAP_ALLOWED_ORIGINS=https://order.example.com \
    --env TABLETAP_SITE_URL=https://order.example.com \
    --env TABLETAP_PHOTO_BUCKET=tabletap-bench-photos \
    --env TABLETAP_USER_POOL_ID=us-east-1_bench \
    --env RUST_LOG=info \
    --env "TABLETAP_IOT_DATA_ENDPOINT=$TABLETAP_MOTO_ENDPOINT" \
    --env TABLETAP_RECEIPT_FROM=receipts@example.com \
    --env TABLETAP_STRIPE_SECRET_KEY_PARAM=/tabletap/bench/secret-key \
    --env TABLETAP_STRIPE_WEBHOOK_SECRET_PARAM=/tabletap/bench/webhook-secret \
    --env "TABLETAP_OPS_TOPIC_ARN=$OPS_TOPIC" \
    ${TABLETAP_BENCH_ONLY:+--only $TABLETAP_BENCH_ONLY}
