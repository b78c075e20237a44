// Worker ranks: ask the master for jobs, run them with the kernels, report.
#pragma once

#include "spec/spec.hpp"
#include "wire/mpi_transport.hpp"

namespace sweep {

// Serves jobs until the master says Stop. A failing job is reported, not fatal.
void run_worker(const MpiTransport& transport, const SweepSpec& spec, int threads);

}  // namespace sweep
