#include <gtest/gtest.h>

#include "kernels/evaluate.hpp"
#include "kernels/tokenizer.hpp"
#include "kernels/trainer.hpp"

namespace sweep {
namespace {

GPT untrained() {
  torch::manual_seed(5);
  GPTConfig c;
  c.block_size = 48;
  c.n_layer = 1;
  c.n_head = 2;
  c.d_model = 16;
  return GPT(c);
}

}  // namespace

TEST(Evaluate, TargetLogprobMatchesSingleSequenceForward) {
  GPT model = untrained();
  const std::vector<std::string> ctx{"12+3=", "7+70=", "1+1="}, tgt{"15", "77", "2"};
  const auto batched = target_logprob(model, ctx, tgt);
  for (std::size_t i = 0; i < ctx.size(); ++i) {
    torch::NoGradGuard no_grad;
    const auto ids = encode(ctx[i] + tgt[i]);
    auto x = torch::tensor(ids).unsqueeze(0);
    auto logp = torch::log_softmax(model->forward(x), -1);  // (1, T, V)
    double want = 0.0;
    for (std::size_t k = 0; k < tgt[i].size(); ++k) {
      const auto pos = static_cast<std::int64_t>(ctx[i].size() + k - 1);
      want += logp.index({0, pos, ids[ctx[i].size() + k]}).item<double>();
    }
    EXPECT_NEAR(batched[i], want, 1e-4) << i;
  }
}

TEST(Evaluate, BatchedGenerationEqualsOneAtATime) {
  GPT model = untrained();
  const std::vector<std::string> ctx{"12+3=", "700+70=", "1="};
  const auto batched = generate_greedy(model, ctx, 6);
  for (std::size_t i = 0; i < ctx.size(); ++i) EXPECT_EQ(generate_greedy(model, {ctx[i]}, 6)[0], batched[i]);
}

TEST(Evaluate, MetricsAreInRangeAndStderrIsSampleStd) {
  GPT model = untrained();
  TaskSpec t;
  t.name = "add2";
  EvalSpec e;
  e.examples = 10;
  e.batch_size = 4;
  for (PromptStyle s : {PromptStyle::ZeroShot, PromptStyle::FewShot, PromptStyle::Cot}) {
    const EvalResult r = evaluate(model, Task(t, 1), s, e, 48, 1);
    EXPECT_EQ(r.exact_match.n, 10);
    EXPECT_GE(r.exact_match.mean, 0.0);
    EXPECT_LE(r.exact_match.mean, 1.0);
    EXPECT_LT(r.logprob.mean, 0.0);
  }
  const MetricStat s = mean_stat({1.0, 0.0, 1.0, 0.0});
  EXPECT_DOUBLE_EQ(s.mean, 0.5);
  EXPECT_NEAR(s.std_err, std::sqrt((4 * 0.25 / 3.0) / 4.0), 1e-12);
}

}  // namespace sweep
