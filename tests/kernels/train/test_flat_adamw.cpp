// FlatAdamW: fused clipping and steps against plain torch ops.
#include <gtest/gtest.h>

#include <ATen/Parallel.h>

#include "kernels/train/flat_adamw.hpp"

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

// Parameters of net(float32) after `steps` steps clipped to max_norm: through
// clip_grad_norm (`deferred`: the fused step applies the scale), or by scaling
// grads() by hand with the same float32 formula before an unclipped step.
std::vector<torch::Tensor> clipped_run(bool deferred, double max_norm, int steps, std::vector<double>& norms) {
  auto s = net(torch::kFloat);
  FlatAdamW flat(*s, {0.9, 0.95, 1e-8, 0.1});
  for (int step = 0; step < steps; ++step) {
    flat.zero_grad();
    loss_of(s, step).backward();
    if (deferred) {
      norms.push_back(flat.clip_grad_norm(max_norm).item<double>());
    } else {
      auto norm = flat.clip_grad_norm(0.0);
      norms.push_back(norm.item<double>());
      flat.grads().mul_(torch::clamp_max(max_norm / (norm + 1e-6), 1.0));
    }
    flat.step(3e-3);
  }
  std::vector<torch::Tensor> out;
  for (const auto& p : s->parameters()) out.push_back(p.detach().clone());
  return out;
}

}  // namespace

TEST(FlatAdamW, FusedClippingEqualsScalingTheGradientsFirst) {
  std::vector<double> norms_deferred, norms_by_hand, norms_unclipped;
  const auto deferred = clipped_run(true, 0.05, 5, norms_deferred);
  const auto by_hand = clipped_run(false, 0.05, 5, norms_by_hand);
  const auto unclipped = clipped_run(true, 0.0, 5, norms_unclipped);
  EXPECT_EQ(norms_deferred, norms_by_hand);
  EXPECT_GT(norms_deferred.front(), 0.05) << "the test's gradients are not large enough to be clipped";
  bool clipping_changed_something = false;
  for (std::size_t i = 0; i < deferred.size(); ++i) {
    EXPECT_TRUE(torch::equal(deferred[i], by_hand[i])) << "parameter " << i;
    clipping_changed_something = clipping_changed_something || !torch::equal(deferred[i], unclipped[i]);
  }
  EXPECT_TRUE(clipping_changed_something);
}

// step(lr, zero_grads) leaves every gradient and the loss slot zero, and the
// update is the one zero_grad() + step(lr) gives, on the fused and ATen paths.
TEST(FlatAdamW, StepThatZeroesTheGradientsGivesTheSameUpdate) {
  for (auto dtype : {torch::kFloat, torch::kDouble}) {
    auto a = net(dtype), b = net(dtype);
    FlatAdamW fa(*a, {0.9, 0.95, 1e-8, 0.1}), fb(*b, {0.9, 0.95, 1e-8, 0.1});
    fb.zero_grad();
    for (int step = 0; step < 4; ++step) {
      fa.zero_grad();
      loss_of(a, step).backward();
      fa.clip_grad_norm(0.05);
      fa.step(3e-3);
      loss_of(b, step).backward();
      fb.loss_slot().fill_(1.5);
      fb.clip_grad_norm(0.05);
      EXPECT_GT(fb.grads().abs().sum().item<double>(), 0.0);
      fb.step(3e-3, /*zero_grads=*/true);
      EXPECT_EQ(fb.grads_with_loss().abs().max().item<double>(), 0.0) << "step " << step;
    }
    const auto pa = a->parameters(), pb = b->parameters();
    for (std::size_t i = 0; i < pa.size(); ++i) EXPECT_TRUE(torch::equal(pa[i], pb[i])) << "parameter " << i;
  }
}

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
