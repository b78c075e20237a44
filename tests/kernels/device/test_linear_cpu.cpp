// Specification of sweep's CPU linear layer (kernels/device/linear_cpu.hpp): the same
// values and gradients as torch's linear, the same bits at any thread count, the
// weight's gradient summed into an existing gradient buffer in place, and the
// framework path for what it does not take.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <tuple>
#include <vector>

#include "kernels/device/linear_cpu.hpp"

namespace sweep {
namespace {

struct Grads {
  torch::Tensor y, gx, gw, gb;
};

// y = linear(x, w, b) and the gradients of sum(y * probe), in x's dtype.
template <typename F>
Grads run(F&& f, torch::Tensor x, torch::Tensor w, torch::Tensor b, const torch::Tensor& probe) {
  x = x.detach().requires_grad_(true);
  w = w.detach().requires_grad_(true);
  if (b.defined()) b = b.detach().requires_grad_(true);
  auto y = f(x, w, b);
  (y * probe.to(y.dtype())).sum().backward();
  return {y.detach(), x.grad(), w.grad(), b.defined() ? b.grad() : torch::Tensor()};
}

TEST(LinearCpu, MatchesTorchLinearAndItsGradientsInFloat64) {
  torch::manual_seed(3);
  // (leading shape, K, N): 3-D and 2-D inputs, odd sizes, and the model's shapes.
  const std::vector<std::tuple<std::vector<std::int64_t>, std::int64_t, std::int64_t>> cases = {
      {{2, 5}, 7, 3}, {{1}, 1, 1}, {{4, 33}, 96, 288}, {{37}, 256, 1024}, {{2, 64}, 384, 96}};
  for (const auto& [lead, K, N] : cases)
    for (bool bias : {true, false}) {
      auto shape = lead;
      shape.push_back(K);
      auto x = torch::randn(shape), w = torch::randn({N, K}) / 8, b = bias ? torch::randn({N}) : torch::Tensor();
      auto yshape = lead;
      yshape.push_back(N);
      auto probe = torch::randn(yshape);
      const Grads ours = run([](auto x, auto w, auto b) { return linear(x, w, b); }, x, w, b, probe);
      const Grads exact = run([](auto x, auto w, auto b) { return torch::nn::functional::linear(x, w, b); },
                              x.to(torch::kDouble), w.to(torch::kDouble),
                              bias ? b.to(torch::kDouble) : torch::Tensor(), probe);
      SCOPED_TRACE("K=" + std::to_string(K) + " N=" + std::to_string(N) + " bias=" + std::to_string(bias));
      ASSERT_EQ(ours.y.sizes(), exact.y.sizes());
      EXPECT_EQ(ours.y.scalar_type(), torch::kFloat);
      // float32 sums of K (or M) products: within a few ulps of the scale.
      EXPECT_TRUE(torch::allclose(ours.y.to(torch::kDouble), exact.y, 1e-5, 1e-5));
      EXPECT_TRUE(torch::allclose(ours.gx.to(torch::kDouble), exact.gx, 1e-5, 1e-5));
      EXPECT_TRUE(torch::allclose(ours.gw.to(torch::kDouble), exact.gw, 1e-5, 1e-4));
      if (bias) EXPECT_TRUE(torch::allclose(ours.gb.to(torch::kDouble), exact.gb, 1e-5, 1e-4));
      else EXPECT_FALSE(ours.gb.defined());
    }
}

TEST(LinearCpu, SameBitsAtOneAndTwoThreads) {
  torch::manual_seed(4);
  auto x = torch::randn({8, 128, 256}), w = torch::randn({768, 256}) / 16, b = torch::randn({768});
  auto probe = torch::randn({8, 128, 768});
  const int before = torch::get_num_threads();
  torch::set_num_threads(1);
  const Grads one = run([](auto x, auto w, auto b) { return linear(x, w, b); }, x, w, b, probe);
  torch::set_num_threads(2);
  const Grads two = run([](auto x, auto w, auto b) { return linear(x, w, b); }, x, w, b, probe);
  torch::set_num_threads(before);
  EXPECT_TRUE(torch::equal(one.y, two.y));
  EXPECT_TRUE(torch::equal(one.gx, two.gx));
  EXPECT_TRUE(torch::equal(one.gw, two.gw));
  EXPECT_TRUE(torch::equal(one.gb, two.gb));
}

// A weight whose .grad() is a view of a flat buffer (as FlatAdamW sets up)
// gets dW added into that view, over two backward passes, as AccumulateGrad
// would; the rest of the buffer is untouched and no new gradient replaces it.
TEST(LinearCpu, SumsTheWeightGradientIntoItsBufferInPlace) {
  torch::manual_seed(5);
  const std::int64_t N = 96, K = 64;
  auto x = torch::randn({4, 33, K}), w0 = torch::randn({N, K}) / 8, b0 = torch::randn({N});
  auto probe = torch::randn({4, 33, N});
  auto buffer = torch::randn({N * K + 7});  // stale values: the first backward must add, not overwrite
  auto before = buffer.clone();
  auto w = w0.clone().requires_grad_(true), b = b0.clone().requires_grad_(true);
  w.mutable_grad() = buffer.narrow(0, 3, N * K).view({N, K});
  const void* home = w.grad().data_ptr();
  for (int pass = 0; pass < 2; ++pass) (linear(x, w, b) * probe).sum().backward();

  auto wr = w0.clone().requires_grad_(true), br = b0.clone().requires_grad_(true);
  for (int pass = 0; pass < 2; ++pass) (torch::nn::functional::linear(x, wr, br) * probe).sum().backward();
  EXPECT_EQ(w.grad().data_ptr(), home) << "the gradient was replaced, not summed into its buffer";
  auto want = before.narrow(0, 3, N * K).view({N, K}) + wr.grad();
  EXPECT_TRUE(torch::allclose(w.grad(), want, 1e-5, 1e-4)) << (w.grad() - want).abs().max().item<double>();
  EXPECT_TRUE(torch::equal(buffer.narrow(0, 0, 3), before.narrow(0, 0, 3)));
  EXPECT_TRUE(torch::equal(buffer.narrow(0, 3 + N * K, 4), before.narrow(0, 3 + N * K, 4)));
  EXPECT_TRUE(torch::allclose(b.grad(), br.grad(), 1e-5, 1e-4));
}

TEST(LinearCpu, OnlyTakesContiguousFloat32CpuOperands) {
  auto x = torch::randn({4, 6}), w = torch::randn({5, 6}), b = torch::randn({5});
  EXPECT_TRUE(linear_cpu_supports(x, w, b));
  EXPECT_TRUE(linear_cpu_supports(x, w, torch::Tensor()));
  EXPECT_FALSE(linear_cpu_supports(x.to(torch::kDouble), w.to(torch::kDouble), b.to(torch::kDouble)));
  EXPECT_FALSE(linear_cpu_supports(x.t().contiguous().t(), w, b));  // strided x
  EXPECT_FALSE(linear_cpu_supports(x, w.t().contiguous().t(), b));  // strided w
  EXPECT_FALSE(linear_cpu_supports(torch::randn({0, 6}), w, b));
  // What it does not take still gets torch's linear, exactly.
  auto xs = x.t().contiguous().t();
  EXPECT_TRUE(torch::equal(linear(xs, w, b), torch::nn::functional::linear(xs, w, b)));
  auto xd = x.to(torch::kDouble), wd = w.to(torch::kDouble), bd = b.to(torch::kDouble);
  EXPECT_TRUE(torch::equal(linear(xd, wd, bd), torch::nn::functional::linear(xd, wd, bd)));
}

}  // namespace
}  // namespace sweep
