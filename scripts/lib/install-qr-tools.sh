#!/usr/bin/env bash
# Installs the tools the QR sheet tests use to look at a sheet as a printer
# and a phone would: pdftoppm (Debian's poppler-utils) renders the PDF to
# PNG pages, zbarimg (Debian's zbar-tools) decodes every QR code on them.
# Idempotent and quiet when both are there; uses apt-get only when missing.
set -euo pipefail

if command -v pdftoppm >/dev/null 2>&1 && command -v zbarimg >/dev/null 2>&1; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-qr-tools: pdftoppm or zbarimg is missing and apt-get is not available; install 'poppler-utils' and 'zbar-tools' by hand" >&2
    exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

echo "install-qr-tools: installing poppler-utils and zbar-tools with apt-get" >&2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends poppler-utils zbar-tools; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "install-qr-tools: apt-get failed (output above)" >&2
    exit 1
fi
for tool in pdftoppm zbarimg; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "install-qr-tools: apt-get finished but $tool was not found" >&2
        exit 1
    }
done
