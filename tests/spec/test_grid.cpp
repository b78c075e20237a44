// A grid's expansion into train and eval jobs.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "spec/model_size.hpp"
#include "spec/config.hpp"
#include "spec/grid.hpp"

namespace sweep {
namespace {

SweepSpec three_by_two() {
  return load_spec_text(R"(
[sweep]
seed = 5
[grid]
model       = ["a", "b", "c"]
data_tokens = [1000, 4000]
prompt      = ["zero_shot", "few_shot", "cot"]
task        = ["addition", "modular"]
[model.a]
n_layer = 1
d_model = 8
n_head = 2
[model.b]
n_layer = 2
d_model = 16
n_head = 2
[model.c]
n_layer = 2
d_model = 32
n_head = 4
)",
                        "three_by_two.toml");
}

}  // namespace

TEST(GridExpansion, OneRunPerModelAndDataSizeOnePointPerPromptAndTask) {
  const Plan plan = expand(three_by_two());
  EXPECT_EQ(plan.runs.size(), 3u * 2u);
  EXPECT_EQ(plan.points.size(), 3u * 2u * 3u * 2u);
  for (std::size_t r = 0; r < plan.runs.size(); ++r) {
    int points = 0;
    for (const auto& p : plan.points) points += p.run == static_cast<int>(r);
    EXPECT_EQ(points, 3 * 2);
  }
}

TEST(GridExpansion, EveryPointIsADistinctCombination) {
  const SweepSpec spec = three_by_two();
  const Plan plan = expand(spec);
  std::set<std::tuple<int, std::int64_t, int, int>> seen;
  std::set<std::int64_t> ids;
  for (const auto& p : plan.points) {
    const auto& run = plan.runs[p.run];
    seen.insert({run.model, run.data_tokens, static_cast<int>(p.prompt), p.task});
    ids.insert(p.point_id);
  }
  EXPECT_EQ(seen.size(), plan.points.size());
  EXPECT_EQ(ids.size(), plan.points.size());
}

TEST(GridExpansion, IdsAreHashesOfResolvedConfigNotPositions) {
  const SweepSpec spec = three_by_two();
  const Plan plan = expand(spec);
  EXPECT_EQ(plan.runs[0].run_id, config_id(run_config(spec, 0, 1000)));
  EXPECT_EQ(plan.runs[0].config.find("seed=5;model=a;n_layer=1;d_model=8;n_head=2;"), 0u);
  EXPECT_GE(plan.runs[0].run_id, 0);
  // The same point in a grid listed in another order keeps its id.
  SweepSpec reordered = spec;
  std::reverse(reordered.grid.data_tokens.begin(), reordered.grid.data_tokens.end());
  const Plan again = expand(reordered);
  std::set<std::int64_t> a, b;
  for (const auto& p : plan.points) a.insert(p.point_id);
  for (const auto& p : again.points) b.insert(p.point_id);
  EXPECT_EQ(a, b);
}

TEST(GridExpansion, ChangingAModelsShapeChangesItsIds) {
  SweepSpec spec = three_by_two();
  const Plan before = expand(spec);
  spec.models[0].d_model = 16;
  const Plan after = expand(spec);
  EXPECT_NE(before.runs[0].run_id, after.runs[0].run_id);
  EXPECT_NE(before.points[0].point_id, after.points[0].point_id);
  EXPECT_EQ(before.runs[2].run_id, after.runs[2].run_id);  // model b is unchanged
}

TEST(GridExpansion, RunsCarryParameterCountAndTrainingFlops) {
  const SweepSpec spec = three_by_two();
  const Plan plan = expand(spec);
  const TrainRun& last = plan.runs.back();  // model c, 4000 tokens
  EXPECT_EQ(last.n_params, gpt_param_count(2, 32, 256, spec.train.seq_len));
  EXPECT_DOUBLE_EQ(last.train_flops, 6.0 * last.n_params * 4000);
  EXPECT_LT(plan.runs[0].n_params, plan.runs[2].n_params);
}

TEST(GridExpansion, WithoutConfigsTheSameJobsForPlanning) {
  const SweepSpec spec = three_by_two();
  const Plan full = expand(spec);
  const Plan lean = expand(spec, ExpandOptions{false});
  ASSERT_EQ(lean.runs.size(), full.runs.size());
  ASSERT_EQ(lean.points.size(), full.points.size());
  for (std::size_t r = 0; r < full.runs.size(); ++r) {
    EXPECT_TRUE(lean.runs[r].config.empty());
    EXPECT_EQ(lean.runs[r].run_id, 0);
    EXPECT_EQ(lean.runs[r].model, full.runs[r].model);
    EXPECT_EQ(lean.runs[r].n_params, full.runs[r].n_params);
    EXPECT_EQ(lean.runs[r].train_flops, full.runs[r].train_flops);
  }
  for (std::size_t p = 0; p < full.points.size(); ++p) {
    EXPECT_TRUE(lean.points[p].config.empty());
    EXPECT_EQ(lean.points[p].run, full.points[p].run);
    EXPECT_EQ(lean.points[p].prompt, full.points[p].prompt);
    EXPECT_EQ(lean.points[p].task, full.points[p].task);
  }
  EXPECT_FALSE(full.points[0].config.empty());
}

}  // namespace sweep

namespace sweep {

TEST(GridExpansion, ATorchscriptModelGetsOneEvalOnlyRunWhateverTheDataSizes) {
  SweepSpec spec = three_by_two();
  ModelSpec ext;
  ext.name = "ext";
  ext.torchscript = "/models/ext.pt";
  ext.n_params = 123456;
  spec.models.push_back(ext);
  spec.grid.model.push_back(3);
  const Plan plan = expand(spec);
  ASSERT_EQ(plan.runs.size(), 3u * 2u + 1u);
  const TrainRun& run = plan.runs.back();
  EXPECT_EQ(run.model, 3);
  EXPECT_EQ(run.data_tokens, 0);
  EXPECT_EQ(run.n_params, 123456);
  EXPECT_EQ(run.train_flops, 0.0);
  EXPECT_NE(run.config.find("torchscript=/models/ext.pt"), std::string::npos) << run.config;
  const auto points = std::count_if(plan.points.begin(), plan.points.end(), [&](const EvalPoint& p) {
    return p.run == static_cast<int>(plan.runs.size()) - 1;
  });
  EXPECT_EQ(points, 3 * 2);  // every prompt and task
}

TEST(GridExpansion, EveryTaskParameterIsPartOfThePointId) {
  SweepSpec spec = three_by_two();
  TaskSpec t;
  t.name = "neg";
  t.kind = TaskKind::Negation;
  spec.tasks.push_back(t);
  spec.grid.task = {static_cast<int>(spec.tasks.size()) - 1};
  const std::int64_t id = expand(spec).points[0].point_id;
  spec.tasks.back().scoring = Scoring::Generation;
  EXPECT_NE(expand(spec).points[0].point_id, id);
  spec.tasks.back().fact_fraction = 0.25;
  const std::int64_t id2 = expand(spec).points[0].point_id;
  spec.tasks.back().symbols = 7;
  EXPECT_NE(expand(spec).points[0].point_id, id2);
}

}  // namespace sweep

namespace sweep {

// A checkpoint suite as the loader leaves it: the checkpoints the grid's
// data_tokens chose (1000 and 4000 of three_by_two's), with the folder's counts.
ModelSpec pretrained_suite() {
  ModelSpec m;
  m.name = "pythia";
  m.suite = true;
  m.checkpoints = {{1000, "/models/pythia/step1"}, {4000, "/models/pythia/step4"}};
  m.hf = "/models/pythia/step1";
  m.n_params = 70'426'624;
  m.n_params_non_embedding = 18'915'328;
  return m;
}

TEST(GridExpansion, ASuiteGetsOneEvalOnlyRunPerChosenCheckpointWithItsTokensAsDAndC) {
  SweepSpec spec = three_by_two();
  spec.models.push_back(pretrained_suite());
  spec.grid.model.push_back(3);
  const Plan plan = expand(spec);
  ASSERT_EQ(plan.runs.size(), 3u * 2u + 2u);
  for (int k = 0; k < 2; ++k) {
    const TrainRun& run = plan.runs[6 + k];
    const std::int64_t d = k == 0 ? 1000 : 4000;
    EXPECT_EQ(run.model, 3);
    EXPECT_EQ(run.data_tokens, d);
    EXPECT_EQ(run.n_params, 70'426'624);
    EXPECT_EQ(run.n_params_non_embedding, 18'915'328);
    EXPECT_DOUBLE_EQ(run.train_flops, 6.0 * 70'426'624 * static_cast<double>(d));
    EXPECT_NE(run.config.find(";hf=/models/pythia/step" + std::to_string(d / 1000) + ";dtype=float32;"),
              std::string::npos)
        << run.config;
  }
  EXPECT_EQ(plan.points.size(), (3u * 2u + 2u) * 3u * 2u);
}

TEST(GridExpansion, ASuiteSkipsTheDataTokensItHasNoCheckpointFor) {
  SweepSpec spec = three_by_two();
  ModelSpec m = pretrained_suite();
  m.checkpoints.erase(4000);
  spec.models.push_back(m);
  spec.grid.model = {3};
  const Plan plan = expand(spec);
  ASSERT_EQ(plan.runs.size(), 1u);
  EXPECT_EQ(plan.runs[0].data_tokens, 1000);
  EXPECT_EQ(skipped_data_tokens(spec, 3), std::vector<std::int64_t>{4000});
  EXPECT_TRUE(skipped_data_tokens(spec, 0).empty());
}

TEST(GridExpansion, OneFolderRunsOnceWithItsDeclaredDataTokens) {
  SweepSpec spec = three_by_two();
  ModelSpec m;
  m.name = "gpt2";
  m.hf = "/models/gpt2";
  m.n_params = 124'439'808;
  m.data_tokens = 9'000'000'000;
  spec.models.push_back(m);
  spec.grid.model = {3};
  Plan plan = expand(spec);
  ASSERT_EQ(plan.runs.size(), 1u);
  EXPECT_EQ(plan.runs[0].data_tokens, 9'000'000'000);
  EXPECT_DOUBLE_EQ(plan.runs[0].train_flops, 6.0 * 124'439'808 * 9e9);
  spec.models[3].data_tokens = 0;  // undeclared: D and C are 0
  plan = expand(spec);
  EXPECT_EQ(plan.runs[0].data_tokens, 0);
  EXPECT_EQ(plan.runs[0].train_flops, 0.0);
}

TEST(GridExpansion, ThePretrainedFolderAndDtypeArePartOfTheIds) {
  SweepSpec spec = three_by_two();
  spec.models.push_back(pretrained_suite());
  spec.grid.model = {3};
  const std::int64_t id = expand(spec).runs[0].run_id;
  spec.models[3].dtype = ModelDType::BFloat16;
  const std::int64_t bf16 = expand(spec).runs[0].run_id;
  spec.models[3].checkpoints[1000] = "/elsewhere/step1";
  const std::int64_t moved = expand(spec).runs[0].run_id;
  EXPECT_NE(id, bf16);
  EXPECT_NE(bf16, moved);
}

TEST(GridExpansion, TrainedRunsCountTheirParametersLessTheEmbeddings) {
  const SweepSpec spec = three_by_two();
  const Plan plan = expand(spec);
  const TrainRun& last = plan.runs.back();  // model c: 2 layers of width 32
  EXPECT_EQ(last.n_params_non_embedding, last.n_params - (256 + spec.train.seq_len) * 32);
  EXPECT_EQ(last.n_params_non_embedding, gpt_non_embedding_param_count(2, 32));
}

}  // namespace sweep
