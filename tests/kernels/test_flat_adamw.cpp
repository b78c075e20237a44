#include <gtest/gtest.h>

#include <ATen/Parallel.h>

#include "kernels/flat_adamw.hpp"

namespace sweep {
namespace {

// Two linear layers: (300, 250) and (250, 3) weights take weight decay, the
// biases do not; 75000 weights span more than two parallel_for chunks.
torch::nn::Sequential net(torch::Dtype dtype) {
  torch::manual_seed(3);
  torch::nn::Sequential s(torch::nn::Linear(250, 300), torch::nn::Linear(300, 3));
  s->to(dtype);
  return s;
}

// Loss of a fixed (16, 250) batch; backward() fills the gradients.
torch::Tensor loss_of(torch::nn::Sequential& s, int step) {
  torch::manual_seed(100 + step);
  const auto dtype = s->parameters().front().scalar_type();
  auto x = torch::randn({16, 250}).to(dtype);  // (16, 250)
  auto target = torch::randn({16, 3}).to(dtype);  // (16, 3)
  return (s->forward(x) - target).pow(2).mean();
}

// Largest |difference| between the parameters of `flat`'s net and the same net
// trained by torch::optim::AdamW (decay and no-decay groups) for `steps` steps.
double max_diff_after(torch::Dtype dtype, int steps) {
  const AdamWSettings settings{0.9, 0.95, 1e-8, 0.1};
  const double lr = 3e-3;
  auto a = net(dtype), b = net(dtype);
  FlatAdamW flat(*a, settings);
  std::vector<torch::Tensor> decay, no_decay;
  for (auto& p : b->parameters()) (p.dim() >= 2 ? decay : no_decay).push_back(p);
  auto opts = torch::optim::AdamWOptions(lr).betas({settings.beta1, settings.beta2}).eps(settings.eps);
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(decay, std::make_unique<torch::optim::AdamWOptions>(opts.weight_decay(settings.weight_decay)));
  groups.emplace_back(no_decay, std::make_unique<torch::optim::AdamWOptions>(opts.weight_decay(0.0)));
  torch::optim::AdamW reference(std::move(groups));
  for (int step = 0; step < steps; ++step) {
    flat.zero_grad();
    loss_of(a, step).backward();
    flat.step(lr);
    reference.zero_grad();
    loss_of(b, step).backward();
    reference.step();
  }
  double worst = 0.0;
  const auto pa = a->parameters(), pb = b->parameters();
  for (std::size_t i = 0; i < pa.size(); ++i)
    worst = std::max(worst, (pa[i] - pb[i]).abs().max().item<double>());
  return worst;
}

}  // namespace

TEST(FlatAdamW, FusedStepMatchesTorchOps) {
  // float32 CPU: the fused one-pass kernel; float64: FlatAdamW's ATen path.
  const int threads = at::get_num_threads();
  for (int t : {1, 2}) {
    at::set_num_threads(t);
    EXPECT_LE(max_diff_after(torch::kFloat, 6), 1e-6) << t << " threads";
  }
  at::set_num_threads(threads);
  EXPECT_LE(max_diff_after(torch::kDouble, 6), 1e-12);
}

}  // namespace sweep
