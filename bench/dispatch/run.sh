#!/usr/bin/env bash
# No-op dispatch throughput, sweep's master protocol vs mpi4py's MPIPoolExecutor,
# alternating in one run at 2 and 4 ranks (3 repetitions each; median reported).
# Usage: bench/dispatch/run.sh [JOBS]   (after a build in build/)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
jobs=${1:-20000}
flags=$(scripts/mpirun_flags.sh)
for np in 2 4; do
  s=(); p=()
  for rep in 1 2 3; do
    s+=("$(mpirun $flags -np $np build/bench/bench_dispatch "$jobs" | sed -E 's/.*: ([0-9]+) jobs\/s/\1/')")
    p+=("$(mpirun $flags -np $np /usr/bin/python3 -m mpi4py.futures bench/dispatch/mpi4py_noop.py "$jobs" \
           | sed -E 's/.*: ([0-9]+) tasks\/s/\1/')")
  done
  sm=$(printf '%s\n' "${s[@]}" | sort -n | sed -n 2p); pm=$(printf '%s\n' "${p[@]}" | sort -n | sed -n 2p)
  echo "np=$np: sweep ${s[*]} jobs/s (median $sm); mpi4py ${p[*]} tasks/s (median $pm); ratio $(awk "BEGIN{printf \"%.2f\", $sm/$pm}")"
done
