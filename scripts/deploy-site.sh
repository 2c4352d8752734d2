#!/usr/bin/env bash
# Publishes the diner site (site/) to the stack's bucket behind CloudFront
# and writes its runtime config (/config.json) from the stack's outputs, so
# nothing environment-specific is baked into the files. Run after
# `sam deploy`, with AWS credentials for the stack's account.
#
# Usage: scripts/deploy-site.sh [STACK_NAME]        (default: tabletap)
# Environment:
#   AWS_REGION / AWS_PROFILE     as for the aws CLI
#   STRIPE_PUBLISHABLE_KEY       pk_live_... or pk_test_... (Stripe's public key)
#   TAKEOUT_RESTAURANT_ID        optional: the restaurant a bare /takeout opens
set -euo pipefail
cd "$(dirname "$0")/.."
stack="${1:-tabletap}"

command -v aws >/dev/null || { echo "deploy-site: the aws CLI is missing (https://aws.amazon.com/cli/)" >&2; exit 1; }

output() {
    aws cloudformation describe-stacks --stack-name "$stack" \
        --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
}
bucket="$(output SiteBucketName)"
distribution="$(output SiteDistributionId)"
api_url="$(output ApiUrl)"
site_url="$(output SiteUrl)"
staff_client="$(output StaffUserPoolClientId)"
region="${AWS_REGION:-${AWS_DEFAULT_REGION:-$(aws configure get region 2>/dev/null || true)}}"
for value in "$bucket" "$distribution" "$api_url"; do
    if [ -z "$value" ] || [ "$value" = "None" ]; then
        echo "deploy-site: stack $stack has no SiteBucketName/SiteDistributionId/ApiUrl output; deploy infra/template.yaml first (sam deploy)" >&2
        exit 1
    fi
done
if [ -z "${STRIPE_PUBLISHABLE_KEY:-}" ]; then
    echo "deploy-site: STRIPE_PUBLISHABLE_KEY is not set; takeout payment then relies on the key the API returns with each order" >&2
fi

config="$(mktemp)"
trap 'rm -f "$config"' EXIT
API_URL="$api_url" STAFF_CLIENT="$staff_client" REGION="$region" python3 - >"$config" <<'PY'
import json, os
config = {
    "apiBaseUrl": os.environ["API_URL"],
    "stripePublishableKey": os.environ.get("STRIPE_PUBLISHABLE_KEY") or None,
    "paymentProvider": "stripe",
    "mode": "aws",
}
# The staff pages sign in with the stack's Cognito app client.
if os.environ.get("STAFF_CLIENT") and os.environ["STAFF_CLIENT"] != "None":
    config["staffAuth"] = "cognito"
    config["cognitoClientId"] = os.environ["STAFF_CLIENT"]
    config["cognitoRegion"] = os.environ.get("REGION") or "us-east-1"
if os.environ.get("TAKEOUT_RESTAURANT_ID"):
    config["takeoutRestaurantId"] = os.environ["TAKEOUT_RESTAURANT_ID"]
print(json.dumps(config, indent=2))
PY

# Assets first, then the page that loads them, then the config: a phone
# never gets an index.html whose files are not there yet. Files are not
# content-hashed, so they are cached briefly and invalidated below.
aws s3 sync site/ "s3://$bucket/" --delete \
    --exclude index.html --exclude config.json --exclude "photos/*" \
    --cache-control "public, max-age=300"
aws s3 cp site/index.html "s3://$bucket/index.html" \
    --cache-control "no-cache" --content-type "text/html; charset=utf-8"
aws s3 cp "$config" "s3://$bucket/config.json" \
    --cache-control "no-cache" --content-type "application/json"
aws cloudfront create-invalidation --distribution-id "$distribution" --paths "/*" >/dev/null

echo "Site published: $site_url (API $api_url). Table links: $site_url/t/<token>"
