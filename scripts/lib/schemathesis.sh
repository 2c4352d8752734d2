#!/usr/bin/env bash
# Property-based API tests: schemathesis checks a running local server
# against functions/api/openapi.yaml (the spec is the contract; the server
# must answer every generated request with a documented status, content type
# and body shape, and never with a 5xx).
#
# Usage: scripts/lib/schemathesis.sh BASE_URL [TABLE_TOKEN]
#   BASE_URL     the local server, e.g. http://127.0.0.1:8080 (the API is
#                under BASE_URL/api). Only loopback addresses are accepted.
#   TABLE_TOKEN  optional: a valid table token (the part after /t/ in a link
#                the server prints at start). With it, half the generated
#                token values are this token, restaurant ids come from its
#                restaurant, and cart lines use the real menu's item and
#                option ids, so valid orders get placed and read back
#                (201/200 bodies are checked too), not just 4xx paths.
#
# Environment:
#   TABLETAP_CACHE            cache root for the Python venv (python-tools.sh)
#   TABLETAP_ST_SEED          random seed (default: 20261121); same seed,
#                             same generated requests
#   TABLETAP_ST_MAX_EXAMPLES  fuzzed cases per operation (default: 60)
#   TABLETAP_ST_WORKERS       concurrent workers (default: 1, see below)
#   TABLETAP_ST_REPORT_DIR    keep the JUnit and HAR reports there (default: a
#                             temp dir, removed when the script ends)
#   TABLETAP_ST_STAFF_TOKEN   a staff (better: owner) bearer token of the
#                             table's restaurant, e.g. from POST
#                             /api/staff/sign-in: sent with every request, so
#                             the staff routes are exercised past their 401
#                             (scripts/test.sh signs an owner in)
#
# Exit status: 0 when every check passed, non-zero on any failure (and the
# failing requests are printed with curl commands to reproduce them).
# Takes about 1-2 minutes on 2 cores.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SPEC="$ROOT/functions/api/openapi.yaml"
SEED="${TABLETAP_ST_SEED:-20261121}"
MAX_EXAMPLES="${TABLETAP_ST_MAX_EXAMPLES:-60}"
# One worker: with several, Python 3.11 (the machine's) intermittently fails
# inside hypothesis with "SystemError: AST constructor recursion depth
# mismatch" (CPython gh-106905, a threading bug in ast.parse); the run then
# reports a runtime error that is not the API's fault.
WORKERS="${TABLETAP_ST_WORKERS:-1}"

say() { echo "schemathesis: $*" >&2; }
usage() {
    echo "usage: $0 BASE_URL [TABLE_TOKEN]   e.g. $0 http://127.0.0.1:8080 r_2bsGmrd8jpMLOHsj6NNA" >&2
    exit 2
}

if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage; fi
BASE_URL="${1%/}"
TABLE_TOKEN="${2:-}"

# Traffic goes to this machine only.
case "$BASE_URL" in
    http://127.0.0.1:* | http://localhost:* | http://\[::1\]:*) ;;
    *)
        say "BASE_URL must be a loopback http URL with a port (http://127.0.0.1:PORT), got '$BASE_URL'"
        exit 2
        ;;
esac
[ -f "$SPEC" ] || { say "no spec at $SPEC"; exit 1; }
command -v curl >/dev/null 2>&1 || { say "curl is needed (apt-get install -y curl)"; exit 1; }

# Requests must not go through a proxy from the environment.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
export NO_PROXY="127.0.0.1,localhost,::1" no_proxy="127.0.0.1,localhost,::1"

API="$BASE_URL/api"
code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$API/tables/health-check" || true)"
if [ "$code" != "404" ]; then
    say "$API does not answer like TableTap (GET /api/tables/health-check gave '$code', expected 404)."
    say "Start the local server first, e.g.: \$CARGO_TARGET_DIR/debug/tabletap-local --addr 127.0.0.1:0 --data-dir \$(mktemp -d)"
    exit 1
fi

PY_BIN="$("$ROOT/scripts/lib/python-tools.sh" | tail -n 1)"
[ -x "$PY_BIN/st" ] || { say "st is missing in $PY_BIN; rerun scripts/lib/python-tools.sh"; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/tabletap-st.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
REPORT_DIR="${TABLETAP_ST_REPORT_DIR:-$WORK/report}"
mkdir -p "$REPORT_DIR"

# The run's configuration (schemathesis.toml). With a table token, the
# dictionaries steer generation toward real ids; the generated data still
# mixes in arbitrary values for every field.
CONFIG="$WORK/schemathesis.toml"
"$PY_BIN/python" - "$CONFIG" "$API" "$TABLE_TOKEN" "$SEED" <<'PY'
import json
import sys
import urllib.request

config_path, api, token, seed = sys.argv[1:5]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def get(path):
    with opener.open(api + path, timeout=5) as response:
        return json.load(response)


def toml_list(values):
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


lines = [f"seed = {int(seed)}", ""]
if token:
    try:
        table = get(f"/tables/{token}")
    except Exception as error:  # noqa: BLE001 - reported to the person running it
        sys.exit(f"schemathesis: GET /api/tables/{token} failed ({error}); pass a token the server printed at start")
    restaurant = table["restaurant"]["id"]
    menu = get(f"/restaurants/{restaurant}/menu")
    items = [item for category in menu["categories"] for item in category["items"]]
    options = sorted({o["id"] for item in items for g in item["option_groups"] for o in g["options"]})
    print(
        f"schemathesis: using table {table['table']['label']!r} of {restaurant!r}: "
        f"{len(items)} items, {len(options)} option ids",
        file=sys.stderr,
    )
    lines += [
        "[dictionaries.table_tokens]",
        f"values = {toml_list([token])}",
        "[dictionaries.restaurant_ids]",
        f"values = {toml_list([restaurant])}",
        "[dictionaries.item_ids]",
        f"values = {toml_list([item['id'] for item in items])}",
    ]
    if options:
        lines += ["[dictionaries.option_ids]", f"values = {toml_list(options)}"]
    # Table tokens: GET /tables mixes the real token with arbitrary strings;
    # POST always uses the real table, so the cart (not the token) is what
    # gets fuzzed and valid carts place real orders (201), which the
    # stateful phase then reads back through the spec's links.
    cart = ['"body.lines[*].item_id" = { dictionary = "item_ids", probability = 0.9 }']
    if options:
        cart.append('"body.lines[*].options[*]" = { dictionary = "option_ids", probability = 0.8 }')
    restaurant_param = '"path.restaurant_id" = { dictionary = "restaurant_ids", probability = 0.6 }'
    lines += [
        "",
        "[[operations]]",
        'include-operation-id = "getTable"',
        "[operations.parameters]",
        '"path.token" = { dictionary = "table_tokens", probability = 0.6 }',
        "",
        "[[operations]]",
        'include-operation-id = "placeDineInOrder"',
        "[operations.parameters]",
        f'"path.token" = {json.dumps(token)}',
        *cart,
        "",
        "[[operations]]",
        'include-operation-id = ["getMenu", "getOrder", "listBoardOrders", "getOrderChanges", "actOnOrder", "reprintOrder", "setAvailability", "getSales", "listStaff", "inviteStaff", "removeStaff"]',
        "[operations.parameters]",
        restaurant_param,
    ]
with open(config_path, "w", encoding="utf-8") as f:
    f.write("\n".join(lines) + "\n")
PY

AUTH_ARGS=()
if [ -n "${TABLETAP_ST_STAFF_TOKEN:-}" ]; then
    AUTH_ARGS=(--header "Authorization: Bearer $TABLETAP_ST_STAFF_TOKEN")
    say "staff routes run with a bearer token (not printed)"
else
    say "no TABLETAP_ST_STAFF_TOKEN: the staff routes only get their 401 answers exercised"
fi
[ -n "$TABLE_TOKEN" ] || say "no TABLE_TOKEN given: only error paths (404, 4xx) get exercised; pass one for 200/201 coverage"
say "running st $("$PY_BIN/st" --version | awk '{print $NF}') on ${SPEC#"$ROOT"/} against $API (seed $SEED, $MAX_EXAMPLES examples per operation)"

status=0
(
    # Run from the temp dir so nothing (hypothesis data, reports) lands in the repo.
    cd "$WORK"
    "$PY_BIN/st" --config-file "$CONFIG" --no-color run "$SPEC" \
        --url "$API" \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
        --phases examples,coverage,fuzzing,stateful \
        --mode all \
        --max-examples "$MAX_EXAMPLES" \
        --seed "$SEED" \
        --workers "$WORKERS" \
        --request-timeout 10 \
        "${AUTH_ARGS[@]}" \
        --max-redirects 0 \
        --generation-database none \
        --suppress-health-check too_slow,filter_too_much \
        --warnings off \
        --report junit,har --report-dir "$REPORT_DIR"
) || status=$?

# What the server answered, per route and status: shows whether the valid
# paths (200/201) were exercised, not just the error paths.
"$PY_BIN/python" - "$REPORT_DIR" <<'PY' || true
import collections
import glob
import json
import os
import re
import sys

hars = sorted(glob.glob(os.path.join(sys.argv[1], "har-*.json")), key=os.path.getmtime)
if not hars:
    sys.exit(0)
routes = [
    ("GET", r"/tables/[^/]+", "getTable"),
    ("GET", r"/restaurants/[^/]+/menu", "getMenu"),
    ("POST", r"/tables/[^/]+/orders", "placeDineInOrder"),
    ("GET", r"/restaurants/[^/]+/orders/[^/]+", "getOrder"),
    ("GET", r"/restaurants/[^/]+/staff/orders", "listBoardOrders"),
    ("GET", r"/restaurants/[^/]+/staff/changes", "getOrderChanges"),
    ("POST", r"/restaurants/[^/]+/staff/orders/[^/]+/actions", "actOnOrder"),
    ("POST", r"/restaurants/[^/]+/staff/orders/[^/]+/reprint", "reprintOrder"),
    ("POST", r"/restaurants/[^/]+/staff/availability", "setAvailability"),
    ("GET", r"/restaurants/[^/]+/owner/sales", "getSales"),
    ("GET", r"/restaurants/[^/]+/owner/staff", "listStaff"),
    ("POST", r"/restaurants/[^/]+/owner/staff", "inviteStaff"),
    ("DELETE", r"/restaurants/[^/]+/owner/staff/[^/]+", "removeStaff"),
]
counts = collections.defaultdict(collections.Counter)
with open(hars[-1], encoding="utf-8") as f:
    entries = json.load(f)["log"]["entries"]
for entry in entries:
    method = entry["request"]["method"]
    path = entry["request"]["url"].split("/api", 1)[-1].split("?", 1)[0]
    name = next((n for m, rx, n in routes if m == method and re.fullmatch(rx, path)), f"other ({method})")
    counts[name][entry["response"]["status"]] += 1
print(f"schemathesis: {len(entries)} requests; answers per operation:", file=sys.stderr)
for name in [n for _, _, n in routes] + sorted(k for k in counts if k.startswith("other")):
    if name in counts:
        statuses = ", ".join(f"{status}: {n}" for status, n in sorted(counts[name].items()))
        print(f"  {name:<18} {statuses}", file=sys.stderr)
PY

if [ "$status" -ne 0 ]; then
    say "FAILED (exit $status): the failures above show each request and a curl command to replay it."
    say "Fix the server if it broke its contract, or functions/api/openapi.yaml if the spec is wrong."
    [ -z "${TABLETAP_ST_REPORT_DIR:-}" ] || say "JUnit report: $REPORT_DIR"
    exit "$status"
fi
say "OK: no server errors, every response conforms to ${SPEC#"$ROOT"/}"
