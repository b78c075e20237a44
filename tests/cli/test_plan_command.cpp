// `sweep plan` on a budget grid: the lines per budget, the skipped runs, the
// setting axes, the critical path and the advice, with their numbers.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "cli/plan_command.hpp"
#include "orchestrator/plan_advice.hpp"
#include "spec/config.hpp"
#include "tests/temp_dir.hpp"

namespace sweep {
namespace {

// 5 sizes x 3 budgets x 2 seeds, as a study in sweeps/ writes it. D/N =
// C / (6 N^2) in [2, 2000] keeps s and m at every budget and l from 3e12:
// xs (N 8,432) is over 2000 everywhere, xl (N 1,230,848) under 2 everywhere,
// l (N 478,272) under 2 at 1e12 only.
constexpr const char* kGrid = R"(# A compute-budget study for `sweep plan`.
[sweep]
name = "budgets"
seed = 7

[grid]
model   = ["xs", "s", "m", "l", "xl"]
compute = [1e12, 3e12, 1e13]
seed    = [0, 1]
min_tokens_per_param = 2
max_tokens_per_param = 2000
prompt  = ["zero_shot"]
task    = ["add2"]

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

[task.add2]
kind   = "addition"
digits = 2

[train]
seq_len    = 64
batch_size = 4

[eval]
examples = 16
)";

std::string plan_output(std::vector<std::string> args) {
  args.insert(args.begin(), {"sweep", "plan"});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  ::testing::internal::CaptureStdout();
  const int rc = plan_command(static_cast<int>(argv.size()), argv.data());
  std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_EQ(rc, 0) << out;
  return out;
}

std::string format(const char* f, double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, x);
  return buf;
}

std::string write_grid(const testing::TempDir& dir) {
  const std::string path = dir.file("budgets.toml");
  std::ofstream(path) << kGrid;
  return path;
}

TEST(PlanCommand, BudgetGridShowsEachBudgetsRunsFlopsAndSkippedRuns) {
  const testing::TempDir dir;
  const std::string path = write_grid(dir);
  const std::string out = plan_output({path, "--ranks", "4"});
  const SweepSpec spec = load_spec_file(path);
  const Plan plan = expand(spec, ExpandOptions{false});
  EXPECT_NE(out.find("  axis            seed = 0, 1\n"), std::string::npos) << out;
  EXPECT_NE(out.find("  jobs            32 (16 train, 16 eval)\n"), std::string::npos) << out;
  const char* budgets[] = {"1e+12", "3e+12", "1e+13"};
  const int runs[] = {4, 6, 6}, skipped[] = {6, 4, 4};
  for (int b = 0; b < 3; ++b) {
    double flops = 0.0;  // sum of 6 N D of the budget's runs
    for (const TrainRun& r : plan.runs)
      if (r.compute_budget == spec.grid.compute[static_cast<std::size_t>(b)])
        flops += 6.0 * static_cast<double>(r.n_params) * static_cast<double>(r.data_tokens);
    const std::string line = "  budget " + std::string(budgets[b]) + "    " + std::to_string(runs[b]) +
                             " runs, train FLOPs " + format("%.3g", flops) + ", N ";
    EXPECT_NE(out.find(line), std::string::npos) << line << "\n" << out;
    EXPECT_NE(out.find(", " + std::to_string(skipped[b]) + " skipped\n", out.find(line)), std::string::npos) << out;
  }
  // The smallest N at 3e12 is s's, the largest l's.
  EXPECT_NE(out.find("N 35712..478272"), std::string::npos) << out;
  EXPECT_NE(out.find("  skipped         xs at budget 1e+12: D 19766016, N 8432 (D/N 2.34e+03 > max_tokens_per_param "
                     "2e+03) compute=1e+12;seed=0\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("  skipped         l at budget 1e+12: D 348416, N 478272 (D/N 0.728 < min_tokens_per_param 2)"),
            std::string::npos)
      << out;
}

TEST(PlanCommand, AdviceNamesTheBoundAndTheSaturatingRankCount) {
  const testing::TempDir dir;
  const std::string path = write_grid(dir);
  const SweepSpec spec = load_spec_file(path);
  const Plan plan = expand(spec, ExpandOptions{false});
  const CostModel cost(plan, spec, kDefaultThroughput);
  const SimResult few = simulate(plan, spec, cost, 3);
  ASSERT_GE(few.critical_run, 0);
  const TrainRun& critical = plan.runs[static_cast<std::size_t>(few.critical_run)];
  // At 1e13 every run costs ~C; l's eval (largest N) is the longest, so l's run leads the longest chain.
  EXPECT_EQ(spec.models[static_cast<std::size_t>(critical.model)].name, "l");
  EXPECT_EQ(critical.compute_budget, 1e13);
  const std::string job = "train l (D " + std::to_string(critical.data_tokens) + ", " + critical.axes + ")";

  // 2 workers: 16 runs of ~1e12..1e13 FLOPs take far longer than one chain.
  const std::string crowded = plan_output({path, "--ranks", "3"});
  EXPECT_NE(crowded.find("  critical path   " + format("%.1f s", few.critical_path_s)), std::string::npos) << crowded;
  EXPECT_NE(crowded.find(job + ", then its eval zero_shot on add2\n"), std::string::npos) << crowded;
  EXPECT_NE(crowded.find("  advice          makespan bound by total work / workers ("), std::string::npos) << crowded;

  const Saturation sat = saturating_ranks(plan, spec, cost);
  const std::string p = std::to_string(sat.ranks);
  EXPECT_NE(crowded.find("  advice          ranks that saturate this grid: " + p + " (makespan "), std::string::npos)
      << crowded;
  EXPECT_NE(crowded.find("  advice          beyond " + p + " ranks, added ranks stay idle\n"), std::string::npos)
      << crowded;

  // On that many ranks the chain is the bound.
  const SimResult enough = simulate(plan, spec, cost, sat.ranks);
  const std::string roomy = plan_output({path, "--ranks", p});
  EXPECT_NE(roomy.find("  advice          makespan bound by " + job + " (critical path " +
                       format("%.1f s", enough.critical_path_s)),
            std::string::npos)
      << roomy;
  EXPECT_NE(roomy.find(" of makespan " + format("%.1f s", enough.makespan_s)), std::string::npos) << roomy;
}

}  // namespace
}  // namespace sweep
