#!/usr/bin/env bash
# Runs a sweep as `mpirun -np N build/sweep ARGS...` does (with
# scripts/mpirun_flags.sh), plus two things that Open MPI's mpirun does not
# let the program do itself:
# - `build/sweep ARGS... --check` first, without MPI: a bad grid, override or
#   --out is its one error line and exit status 2. Under mpirun the same line is
#   followed by mpirun's box about a rank's non-zero exit, which Open MPI prints
#   for any non-zero exit (only mpirun -q hides it, and -q also hides a rank
#   killed by a signal);
# - Ctrl-C (SIGINT) and SIGTERM become the graceful stop: SIGUSR2 to mpirun,
#   which forwards it to every rank, and the sweep exits 4, stopped and
#   resumable. mpirun itself answers SIGINT by sending its ranks SIGTERM (they
#   stop just as cleanly) but then exits 1 whatever they return.
# usage: scripts/mpirun_sweep.sh -np N GRID.toml [sweep options] [KEY=VALUE ...]
# Environment: SWEEP_BINARY (default build/sweep), MPIRUN (default mpirun).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
sweep="${SWEEP_BINARY:-$here/../build/sweep}"
if [ "${1:-}" != "-np" ] || [ -z "${2:-}" ]; then
  echo "usage: scripts/mpirun_sweep.sh -np N GRID.toml [sweep options] [KEY=VALUE ...]" >&2
  exit 2
fi
np=$2
shift 2
for a in "$@"; do
  case "$a" in -h|--help|--version) exec "$sweep" "$@" ;; esac
done
"$sweep" "$@" --check || exit $?

# mpirun in a process group of its own, so that the terminal's Ctrl-C reaches
# this script alone; stdin is not forwarded (a background group may not read the terminal).
set -m
# shellcheck disable=SC2046
"${MPIRUN:-mpirun}" $("$here/mpirun_flags.sh") -np "$np" "$sweep" "$@" </dev/null &
pid=$!
set +m
trap 'kill -USR2 "$pid" 2>/dev/null' INT TERM
status=0
while :; do
  wait "$pid"
  status=$?
  kill -0 "$pid" 2>/dev/null || break  # wait returned for a trapped signal: mpirun still runs
done
if [ "$status" -gt 128 ]; then  # mpirun ended while a trap ran: its own status
  wait "$pid" 2>/dev/null
  s=$?
  [ "$s" -ne 127 ] && status=$s
fi
exit "$status"
