// Collectives over one job's group of ranks (a sub-communicator the worker
// builds for a group job): what data-parallel training and sharded eval need.
//
// Tensor collectives go through the backend that fits the tensors' device:
//   - MPI for CPU tensors (fp32 and fp64), always available;
//   - NCCL for CUDA tensors (kernels/device/collectives_nccl.cpp, compiled when NCCL
//     is found and linked when LibTorch has CUDA): the unique id is broadcast
//     over the group's MPI communicator, work is enqueued on torch's current
//     CUDA stream and nothing waits on the host.
// Host-side agreement (stop flags, gathered eval values) always uses MPI on the
// same communicator: a few bytes, once per step at most.
//
// Every rank of the group must make the same calls in the same order.
#pragma once

#include <mpi.h>
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace sweep {

enum class ReduceOp { Sum, Avg };

class Collectives {
 public:
  // `comm` is borrowed: it must outlive this object.
  explicit Collectives(MPI_Comm comm);
  virtual ~Collectives() = default;
  Collectives(const Collectives&) = delete;
  Collectives& operator=(const Collectives&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool leader() const { return rank_ == 0; }

  // In place, on every rank: the element-wise sum (or mean) over the group.
  virtual void all_reduce(const torch::Tensor& t, ReduceOp op) = 0;
  // In place: every rank gets root's values.
  virtual void broadcast(const torch::Tensor& t, int root) = 0;
  // Returns once every rank has called it (and, on a GPU, its queued work has run).
  virtual void barrier() = 0;

  // Host side. The largest `value` over the group (flags: 0 go on, >0 stop).
  int max(int value) const;
  // Element-wise sum over the group, in place. A vector where each entry is
  // non-zero on one rank only sums exactly: x + 0 == x.
  void sum(std::vector<double>& values) const;

 protected:
  MPI_Comm comm_;
  int rank_ = 0, size_ = 1;
};

// Runs `fn` on group rank 0 only (a file save, say) and tells every rank whether
// it threw: rank 0 rethrows, the others throw std::runtime_error, so no rank is
// left waiting in a collective the failed one will never join. No group: fn().
void on_leader(const Collectives* group, const std::function<void()>& fn);
// The same for work every rank does (loading a restart point): if any rank
// throws, every rank throws.
void on_every_rank(const Collectives* group, const std::function<void()>& fn);

// Rows [first, first + count) of `rows` that group rank `rank` of `size` takes
// (an even split; earlier ranks get one fewer when it does not divide).
struct Shard {
  std::int64_t first = 0, count = 0;
};
Shard shard(std::int64_t rows, int rank, int size);

// The MPI backend (CPU tensors).
std::unique_ptr<Collectives> mpi_collectives(MPI_Comm comm);

// Whether this build can run NCCL (NCCL found and LibTorch has CUDA).
bool nccl_available();

// The NCCL backend for CUDA tensors on `device` (a CUDA device index); every
// rank of the group must pass its own device. Throws where !nccl_available().
std::unique_ptr<Collectives> nccl_collectives(MPI_Comm comm, int device);

// The backend for tensors on `device`.
std::unique_ptr<Collectives> collectives_for(MPI_Comm comm, const torch::Device& device);

}  // namespace sweep
