// The cost model behind scheduling and `sweep plan`.
#include <gtest/gtest.h>

#include "job_table.hpp"
#include "spec/config.hpp"
#include "orchestrator/cost_model.hpp"

namespace sweep {
namespace {

using testing::Table;

TEST(CostModel, FlopsOfTrainAndEvalJobs) {
  const SweepSpec spec = load_spec_text(R"(
[grid]
model       = ["a"]
data_tokens = [1000]
prompt      = ["zero_shot"]
task        = ["addition"]
[model.a]
n_layer = 1
d_model = 8
n_head = 2
[train]
seq_len = 16
[eval]
examples = 10
)",
                                        "cost.toml");
  const Plan plan = expand(spec);
  const CostModel cost(plan, spec, 100.0);
  const double n = static_cast<double>(plan.runs[0].n_params);
  EXPECT_DOUBLE_EQ(cost.flops({JobKind::Train, 0}), 6.0 * n * 1000);
  EXPECT_DOUBLE_EQ(cost.flops({JobKind::Eval, 0}), 2.0 * n * 10 * 16);
  EXPECT_DOUBLE_EQ(cost.seconds({JobKind::Train, 0}), 6.0 * n * 1000 / 100.0);
  EXPECT_DOUBLE_EQ(eval_cost(plan.runs[0], spec), cost.flops({JobKind::Eval, 0}));
  EXPECT_EQ(cost.model({JobKind::Eval, 0}), 0);
}

// A grid sweeping train.seq_len and eval.examples: each job costs what its own
// settings make it, not what the file's [train] and [eval] say.
TEST(CostModel, EachJobCostsItsOwnSettings) {
  const SweepSpec spec = load_spec_text(R"(
[grid]
model       = ["a"]
data_tokens = [1000]
prompt      = ["zero_shot"]
task        = ["addition"]
"train.seq_len" = [16, 32]
"eval.examples" = [10, 30]
[model.a]
n_layer = 1
d_model = 8
n_head = 2
[train]
seq_len = 64
[eval]
examples = 100
)",
                                        "cost.toml");
  const Plan plan = expand(spec, ExpandOptions{false});
  ASSERT_EQ(plan.runs.size(), 2u);
  ASSERT_EQ(plan.points.size(), 4u);
  const CostModel cost(plan, spec, 100.0);
  for (int p = 0; p < 4; ++p) {
    const EvalPoint& point = plan.points[static_cast<std::size_t>(p)];
    const TrainRun& run = plan.runs[static_cast<std::size_t>(point.run)];
    const int seq_len = run.axes.find("train.seq_len=16") != std::string::npos ? 16 : 32;
    const int examples = point.axes.find("eval.examples=10") != std::string::npos ? 10 : 30;
    EXPECT_DOUBLE_EQ(cost.flops({JobKind::Eval, p}), 2.0 * static_cast<double>(run.n_params) * examples * seq_len)
        << point.axes;
  }
  EXPECT_DOUBLE_EQ(cost.flops({JobKind::Train, 1}), 6.0 * static_cast<double>(plan.runs[1].n_params) * 1000);
}

// A pretrained checkpoint's D is its pretraining: its "train" job only scores
// the held-out tokens, 2 N per token, however many tokens it was trained on.
TEST(CostModel, APretrainedModelsRunCostsItsHeldOutScoringNotItsPretraining) {
  SweepSpec spec;
  ModelSpec m;
  m.name = "pythia";
  m.hf = "/models/pythia";
  m.n_params = 1'000'000;
  m.data_tokens = 300'000'000'000;
  spec.models.push_back(m);
  spec.grid.model = {0};
  spec.grid.data_tokens = {1000};
  spec.grid.prompt = {PromptStyle::ZeroShot};
  spec.grid.task = {0};
  spec.tasks.push_back(TaskSpec{});
  spec.train.eval_loss_tokens = 4096;
  spec.train.seq_len = 16;
  spec.eval.examples = 10;
  const Plan plan = expand(spec);
  ASSERT_EQ(plan.runs.size(), 1u);
  EXPECT_DOUBLE_EQ(plan.runs[0].train_flops, 6.0 * 1e6 * 3e11);  // C of the store
  const CostModel cost(plan, spec, 100.0);
  EXPECT_DOUBLE_EQ(cost.flops({JobKind::Train, 0}), 2.0 * 1e6 * 4096);
  EXPECT_DOUBLE_EQ(train_cost(plan.runs[0], spec), 2.0 * 1e6 * 4096);
  EXPECT_DOUBLE_EQ(cost.flops({JobKind::Eval, 0}), 2.0 * 1e6 * 10 * 16);
}

TEST(CostModel, DefaultThenPerModelThenPooledThroughput) {
  Table t({1, 1, 1});
  t.run(0, 100, 1, 1);
  t.run(1, 100, 1, 0);
  t.run(2, 100, 1, 0);
  CostModel cost(t.plan, t.spec, 10.0);
  EXPECT_DOUBLE_EQ(cost.flops_per_s(0), 10.0);
  EXPECT_DOUBLE_EQ(cost.seconds({JobKind::Train, 0}), 10.0);
  cost.observe(0, 100.0, 2.0);  // model 0 at 50 FLOP/s
  cost.observe(0, 200.0, 2.0);  // ... total 300 / 4 s = 75
  EXPECT_DOUBLE_EQ(cost.flops_per_s(0), 75.0);
  EXPECT_DOUBLE_EQ(cost.seconds({JobKind::Train, 0}), 100.0 / 75.0);
  EXPECT_DOUBLE_EQ(cost.flops_per_s(1), 75.0);  // not observed: pooled
  cost.observe({JobKind::Train, 1}, 4.0);       // model 1: 100 FLOPs in 4 s
  EXPECT_DOUBLE_EQ(cost.flops_per_s(1), 25.0);
  EXPECT_DOUBLE_EQ(cost.flops_per_s(2), 400.0 / 8.0);  // pooled over models 0 and 1
  EXPECT_DOUBLE_EQ(cost.flops_per_s(0), 75.0);
  cost.observe(2, 0.0, 1.0);  // ignored
  cost.observe(2, 1.0, 0.0);  // ignored
  EXPECT_DOUBLE_EQ(cost.flops_per_s(2), 50.0);
  EXPECT_DOUBLE_EQ(cost.default_flops_per_s(), 10.0);
}

TEST(CostModel, RejectsNonPositiveDefault) {
  Table t;
  EXPECT_THROW(CostModel(t.plan, t.spec, 0.0), std::invalid_argument);
}

}  // namespace
}  // namespace sweep
