// `sweep plan` predicts what the master does: the simulator and the master,
// its workers scripted to take exactly the cost model's predicted seconds and
// its clock virtual, start the same jobs on the same ranks at the same times
// and end at the same time, with ranks_per_job = 2 groups and a time limit.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "orchestrator/cost_model.hpp"
#include "orchestrator/master.hpp"
#include "orchestrator/simulate.hpp"
#include "scripted_transport.hpp"
#include "tests/temp_dir.hpp"
#include "spec/config.hpp"
#include "spec/grid.hpp"
#include "wire/stop_signal.hpp"

namespace sweep {
namespace {

using testing::Scripted;
using testing::ScriptedTransport;

// "solo" runs on one rank, "pair" on two; with three workers pairs and solos share them.
std::string grid(int checkpoint_every) {
  return R"(
[sweep]
name = "agree"
seed = 5

[grid]
model       = ["solo", "pair"]
data_tokens = [4096, 8192, 16384]
prompt      = ["zero_shot", "few_shot"]
task        = ["addition"]

[model.solo]
n_layer = 1
d_model = 32
n_head  = 2

[model.pair]
n_layer       = 2
d_model       = 48
n_head        = 4
ranks_per_job = 2

[train]
seq_len          = 64
checkpoint_every = )" + std::to_string(checkpoint_every) + R"(

[eval]
examples = 40
)";
}

struct Start {
  double at;
  JobRef job;
  std::vector<int> ranks;
};

std::string show(const Start& s) {
  std::string out = std::to_string(s.at) + (s.job.kind == JobKind::Train ? " train " : " eval ") +
                    std::to_string(s.job.index) + " on";
  for (int r : s.ranks) out += " " + std::to_string(r);
  return out;
}

// A power of two, so predicted seconds (FLOPs / throughput) add up exactly and
// the throughput the master learns from finished jobs stays this one.
const double kThroughput = std::ldexp(1.0, 30);
constexpr int kWorkers = 3;

struct Trace {
  std::vector<Start> starts;
  double makespan = 0.0;
  int rc = 0;
};

Trace simulated(const SweepSpec& spec, const Plan& plan, double deadline, SimResult* result) {
  const CostModel cost(plan, spec, kThroughput);
  Trace run;
  *result = simulate(plan, spec, cost, kWorkers + 1, deadline,
                     [&](double at, const Assignment& a) { run.starts.push_back({at, a.job, a.ranks}); });
  run.makespan = result->makespan_s;
  return run;
}

Trace mastered(const SweepSpec& spec, const Plan& plan, double deadline) {
  const testing::TempDir dir("sweep_test_plan_master");
  const CostModel cost(plan, spec, kThroughput);
  const ScriptedTransport tx(kWorkers, [&](JobRef job, int) { return Scripted{Outcome::Ok, cost.seconds(job), ""}; });
  MasterOptions o;
  o.out = dir.file("agree.h5");
  o.quiet = true;
  o.time_limit = deadline;
  o.throughput = kThroughput;
  o.clock = [&tx] { return tx.now(); };
  Trace run;
  run.rc = run_master(tx, spec, o);
  run.makespan = tx.now();
  for (const auto& s : tx.sent()) {
    if (s.tag != Tag::Job) continue;
    const bool group = !s.job.group.empty();
    if (group && s.job.group.front() != s.dest) continue;  // one entry per job: its group rank 0's message
    run.starts.push_back({s.at, s.job.job, group ? std::vector<int>(s.job.group.begin(), s.job.group.end())
                                                 : std::vector<int>{s.dest}});
  }
  return run;
}

void expect_same_starts(const Trace& plan, const Trace& master) {
  ASSERT_EQ(plan.starts.size(), master.starts.size());
  for (std::size_t i = 0; i < plan.starts.size(); ++i) {
    const Start &p = plan.starts[i], &m = master.starts[i];
    EXPECT_TRUE(p.job.kind == m.job.kind && p.job.index == m.job.index && p.ranks == m.ranks &&
                p.at == m.at)
        << "start " << i << ": plan " << show(p) << ", master " << show(m);
  }
}

// A deadline at about `fraction` of the unconstrained makespan, on a 1/16 s grid.
double deadline_at(const SweepSpec& spec, const Plan& plan, double fraction) {
  SimResult whole;
  simulated(spec, plan, 0.0, &whole);
  return std::ldexp(std::floor(std::ldexp(fraction * whole.makespan_s, 4)), -4);
}

bool any_group(const Trace& r) {
  for (const Start& s : r.starts)
    if (s.ranks.size() == 2) return true;
  return false;
}

TEST(PlanAndMaster, StartTheSameJobsOnTheSameRanksAndEndTogether) {
  const SweepSpec spec = load_spec_text(grid(0), "agree.toml");
  const Plan plan = expand(spec);
  const double deadline = deadline_at(spec, plan, 0.6);
  SimResult s;
  const Trace predicted = simulated(spec, plan, deadline, &s);
  ASSERT_LT(s.started, s.jobs) << "the deadline should leave jobs out";
  ASSERT_TRUE(any_group(predicted));
  const Trace actual = mastered(spec, plan, deadline);
  expect_same_starts(predicted, actual);
  EXPECT_DOUBLE_EQ(actual.makespan, predicted.makespan);
  EXPECT_EQ(actual.rc, kExitStopped);  // jobs are left for --resume
}

TEST(PlanAndMaster, AgreeWhenTrainRunsWithRestartPointsRunIntoTheTimeLimit) {
  const SweepSpec spec = load_spec_text(grid(100), "agree.toml");
  const Plan plan = expand(spec);
  const double deadline = deadline_at(spec, plan, 0.6);
  SimResult s;
  const Trace predicted = simulated(spec, plan, deadline, &s);
  ASSERT_GT(s.cut_off, 0) << "a train run should start past the deadline";
  const Trace actual = mastered(spec, plan, deadline);
  expect_same_starts(predicted, actual);
  // The master wakes for its time limit on a 1 ms tick.
  EXPECT_NEAR(actual.makespan, predicted.makespan, 1e-3);
  EXPECT_EQ(actual.rc, kExitStopped);
}

}  // namespace
}  // namespace sweep
