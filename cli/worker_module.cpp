// Loading the worker module; see worker_module.hpp.
#include "cli/worker_module.hpp"

#include <dlfcn.h>

#include <filesystem>

namespace sweep {

const SweepWorkerEntry* load_worker_module(const char* version, std::string& error) {
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  const std::string path = (ec ? std::filesystem::path(".") : exe.parent_path()) / kWorkerModuleFile;
  void* handle = dlopen(path.c_str(), RTLD_LAZY | RTLD_GLOBAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    error = "cannot load the worker module: " + std::string(why ? why : path);
    return nullptr;
  }
  const auto entry_fn = reinterpret_cast<WorkerEntryFn>(dlsym(handle, kSweepWorkerEntrySymbol));
  const SweepWorkerEntry* entry = entry_fn ? entry_fn() : nullptr;
  if (entry == nullptr) {
    error = path + ": not sweep's worker module (no " + kSweepWorkerEntrySymbol + ")";
    return nullptr;
  }
  if (entry->abi != SWEEP_WORKER_ENTRY_ABI || std::string(entry->version) != version) {
    error = path + ": worker module of another build (" +
            (entry->abi == SWEEP_WORKER_ENTRY_ABI ? std::string(entry->version) : "entry ABI " + std::to_string(entry->abi)) +
            "; this sweep is " + version + "); rebuild both (cmake --build BUILD --target sweep)";
    return nullptr;
  }
  return entry;
}

}  // namespace sweep
