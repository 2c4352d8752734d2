#!/usr/bin/env bash
# Prints what a phone downloads for the first view of the diner site, per
# file and in total, raw and gzipped (gzip -9, about what CloudFront's
# compression sends). The first view is index.html plus every local file it
# references (stylesheet, entry module, module preloads); files loaded later
# (takeout.js at checkout) are listed separately. The API's JSON answers and
# /config.json are not counted.
#
# Usage: scripts/site-size.sh [SITE_DIR]   (default: site)
set -euo pipefail
cd "$(dirname "$0")/.."
site="${1:-site}"
[ -f "$site/index.html" ] || { echo "site-size: no index.html in $site" >&2; exit 1; }

gz() { gzip -9 -c "$1" | wc -c; }
row() { printf '%-22s %8s %8s\n' "$1" "$2" "$3"; }

first=(index.html)
while IFS= read -r ref; do
    first+=("${ref#/}")
done < <(grep -oE '(href|src)="/[^"]+\.(css|js)"' "$site/index.html" | sed -E 's/^(href|src)="//; s/"$//' | awk '!seen[$0]++')

total_raw=0
total_gz=0
echo "First view (what a phone downloads before it can order):"
row "file" "bytes" "gzipped"
for file in "${first[@]}"; do
    [ -f "$site/$file" ] || { echo "site-size: index.html references $file, which is missing" >&2; exit 1; }
    raw=$(wc -c <"$site/$file")
    zipped=$(gz "$site/$file")
    total_raw=$((total_raw + raw))
    total_gz=$((total_gz + zipped))
    row "$file" "$raw" "$zipped"
done
row "TOTAL" "$total_raw" "$total_gz"

echo
echo "Loaded later:"
later_gz=0
while IFS= read -r path; do
    file="${path#"$site"/}"
    case " ${first[*]} " in *" $file "*) continue ;; esac
    zipped=$(gz "$path")
    later_gz=$((later_gz + zipped))
    row "$file" "$(wc -c <"$path")" "$zipped"
done < <(find "$site" -type f \( -name '*.js' -o -name '*.css' -o -name '*.html' \) | sort)
echo
echo "first view: $total_gz bytes gzipped ($(( (total_gz + 512) / 1024 )) KB); all JS+CSS+HTML: $((total_gz + later_gz)) bytes gzipped"
