#!/usr/bin/env bash
# Start-up wall time of the commands that never train: `sweep --help`,
# `sweep plan sweeps/bench_grid.toml --ranks 64`, `sweep validate STORE`; median of
# REPS runs each, and run mode up to its first check for comparison (figures:
# bench/RESULTS.md, "Start-up").
#
#   bench/startup/run.sh [BUILD_DIR] [REPS]
#
# STORE: build/tests/mpi/out/np2.h5 when the MPI tests left it, otherwise a
# 2-rank smoke sweep writes one into a temporary folder. OLD_SWEEP=PATH also
# times another sweep binary (e.g. one built before the worker module) on the
# same commands, alternating with this one.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
build=${1:-build}
reps=${2:-5}
sweep=$build/sweep
[ -x "$sweep" ] || { echo "startup: no $sweep (cmake --build $build --target sweep)" >&2; exit 1; }

store=$build/tests/mpi/out/np2.h5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ ! -f "$store" ]; then
  store=$tmp/smoke.h5
  OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
    mpirun --oversubscribe --bind-to none -np 2 "$sweep" sweeps/smoke.toml --out "$store" --quiet
fi

python3 - "$reps" "$store" "$sweep" ${OLD_SWEEP:+"$OLD_SWEEP"} <<'PY'
import statistics, subprocess, sys, time
reps, store, binaries = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
# (name, arguments, exit status). The last is run mode up to the grid check (a
# bad grid, no mpirun): the worker module, LibTorch and MPI_Init, for comparison.
commands = [("--help", ["--help"], 0), ("plan bench_grid.toml --ranks 64", ["plan", "sweeps/bench_grid.toml", "--ranks", "64"], 0),
            ("validate STORE", ["validate", store], 0),
            ("run mode, bad grid", ["tests/spec/bad_grids/unknown_table.toml"], 2)]
for name, args, status in commands:
    times = {b: [] for b in binaries}
    for _ in range(reps):
        for b in binaries:  # alternating, so a slow moment of the machine hits both
            t0 = time.perf_counter()
            p = subprocess.run([b, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            times[b].append(time.perf_counter() - t0)
            if p.returncode != status:
                sys.exit(f"startup: {b} {' '.join(args)} exited {p.returncode}: {p.stderr.decode()}")
    for b in binaries:
        t = times[b]
        print(f"startup binary={b} command={name!r} reps={reps} wall_s_median={statistics.median(t):.4f} "
              f"wall_s_min={min(t):.4f} wall_s_max={max(t):.4f}")
PY
