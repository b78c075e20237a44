// libsweep_worker.so's entry point; see entry.hpp.
#include "workers/entry.hpp"

#include <cstdio>
#include <exception>
#include <string>
#include <thread>

#include "workers/resources.hpp"
#include "workers/score.hpp"
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

int score(const SweepScoreRequest* request, char* error, std::size_t error_size) {
  auto fail = [&](int code, const char* what) {
    if (error_size > 0) std::snprintf(error, error_size, "%s", what);
    return code;
  };
  try {
    sweep::ScoreOptions options;
    options.model_dir = request->model_dir;
    options.text_path = request->text_path;
    options.dtype = std::string(request->dtype) == "bfloat16" ? sweep::HfDType::BFloat16 : sweep::HfDType::Float32;
    options.device = torch::Device(request->device);
    options.batch = request->batch;
    if (options.device.is_cuda() && !torch::cuda::is_available())
      return fail(2, ("--device " + std::string(request->device) +
                      ": this LibTorch has no CUDA or no GPU is visible").c_str());
    sweep::keep_freed_memory_in_heap();  // each batch's logits reuse the last one's pages
    sweep::score_text(options, stdout);
    return 0;
  } catch (const sweep::ScoreInputError& e) {
    return fail(2, e.what());
  } catch (const std::exception& e) {
    return fail(1, e.what());
  }
}

constexpr SweepWorkerEntry kEntry{SWEEP_WORKER_ENTRY_ABI, SWEEP_VERSION, SWEEP_TORCH_VERSION, SWEEP_NCCL_VERSION,
                                  prepare, run, score};

}  // namespace

extern "C" __attribute__((visibility("default"))) const SweepWorkerEntry* sweep_worker_entry() { return &kEntry; }
