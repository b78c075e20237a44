// Worker threads and allocator settings; see resources.hpp.
#include "workers/resources.hpp"

#include <dlfcn.h>
#include <malloc.h>
#include <torch/torch.h>

#include <algorithm>

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

}  // namespace sweep
