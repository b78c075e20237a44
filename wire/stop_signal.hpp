// Graceful stop on a signal. Handlers only record the request; the master and
// the workers poll it, so a job can save a restart point and the store is
// flushed before the process exits with kExitStopped.
//
// Under mpirun, send SIGUSR2 to mpirun (it forwards USR1/USR2 to every rank;
// on SIGTERM or SIGINT it kills its ranks at once). Slurm: `--signal=B:USR2@120`
// with `exec mpirun ...` in the batch script. Processes started by srun can get
// SIGTERM directly.
#pragma once

#include <string>

namespace sweep {

// Exit status of a sweep stopped on request: every finished result is in the
// store and `--resume` continues it.
constexpr int kExitStopped = 4;

// Installs the handlers for SIGTERM, SIGINT and `extra_signal`.
void install_stop_handlers(int extra_signal);

// The signal that asked for a stop, 0 if none yet.
int stop_signal_received();
inline bool stop_requested_by_signal() { return stop_signal_received() != 0; }

// "USR2", "SIGUSR2" or "12" -> 12; throws std::invalid_argument otherwise.
int parse_signal(const std::string& name);

}  // namespace sweep
