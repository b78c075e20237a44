// sweep's fused CPU GELU against ATen's.
#include <gtest/gtest.h>

#include <ATen/Parallel.h>

#include <string>

#include "kernels/device/fused_cpu.hpp"

namespace sweep {
namespace {

// (n,) normal values scaled by 4, with the tails the exp clamp must survive
// (|x| of 10, 20, 100, 1e4) and zero at the front.
torch::Tensor inputs(std::int64_t n) {
  torch::manual_seed(7);
  auto x = torch::randn({n}) * 4.0;
  const float tails[] = {0.0f, 20.0f, -20.0f, 100.0f, -100.0f, 10.0f, -10.0f, 1e4f, -1e4f};
  for (std::int64_t i = 0; i < std::min<std::int64_t>(n, 9); ++i) x[i] = tails[i];
  return x;
}

// |a - b| <= tol * max(1, |b|): an absolute bound near 0, relative for large values.
float scaled_error(const torch::Tensor& a, const torch::Tensor& b) {
  return ((a - b).abs() / b.abs().clamp_min(1.0)).max().item<float>();
}

struct ForwardBackward {
  torch::Tensor y, grad;
  std::string grad_fn;
};

template <class Gelu>
ForwardBackward run(const torch::Tensor& x0, const torch::Tensor& grad_out, Gelu gelu) {
  auto x = x0.detach().clone().requires_grad_(true);
  auto y = gelu(x);
  y.backward(grad_out);
  return {y.detach(), x.grad(), y.grad_fn()->name()};
}

}  // namespace

TEST(FusedGelu, MatchesAtenForwardAndBackward) {
  // 100003 and 17: not multiples of any vector width; 100003 > 2 parallel_for grains.
  for (std::int64_t n : {1, 17, 1024, 100003}) {
    const auto x = inputs(n);
    const auto grad_out = torch::randn({n});
    const auto fused = run(x, grad_out, [](const torch::Tensor& t) { return gelu_tanh(t); });
    const auto aten = run(x, grad_out, [](const torch::Tensor& t) { return torch::gelu(t, "tanh"); });
    EXPECT_NE(fused.grad_fn.find("GeluTanh"), std::string::npos) << fused.grad_fn;
    // ATen's float backward loses ~3e-6 to cancellation in 1 + tanh and
    // 1 - tanh^2 where x < 0; against float64 the fused kernel is within ~2e-7.
    const auto exact = run(x.to(torch::kDouble), grad_out.to(torch::kDouble),
                           [](const torch::Tensor& t) { return torch::gelu(t, "tanh"); });
    EXPECT_LE(scaled_error(fused.y, exact.y.to(torch::kFloat)), 1e-6) << "n=" << n;
    EXPECT_LE(scaled_error(fused.grad, exact.grad.to(torch::kFloat)), 1e-6) << "n=" << n;
    EXPECT_LE(scaled_error(fused.y, aten.y), 2e-6) << "n=" << n;
    EXPECT_LE(scaled_error(fused.grad, aten.grad), 5e-6) << "n=" << n;
    EXPECT_TRUE(torch::isfinite(fused.y).all().item<bool>());
    EXPECT_TRUE(torch::isfinite(fused.grad).all().item<bool>());
  }
  // The tails exactly: gelu(x) = x and gelu' = 1 far right, 0 and 0 far left.
  const auto tails = run(inputs(9), torch::ones({9}), [](const torch::Tensor& t) { return gelu_tanh(t); });
  EXPECT_FLOAT_EQ(tails.y[1].item<float>(), 20.0f);
  EXPECT_FLOAT_EQ(tails.grad[3].item<float>(), 1.0f);
  EXPECT_NEAR(tails.y[4].item<float>(), 0.0f, 1e-30);
  EXPECT_NEAR(tails.grad[4].item<float>(), 0.0f, 1e-30);

  // (B, T, C) activations as the MLP makes them, through the raw kernels too.
  const auto act = inputs(2 * 5 * 96).view({2, 5, 96});
  auto y = torch::empty_like(act);
  gelu_tanh_forward(act.data_ptr<float>(), y.data_ptr<float>(), act.numel());
  EXPECT_LE(scaled_error(y, torch::gelu(act, "tanh")), 2e-6);
}

TEST(FusedGelu, NonContiguousAndNonFloatInputsTakeAtensPath) {
  const auto x = inputs(64 * 48).view({64, 48}).t();  // (48, 64), strided
  ASSERT_FALSE(x.is_contiguous());
  const auto grad_out = torch::randn({48, 64});
  const auto fused = run(x, grad_out, [](const torch::Tensor& t) { return gelu_tanh(t); });
  const auto aten = run(x, grad_out, [](const torch::Tensor& t) { return torch::gelu(t, "tanh"); });
  EXPECT_EQ(fused.grad_fn, aten.grad_fn);
  EXPECT_TRUE(torch::equal(fused.y, aten.y));
  EXPECT_TRUE(torch::equal(fused.grad, aten.grad));

  const auto d = inputs(100).to(torch::kDouble);
  EXPECT_TRUE(torch::equal(gelu_tanh(d), torch::gelu(d, "tanh")));
}

TEST(FusedGelu, SameResultAtOneAndTwoThreads) {
  const int threads = at::get_num_threads();
  const auto x = inputs(100003);  // 2 chunks of 50002 at 2 threads: a split off the vector width
  const auto grad_out = torch::randn({100003});
  auto gelu = [](const torch::Tensor& t) { return gelu_tanh(t); };
  at::set_num_threads(1);
  const auto one = run(x, grad_out, gelu);
  at::set_num_threads(2);
  const auto two = run(x, grad_out, gelu);
  at::set_num_threads(threads);
  EXPECT_TRUE(torch::equal(one.y, two.y));
  EXPECT_TRUE(torch::equal(one.grad, two.grad));
}

}  // namespace sweep
