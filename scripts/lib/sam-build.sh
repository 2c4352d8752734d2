#!/usr/bin/env bash
# Runs the real `sam build` as docs/deploy.md documents it (samconfig.toml's
# build section, rust-cargolambda, every function a binary of
# functions/lambdas), for x86_64 and offline, then checks what it produced
# (scripts/lib/check-lambda-zips.sh: sizes, the zip limit, what each binary
# links). CI runs this from scripts/test.sh.
#
# Installs what it uses first, all from PyPI into venvs outside the repo:
# the SAM CLI (scripts/lib/python-tools.sh) and cargo-lambda with zig
# (scripts/lib/lambda-tools.sh). Docker is not used.
#
# Usage: scripts/lib/sam-build.sh
# Environment:
#   TABLETAP_CACHE     cache root (default: $HOME/.cache/tabletap)
#   CARGO_TARGET_DIR   cargo's target dir, reused between runs so only what
#                      changed is rebuilt (default: $TABLETAP_CACHE/target,
#                      the one scripts/test.sh builds the workspace in; the
#                      Lambda build lives in its own subfolders of it)
#   TABLETAP_SAM_BUILD_DIR  where sam writes (default: .aws-sam/build)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export TABLETAP_CACHE="${TABLETAP_CACHE:-$HOME/.cache/tabletap}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$TABLETAP_CACHE/target}"
BUILD_DIR="${TABLETAP_SAM_BUILD_DIR:-$ROOT/.aws-sam/build}"

say() { echo "sam-build: $*" >&2; }

PY_BIN="$("$ROOT/scripts/lib/python-tools.sh" | tail -n 1)"
LAMBDA_BIN="$("$ROOT/scripts/lib/lambda-tools.sh" | tail -n 1)"
export PATH="$LAMBDA_BIN:$PY_BIN:$PATH"
command -v cargo >/dev/null || { say "cargo is missing: install Rust with rustup first"; exit 1; }

# Offline and account-free: `sam build` needs no AWS account; give it dummy
# credentials, a fixed region, no telemetry and no home-folder AWS config.
# Cargo must not reach the network either: the crates are those of
# Cargo.lock, fetched by the workspace build before this step.
export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
unset AWS_SESSION_TOKEN AWS_PROFILE
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
export SAM_CLI_TELEMETRY=0 SAM_CLI_DISABLE_UPDATE_CHECK=1
export CARGO_NET_OFFLINE=true
# Fetching crates needs the network; make sure they are all here first
# (a no-op when the workspace build already fetched them).
if ! (cd "$ROOT" && CARGO_NET_OFFLINE=false cargo fetch --locked >/dev/null); then
    say "cargo fetch failed: the crates of Cargo.lock could not be fetched"
    exit 1
fi

say "sam $(sam --version | awk '{print $NF}'), cargo-lambda $(cargo lambda --version | awk '{print $2}'), zig $(zig version); target dir $CARGO_TARGET_DIR"
started=$SECONDS
# x86_64: the build machines have no aarch64 Rust std (docs/deploy.md,
# "Architectures"). samconfig.toml supplies the template and the rest.
(cd "$ROOT" && sam build --parameter-overrides Architecture=x86_64 --build-dir "$BUILD_DIR") >&2
say "sam build took $((SECONDS - started)) s"

PY_BIN="$PY_BIN" "$ROOT/scripts/lib/check-lambda-zips.sh" "$BUILD_DIR"
