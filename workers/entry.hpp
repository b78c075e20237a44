// The worker side's one entry point. The worker code (workers/, kernels/,
// LibTorch) is built as the module libsweep_worker.so, which build/sweep
// loads (dlopen) in run mode only, so `sweep --help`, `plan`, `validate`,
// `export` and `analyze` start without loading LibTorch. This header is all
// that build/sweep sees of that side: plain declarations, no torch.
//
// The module and the program share common/, spec/ and wire/ as shared
// libraries, so process-wide state (the stop-signal flag set by the handlers
// the program installs, MPI) exists once.
#pragma once

#include <cstddef>

namespace sweep {
class MpiTransport;
struct SweepSpec;
}  // namespace sweep

// Bumped whenever SweepWorkerEntry or the meaning of its functions changes.
// 2: score (sweep score).
#define SWEEP_WORKER_ENTRY_ABI 2

extern "C" {

// What `sweep score` asks of the module (cli/score_command.cpp checks the
// command line; the module checks the folder and the text).
struct SweepScoreRequest {
  const char* model_dir;  // a Hugging Face model folder
  const char* text_path;  // "-": standard input
  const char* dtype;      // "float32" or "bfloat16"
  const char* device;     // "cpu", "cuda" or "cuda:N"
  int batch;              // windows scored per forward pass (>= 1)
};

struct SweepWorkerEntry {
  int abi;              // SWEEP_WORKER_ENTRY_ABI of the module
  const char* version;        // SWEEP_VERSION the module was built as (must equal the program's)
  const char* torch_version;  // the LibTorch it links, for the store's provenance
  const char* nccl_version;   // "2.28.9 (linked)", "not linked: ... (headers 2.28.9 found)", or "" (no NCCL)
  // Call first in run mode, before MPI_Init, on every rank: re-executes the
  // program with OpenBLAS kernels that fit the CPU when OpenBLAS would fall
  // back to slow ones (workers/resources.hpp); otherwise returns.
  void (*prepare)(char** argv);
  // Serves jobs until the master says Stop (threads <= 0: the node's cores
  // shared among its ranks). Returns 0, or 1 after writing one line saying
  // what failed into error[0..error_size) (NUL-terminated).
  int (*run)(const sweep::MpiTransport* transport, const sweep::SweepSpec* spec, int threads, char* error,
             std::size_t error_size);
  // sweep score: writes one JSON line per line of the text to standard output
  // (workers/score.hpp). Returns 0; 2 when the input is at fault (the folder,
  // the text, the memory check), 1 when scoring fails; with one line saying
  // what into error[0..error_size) (NUL-terminated).
  int (*score)(const SweepScoreRequest* request, char* error, std::size_t error_size);
};

// The module's only exported function (looked up by kSweepWorkerEntrySymbol).
const SweepWorkerEntry* sweep_worker_entry();

}  // extern "C"

namespace sweep {

// The module's file name, looked for in the folder of the running program.
constexpr const char* kWorkerModuleFile = "libsweep_worker.so";
constexpr const char* kSweepWorkerEntrySymbol = "sweep_worker_entry";
using WorkerEntryFn = const SweepWorkerEntry* (*)();

}  // namespace sweep
