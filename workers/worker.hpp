// Worker ranks: ask the master for jobs, run them with the kernels, report.
#pragma once

#include "orchestrator/spec.hpp"
#include "orchestrator/transport.hpp"

namespace sweep {

// Serves jobs until the master says Stop. A failing job is reported, not fatal.
void run_worker(const Transport& transport, const SweepSpec& spec, int threads);

}  // namespace sweep
