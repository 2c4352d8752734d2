#!/usr/bin/env bash
# Installs the tools the QR sheet tests use to look at a sheet as a printer
# and a phone would: pdftoppm (Debian's poppler-utils) renders the PDF to
# PNG pages, zbarimg (Debian's zbar-tools) decodes every QR code on them.
# Idempotent and quiet when both are there; uses apt-get only when missing.
set -euo pipefail
. "$(dirname "$0")/apt.sh"

if command -v pdftoppm >/dev/null 2>&1 && command -v zbarimg >/dev/null 2>&1; then
    exit 0
fi

apt_install install-qr-tools poppler-utils zbar-tools
for tool in pdftoppm zbarimg; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "install-qr-tools: apt-get finished but $tool was not found" >&2
        exit 1
    }
done
