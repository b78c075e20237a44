#include <gtest/gtest.h>

#include <algorithm>

#include "orchestrator/config.hpp"
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

}  // namespace sweep
