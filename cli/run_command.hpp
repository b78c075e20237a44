// `mpirun -np N sweep GRID.toml [options]`: a sweep. Rank 0 schedules and
// writes the store (orchestrator/master.hpp); ranks 1.. run jobs through the
// worker module libsweep_worker.so (workers/entry.hpp), which is loaded here
// and only here, so the other subcommands start without LibTorch.
#pragma once

namespace sweep {

// argv as main() receives them. Returns the process exit status (see --help):
// 0 all jobs ok, 1 runtime error, 2 bad command line or grid file, 3 completed
// with failures, 4 stopped, resumable.
int run_command(int argc, char** argv, const char* version);

// Before MPI_Init, whether this process is the launch's first (rank 0), from
// what the launcher put in the environment (mpirun, a PMI/PMIx server,
// srun); true outside any launcher. Messages printed before MPI_Init come
// from this process only, not once per rank.
bool first_process_by_environment();

}  // namespace sweep
