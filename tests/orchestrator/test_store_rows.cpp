// The store rows the master writes for a job: parameter counts with and
// without embeddings on every metric row, and a pretrained model's
// provenance (its folder and the checksum its worker computed) on its run row.
#include <gtest/gtest.h>

#include <cmath>

#include "orchestrator/store_rows.hpp"

namespace sweep {
namespace {

SweepSpec trained_and_pretrained() {
  SweepSpec spec;
  ModelSpec gpt;
  gpt.name = "gpt";
  gpt.n_layer = 1;
  gpt.d_model = 8;
  gpt.n_head = 2;
  ModelSpec suite;
  suite.name = "pythia";
  suite.suite = true;
  suite.checkpoints = {{1000, "/models/pythia/step1"}, {2000, "/models/pythia/step2"}};
  suite.hf = "/models/pythia/step1";
  suite.n_params = 5000;
  suite.n_params_non_embedding = 3000;
  spec.models = {gpt, suite};
  spec.tasks.push_back(TaskSpec{});
  spec.grid.model = {0, 1};
  spec.grid.data_tokens = {1000, 2000};
  spec.grid.prompt = {PromptStyle::ZeroShot};
  spec.grid.task = {0};
  return spec;
}

TEST(StoreRows, APretrainedRunRecordsItsCheckpointFolderAndWeightsChecksum) {
  const SweepSpec spec = trained_and_pretrained();
  const Plan plan = expand(spec);
  ASSERT_EQ(plan.runs.size(), 4u);  // gpt x 2, pythia x 2
  ResultMsg r;
  r.job = {JobKind::Train, 3};
  r.outcome = Outcome::Ok;
  r.n_params = 5000;
  r.n_params_non_embedding = 3000;
  r.weights_sha256 = "sha256:" + std::string(64, '0');
  const std::string folder = checkpoint_of(plan, spec, "results/x.h5", 3);
  EXPECT_EQ(folder, "/models/pythia/step2");
  const store::RunRow row = run_row(plan, spec, r, folder);
  EXPECT_EQ(row.data_tokens, 2000);
  EXPECT_DOUBLE_EQ(row.train_flops, 6.0 * 5000 * 2000);
  EXPECT_EQ(row.n_params_non_embedding, 3000);
  EXPECT_EQ(row.source, "/models/pythia/step2");
  EXPECT_EQ(row.weights_sha256, r.weights_sha256);
  EXPECT_TRUE(std::isnan(row.train_loss));
}

TEST(StoreRows, ATrainedRunHasNoSourceAndCountsItsNonEmbeddingParameters) {
  const SweepSpec spec = trained_and_pretrained();
  const Plan plan = expand(spec);
  ResultMsg r;
  r.job = {JobKind::Train, 0};
  r.outcome = Outcome::Ok;
  r.n_params = plan.runs[0].n_params;
  r.n_params_non_embedding = plan.runs[0].n_params_non_embedding;
  const store::RunRow row = run_row(plan, spec, r, checkpoint_of(plan, spec, "results/x.h5", 0));
  EXPECT_EQ(row.source, "");
  EXPECT_EQ(row.weights_sha256, "");
  EXPECT_GT(row.n_params_non_embedding, 0);
  EXPECT_LT(row.n_params_non_embedding, row.n_params);
}

TEST(StoreRows, MetricRowsCarryBothParameterCountsOfTheirRun) {
  const SweepSpec spec = trained_and_pretrained();
  const Plan plan = expand(spec);
  const int point = static_cast<int>(plan.points.size()) - 1;  // pythia, 2000 tokens
  const auto rows = metric_rows(plan, spec, {JobKind::Eval, point}, {{"exact_match", 0.5, 0.1, 10, 0.01}});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].model, "pythia");
  EXPECT_EQ(rows[0].n_params, 5000);
  EXPECT_EQ(rows[0].n_params_non_embedding, 3000);
  EXPECT_EQ(rows[0].data_tokens, 2000);
  EXPECT_DOUBLE_EQ(rows[0].train_flops, 6.0 * 5000 * 2000);
}

}  // namespace
}  // namespace sweep
