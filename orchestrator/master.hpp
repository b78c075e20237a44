// Rank 0: expands the grid, reconciles it with the store (new or resumed),
// hands jobs to idle workers, and writes every result and curve to the store.
// It talks to the workers only through a Transport (MPI in a sweep, memory in
// a test) and reads time only from its clock, so a test runs it in virtual time.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "spec/spec.hpp"
#include "wire/transport.hpp"

namespace sweep {

struct MasterOptions {
  std::string out;       // store path
  bool resume = false;   // continue an existing store (start one if none)
  bool force = false;    // replace an existing store
  bool quiet = false;          // no status or job lines
  bool verbose = false;        // a line for every finished job, not only failures
  double progress_every = 30;  // seconds between status lines when stdout is not a terminal
  std::string progress = "auto";  // "live" (one line updated in place), "lines", or "auto"
  double grace_seconds = 60.0;  // after a stop request, how long jobs in flight may take to stop
  double time_limit = 0.0;      // seconds from start; a job predicted to end later is not started (0: none)
  double throughput = 5e10;     // FLOP/s per rank assumed until jobs have finished
  std::string version;        // sweep's own
  std::string torch_version;
  std::string nccl_version;
  std::string mpi_version;
  std::vector<std::string> hostnames;  // per rank
  std::string slurm;                   // the Slurm job (slurm.hpp describe()), "" outside Slurm
  // Seconds on a monotonic clock, any origin: the loop's time limit, grace
  // period, flush and status intervals. Empty: std::chrono::steady_clock. The
  // transport's receive timeouts are meant in the same clock's time.
  std::function<double()> clock;
};

// Where a train run's weights go: beside the store, "<out stem>.ckpt/<model>-<tokens>-<run id>.pt".
std::string checkpoint_path(const std::string& out, const std::string& model, std::int64_t data_tokens,
                            std::int64_t run_id);

// Runs the sweep to the end. Returns the process exit code: 0 when every job
// succeeded (or nothing was left to do), 3 when some failed (see /errors),
// kExitStopped (4) after a graceful stop (stop_signal.hpp).
int run_master(const Transport& transport, const SweepSpec& spec, const MasterOptions& options);

}  // namespace sweep
