#!/usr/bin/env bash
# Lints the SAM template offline: cfn-lint, then `sam validate --lint`.
# Installs the pinned tools first if needed (scripts/lib/python-tools.sh).
# No AWS account is used: region, credentials and telemetry are set to
# harmless local values, so nothing can reach a real account.
#
# Usage: scripts/lib/check-template.sh [TEMPLATE]   (default: infra/template.yaml)
# Exit status: non-zero on any cfn-lint error or warning, or if sam validate fails.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TEMPLATE="${1:-$ROOT/infra/template.yaml}"

say() { echo "check-template: $*" >&2; }

[ -f "$TEMPLATE" ] || { say "no template at $TEMPLATE"; exit 1; }

PY_BIN="$("$ROOT/scripts/lib/python-tools.sh" | tail -n 1)"
if [ ! -x "$PY_BIN/cfn-lint" ] || [ ! -x "$PY_BIN/sam" ]; then
    say "cfn-lint or sam missing in $PY_BIN; rerun scripts/lib/python-tools.sh (or rm -rf its venv)"
    exit 1
fi

# Offline and account-free: dummy credentials, a fixed region, no telemetry,
# no update checks, and no config or credentials file from the home folder.
export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
unset AWS_SESSION_TOKEN AWS_PROFILE
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
export SAM_CLI_TELEMETRY=0 SAM_CLI_DISABLE_UPDATE_CHECK=1

failed=0
# samconfig.toml must be valid TOML (each key once per table): sam validate
# never reads its build and deploy sections, and `sam build` refuses a file
# that sets a key twice. Python's own parser is the strict reference.
say "samconfig.toml parses (tomllib)"
if ! "$PY_BIN/python" -c 'import sys, tomllib; tomllib.load(open(sys.argv[1], "rb"))' "$ROOT/samconfig.toml"; then
    say "samconfig.toml is not valid TOML (a key set twice?): see the error above"
    failed=1
fi

say "cfn-lint $("$PY_BIN/cfn-lint" --version | awk '{print $2}') on ${TEMPLATE#"$ROOT"/}"
# Informational findings (I*) are shown but do not fail; errors (E*) and
# warnings (W*) do. cfn-lint exits with a bit mask: 2 error, 4 warning, 8 info.
set +e
"$PY_BIN/cfn-lint" --format parseable -- "$TEMPLATE"
status=$?
set -e
if [ $((status & ~8)) -ne 0 ]; then
    say "cfn-lint found problems (exit $status): fix the template lines listed above"
    failed=1
else
    say "cfn-lint: no errors or warnings"
fi

say "sam validate --lint"
# From the root so sam reads samconfig.toml too (a broken one fails here).
if (cd "$ROOT" && "$PY_BIN/sam" validate --lint --template-file "$TEMPLATE" --region us-east-1) >&2; then
    echo >&2
else
    say "sam validate --lint failed: see its messages above"
    failed=1
fi

if [ "$failed" -ne 0 ]; then
    say "FAILED"
    exit 1
fi
say "OK: ${TEMPLATE#"$ROOT"/} passes cfn-lint and sam validate --lint"
