// Compute resources of a worker rank: each rank owns an even share of its node's
// cores, and both thread pools it uses (torch intra-op, OpenBLAS) are sized to it.
#pragma once

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

}  // namespace sweep
