#!/usr/bin/env bash
# Sets up (Debian packages, Release build) and runs every test through ctest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
cd build
ctest --output-on-failure -j"$(nproc)" "$@"
