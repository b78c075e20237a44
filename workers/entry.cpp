// libsweep_worker.so's entry point; see entry.hpp.
#include "workers/entry.hpp"

#include <cstdio>
#include <exception>
#include <thread>

#include "workers/resources.hpp"
#include "workers/worker.hpp"

namespace {

void prepare(char** argv) { sweep::reexec_with_fitting_openblas_core(argv); }

int run(const sweep::MpiTransport* transport, const sweep::SweepSpec* spec, int threads, char* error,
        std::size_t error_size) {
  try {
    if (threads <= 0)
      threads = sweep::threads_per_rank(static_cast<int>(std::thread::hardware_concurrency()),
                                        transport->local_ranks());
    sweep::run_worker(*transport, *spec, threads);
    return 0;
  } catch (const std::exception& e) {
    if (error_size > 0) std::snprintf(error, error_size, "%s", e.what());
    return 1;
  }
}

constexpr SweepWorkerEntry kEntry{SWEEP_WORKER_ENTRY_ABI, SWEEP_VERSION, SWEEP_TORCH_VERSION, SWEEP_NCCL_VERSION,
                                  prepare, run};

}  // namespace

extern "C" __attribute__((visibility("default"))) const SweepWorkerEntry* sweep_worker_entry() { return &kEntry; }
