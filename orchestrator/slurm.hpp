// The Slurm job sweep runs in, read from the environment Slurm gives every
// process of a job (and `squeue` for the end time): recorded in the store's
// provenance, and the end time becomes the scheduler's deadline.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace sweep {

struct SlurmJob {
  std::string job_id;
  int restart_count = 0;    // > 0 after a requeue
  std::string nodelist;
  std::string tasks_per_node;
  int step_tasks = 0;       // tasks of the srun step this process is in (0: none)
  double end_time = 0.0;    // unix seconds when the time limit ends (0: unknown or unlimited)
};

// From an environment (a map, so tests can drive it) and a squeue end-time
// text such as "2026-11-22T08:40:00" (local time) or "N/A"; none outside Slurm.
std::optional<SlurmJob> slurm_job(const std::map<std::string, std::string>& env, const std::string& squeue_end);

// The job this process runs in (reads the environment, asks squeue once).
std::optional<SlurmJob> current_slurm_job();

// "job_id=...\nrestart_count=...\n..." for the store.
std::string describe(const SlurmJob& job);

}  // namespace sweep
