// NCCL backend for CUDA tensors; see collectives.hpp. Compiled whenever NCCL's
// and CUDA's headers are found (CI compiles it against /usr/local/cuda without
// a GPU); linked into sweep only when LibTorch has CUDA (SWEEP_WITH_NCCL).
//
// Bootstrap as in llm.c: group rank 0 calls ncclGetUniqueId, the id travels
// over the group's MPI communicator, every rank calls ncclCommInitRank on its
// own device. Collectives are enqueued on torch's current CUDA stream of the
// tensor's device, so they order after the backward pass that produced the
// gradients and before the optimiser step that reads them, with no host wait.
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>
#include <nccl.h>

#include <stdexcept>
#include <string>

#include "kernels/device/collectives.hpp"
#include "wire/mpi.hpp"

namespace sweep {
namespace {

int world_rank() {
  int rank = -1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

void nccl_check(ncclResult_t rc, const char* call) {
  if (rc == ncclSuccess) return;
  throw std::runtime_error(std::string(call) + " failed on rank " + std::to_string(world_rank()) + ": " +
                           ncclGetErrorString(rc));
}

void cuda_check(cudaError_t rc, const char* call) {
  if (rc == cudaSuccess) return;
  throw std::runtime_error(std::string(call) + " failed on rank " + std::to_string(world_rank()) + ": " +
                           cudaGetErrorString(rc));
}

ncclDataType_t nccl_type(const torch::Tensor& t) {
  switch (t.scalar_type()) {
    case torch::kFloat32: return ncclFloat32;
    case torch::kFloat64: return ncclFloat64;
    case torch::kBFloat16: return ncclBfloat16;
    case torch::kFloat16: return ncclFloat16;
    case torch::kInt64: return ncclInt64;
    default:
      throw std::invalid_argument(std::string("NCCL collectives: unsupported dtype ") +
                                  c10::toString(t.scalar_type()));
  }
}

// Owner of an NCCL communicator; destruction never throws.
class NcclComm {
 public:
  NcclComm(int size, const ncclUniqueId& id, int rank) {
    nccl_check(ncclCommInitRank(&comm_, size, id, rank), "ncclCommInitRank");
  }
  ~NcclComm() {
    if (comm_ != nullptr) ncclCommDestroy(comm_);
  }
  NcclComm(const NcclComm&) = delete;
  NcclComm& operator=(const NcclComm&) = delete;
  ncclComm_t get() const { return comm_; }

 private:
  ncclComm_t comm_ = nullptr;
};

ncclUniqueId shared_id(MPI_Comm comm, int rank) {
  ncclUniqueId id{};
  if (rank == 0) nccl_check(ncclGetUniqueId(&id), "ncclGetUniqueId");
  mpi_check(MPI_Bcast(&id, sizeof id, MPI_BYTE, 0, comm), "MPI_Bcast(ncclUniqueId)");
  return id;
}

class NcclCollectives final : public Collectives {
 public:
  NcclCollectives(MPI_Comm comm, int device)
      : Collectives(comm), device_(device), guard_(static_cast<c10::DeviceIndex>(device)),
        comm_nccl_(size_, shared_id(comm, rank_), rank_) {}

  void all_reduce(const torch::Tensor& t, ReduceOp op) override {
    need_here(t, "all_reduce");
    if (size_ == 1) return;
    // ncclAvg: NCCL >= 2.10.
    nccl_check(ncclAllReduce(t.data_ptr(), t.data_ptr(), static_cast<size_t>(t.numel()), nccl_type(t),
                             op == ReduceOp::Avg ? ncclAvg : ncclSum, comm_nccl_.get(), stream()),
               "ncclAllReduce");
  }

  void broadcast(const torch::Tensor& t, int root) override {
    need_here(t, "broadcast");
    if (size_ == 1) return;
    nccl_check(ncclBroadcast(t.data_ptr(), t.data_ptr(), static_cast<size_t>(t.numel()), nccl_type(t), root,
                             comm_nccl_.get(), stream()),
               "ncclBroadcast");
  }

  void barrier() override {
    cuda_check(cudaStreamSynchronize(stream()), "cudaStreamSynchronize");
    mpi_check(MPI_Barrier(comm_), "MPI_Barrier");
  }

 private:
  cudaStream_t stream() const { return c10::cuda::getCurrentCUDAStream(static_cast<c10::DeviceIndex>(device_)).stream(); }

  void need_here(const torch::Tensor& t, const char* what) const {
    if (!t.is_cuda() || t.device().index() != device_ || !t.is_contiguous())
      throw std::invalid_argument(std::string(what) + ": the NCCL backend needs a contiguous tensor on cuda:" +
                                  std::to_string(device_));
  }

  int device_;
  c10::cuda::CUDAGuard guard_;  // ncclCommInitRank binds the communicator to the current device
  NcclComm comm_nccl_;
};

}  // namespace

#ifdef SWEEP_WITH_NCCL
bool nccl_available() { return true; }

std::unique_ptr<Collectives> nccl_collectives(MPI_Comm comm, int device) {
  return std::make_unique<NcclCollectives>(comm, device);
}
#endif

}  // namespace sweep
