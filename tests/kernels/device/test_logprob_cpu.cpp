// The fused target log-probability kernel against torch's log_softmax + gather.
#include <gtest/gtest.h>

#include "kernels/device/logprob_cpu.hpp"

namespace sweep {

TEST(TargetLogprobs, EqualTorchsLogSoftmaxAtTheTargets) {
  torch::manual_seed(0);
  for (std::int64_t V : {1, 7, 50257}) {
    auto logits = torch::randn({37, V}) * 8;  // (N, V), some rows far from 0
    logits[3].fill_(-1000.0);                  // a row whose softmax underflows without the max shift
    auto targets = torch::randint(0, V, {37}, torch::kInt64);
    auto want = torch::log_softmax(logits, -1).gather(1, targets.view({-1, 1})).view({-1});
    auto got = target_logprobs(logits, targets);
    EXPECT_LT((got - want).abs().max().item<double>(), 2e-5) << "V " << V;
  }
}

TEST(TargetLogprobs, TakesTorchsPathForOtherDtypesAndLayouts) {
  torch::manual_seed(1);
  auto logits = torch::randn({5, 40});
  auto targets = torch::randint(0, 40, {5}, torch::kInt64);
  auto want = torch::log_softmax(logits, -1).gather(1, targets.view({-1, 1})).view({-1});
  EXPECT_TRUE(torch::allclose(target_logprobs(logits.to(torch::kFloat64), targets), want, 1e-5, 1e-5));
  auto strided = torch::randn({40, 5}).t();  // (5, 40), not contiguous
  auto want_strided = torch::log_softmax(strided, -1).gather(1, targets.view({-1, 1})).view({-1});
  EXPECT_TRUE(torch::allclose(target_logprobs(strided, targets), want_strided, 1e-5, 1e-5));
}

TEST(TargetLogprobs, RefusesATargetOutsideTheRow) {
  EXPECT_THROW(target_logprobs(torch::zeros({2, 4}), torch::tensor({1, 4}, torch::kInt64)), c10::Error);
}

}  // namespace sweep
