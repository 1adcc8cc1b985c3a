#!/usr/bin/env bash
# Sets everything up on a fresh Debian 12 machine (as root) and runs every test:
# unit tests (Catch2) and integration tests (the real binaries against xuna-emulator).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
scripts/build.sh
build=${BUILD_DIR:-build}
echo "build finished in $(( $(date +%s) - start )) s"
cd "$build"
ctest --output-on-failure -j2 --timeout 900 "$@"
