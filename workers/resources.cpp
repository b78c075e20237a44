// Worker threads and allocator settings; see resources.hpp.
#include "workers/resources.hpp"

#include <dlfcn.h>
#include <malloc.h>
#include <torch/torch.h>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace sweep {

int threads_per_rank(int node_cores, int local_ranks) { return std::max(1, node_cores / std::max(1, local_ranks)); }

void set_compute_threads(int threads) {
  torch::set_num_threads(threads);
  // OpenBLAS sizes its pool at load time and torch does not resize it; call its
  // setter when the BLAS behind libblas.so.3 is OpenBLAS (looked up at run time).
  using SetThreads = void (*)(int);
  if (auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) set(threads);
}

void keep_freed_memory_in_heap() {
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

std::string openblas_core_override() {
  if (std::getenv("OPENBLAS_CORETYPE") != nullptr) return "";
  using CoreName = char* (*)();
  auto name = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  if (name == nullptr || name() == nullptr) return "";
  std::string core = name();
  std::transform(core.begin(), core.end(), core.begin(), [](unsigned char c) { return std::tolower(c); });
  if (core != "prescott") return "";
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return "SkylakeX";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
  return "";
}

void reexec_with_fitting_openblas_core(char** argv) {
  const std::string core = openblas_core_override();
  if (core.empty()) return;
  setenv("OPENBLAS_CORETYPE", core.c_str(), 1);
  execv("/proc/self/exe", argv);
}

}  // namespace sweep
