// The key/value cache path of generation gives what the full recompute gives,
// and the fused attention kernel what the explicit one gives.
#include <gtest/gtest.h>

#include "kernels/eval/evaluate.hpp"
#include "kernels/model/language_model.hpp"
#include "kernels/data/tokenizer.hpp"

namespace sweep {
namespace {

GPT random_model(int layers, int block, AttentionKernel kernel = AttentionKernel::Auto) {
  torch::manual_seed(11);
  GPTConfig c;
  c.block_size = block;
  c.n_layer = layers;
  c.n_head = 2;
  c.d_model = 16;
  c.attention = kernel;
  return GPT(c);
}

LanguageModel without_cache(LanguageModel lm) {
  lm.incremental = {};
  return lm;
}

}  // namespace

TEST(KVCache, GreedyTokensMatchFullRecompute) {
  const LanguageModel cached = as_language_model(random_model(2, 48));
  ASSERT_TRUE(cached.incremental);
  const std::vector<std::string> ctx{"12+3=", "700+70=", "1=", "Q: what is 345+678?\nA: ", "9"};
  const auto fast = generate_greedy(cached, ctx, 9);
  const auto naive = generate_greedy_full_recompute(cached, ctx, 9);
  ASSERT_EQ(fast.size(), naive.size());
  for (std::size_t i = 0; i < ctx.size(); ++i) {
    EXPECT_EQ(fast[i].text, naive[i].text) << i;
    EXPECT_NEAR(fast[i].logprob, naive[i].logprob, 1e-4) << i;
  }
}

TEST(KVCache, RowsReachingTheBlockSizeStopAsInFullRecompute) {
  const LanguageModel cached = as_language_model(random_model(1, 16));
  const std::vector<std::string> ctx{"0123456789ab", "12+3=", "0123456789abcdef", "7"};
  for (int max_new : {1, 3, 8, 20}) {
    const auto fast = generate_greedy(cached, ctx, max_new);
    const auto naive = generate_greedy(without_cache(cached), ctx, max_new);
    for (std::size_t i = 0; i < ctx.size(); ++i) {
      EXPECT_EQ(fast[i].text, naive[i].text) << max_new << " " << i;
      EXPECT_NEAR(fast[i].logprob, naive[i].logprob, 1e-4) << max_new << " " << i;
    }
  }
}

// The scoring pass over context + target doubles as the generation prefill:
// its results are the two separate calls', rows of unequal context and target
// lengths included, and rows near the block size too.
TEST(ScoreAndGenerate, OnePassGivesWhatScoringAndGeneratingSeparatelyGive) {
  const LanguageModel cached = as_language_model(random_model(2, 24));
  const std::vector<std::string> ctx{"12+3=", "700+70=", "1=", "Q: 345+678?\nA: ", "9", "0123456789abcdef"};
  const std::vector<std::string> tgt{"15", "770", "1", "1023", "9999999", "ghij"};
  for (int most : {1, 5, 9}) {
    std::vector<int> max_new;  // per row: most, most - 1, ... (at least 1)
    for (std::size_t i = 0; i < ctx.size(); ++i) max_new.push_back(std::max(1, most - static_cast<int>(i)));
    const auto both = score_and_generate(cached, ctx, tgt, max_new);
    const auto lp = target_logprob(without_cache(cached), ctx, tgt);
    const auto gen = generate_greedy_full_recompute(cached, ctx, max_new);
    ASSERT_EQ(both.target_logprob.size(), ctx.size());
    ASSERT_EQ(both.generations.size(), ctx.size());
    for (std::size_t i = 0; i < ctx.size(); ++i) {
      EXPECT_NEAR(both.target_logprob[i], lp[i], 1e-4) << most << " " << i;
      EXPECT_EQ(both.generations[i].text, gen[i].text) << most << " " << i;
      EXPECT_NEAR(both.generations[i].logprob, gen[i].logprob, 1e-4) << most << " " << i;
      // Alone, each row continues exactly as in the batch.
      const auto alone = generate_greedy_full_recompute(cached, {ctx[i]}, max_new[i])[0];
      EXPECT_EQ(alone.text, gen[i].text) << most << " " << i;
      EXPECT_NEAR(alone.logprob, gen[i].logprob, 1e-4) << most << " " << i;
    }
  }
  // Without a cache it is the two calls themselves.
  const std::vector<int> five(ctx.size(), 5);
  const auto plain = score_and_generate(without_cache(cached), ctx, tgt, five);
  EXPECT_EQ(plain.target_logprob, target_logprob(without_cache(cached), ctx, tgt));
  EXPECT_EQ(plain.generations, generate_greedy_full_recompute(cached, ctx, 5));
}

TEST(KVCache, StepwiseLogitsEqualTheFullForward) {
  GPT model = random_model(2, 32);
  model->eval();
  torch::NoGradGuard no_grad;
  auto idx = torch::randint(0, 256, {3, 20}, torch::kInt64);  // (B, T)
  auto full = model->forward(idx);                              // (B, T, V)
  KVCache cache = model->new_cache(3, 32);
  auto prefix = model->forward_cached(idx.narrow(1, 0, 7), torch::zeros({3}, torch::kInt64), cache);  // (B, 7, V)
  EXPECT_TRUE(torch::allclose(prefix, full.narrow(1, 0, 7), 1e-5, 1e-5));
  for (std::int64_t t = 7; t < 20; ++t) {
    auto step = model->forward_cached(idx.narrow(1, t, 1), torch::full({3}, t, torch::kInt64), cache);  // (B, 1, V)
    EXPECT_TRUE(torch::allclose(step, full.narrow(1, t, 1), 1e-5, 1e-5)) << t;
  }
}

TEST(KVCache, RowsAtDifferentPositionsEachSeeOnlyTheirOwnPrefix) {
  GPT model = random_model(2, 32);
  model->eval();
  torch::NoGradGuard no_grad;
  auto a = torch::randint(0, 256, {1, 9}, torch::kInt64), b = torch::randint(0, 256, {1, 5}, torch::kInt64);
  auto batch = torch::full({2, 9}, static_cast<std::int64_t>('\n'), torch::kInt64);  // (2, 9) right-padded
  batch.narrow(0, 0, 1).copy_(a);
  batch.narrow(0, 1, 1).narrow(1, 0, 5).copy_(b);
  KVCache cache = model->new_cache(2, 32);
  model->forward_cached(batch, torch::zeros({2}, torch::kInt64), cache);
  // Row 0 continues at position 9, row 1 at position 5 (over its padding).
  auto next = torch::tensor({std::int64_t{65}, std::int64_t{66}}).view({2, 1});  // (2, 1)
  auto got = model->forward_cached(next, torch::tensor({std::int64_t{9}, std::int64_t{5}}), cache);  // (2, 1, V)
  auto want_a = model->forward(torch::cat({a, next.narrow(0, 0, 1)}, 1)).narrow(1, 9, 1);  // (1, 1, V)
  auto want_b = model->forward(torch::cat({b, next.narrow(0, 1, 1)}, 1)).narrow(1, 5, 1);  // (1, 1, V)
  EXPECT_TRUE(torch::allclose(got.narrow(0, 0, 1), want_a, 1e-5, 1e-5));
  EXPECT_TRUE(torch::allclose(got.narrow(0, 1, 1), want_b, 1e-5, 1e-5));
}

TEST(Attention, FusedKernelsGiveTheExplicitPathsLogitsAndGradients) {
  for (AttentionKernel kernel : {AttentionKernel::Fused, AttentionKernel::FusedCpu}) {
    GPT exp = random_model(2, 48, AttentionKernel::Explicit), fused = random_model(2, 48, kernel);
    auto idx = torch::randint(0, 256, {2, 40}, torch::kInt64);
    auto le = exp->forward(idx), lf = fused->forward(idx);  // (B, T, V)
    EXPECT_TRUE(torch::allclose(le, lf, 1e-5, 1e-5));
    lm_loss(le, idx).backward();
    lm_loss(lf, idx).backward();
    auto pe = exp->parameters(), pf = fused->parameters();
    for (std::size_t i = 0; i < pe.size(); ++i)
      EXPECT_TRUE(torch::allclose(pe[i].grad(), pf[i].grad(), 1e-4, 1e-6)) << static_cast<int>(kernel) << " " << i;
  }
}

}  // namespace sweep
