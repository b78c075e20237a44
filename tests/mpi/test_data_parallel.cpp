// Data-parallel training and sharded eval against one rank alone, over real MPI
// ranks (ctest runs this under mpirun -np 4; kernels/device/collectives.hpp, MPI
// backend). Every rank runs every test; rank 0 checks and reports, and mpirun
// fails when it does.
#include <gtest/gtest.h>
#include <mpi.h>
#include <torch/torch.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "kernels/model/checkpoint_io.hpp"
#include "kernels/device/collectives.hpp"
#include "kernels/eval/evaluate.hpp"
#include "kernels/train/trainer.hpp"
#include "wire/mpi_transport.hpp"

namespace sweep {
namespace {

int world_rank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

int world_size() {
  int n = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &n);
  return n;
}

// A scratch folder shared by every rank (rank 0 makes it, all get its name).
std::string shared_dir() {
  static std::string dir;
  if (!dir.empty()) return dir;
  if (world_rank() == 0) {
    char tmpl[] = "/tmp/sweep_dp_XXXXXX";
    dir = mkdtemp(tmpl);
  }
  int n = static_cast<int>(dir.size());
  MPI_Bcast(&n, 1, MPI_INT, 0, MPI_COMM_WORLD);
  dir.resize(static_cast<std::size_t>(n));
  MPI_Bcast(dir.data(), n, MPI_CHAR, 0, MPI_COMM_WORLD);
  return dir;
}

// World ranks [0, k) as one communicator; the others get MPI_COMM_NULL.
Communicator first_ranks(int k) {
  MPI_Comm comm = MPI_COMM_NULL;
  MPI_Comm_split(MPI_COMM_WORLD, world_rank() < k ? 0 : MPI_UNDEFINED, world_rank(), &comm);
  return Communicator(comm);
}

ModelSpec small_model() {
  ModelSpec m;
  m.name = "dp";
  m.n_layer = 2;
  m.d_model = 32;
  m.n_head = 4;
  return m;
}

TrainSpec small_train() {
  TrainSpec t;
  t.seq_len = 32;
  t.batch_size = 4;  // 3 ranks take 1, 1 and 2 rows
  t.warmup_steps = 5;
  t.eval_loss_tokens = 32 * 9;
  t.checkpoint_every = 0;
  return t;
}

std::vector<Task> train_tasks() {
  TaskSpec add;
  add.name = "add2";
  TaskSpec largest;
  largest.name = "largest";
  largest.kind = TaskKind::Largest;
  return {Task(add, 5), Task(largest, 5)};
}

// 20 optimiser steps, the last one on a part-filled batch.
constexpr std::int64_t kSteps = 20;
const std::int64_t kTokens = kSteps * 4 * 32 - 40;

std::string checkpoint_of(int ranks) { return shared_dir() + "/ranks" + std::to_string(ranks) + ".pt"; }

// Trains on world ranks [0, k) (rank 0 alone, without collectives, for k = 1).
TrainResult train_on(int k) {
  TrainResult r;
  Communicator comm = first_ranks(k);
  if (comm.get() != MPI_COMM_NULL) {
    auto group = k > 1 ? mpi_collectives(comm.get()) : nullptr;
    r = train_model(small_model(), small_train(), train_tasks(), kTokens, 11, checkpoint_of(k), {}, 10, {},
                    {torch::kCPU, group.get()});
  }
  MPI_Barrier(MPI_COMM_WORLD);
  return r;
}

torch::Tensor flat_weights(const std::string& path) {
  GPT m = load_model(small_model(), small_train(), path);
  std::vector<torch::Tensor> parts;
  for (const auto& p : m->parameters()) parts.push_back(p.detach().reshape({-1}));
  return torch::cat(parts);
}

class DataParallel : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { one_ = train_on(1); }
  static TrainResult one_;
};
TrainResult DataParallel::one_;

TEST_F(DataParallel, TwoAndThreeRanksMatchOneRankWithin1e5After20Steps) {
  ASSERT_GE(world_size(), 3);
  const TrainResult two = train_on(2);
  const TrainResult three = train_on(3);
  if (world_rank() != 0) return;
  EXPECT_EQ(one_.steps, kSteps);
  const auto w1 = flat_weights(checkpoint_of(1));
  for (int k : {2, 3}) {
    const double diff = (flat_weights(checkpoint_of(k)) - w1).abs().max().item<double>();
    std::printf("ranks_per_job=%d: max |param - 1-rank param| after %lld steps = %.3g (%lld parameters)\n", k,
                static_cast<long long>(kSteps), diff, static_cast<long long>(w1.numel()));
    EXPECT_LT(diff, 1e-5) << k << " ranks";
  }
  EXPECT_NEAR(two.train_loss.mean, one_.train_loss.mean, 1e-5);
  EXPECT_NEAR(three.train_loss.mean, one_.train_loss.mean, 1e-5);
  EXPECT_NEAR(three.eval_loss.mean, one_.eval_loss.mean, 1e-5);
}

TEST_F(DataParallel, EveryRankOfTheGroupReturnsTheSameResult) {
  const TrainResult three = train_on(3);
  double mine[2] = {three.train_loss.mean, three.eval_loss.mean};
  double all[8] = {};
  MPI_Gather(mine, 2, MPI_DOUBLE, all, 2, MPI_DOUBLE, 0, MPI_COMM_WORLD);
  if (world_rank() != 0) return;
  for (int r = 1; r < 3; ++r) {
    EXPECT_EQ(all[2 * r], all[0]) << "train_loss on group rank " << r;
    EXPECT_EQ(all[2 * r + 1], all[1]) << "eval_loss on group rank " << r;
  }
}

// Every metric of one eval point computed by world ranks [0, k).
EvalResult evaluate_on(int k, const Task& task, PromptStyle style) {
  EvalResult e;
  Communicator comm = first_ranks(k);
  if (comm.get() != MPI_COMM_NULL) {
    auto group = k > 1 ? mpi_collectives(comm.get()) : nullptr;
    const LanguageModel lm = as_language_model(load_model(small_model(), small_train(), checkpoint_of(1)));
    EvalSpec spec;
    spec.examples = 45;   // 6 batches of 8 over 4 ranks: 2, 2, 1, 1 batches, the last one short
    spec.batch_size = 8;
    e = evaluate(lm, task, style, spec, small_train().seq_len, 11, {}, group.get());
  }
  MPI_Barrier(MPI_COMM_WORLD);
  return e;
}

void expect_identical(const EvalResult& sharded, const EvalResult& alone) {
  ASSERT_EQ(sharded.metrics.size(), alone.metrics.size());
  for (std::size_t i = 0; i < alone.metrics.size(); ++i) {
    const auto& a = alone.metrics[i];
    const auto& s = sharded.metrics[i];
    EXPECT_EQ(s.metric, a.metric);
    EXPECT_EQ(s.value, a.value) << a.metric;
    EXPECT_EQ(s.std_err, a.std_err) << a.metric;
    EXPECT_EQ(s.n_examples, a.n_examples) << a.metric;
    EXPECT_EQ(s.random_baseline, a.random_baseline) << a.metric;
    std::printf("  %-16s 1 rank %.10g, 4 ranks %.10g\n", a.metric.c_str(), a.value, s.value);
  }
  EXPECT_EQ(sharded.example_output, alone.example_output);
}

TEST_F(DataParallel, FourRankShardedEvalEqualsOneRankExactly) {
  ASSERT_EQ(world_size(), 4);
  const auto tasks = train_tasks();
  for (const auto& [task, style] : {std::pair{&tasks[0], PromptStyle::FewShot}, std::pair{&tasks[1], PromptStyle::ZeroShot}}) {
    const EvalResult alone = evaluate_on(1, *task, style);
    const EvalResult sharded = evaluate_on(4, *task, style);
    if (world_rank() != 0) continue;
    std::printf("%s %s:\n", task->spec().name.c_str(), to_string(style));
    expect_identical(sharded, alone);
  }
}

TEST_F(DataParallel, FourRankHeldOutLossEqualsOneRankExactly) {
  LossStat alone, sharded;
  const LanguageModel lm = as_language_model(load_model(small_model(), small_train(), checkpoint_of(1)));
  if (world_rank() == 0) alone = heldout_loss(lm, train_tasks(), small_train(), 11);
  {
    Communicator comm = first_ranks(4);
    auto group = mpi_collectives(comm.get());
    sharded = heldout_loss(lm, train_tasks(), small_train(), 11, group.get());
  }
  if (world_rank() != 0) return;
  EXPECT_EQ(sharded.mean, alone.mean);
  EXPECT_EQ(sharded.std_err, alone.std_err);
  EXPECT_EQ(sharded.tokens, alone.tokens);
}

TEST(Collectives, AllReduceSumsAndAveragesOverTheGroup) {
  Communicator comm = first_ranks(world_size());
  auto group = mpi_collectives(comm.get());
  const int n = group->size(), r = group->rank();
  auto t = torch::full({5}, static_cast<float>(r + 1));
  group->all_reduce(t, ReduceOp::Sum);
  EXPECT_TRUE(torch::equal(t, torch::full({5}, static_cast<float>(n * (n + 1) / 2))));
  auto d = torch::full({3}, static_cast<double>(r), torch::kFloat64);
  group->all_reduce(d, ReduceOp::Avg);
  EXPECT_DOUBLE_EQ(d[2].item<double>(), (n - 1) / 2.0);
  EXPECT_EQ(group->max(r == 2 ? 7 : 0), 7);
}

TEST(Collectives, BroadcastCopiesTheRootsValues) {
  Communicator comm = first_ranks(world_size());
  auto group = mpi_collectives(comm.get());
  auto t = group->rank() == 1 ? torch::arange(4, torch::kFloat32) : torch::zeros({4});
  group->broadcast(t, 1);
  EXPECT_TRUE(torch::equal(t, torch::arange(4, torch::kFloat32)));
  group->barrier();
}

TEST(Collectives, AFailureOnRankZeroReachesEveryRank) {
  Communicator comm = first_ranks(world_size());
  auto group = mpi_collectives(comm.get());
  bool threw = false;
  try {
    on_leader(group.get(), [] { throw std::runtime_error("disk full"); });
  } catch (const std::runtime_error& e) {
    threw = true;
    if (group->leader()) {
      EXPECT_STREQ(e.what(), "disk full");
    }
  }
  EXPECT_TRUE(threw);
  EXPECT_NO_THROW(on_every_rank(group.get(), [] {}));
}

TEST(Shard, RowsSplitEvenlyAndCoverTheBatchOnce) {
  for (int size : {1, 2, 3, 4})
    for (std::int64_t rows : {0, 1, 4, 7}) {
      std::int64_t next = 0;
      for (int r = 0; r < size; ++r) {
        const Shard s = shard(rows, r, size);
        EXPECT_EQ(s.first, next);
        EXPECT_LE(s.count, rows / size + 1);
        EXPECT_GE(s.count, rows / size);
        next += s.count;
      }
      EXPECT_EQ(next, rows);
    }
}

}  // namespace
}  // namespace sweep

int main(int argc, char** argv) {
  sweep::MpiSession mpi(argc, argv);
  torch::set_num_threads(1);  // the same kernels on every rank, whatever the rank count
  ::testing::InitGoogleTest(&argc, argv);
  sweep::shared_dir();  // collective: before any test makes it from a subset of ranks
  if (sweep::world_rank() != 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  const int rc = RUN_ALL_TESTS();
  if (sweep::world_rank() == 0) std::filesystem::remove_all(sweep::shared_dir());
  return rc;
}
