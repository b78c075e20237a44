#!/usr/bin/env bash
# Prints the mpirun flags sweep's scripts use on one machine:
# --oversubscribe: rank 0 only schedules (it sleeps between messages), so we
#   run one worker per core plus the master, one more rank than cores;
# --bind-to none: a worker's threads must not be pinned to one shared core;
# --allow-run-as-root: Open MPI refuses root without it (containers, CI).
flags="--oversubscribe --bind-to none"
[ "$(id -u)" -eq 0 ] && flags="$flags --allow-run-as-root"
echo "$flags"
