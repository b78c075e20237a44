// Compute resources of a worker rank: each rank owns an even share of its node's
// cores, and both thread pools it uses (torch intra-op, OpenBLAS) are sized to it.
#pragma once

#include <string>

namespace sweep {

// The node's cores shared evenly among the ranks on the node (at least 1).
int threads_per_rank(int node_cores, int local_ranks);

// Sets torch's intra-op threads and, when the BLAS in use is OpenBLAS, its pool.
void set_compute_threads(int threads);

// Keeps freed tensor buffers in the heap instead of returning them to the OS
// after every step (glibc unmaps large blocks; the page faults of re-mapping
// them cost a worker half its training speed under MPI, which disables glibc's
// adaptive mmap threshold).
void keep_freed_memory_in_heap();

// OpenBLAS 0.3.21 (Debian bookworm) picks its kernels from the CPU model and
// falls back to its Prescott (SSE3) kernels on server cores it does not know,
// several times slower (bench/RESULTS.md). When that happened (and
// OPENBLAS_CORETYPE is not set), the core type that fits the CPU's
// instruction set: "SkylakeX" with AVX-512, "Haswell" with AVX2; otherwise "".
std::string openblas_core_override();

// If openblas_core_override() names a core: exports OPENBLAS_CORETYPE and
// re-executes this program with the same arguments, so OpenBLAS, which reads
// it once at load time, starts with fitting kernels. Call first in run mode,
// before MPI_Init (workers/entry.hpp's prepare). Returns (doing nothing)
// otherwise or if exec fails.
void reexec_with_fitting_openblas_core(char** argv);

}  // namespace sweep
