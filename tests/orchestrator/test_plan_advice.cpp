// What `sweep plan` advises: the work per compute budget, which bound holds
// the makespan, and the rank count that saturates a grid.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "job_table.hpp"
#include "orchestrator/plan_advice.hpp"
#include "spec/config.hpp"

namespace sweep {
namespace {

using testing::Table;

// 5 sizes x 3 budgets x 2 seeds, D/N kept in [2, 2000]. D/N = C / (6 N^2):
// xs (N 8,432) is over 2000 at every budget, xl (N 1,230,848) under 2 at
// every one, l (N 478,272) under 2 at 1e12 (0.73) only.
constexpr const char* kBudgetGrid = R"(
[grid]
model   = ["xs", "s", "m", "l", "xl"]
compute = [1e12, 3e12, 1e13]
seed    = [0, 1]
min_tokens_per_param = 2
max_tokens_per_param = 2000
prompt  = ["zero_shot"]
task    = ["addition"]
[model.xs]
n_layer = 1
d_model = 16
n_head  = 2
[model.s]
n_layer = 2
d_model = 32
n_head  = 2
[model.m]
n_layer = 2
d_model = 64
n_head  = 4
[model.l]
n_layer = 4
d_model = 96
n_head  = 4
[model.xl]
n_layer = 6
d_model = 128
n_head  = 4
[train]
seq_len    = 64
batch_size = 4
)";

TEST(BudgetWork, EachBudgetCountsItsRunsFlopsAndSkippedRuns) {
  const SweepSpec spec = load_spec_text(kBudgetGrid, "budgets.toml");
  const Plan plan = expand(spec, ExpandOptions{false});
  const std::vector<BudgetWork> work = budget_work(plan, spec);
  ASSERT_EQ(work.size(), 3u);
  const int runs[] = {4, 6, 6}, skipped[] = {6, 4, 4};  // (s, m) / (s, m, l), times 2 seeds
  for (std::size_t b = 0; b < 3; ++b) {
    EXPECT_DOUBLE_EQ(work[b].compute, spec.grid.compute[b]);
    EXPECT_EQ(work[b].runs, runs[b]) << b;
    EXPECT_EQ(work[b].skipped, skipped[b]) << b;
    double flops = 0.0;
    std::int64_t smallest = INT64_MAX, largest = 0;
    for (const TrainRun& r : plan.runs)
      if (r.compute_budget == work[b].compute) {
        flops += 6.0 * static_cast<double>(r.n_params) * static_cast<double>(r.data_tokens);
        smallest = std::min(smallest, r.n_params);
        largest = std::max(largest, r.n_params);
      }
    EXPECT_DOUBLE_EQ(work[b].train_flops, flops);
    // Whole batches of D: each run is within one batch's FLOPs of C.
    EXPECT_NEAR(work[b].train_flops / runs[b], work[b].compute, 0.05 * work[b].compute);
    EXPECT_EQ(work[b].min_params, smallest);
    EXPECT_EQ(work[b].max_params, largest);
    EXPECT_GE(work[b].min_tokens_per_param, 2.0);
    EXPECT_LE(work[b].max_tokens_per_param, 2000.0);
  }
  EXPECT_LT(work[0].max_params, work[1].max_params);  // l joins at 3e12
}

TEST(BudgetWork, NoneForADataTokensGrid) {
  Table t;
  t.run(0, 10, 1, 1);
  EXPECT_TRUE(budget_work(t.plan, t.spec).empty());
}

TEST(BoundByCriticalPath, FromEightyPercentOfTheMakespan) {
  SimResult s;
  s.makespan_s = 10.0;
  s.critical_path_s = 8.0;
  EXPECT_TRUE(bound_by_critical_path(s));
  s.critical_path_s = 7.9;
  EXPECT_FALSE(bound_by_critical_path(s));
}

// A saturated makespan is within 5% of the critical path.
bool saturated(const Table& t, const CostModel& cost, int ranks) {
  const SimResult s = simulate(t.plan, t.spec, cost, ranks);
  return s.started == s.jobs && s.makespan_s <= kSaturatedWithin * s.critical_path_s;
}

TEST(SaturatingRanks, HandComputedAnswers) {
  {  // Simulate.HandComputedMakespan's table: 2 workers finish at 12 = the critical path, 1 at 23.
    Table t;
    t.run(0, 10, 1, 2);
    t.run(0, 4, 1, 1);
    t.run(0, 3, 1, 0);
    const CostModel cost(t.plan, t.spec, 1.0);
    const Saturation s = saturating_ranks(t.plan, t.spec, cost);
    EXPECT_EQ(s.ranks, 3);
    EXPECT_DOUBLE_EQ(s.makespan_s, 12.0);
  }
  {  // Ten equal runs: 9 workers take two rounds (20 s); 10 workers one (10 s).
    Table t;
    for (int r = 0; r < 10; ++r) t.run(0, 10, 1, 0);
    const CostModel cost(t.plan, t.spec, 1.0);
    EXPECT_EQ(saturating_ranks(t.plan, t.spec, cost).ranks, 11);
  }
  {  // One 100 s run and ten of 10 s: one worker for it, one for the rest.
    Table t;
    t.run(0, 100, 1, 0);
    for (int r = 0; r < 10; ++r) t.run(0, 10, 1, 0);
    const CostModel cost(t.plan, t.spec, 1.0);
    EXPECT_EQ(saturating_ranks(t.plan, t.spec, cost).ranks, 3);
  }
  {  // 10, 7, 7, 7 s: the work over 3 workers (10.3 s) fits, the packing does not (14 s); 4 workers: 10 s.
    Table t;
    t.run(0, 10, 1, 0);
    for (int r = 0; r < 3; ++r) t.run(0, 7, 1, 0);
    const CostModel cost(t.plan, t.spec, 1.0);
    EXPECT_DOUBLE_EQ(simulate(t.plan, t.spec, cost, 4).makespan_s, 14.0);
    const Saturation s = saturating_ranks(t.plan, t.spec, cost);
    EXPECT_EQ(s.ranks, 5);
    EXPECT_DOUBLE_EQ(s.makespan_s, 10.0);
  }
  {  // Two runs of 2 ranks each: both at once need 4 workers.
    Table t({2});
    t.run(0, 10, 1, 0);
    t.run(0, 10, 1, 0);
    const CostModel cost(t.plan, t.spec, 1.0);
    EXPECT_EQ(saturating_ranks(t.plan, t.spec, cost).ranks, 5);
  }
}

// One 10 s run and 1000 of 7 s: any worker running two 7 s runs ends at 14 s,
// so saturation needs a worker per run, 1001 (1002 ranks), well above the
// work bound (~670 workers); past kRankTolerance ranks the answer may round up by 1/128.
TEST(SaturatingRanks, LargeAnswersAreFoundWithinTheTolerance) {
  Table t;
  t.run(0, 10, 1, 0);
  for (int r = 0; r < 1000; ++r) t.run(0, 7, 1, 0);
  const CostModel cost(t.plan, t.spec, 1.0);
  const Saturation s = saturating_ranks(t.plan, t.spec, cost);
  EXPECT_GE(s.ranks, 1002);
  EXPECT_LE(s.ranks, 1002 + 1002 / kRankTolerance);
  EXPECT_DOUBLE_EQ(s.makespan_s, 10.0);
  EXPECT_LT(s.simulations, 20);
}

TEST(SaturatingRanks, IsSaturatedWithOneRankFewerNot) {
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    Table t({1, 1, seed % 3 == 0 ? 2 : 1});
    std::uint64_t x = seed * 0x9E3779B97F4A7C15ull;
    auto rnd = [&](int n) {
      x ^= x >> 12, x ^= x << 25, x ^= x >> 27;
      return static_cast<int>((x * 2685821657736338717ull) >> 33) % n;
    };
    const int runs = 1 + rnd(60);
    for (int r = 0; r < runs; ++r) t.run(rnd(3), 1 + rnd(1000), 1 + rnd(20), rnd(6));
    const CostModel cost(t.plan, t.spec, 1.0);
    const Saturation s = saturating_ranks(t.plan, t.spec, cost);
    ASSERT_LE(s.ranks, kRankTolerance);  // where the search is exact
    EXPECT_TRUE(saturated(t, cost, s.ranks)) << "seed " << seed;
    if (s.ranks > 2) {
      EXPECT_FALSE(saturated(t, cost, s.ranks - 1)) << "seed " << seed << " ranks " << s.ranks;
    }
  }
}

}  // namespace
}  // namespace sweep
