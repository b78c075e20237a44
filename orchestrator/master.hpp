// Rank 0: expands the grid, hands jobs to idle workers, writes the store.
#pragma once

#include <string>

#include "orchestrator/spec.hpp"
#include "orchestrator/transport.hpp"

namespace sweep {

struct MasterOptions {
  std::string out;  // store path
  bool quiet = false;
  std::string version;
};

// Where a train run's weights go: beside the store, "<out stem>.ckpt/<model>-<tokens>.pt".
std::string checkpoint_path(const std::string& out, const std::string& model, std::int64_t data_tokens);

// Runs the sweep to the end. Returns the process exit code: 0 when every job
// succeeded, 3 when some failed (they are recorded in /errors).
int run_master(const Transport& transport, const SweepSpec& spec, const MasterOptions& options);

}  // namespace sweep
