// Rank 0's scheduling policy.
#include <gtest/gtest.h>

#include <algorithm>

#include "job_table.hpp"
#include "spec/config.hpp"
#include "orchestrator/scheduler.hpp"

namespace sweep {
namespace {

SweepSpec spec_two_models() {
  return load_spec_text(R"(
[grid]
model       = ["small", "big"]
data_tokens = [1000, 8000]
prompt      = ["zero_shot", "cot"]
task        = ["addition"]
[model.small]
n_layer = 1
d_model = 8
n_head = 1
[model.big]
n_layer = 4
d_model = 64
n_head = 4
)",
                        "two.toml");
}

}  // namespace

TEST(Scheduling, LargestTrainRunStartsFirst) {
  const SweepSpec spec = spec_two_models();
  const Plan plan = expand(spec);
  Scheduler s(plan, spec);
  auto first = s.next();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->kind, JobKind::Train);
  const TrainRun& run = plan.runs[first->index];
  EXPECT_EQ(spec.models[run.model].name, "big");
  EXPECT_EQ(run.data_tokens, 8000);
}

TEST(Scheduling, EvalPointsBecomeReadyOnlyAfterTheirTrainRun) {
  const SweepSpec spec = spec_two_models();
  const Plan plan = expand(spec);
  Scheduler s(plan, spec);
  std::vector<JobRef> trains;
  while (auto j = s.next()) {
    EXPECT_EQ(j->kind, JobKind::Train);
    trains.push_back(*j);
  }
  EXPECT_EQ(trains.size(), plan.runs.size());
  EXPECT_TRUE(s.finish(trains[0], true).empty());
  int evals = 0;
  while (auto j = s.next()) {
    EXPECT_EQ(j->kind, JobKind::Eval);
    EXPECT_EQ(plan.points[j->index].run, trains[0].index);
    ++evals;
  }
  EXPECT_EQ(evals, 2);
}

TEST(Scheduling, FailedTrainRunSkipsItsEvalPointsAndTheSweepStillEnds) {
  const SweepSpec spec = spec_two_models();
  const Plan plan = expand(spec);
  Scheduler s(plan, spec);
  std::vector<JobRef> trains;
  while (auto j = s.next()) trains.push_back(*j);
  const auto skipped = s.finish(trains[0], false);
  EXPECT_EQ(skipped.size(), 2u);
  for (std::size_t t = 1; t < trains.size(); ++t) s.finish(trains[t], true);
  while (auto j = s.next()) s.finish(*j, true);
  EXPECT_TRUE(s.all_finished());
  EXPECT_EQ(s.finished(), s.total());
  EXPECT_EQ(s.running(), 0);
}

TEST(Scheduling, ResumedSweepRunsOnlyWhatIsNotDone) {
  const SweepSpec spec = spec_two_models();
  const Plan plan = expand(spec);  // 4 runs x 2 points
  Prior prior;
  prior.run_done = {true, true, true, false};
  prior.run_has_weights = {true, false, false, false};
  prior.point_done = {true, false, true, true, false, false, false, false};
  // run 0: done, weights, one point left -> that eval only
  // run 1: done, no weights, both points done -> nothing
  // run 2: done, no weights, points left -> train again
  // run 3: not done -> train
  Scheduler s(plan, spec, prior);
  EXPECT_EQ(s.finished(), 2 + 3);  // runs 0 and 1, points 0, 2, 3
  std::vector<std::pair<JobKind, int>> jobs;
  while (auto j = s.next()) jobs.push_back({j->kind, j->index});
  std::sort(jobs.begin(), jobs.end());
  const std::vector<std::pair<JobKind, int>> want{{JobKind::Train, 2}, {JobKind::Train, 3}, {JobKind::Eval, 1}};
  EXPECT_EQ(jobs, want);
  s.finish({JobKind::Train, 2}, true);
  int evals = 0;
  while (auto j = s.next()) evals += j->kind == JobKind::Eval;
  EXPECT_EQ(evals, 2);
}

TEST(Scheduling, RequeuedJobRunsAgain) {
  const SweepSpec spec = spec_two_models();
  const Plan plan = expand(spec);
  Scheduler s(plan, spec);
  const auto first = s.next();
  s.requeue(*first);
  EXPECT_EQ(s.running(), 0);
  const auto again = s.next();
  EXPECT_EQ(again->kind, first->kind);
  EXPECT_EQ(again->index, first->index);  // still the largest
}

TEST(Scheduling, AbandonedTrainRunSkipsItsPoints) {
  const SweepSpec spec = spec_two_models();
  const Plan plan = expand(spec);
  Scheduler s(plan, spec);
  EXPECT_EQ(s.abandon({JobKind::Train, 0}).size(), 2u);
  EXPECT_EQ(s.finished(), 3);
  EXPECT_EQ(s.running(), 0);
  int trains = 0;
  while (auto j = s.next()) {
    EXPECT_NE(j->index, 0);
    ++trains;
  }
  EXPECT_EQ(trains, 3);
}

// ---- Made-up job tables (tests/orchestrator/job_table.hpp): 1 FLOP/s, eval = 2 * n_params s.

using testing::Table;

TEST(SchedulingTable, DependencyOrderRespectedAndEverythingRunsOnce) {
  Table t({1, 1});
  for (int r = 0; r < 12; ++r) t.run(r % 2, 10.0 + (r * 7) % 11, 1 + r % 3, r % 4);
  Scheduler s(t.plan, t.spec);
  std::vector<bool> run_finished(t.plan.runs.size()), seen_run(t.plan.runs.size()), seen_point(t.plan.points.size());
  std::vector<JobRef> running;
  // Finish jobs in an order that interleaves with dispatching: keep 3 running.
  for (int guard = 0; guard < 1000 && !s.all_finished(); ++guard) {
    while (running.size() < 3) {
      auto j = s.next();
      if (!j) break;
      if (j->kind == JobKind::Train) {
        EXPECT_FALSE(seen_run[j->index]);
        seen_run[j->index] = true;
      } else {
        EXPECT_FALSE(seen_point[j->index]);
        seen_point[j->index] = true;
        EXPECT_TRUE(run_finished[t.plan.points[j->index].run]) << "eval before its train run";
      }
      running.push_back(*j);
    }
    ASSERT_FALSE(running.empty());
    const JobRef done = running.front();
    running.erase(running.begin());
    if (done.kind == JobKind::Train) run_finished[done.index] = true;
    s.finish(done, true);
  }
  EXPECT_TRUE(s.all_finished());
  EXPECT_EQ(std::count(seen_run.begin(), seen_run.end(), true), 12);
  EXPECT_EQ(std::count(seen_point.begin(), seen_point.end(), true), static_cast<long>(t.plan.points.size()));
}

TEST(SchedulingTable, LargestRemainingPathFirstTrainBeforeEvalOnTies) {
  Table t({1, 1});
  t.run(0, 5, 1, 1);    // priority 5 + 2 = 7
  t.run(1, 30, 10, 1);  // 30 + 20 = 50
  t.run(0, 20, 1, 1);   // 22
  t.run(1, 1, 10, 1);   // 21
  Scheduler s(t.plan, t.spec);
  std::vector<int> order;
  while (auto j = s.next()) order.push_back(j->index);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 0}));
  EXPECT_DOUBLE_EQ(s.priority({JobKind::Train, 1}), 50.0);
  // An eval (priority 20) ties with a train run (20 + 0): the train goes first.
  Table u;
  u.run(0, 1, 10, 1);  // run 0: its eval costs 20
  u.run(0, 20, 0, 0);  // run 1: priority 20 (own group: eval cost 0)
  Scheduler v(u.plan, u.spec);
  const auto first = v.next();
  EXPECT_EQ(first->index, 0);  // 21
  v.finish(*first, true);
  const auto second = v.next();
  EXPECT_EQ(second->kind, JobKind::Train);
  EXPECT_EQ(second->index, 1);
  EXPECT_EQ(v.next()->kind, JobKind::Eval);
}

TEST(SchedulingTable, GroupJobWaitsForAWholeGroup) {
  Table t({1, 4});
  const int big = t.run(1, 100, 1, 2);  // 4 ranks per job, train and eval
  const int small = t.run(0, 10, 1, 1);
  Scheduler s(t.plan, t.spec);
  EXPECT_EQ(s.ranks({JobKind::Train, big}), 4);
  EXPECT_EQ(s.ranks({JobKind::Eval, 0}), 4);
  EXPECT_EQ(s.ranks({JobKind::Train, small}), 1);
  auto j = s.next_fitting(3);  // the big run is larger but needs 4
  ASSERT_TRUE(j);
  EXPECT_EQ(j->index, small);
  EXPECT_FALSE(s.next_fitting(3));  // only the 4-rank job is left
  j = s.next_fitting(4);
  ASSERT_TRUE(j);
  EXPECT_EQ(j->index, big);
  s.finish(*j, true);
  EXPECT_FALSE(s.next_fitting(1));
  j = s.next_fitting(8);
  ASSERT_TRUE(j);
  EXPECT_EQ(j->kind, JobKind::Eval);
  EXPECT_EQ(t.plan.points[j->index].run, big);
}

TEST(SchedulingTable, DeadlineSkipsJobsThatDoNotFitAndKeepsThemReady) {
  Table t;
  t.run(0, 100, 1, 1);  // 100 s, eval 2 s
  t.run(0, 50, 1, 1);   // 50 s
  t.run(0, 8, 1, 1);    // 8 s
  const CostModel cost(t.plan, t.spec, 1.0);
  Scheduler s(t.plan, t.spec);
  auto j = s.next(10.0, 70.0, cost);  // 60 s left: the 50 s run is the largest that fits
  ASSERT_TRUE(j);
  EXPECT_EQ(j->index, 1);
  EXPECT_FALSE(s.next(65.0, 70.0, cost));  // 5 s left: nothing fits
  j = s.next(62.0, 70.0, cost);            // 8 s left: exactly fits
  ASSERT_TRUE(j);
  EXPECT_EQ(j->index, 2);
  s.finish(*j, true);
  j = s.next_fitting(1, 68.0, 70.0, cost);  // its eval (2 s) fits exactly
  ASSERT_TRUE(j);
  EXPECT_EQ(j->kind, JobKind::Eval);
  j = s.next(0.0, 0.0, cost);  // no deadline: the 100 s run is still ready
  ASSERT_TRUE(j);
  EXPECT_EQ(j->index, 0);
  // A faster observed throughput makes it fit.
  Scheduler s2(t.plan, t.spec);
  CostModel fast(t.plan, t.spec, 1.0);
  fast.observe(0, 1000.0, 100.0);  // 10 FLOP/s
  j = s2.next(0.0, 10.0, fast);
  ASSERT_TRUE(j);
  EXPECT_EQ(j->index, 0);
}

TEST(SchedulingTable, RequeuedJobsRunAgainAndAbandonedOnesNever) {
  Table t;
  t.run(0, 100, 1, 3);
  Scheduler s(t.plan, t.spec);
  auto train = s.next();
  s.requeue(*train);
  EXPECT_EQ(s.running(), 0);
  train = s.next();
  ASSERT_TRUE(train);
  s.finish(*train, true);
  auto e0 = s.next();
  ASSERT_TRUE(e0);
  EXPECT_EQ(e0->index, 0);
  EXPECT_TRUE(s.abandon({JobKind::Eval, 1}).empty());  // ready, given up
  EXPECT_TRUE(s.abandon({JobKind::Eval, 0}).empty());  // running: left alone
  EXPECT_EQ(s.finished(), 2);
  s.requeue(*e0);  // a retry
  std::vector<int> evals;
  while (auto j = s.next()) {
    evals.push_back(j->index);
    s.finish(*j, true);
  }
  EXPECT_EQ(evals, (std::vector<int>{0, 2}));
  EXPECT_TRUE(s.all_finished());
}

}  // namespace sweep
