#!/usr/bin/env bash
# Sets up (Debian packages, Release build) and runs the default study
# sweeps/grid.toml on this machine: one worker rank per core plus rank 0,
# writing results/grid.h5, then prints a summary table.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh

out=results/grid.h5
scripts/keep_previous_store.sh "$out"

ranks=$(( $(nproc) + 1 ))
echo "run_default_sweep: mpirun -np $ranks build/sweep sweeps/grid.toml --out $out"
mpirun $(scripts/mpirun_flags.sh) -np "$ranks" build/sweep sweeps/grid.toml --out "$out"
/usr/bin/python3 scripts/summarize.py "$out"
/usr/bin/python3 tests/python/loss_falls_with_scale.py "$out"
