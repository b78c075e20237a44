// The discrete-event simulation of `sweep plan`.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "job_table.hpp"
#include "spec/config.hpp"
#include "cli/plan_command.hpp"
#include "orchestrator/plan_advice.hpp"
#include "orchestrator/simulate.hpp"

namespace sweep {
namespace {

using testing::Table;

// r0: train 10 s, 2 evals of 2 s; r1: train 4 s, 1 eval; r2: train 3 s, no evals.
Table small_table() {
  Table t;
  t.run(0, 10, 1, 2);
  t.run(0, 4, 1, 1);
  t.run(0, 3, 1, 0);
  return t;
}

TEST(Simulate, HandComputedMakespan) {
  const Table t = small_table();
  const CostModel cost(t.plan, t.spec, 1.0);
  // 2 workers. t=0: r0 (to 10), r1 (to 4). t=4: r2 (prio 5) before r1's eval (2): to 7.
  // t=7: r1's eval to 9. t=10: r0's two evals to 12.
  const SimResult s = simulate(t.plan, t.spec, cost, 3);
  EXPECT_DOUBLE_EQ(s.makespan_s, 12.0);
  EXPECT_EQ(s.jobs, 6);
  EXPECT_EQ(s.train_jobs, 3);
  EXPECT_EQ(s.eval_jobs, 3);
  EXPECT_EQ(s.started, 6);
  EXPECT_DOUBLE_EQ(s.total_flops, 23.0);
  EXPECT_DOUBLE_EQ(s.total_seconds, 23.0);
  EXPECT_DOUBLE_EQ(s.critical_path_s, 12.0);
  EXPECT_DOUBLE_EQ(s.lower_bound_s, 12.0);
  EXPECT_DOUBLE_EQ(s.utilisation, 23.0 / 24.0);
  // Round robin: worker 0 gets r0 and r2 (10 + 3 + 2 x 2), worker 1 gets r1 (4 + 2).
  EXPECT_DOUBLE_EQ(simulate_round_robin(t.plan, t.spec, cost, 3).makespan_s, 17.0);
  // One worker: everything in sequence.
  EXPECT_DOUBLE_EQ(simulate(t.plan, t.spec, cost, 2).makespan_s, 23.0);
  EXPECT_DOUBLE_EQ(simulate_random(t.plan, t.spec, cost, 2, 7).makespan_s, 23.0);
  EXPECT_THROW(simulate(t.plan, t.spec, cost, 1), std::invalid_argument);
}

TEST(Simulate, CriticalPathNamesItsRunAndThatRunsLongestEval) {
  Table t;
  t.run(0, 5, 1, 1);   // 5 + 2
  t.run(0, 6, 3, 2);   // 6 + 6: the critical path
  t.run(0, 11, 0, 0);  // 11, no evals
  const CostModel cost(t.plan, t.spec, 1.0);
  const SimResult s = simulate(t.plan, t.spec, cost, 3);
  EXPECT_DOUBLE_EQ(s.critical_path_s, 12.0);
  EXPECT_EQ(s.critical_run, 1);
  EXPECT_EQ(s.critical_point, 1);  // r1's first eval (both cost 6)
  // A run without evals can be the whole critical path.
  Table lone;
  lone.run(0, 4, 1, 1);
  lone.run(0, 9, 1, 0);
  const CostModel lone_cost(lone.plan, lone.spec, 1.0);
  const SimResult l = simulate(lone.plan, lone.spec, lone_cost, 2);
  EXPECT_EQ(l.critical_run, 1);
  EXPECT_EQ(l.critical_point, -1);
  EXPECT_DOUBLE_EQ(l.critical_path_s, 9.0);
}

// Every model trains on the same D, so the largest model's run is the longest
// chain, with its eval on the most examples.
TEST(Simulate, TheLargestModelsRunIsTheCriticalJob) {
  const SweepSpec spec = load_spec_text(R"(
[grid]
model       = ["s", "l", "m"]
data_tokens = [100000]
prompt      = ["zero_shot", "few_shot"]
task        = ["addition"]
seed        = [0, 1]
"eval.examples" = [10, 40]
[model.s]
n_layer = 1
d_model = 16
n_head = 2
[model.l]
n_layer = 4
d_model = 64
n_head = 4
[model.m]
n_layer = 2
d_model = 32
n_head = 2
)",
                                        "critical.toml");
  const Plan plan = expand(spec, ExpandOptions{false});
  const CostModel cost(plan, spec, 1e9);
  const SimResult s = simulate(plan, spec, cost, 4);
  ASSERT_GE(s.critical_run, 0);
  EXPECT_EQ(spec.models[static_cast<std::size_t>(plan.runs[static_cast<std::size_t>(s.critical_run)].model)].name,
            "l");
  ASSERT_GE(s.critical_point, 0);
  EXPECT_EQ(plan.points[static_cast<std::size_t>(s.critical_point)].run, s.critical_run);
  EXPECT_NE(plan.points[static_cast<std::size_t>(s.critical_point)].axes.find("eval.examples=40"), std::string::npos);
  EXPECT_DOUBLE_EQ(s.critical_path_s,
                   cost.seconds({JobKind::Train, s.critical_run}) + cost.seconds({JobKind::Eval, s.critical_point}));
}

TEST(Simulate, DeadlineLeavesLongJobsUnstarted) {
  Table t = small_table();
  t.spec.train.checkpoint_every = 0;  // no restart points: nothing may run past the deadline
  const CostModel cost(t.plan, t.spec, 1.0);
  // Deadline 9: r0 (10 s) never fits; r1 and r2 start at 0; r1's eval runs 4..6.
  const SimResult s = simulate(t.plan, t.spec, cost, 3, 9.0);
  EXPECT_DOUBLE_EQ(s.makespan_s, 6.0);
  EXPECT_EQ(s.started, 3);
  EXPECT_DOUBLE_EQ(s.utilisation, 9.0 / 12.0);
}

TEST(Simulate, TrainRunsWithRestartPointsRunIntoTheDeadline) {
  const Table t = small_table();  // train.checkpoint_every > 0
  const CostModel cost(t.plan, t.spec, 1.0);
  // Deadline 9: r1 and r2 start at 0. At 3 nothing fits, so r0 (10 s) starts
  // for its restart points; r1's eval runs 4..6; at 9 the deadline stops r0.
  const SimResult s = simulate(t.plan, t.spec, cost, 3, 9.0);
  EXPECT_DOUBLE_EQ(s.makespan_s, 9.0);
  EXPECT_EQ(s.started, 4);
  EXPECT_EQ(s.cut_off, 1);
  EXPECT_DOUBLE_EQ(s.utilisation, (4.0 + 3.0 + 6.0 + 2.0) / 18.0);
}

TEST(Simulate, GroupJobsWaitForEnoughFreeRanks) {
  Table t({1, 2});
  t.run(1, 4, 0, 0);  // 2 ranks, 4 s
  t.run(0, 6, 0, 0);  // 1 rank, 6 s
  t.run(0, 5, 0, 0);  // 1 rank, 5 s
  const CostModel cost(t.plan, t.spec, 1.0);
  // 2 workers: the 6 s and 5 s runs start first (larger); at 5 one worker is
  // free, not enough for the 2-rank run, which starts at 6 and ends at 10.
  const SimResult s = simulate(t.plan, t.spec, cost, 3);
  EXPECT_DOUBLE_EQ(s.makespan_s, 10.0);
  EXPECT_DOUBLE_EQ(s.total_seconds, 4.0 * 2 + 6 + 5);
  // A group larger than the workers never starts.
  EXPECT_EQ(simulate(t.plan, t.spec, cost, 2).started, 2);
}

TEST(Simulate, MakespanNeverBelowTheLowerBound) {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    const bool groups = seed % 2 == 0;  // even seeds: model 2 needs 2 ranks (the baselines count 1: policy only)
    Table t({1, 1, groups ? 2 : 1});
    std::uint64_t x = seed * 0x9E3779B97F4A7C15ull;
    auto rnd = [&](int n) {
      x ^= x >> 12, x ^= x << 25, x ^= x >> 27;
      return static_cast<int>((x * 2685821657736338717ull) >> 33) % n;
    };
    const int runs = 1 + rnd(40);
    for (int r = 0; r < runs; ++r) t.run(rnd(3), 1 + rnd(1000), 1 + rnd(20), rnd(6));
    const CostModel cost(t.plan, t.spec, 1.0 + rnd(3));
    for (int ranks : {2, 3, 5, 17}) {
      if (groups && ranks < 3) continue;
      const SimResult s = simulate(t.plan, t.spec, cost, ranks);
      EXPECT_EQ(s.started, s.jobs);
      EXPECT_GE(s.makespan_s, s.lower_bound_s * (1 - 1e-12)) << "seed " << seed << " ranks " << ranks;
      EXPECT_LE(s.utilisation, 1.0 + 1e-12);
      if (groups) continue;
      EXPECT_GE(simulate_round_robin(t.plan, t.spec, cost, ranks).makespan_s, s.lower_bound_s * (1 - 1e-12));
      EXPECT_GE(simulate_random(t.plan, t.spec, cost, ranks, seed).makespan_s, s.lower_bound_s * (1 - 1e-12));
    }
  }
}

TEST(Simulate, OvernightGridOn64RanksIsWithinFivePercentOfItsBound) {
  const SweepSpec spec = load_spec_file(SWEEP_SOURCE_DIR "/sweeps/overnight.toml");
  const Plan plan = expand(spec, ExpandOptions{false});
  EXPECT_EQ(plan.runs.size(), 40u);
  EXPECT_EQ(plan.points.size(), 600u);
  const CostModel cost(plan, spec, 4e14);
  for (int ranks : {64, 512, 4096}) {
    const SimResult s = simulate(plan, spec, cost, ranks);
    EXPECT_EQ(s.started, s.jobs);
    EXPECT_LE(s.makespan_s / s.lower_bound_s, 1.05) << ranks << " ranks";
  }
}

// 10 models x 100 data sizes x 2 prompts x 500 tasks: 1,000 train runs, 1,000,000 eval points.
TEST(Simulate, MillionPointGridIsPlannedAndSaturated) {
  SweepSpec spec;
  for (int m = 0; m < 10; ++m) {
    ModelSpec ms;
    ms.name = "m" + std::to_string(m);
    ms.n_layer = 1 + m;
    ms.d_model = 64 * (1 + m);
    ms.n_head = 4;
    spec.models.push_back(ms);
    spec.grid.model.push_back(m);
  }
  for (int d = 0; d < 100; ++d) spec.grid.data_tokens.push_back(1'000'000LL * (d + 1));
  spec.grid.prompt = {PromptStyle::ZeroShot, PromptStyle::Cot};
  for (int k = 0; k < 500; ++k) {
    TaskSpec ts;
    ts.name = "t" + std::to_string(k);
    ts.kind = k % 2 ? TaskKind::Modular : TaskKind::Addition;
    spec.tasks.push_back(ts);
    spec.grid.task.push_back(k);
  }
  const auto start = std::chrono::steady_clock::now();
  const Plan plan = expand(spec, ExpandOptions{false});
  ASSERT_EQ(plan.points.size(), 1'000'000u);
  const CostModel cost(plan, spec, 5e10);
  const SimResult s = simulate(plan, spec, cost, 4096);
  const SimResult rr = simulate_round_robin(plan, spec, cost, 4096);
  const SimResult rnd = simulate_random(plan, spec, cost, 4096);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(s.started, 1'001'000);
  EXPECT_GE(s.makespan_s, s.lower_bound_s * (1 - 1e-12));
  EXPECT_GE(rr.makespan_s, s.lower_bound_s * (1 - 1e-12));
  EXPECT_GE(rnd.makespan_s, s.lower_bound_s * (1 - 1e-12));
  // Its time is printed, not asserted: speed is measured in bench/, not in a test.
  std::printf("1M-point grid: expand + 3 simulations on 4096 ranks in %.2f s; makespan/bound %.3f\n", secs,
              s.makespan_s / s.lower_bound_s);
  const auto search = std::chrono::steady_clock::now();
  const Saturation sat = saturating_ranks(plan, spec, cost);
  std::printf("1M-point grid: saturated from %d ranks (%d simulations, %.2f s)\n", sat.ranks, sat.simulations,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - search).count());
  EXPECT_LE(sat.makespan_s, kSaturatedWithin * s.critical_path_s);
}

int run_plan(std::vector<std::string> args) {
  args.insert(args.begin(), {"sweep", "plan"});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return plan_command(static_cast<int>(argv.size()), argv.data());
}

TEST(PlanCommand, PrintsThePlanAndRefusesBadInput) {
  const std::string grid = SWEEP_SOURCE_DIR "/sweeps/overnight.toml";
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(run_plan({grid, "--ranks", "64", "--throughput", "4e14"}), 0);
  const std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("640 (40 train, 600 eval)"), std::string::npos) << out;
  EXPECT_NE(out.find("makespan/bound  1.000"), std::string::npos) << out;
  EXPECT_NE(out.find("round robin"), std::string::npos) << out;
  ::testing::internal::CaptureStdout();
  EXPECT_EQ(run_plan({grid, "--ranks", "64", "--deadline", "3600"}), 0);
  const std::string timed = ::testing::internal::GetCapturedStdout();
  EXPECT_NE(timed.find("not started"), std::string::npos) << timed;
  // overnight.toml's runs save restart points: as on the master, some run into the deadline.
  EXPECT_NE(timed.find("train runs run into it (restart points)"), std::string::npos) << timed;
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(run_plan({grid}), 2);                      // no --ranks
  EXPECT_EQ(run_plan({grid, "--ranks", "1"}), 2);      // no worker
  EXPECT_EQ(run_plan({grid, "--ranks", "4", "--throughput", "0"}), 2);
  EXPECT_EQ(run_plan({"/nonexistent.toml", "--ranks", "4"}), 2);
  EXPECT_EQ(run_plan({SWEEP_SOURCE_DIR "/tests/spec/bad_grids/empty_axis.toml", "--ranks", "4"}), 2);
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("empty_axis.toml:"), std::string::npos) << err;  // the loader's one-line message
}

}  // namespace
}  // namespace sweep
