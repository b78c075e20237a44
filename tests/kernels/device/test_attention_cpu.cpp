// sweep's fused CPU attention (kernels/device/attention_cpu.hpp) computes causal
// softmax attention and its gradient as the plain tensor formula does, at
// sequence lengths on and off its row-block size, and independently of the
// thread count; its decode step matches the formula at each row's position.
#include <gtest/gtest.h>

#include <ATen/Parallel.h>

#include <cmath>

#include "kernels/device/attention_cpu.hpp"

namespace sweep {
namespace {

// The textbook formula: (B, T, 3C) -> (B, T, C).
torch::Tensor reference(const torch::Tensor& qkv, int H) {
  const auto B = qkv.size(0), T = qkv.size(1), C = qkv.size(2) / 3, hs = C / H;
  auto parts = qkv.split(C, 2);
  auto heads = [&](const torch::Tensor& t) { return t.reshape({B, T, H, hs}).transpose(1, 2); };  // (B, H, T, hs)
  auto att = torch::matmul(heads(parts[0]), heads(parts[1]).transpose(-2, -1)) / std::sqrt(double(hs));  // (B, H, T, T)
  auto later = torch::ones({T, T}, torch::kBool).triu(1);
  att = torch::softmax(att.masked_fill(later, -INFINITY), -1);
  return torch::matmul(att, heads(parts[2])).transpose(1, 2).reshape({B, T, C});  // (B, T, C)
}

struct Grads {
  torch::Tensor y, dqkv;
};

Grads run(const torch::Tensor& qkv0, const torch::Tensor& dy, int H, bool fused) {
  auto qkv = qkv0.detach().clone().requires_grad_(true);
  auto y = fused ? causal_attention_cpu(qkv, H) : reference(qkv, H);
  y.backward(dy);
  return {y.detach(), qkv.grad()};
}

}  // namespace

TEST(AttentionCpu, MatchesTheTensorFormulaAndItsGradient) {
  torch::manual_seed(3);
  // T around the 32-row block (1, 31, 32, 33), a ragged one (45) and the grid's 128.
  for (std::int64_t T : {1, 31, 32, 33, 45, 128})
    for (int H : {1, 2, 4})
      for (std::int64_t hs : {8, 32}) {
        const std::int64_t B = 3, C = H * hs;
        auto qkv = torch::randn({B, T, 3 * C});
        auto dy = torch::randn({B, T, C});
        const Grads want = run(qkv, dy, H, false), got = run(qkv, dy, H, true);
        EXPECT_TRUE(torch::allclose(got.y, want.y, 1e-5, 1e-5))
            << "T " << T << " H " << H << " hs " << hs << ": |dy| " << (got.y - want.y).abs().max().item<float>();
        EXPECT_TRUE(torch::allclose(got.dqkv, want.dqkv, 1e-4, 1e-5))
            << "T " << T << " H " << H << " hs " << hs << ": |dqkv| "
            << (got.dqkv - want.dqkv).abs().max().item<float>();
      }
}

// Scores in the thousands: e^x underflows to 0 for all but a few keys per
// row and the gradient is ill-conditioned, so both float32 computations are
// judged against the formula in float64: the kernel may not be much worse.
TEST(AttentionCpu, LargeScoresStayFiniteAndAsAccurateAsTheTensorFormula) {
  torch::manual_seed(4);
  auto qkv = torch::randn({2, 40, 3 * 16}) * 30.0;
  auto dy = torch::randn({2, 40, 16});
  const Grads exact = run(qkv.to(torch::kFloat64), dy.to(torch::kFloat64), 2, false);
  const Grads formula = run(qkv, dy, 2, false), got = run(qkv, dy, 2, true);
  EXPECT_TRUE(torch::isfinite(got.y).all().item<bool>());
  EXPECT_TRUE(torch::isfinite(got.dqkv).all().item<bool>());
  auto error = [](const torch::Tensor& a, const torch::Tensor& exact) {
    return ((a.to(torch::kFloat64) - exact).norm() / exact.norm()).item<double>();
  };
  EXPECT_LT(error(got.y, exact.y), std::max(1e-6, 3 * error(formula.y, exact.y)));
  EXPECT_LT(error(got.dqkv, exact.dqkv), std::max(1e-6, 3 * error(formula.dqkv, exact.dqkv)))
      << "kernel " << error(got.dqkv, exact.dqkv) << ", float32 formula " << error(formula.dqkv, exact.dqkv);
}

TEST(AttentionCpu, SameResultsAtOneAndTwoThreads) {
  torch::manual_seed(5);
  auto qkv = torch::randn({4, 70, 3 * 64});
  auto dy = torch::randn({4, 70, 64});
  const int before = at::get_num_threads();
  at::set_num_threads(1);
  const Grads one = run(qkv, dy, 4, true);
  at::set_num_threads(2);
  const Grads two = run(qkv, dy, 4, true);
  at::set_num_threads(before);
  EXPECT_TRUE(torch::equal(one.y, two.y));
  EXPECT_TRUE(torch::equal(one.dqkv, two.dqkv));
}

TEST(AttentionCpu, RefusesWhatItCannotRun) {
  EXPECT_FALSE(causal_attention_cpu_supports(torch::randn({2, 5, 12}, torch::kFloat64)));
  EXPECT_FALSE(causal_attention_cpu_supports(torch::randn({2, 5, 13})));
  EXPECT_THROW(causal_attention_cpu(torch::randn({2, 5, 12}), 5), c10::Error);  // 4 channels, 5 heads
}

// A decode step: each row's query, at its own position, against a cache
// holding that row's keys and values, gives the causal formula's output at
// that position; cache slots past the position (here garbage) are not read.
TEST(DecodeAttentionCpu, EachRowMatchesTheCausalFormulaAtItsPosition) {
  torch::manual_seed(6);
  for (int H : {1, 4})
    for (std::int64_t hs : {8, 24}) {
      const std::int64_t B = 4, T = 37, L = 48, C = H * hs;
      auto qkv = torch::randn({B, T, 3 * C});
      const auto want = reference(qkv, H);                                          // (B, T, C)
      auto parts = qkv.split(C, 2);
      auto k_cache = torch::randn({B, H, L, hs}) * 100, v_cache = torch::randn({B, H, L, hs}) * 100;
      k_cache.narrow(2, 0, T).copy_(parts[1].reshape({B, T, H, hs}).transpose(1, 2));  // (B, H, T, hs)
      v_cache.narrow(2, 0, T).copy_(parts[2].reshape({B, T, H, hs}).transpose(1, 2));
      auto pos = torch::tensor({std::int64_t{0}, std::int64_t{36}, std::int64_t{17}, std::int64_t{31}});  // (B)
      auto step = torch::empty({B, 1, 3 * C});
      for (std::int64_t b = 0; b < B; ++b) step[b] = qkv[b][pos[b].item<std::int64_t>()];
      ASSERT_TRUE(decode_attention_cpu_supports(step, k_cache, v_cache));
      const auto got = decode_attention_cpu(step, k_cache, v_cache, pos, H);      // (B, 1, C)
      for (std::int64_t b = 0; b < B; ++b) {
        const auto row = want[b][pos[b].item<std::int64_t>()];
        EXPECT_TRUE(torch::allclose(got[b][0], row, 1e-5, 1e-5))
            << "H " << H << " hs " << hs << " row " << b << ": |dy| " << (got[b][0] - row).abs().max().item<float>();
      }
    }
}

TEST(DecodeAttentionCpu, RefusesGradientsStridedCachesAndPositionsOutsideTheCache) {
  auto step = torch::randn({2, 1, 3 * 8}), k = torch::randn({2, 2, 6, 4}), v = torch::randn({2, 2, 6, 4});
  EXPECT_TRUE(decode_attention_cpu_supports(step, k, v));
  EXPECT_FALSE(decode_attention_cpu_supports(step.clone().requires_grad_(true), k, v));
  {
    torch::NoGradGuard no_grad;  // inference: a parameter-derived qkv is fine
    EXPECT_TRUE(decode_attention_cpu_supports(step.clone().requires_grad_(true), k, v));
  }
  EXPECT_FALSE(decode_attention_cpu_supports(step, k.transpose(2, 3), v));
  EXPECT_FALSE(decode_attention_cpu_supports(torch::randn({2, 2, 3 * 8}), k, v));  // two new tokens
  EXPECT_THROW(decode_attention_cpu(step, k, v, torch::tensor({std::int64_t{0}, std::int64_t{6}}), 2), c10::Error);
  EXPECT_THROW(decode_attention_cpu(step, k, v, torch::tensor({std::int64_t{0}, std::int64_t{1}}), 4), c10::Error);
}

}  // namespace sweep
