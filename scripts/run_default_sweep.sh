#!/usr/bin/env bash
# Sets up (Debian packages, a Release build of the program alone) and runs the
# default study sweeps/grid.toml on this machine: one worker rank per core plus
# rank 0, writing results/grid.h5; then a one-screen summary (loss by size,
# the abilities' verdicts) and the report. One line per step, with its time;
# the install and build logs are in build/. Tests: scripts/run_tests.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
start=$SECONDS
export SWEEP_QUIET=1 SWEEP_BUILD_TARGETS=sweep
source scripts/setup.sh

out=results/grid.h5
scripts/keep_previous_store.sh "$out"
ranks=$(( $(nproc) + 1 ))
t=$SECONDS
echo "sweep: scripts/mpirun_sweep.sh -np $ranks sweeps/grid.toml --out $out (Ctrl-C stops it, resumable)"
scripts/mpirun_sweep.sh -np "$ranks" sweeps/grid.toml --out "$out"
echo "sweep: done ($(elapsed $t))"
build/sweep analyze "$out" --bootstrap 100 > results/grid.report.txt
/usr/bin/python3 scripts/summarize.py --brief "$out" results/grid.analysis.h5
echo "report: results/grid.report.txt; findings: results/grid.analysis.h5; total $(elapsed $start)"
