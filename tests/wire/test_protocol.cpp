// The wire protocol: messages round-trip, truncated ones are errors.
#include <gtest/gtest.h>

#include "wire/protocol.hpp"

namespace sweep {

TEST(Protocol, JobMessageRoundTrips) {
  JobMsg m{{JobKind::Eval, 17}, 123456789012345LL, "results/grid.ckpt/m-80000.pt", 3, {4, 2, 7}, 1234};
  const JobMsg back = decode_job(encode(m));
  EXPECT_EQ(back.job.kind, JobKind::Eval);
  EXPECT_EQ(back.job.index, 17);
  EXPECT_EQ(back.id, m.id);
  EXPECT_EQ(back.checkpoint, m.checkpoint);
  EXPECT_EQ(back.attempt, 3);
  EXPECT_EQ(back.group, (std::vector<std::int32_t>{4, 2, 7}));
  EXPECT_EQ(back.group_tag, 1234);
}

TEST(Protocol, CurveMessageRoundTrips) {
  CurveMsg m{4, 2, {{10, 10240, 2.5, 1e-3, 0.7, 1.5}, {20, 20480, 2.1, 2e-3, 0.6, 3.0}}};
  const CurveMsg back = decode_curve(encode(m));
  EXPECT_EQ(back.run, 4);
  EXPECT_EQ(back.attempt, 2);
  ASSERT_EQ(back.points.size(), 2u);
  EXPECT_EQ(back.points[1].tokens, 20480);
  EXPECT_DOUBLE_EQ(back.points[1].grad_norm, 0.6);
}

TEST(Protocol, ResultMessageRoundTripsMetricsAndErrors) {
  ResultMsg r;
  r.job = {JobKind::Train, 3};
  r.outcome = Outcome::Diverged;
  r.error = "training diverged: loss is nan at step 4";
  r.n_params = 484416;
  r.seconds = 12.5;
  r.metrics = {{"train_loss", 1.25, 0.01, 1024, 5.545}, {"eval_loss", 1.5, 0.02, 16384, 5.545}};
  r.example = {"47+85=", "132", "131"};
  const ResultMsg back = decode_result(encode(r));
  EXPECT_EQ(back.job.index, 3);
  EXPECT_EQ(back.outcome, Outcome::Diverged);
  EXPECT_EQ(back.error, r.error);
  EXPECT_EQ(back.n_params, 484416);
  ASSERT_EQ(back.metrics.size(), 2u);
  EXPECT_EQ(back.metrics[1].metric, "eval_loss");
  EXPECT_EQ(back.metrics[1].n_examples, 16384);
  EXPECT_DOUBLE_EQ(back.metrics[0].std_err, 0.01);
  EXPECT_DOUBLE_EQ(back.metrics[1].random_baseline, 5.545);
  EXPECT_EQ(back.example.context, "47+85=");
  EXPECT_EQ(back.example.target, "132");
  EXPECT_EQ(back.example.output, "131");
}

TEST(Protocol, ResultMessageCarriesAPretrainedModelsProvenance) {
  ResultMsg r;
  r.job = {JobKind::Train, 1};
  r.outcome = Outcome::Ok;
  r.n_params = 70426624;
  r.n_params_non_embedding = 18915328;
  r.weights_sha256 = "sha256:" + std::string(64, 'f');
  r.peak_rss_bytes = 7;
  const ResultMsg back = decode_result(encode(r));
  EXPECT_EQ(back.n_params, 70426624);
  EXPECT_EQ(back.n_params_non_embedding, 18915328);
  EXPECT_EQ(back.weights_sha256, r.weights_sha256);
  EXPECT_EQ(back.peak_rss_bytes, 7);
}

TEST(Protocol, TruncatedMessageIsAnError) {
  std::string bytes = encode(JobMsg{{JobKind::Train, 1}, 2, "x.pt", 1, {}, 0});
  bytes.resize(bytes.size() - 3);
  EXPECT_THROW(decode_job(bytes), std::runtime_error);
}

}  // namespace sweep
