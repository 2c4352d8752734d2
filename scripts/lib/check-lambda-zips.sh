#!/usr/bin/env bash
# Checks the Lambda functions `sam build` produced: prints each function's
# bootstrap and zip size, fails when a zip is over the limit, and fails when
# a binary links SDK clients or Stripe code its route does not use (or lacks
# what it must use, which also proves the markers below still match).
#
# Usage: scripts/lib/check-lambda-zips.sh [BUILD_DIR]   (default: .aws-sam/build)
#   BUILD_DIR holds <LogicalId>/bootstrap per function, as `sam build` writes
#   it (infra/template.yaml maps each logical id to its binary), or
#   <binary>/bootstrap, as `cargo lambda build` writes target/lambda.
# Environment:
#   TABLETAP_ZIP_LIMIT_BYTES  largest allowed zip (default 4000000, i.e. 4 MB)
#   PY_BIN                    a bin folder with python3 and PyYAML (default:
#                             the venv of scripts/lib/python-tools.sh)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD_DIR="${1:-$ROOT/.aws-sam/build}"
LIMIT="${TABLETAP_ZIP_LIMIT_BYTES:-4000000}"
PY_BIN="${PY_BIN:-$("$ROOT/scripts/lib/python-tools.sh" | tail -n 1)}"

say() { echo "check-lambda-zips: $*" >&2; }
[ -d "$BUILD_DIR" ] || { say "no build output at $BUILD_DIR (run scripts/lib/sam-build.sh)"; exit 1; }

# What each part of the code leaves in a binary: strings only that part's
# code holds (protocol names and endpoints of the SDK clients, Stripe's API
# host). A function must hold exactly the parts listed for it below.
#   dynamodb  the DynamoDB client (JSON protocol target prefix)
#   ssm       the SSM client (Stripe secrets at cold start)
#   stripe    the Stripe API client (its host name)
#   ses       the SES v2 client (receipts)
#   iot       the IoT data plane client (kitchen tickets)
#   sns       the SNS client (delivery alerts; its query API's version)
#   s3        the S3 photo store (item photos; its error message)
#   cognito   the Cognito user pools client (staff management; its JSON
#             protocol's target prefix)
marker() {
    case "$1" in
        dynamodb) echo "DynamoDB_20120810" ;;
        ssm) echo "AmazonSSM.GetParameter" ;;
        stripe) echo "api.stripe.com" ;;
        ses) echo "/v2/email/outbound-emails" ;;
        iot) echo "iotdata" ;;
        sns) echo "2010-03-31" ;;
        s3) echo "s3:PutObject" ;;
        cognito) echo "AWSCognitoIdentityProviderService" ;;
    esac
}
PARTS="dynamodb ssm stripe ses iot sns s3 cognito"

# Binary -> the parts it must link; every other part it must not.
expected_parts() {
    case "$1" in
        place-takeout-order | act-on-order) echo "dynamodb ssm stripe" ;;
        reprint-order) echo "dynamodb iot" ;;
        stripe-webhook) echo "dynamodb ssm" ;;
        dispatch) echo "dynamodb ses iot" ;;
        redeliver-tickets) echo "dynamodb iot sns" ;;
        upload-photo) echo "dynamodb s3" ;;
        list-staff | invite-staff | remove-staff) echo "dynamodb cognito" ;;
        *) echo "dynamodb" ;;
    esac
}


# Logical id and binary of every rust-cargolambda function in the template.
functions="$("$PY_BIN/python" - "$ROOT/infra/template.yaml" <<'PY'
import sys, yaml
class Loader(yaml.SafeLoader):
    pass
Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
template = yaml.load(open(sys.argv[1]), Loader=Loader)
for logical_id, resource in template["Resources"].items():
    if resource.get("Type") == "AWS::Serverless::Function":
        binary = resource.get("Metadata", {}).get("BuildProperties", {}).get("Binary")
        print(logical_id, binary)
PY
)"
[ -n "$functions" ] || { say "no functions found in infra/template.yaml"; exit 1; }

zip_size() {
    # Deflate like `sam package`/`sam deploy` do (zipfile, ZIP_DEFLATED).
    "$PY_BIN/python" - "$1" <<'PY'
import io, sys, zipfile
buffer = io.BytesIO()
with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
    archive.write(sys.argv[1], "bootstrap")
print(len(buffer.getvalue()))
PY
}

failed=0
printf '%-28s %-20s %12s %12s  %s\n' "function" "binary" "bootstrap" "zip" "links" >&2
total_zip=0
while read -r logical_id binary; do
    bootstrap="$BUILD_DIR/$logical_id/bootstrap"
    [ -f "$bootstrap" ] || [ ! -f "$BUILD_DIR/$binary/bootstrap" ] || bootstrap="$BUILD_DIR/$binary/bootstrap"
    if [ ! -f "$bootstrap" ]; then
        say "$logical_id: no $bootstrap"
        failed=1
        continue
    fi
    size=$(stat -c %s "$bootstrap")
    zipped=$(zip_size "$bootstrap")
    total_zip=$((total_zip + zipped))
    linked=""
    want=" $(expected_parts "$binary") "
    problems=""
    for part in $PARTS; do
        if grep -q -a -F "$(marker "$part")" "$bootstrap"; then
            linked="$linked $part"
            [[ "$want" == *" $part "* ]] || problems="$problems links $part, which its route does not use;"
        else
            [[ "$want" != *" $part "* ]] || problems="$problems lacks $part (or its marker \"$(marker "$part")\" no longer matches);"
        fi
    done
    printf '%-28s %-20s %12s %12s %s\n' "$logical_id" "$binary" "$size" "$zipped" "$linked" >&2
    if [ "$zipped" -gt "$LIMIT" ]; then
        say "$logical_id: zip of $zipped bytes is over the limit of $LIMIT"
        failed=1
    fi
    if [ -n "$problems" ]; then
        say "$logical_id ($binary):$problems"
        failed=1
    fi
done <<<"$functions"
say "all zips together: $total_zip bytes; limit per zip: $LIMIT bytes"

if [ "$failed" -ne 0 ]; then
    say "FAILED"
    exit 1
fi
say "OK: every zip is under $LIMIT bytes and every function links only what its route uses"
