// MPI backend and host-side agreement; see collectives.hpp.
#include "kernels/device/collectives.hpp"

#include <exception>
#include <limits>
#include <stdexcept>
#include <string>

#include "wire/mpi.hpp"

namespace sweep {
namespace {

MPI_Datatype mpi_type(const torch::Tensor& t) {
  if (t.scalar_type() == torch::kFloat32) return MPI_FLOAT;
  if (t.scalar_type() == torch::kFloat64) return MPI_DOUBLE;
  if (t.scalar_type() == torch::kInt64) return MPI_INT64_T;
  throw std::invalid_argument(std::string("MPI collectives: unsupported dtype ") + c10::toString(t.scalar_type()) +
                              " (MPI has no bf16/fp16: reduce in fp32)");
}

void need_cpu_contiguous(const torch::Tensor& t, const char* what) {
  if (!t.device().is_cpu() || !t.is_contiguous())
    throw std::invalid_argument(std::string(what) + ": the MPI backend needs a contiguous CPU tensor");
}

int count_of(const torch::Tensor& t) {
  if (t.numel() > std::numeric_limits<int>::max())
    throw std::invalid_argument("MPI collectives: tensor of " + std::to_string(t.numel()) + " elements exceeds int");
  return static_cast<int>(t.numel());
}

class MpiCollectives final : public Collectives {
 public:
  using Collectives::Collectives;

  void all_reduce(const torch::Tensor& t, ReduceOp op) override {
    need_cpu_contiguous(t, "all_reduce");
    if (size_ == 1) return;
    mpi_check(MPI_Allreduce(MPI_IN_PLACE, t.data_ptr(), count_of(t), mpi_type(t), MPI_SUM, comm_),
              "MPI_Allreduce(tensor)");
    if (op == ReduceOp::Avg) t.div_(size_);
  }

  void broadcast(const torch::Tensor& t, int root) override {
    need_cpu_contiguous(t, "broadcast");
    if (size_ == 1) return;
    mpi_check(MPI_Bcast(t.data_ptr(), count_of(t), mpi_type(t), root, comm_), "MPI_Bcast(tensor)");
  }

  void barrier() override { mpi_check(MPI_Barrier(comm_), "MPI_Barrier"); }
};

}  // namespace

Collectives::Collectives(MPI_Comm comm) : comm_(comm) {
  mpi_check(MPI_Comm_rank(comm_, &rank_), "MPI_Comm_rank(group)");
  mpi_check(MPI_Comm_size(comm_, &size_), "MPI_Comm_size(group)");
}

int Collectives::max(int value) const {
  if (size_ == 1) return value;
  int out = value;
  mpi_check(MPI_Allreduce(&value, &out, 1, MPI_INT, MPI_MAX, comm_), "MPI_Allreduce(max)");
  return out;
}

void Collectives::sum(std::vector<double>& values) const {
  if (size_ == 1 || values.empty()) return;
  mpi_check(MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), MPI_DOUBLE, MPI_SUM, comm_),
            "MPI_Allreduce(sum)");
}

namespace {

void agree(const Collectives* group, bool mine_failed, const std::exception_ptr& error, const char* who) {
  const bool any = group->max(mine_failed ? 1 : 0) > 0;
  if (mine_failed) std::rethrow_exception(error);
  if (any) throw std::runtime_error(std::string(who) + " of this job's group failed (its error is reported by it)");
}

}  // namespace

void on_leader(const Collectives* group, const std::function<void()>& fn) {
  if (group == nullptr || group->size() == 1) return fn();
  std::exception_ptr error;
  if (group->leader()) try {
      fn();
    } catch (...) {
      error = std::current_exception();
    }
  agree(group, error != nullptr, error, "rank 0");
}

void on_every_rank(const Collectives* group, const std::function<void()>& fn) {
  if (group == nullptr || group->size() == 1) return fn();
  std::exception_ptr error;
  try {
    fn();
  } catch (...) {
    error = std::current_exception();
  }
  agree(group, error != nullptr, error, "another rank");
}

Shard shard(std::int64_t rows, int rank, int size) {
  const std::int64_t lo = rows * rank / size, hi = rows * (rank + 1) / size;
  return {lo, hi - lo};
}

std::unique_ptr<Collectives> mpi_collectives(MPI_Comm comm) { return std::make_unique<MpiCollectives>(comm); }

std::unique_ptr<Collectives> collectives_for(MPI_Comm comm, const torch::Device& device) {
  if (device.is_cuda()) return nccl_collectives(comm, device.index() < 0 ? 0 : device.index());
  return mpi_collectives(comm);
}

#ifndef SWEEP_WITH_NCCL
bool nccl_available() { return false; }

std::unique_ptr<Collectives> nccl_collectives(MPI_Comm, int) {
  throw std::runtime_error(
      "NCCL collectives are not in this build (it needs NCCL and a CUDA LibTorch at configure time; see "
      "scripts/gpu_build.sh)");
}
#endif

}  // namespace sweep
