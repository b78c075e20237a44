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

// Why this process cannot join an MPI world, or none: it is a task of an srun
// step (SLURM_STEP_ID set) that neither mpirun (OMPI_COMM_WORLD_SIZE) nor a
// PMI/PMIx server (PMIX_RANK, PMI_RANK) launched, i.e. `srun --mpi=none` or an
// srun whose default MPI plugin Open MPI cannot use. Checked before MPI_Init,
// which would otherwise abort with exit status 1.
std::optional<std::string> srun_without_pmi(const std::map<std::string, std::string>& env);

// The process environment as a map.
std::map<std::string, std::string> process_environment();

// The job this process runs in (reads the environment, asks squeue once).
std::optional<SlurmJob> current_slurm_job();

// "job_id=...\nrestart_count=...\n..." for the store.
std::string describe(const SlurmJob& job);

}  // namespace sweep
