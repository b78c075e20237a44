// The dispatch round shared by the master and `sweep plan`: host affinity of
// group jobs, the time limit with and without restart points, the stop call.
#include <gtest/gtest.h>

#include <deque>

#include "job_table.hpp"
#include "orchestrator/dispatch.hpp"

namespace sweep {
namespace {

using testing::Table;

TEST(Dispatch, AGroupTakesTheLongestIdleWorkerThenItsHostThenAny) {
  Table t({3});
  t.run(0, 10, 1, 0);
  const CostModel cost(t.plan, t.spec, 1.0);
  Scheduler sched(t.plan, t.spec);
  DispatchRules rules;
  rules.workers = 4;
  rules.hosts = {"master", "b", "a", "a", "c"};
  std::deque<int> idle{2, 1, 4, 3};
  const DispatchRound round = dispatch(sched, cost, rules, 0.0, idle);
  ASSERT_EQ(round.assignments.size(), 1u);
  EXPECT_EQ(round.assignments[0].ranks, (std::vector<int>{2, 3, 1}));  // 2 first, 3 shares its host, then 1
  EXPECT_EQ(idle, (std::deque<int>{4}));
  EXPECT_FALSE(round.stop);
}

TEST(Dispatch, SmallerJobsRunWhileTooFewWorkersAreIdleForAGroup) {
  Table t({1, 2});
  t.run(1, 10, 1, 0);  // 2 ranks, the highest priority
  t.run(0, 5, 1, 0);
  const CostModel cost(t.plan, t.spec, 1.0);
  Scheduler sched(t.plan, t.spec);
  DispatchRules rules;
  rules.workers = 2;
  std::deque<int> idle{1};
  const DispatchRound round = dispatch(sched, cost, rules, 0.0, idle);
  ASSERT_EQ(round.assignments.size(), 1u);
  EXPECT_EQ(round.assignments[0].job.index, 1);
  EXPECT_EQ(round.assignments[0].ranks, (std::vector<int>{1}));
}

TEST(Dispatch, PastTheTimeLimitOnlyATrainRunWithRestartPointsStarts) {
  Table t;
  t.run(0, 10, 1, 1);
  const CostModel cost(t.plan, t.spec, 1.0);
  DispatchRules rules;
  rules.workers = 1;
  rules.time_limit_s = 5;
  {
    rules.restart_points = true;
    Scheduler sched(t.plan, t.spec);
    std::deque<int> idle{1};
    const DispatchRound round = dispatch(sched, cost, rules, 0.0, idle);
    ASSERT_EQ(round.assignments.size(), 1u);
    EXPECT_EQ(round.assignments[0].job.kind, JobKind::Train);
    sched.finish(round.assignments[0].job, true);
    // Its eval (2 s) does not fit at 4 s, and an eval has no restart point.
    idle = {1};
    const DispatchRound late = dispatch(sched, cost, rules, 4.0, idle);
    EXPECT_TRUE(late.assignments.empty());
    EXPECT_TRUE(late.stop);
    EXPECT_EQ(sched.running(), 0);  // the eval went back to the ready set
  }
  {
    rules.restart_points = false;
    Scheduler sched(t.plan, t.spec);
    std::deque<int> idle{1};
    const DispatchRound round = dispatch(sched, cost, rules, 0.0, idle);
    EXPECT_TRUE(round.assignments.empty());
    EXPECT_TRUE(round.stop);
  }
}

TEST(Dispatch, StopsOnlyWhenEveryWorkerIsIdleAndNothingRuns) {
  Table t({2});
  t.run(0, 10, 1, 0);
  const CostModel cost(t.plan, t.spec, 1.0);
  Scheduler sched(t.plan, t.spec);
  DispatchRules rules;
  rules.workers = 2;
  rules.time_limit_s = 5;
  std::deque<int> idle{1};  // the other worker may still report
  EXPECT_FALSE(dispatch(sched, cost, rules, 0.0, idle).stop);
  idle = {1, 2};
  EXPECT_TRUE(dispatch(sched, cost, rules, 0.0, idle).stop);
  rules.time_limit_s = 0;  // without a time limit a sweep never stops itself
  EXPECT_FALSE(dispatch(sched, cost, rules, 0.0, idle).stop);
}

}  // namespace
}  // namespace sweep
