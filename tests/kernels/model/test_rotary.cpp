// Rotary position embeddings as transformers computes them: the frequencies
// (default, linear and Llama 3.1 scaling) and the rotation of a head's first
// rotary_dims. End-to-end agreement with reference implementations is the hf
// parity tests' (the tiny llama folder uses Llama 3.1 scaling).
#include <gtest/gtest.h>

#include <cmath>

#include "hf/config.hpp"
#include "kernels/model/rotary.hpp"

namespace sweep {
namespace {

hf::Config head(std::int64_t head_dim, double rotary_pct = 1.0) {
  hf::Config c;
  c.arch = rotary_pct < 1.0 ? hf::Architecture::GptNeox : hf::Architecture::Llama;
  c.hidden_size = head_dim * 2;
  c.n_head = c.n_kv_head = 2;
  c.head_dim = head_dim;
  c.rotary_pct = rotary_pct;
  c.rope_theta = 10000.0;
  return c;
}

}  // namespace

TEST(Rotary, FrequenciesAreOneOverThetaToTheTwoIOverDims) {
  const Rotary r(head(8));
  ASSERT_EQ(r.inv_freq().size(0), 4);
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(r.inv_freq()[i].item<double>(), std::pow(10000.0, -2.0 * i / 8), 1e-7);
}

TEST(Rotary, LinearScalingDividesEveryFrequencyByTheFactor) {
  hf::Config c = head(8);
  c.rope_scaling = hf::RopeScaling::Linear;
  c.rope_factor = 4.0;
  EXPECT_TRUE(torch::allclose(Rotary(c).inv_freq(), Rotary(head(8)).inv_freq() / 4.0));
}

TEST(Rotary, Llama3KeepsShortWavelengthsAndSlowsLongOnesByTheFactor) {
  hf::Config c = head(64);
  c.rope_theta = 500000.0;
  c.rope_scaling = hf::RopeScaling::Llama3;
  c.rope_factor = 8.0;
  c.rope_low_freq_factor = 1.0;
  c.rope_high_freq_factor = 4.0;
  c.rope_original_max_positions = 8192;
  const auto scaled = Rotary(c).inv_freq();
  c.rope_scaling = hf::RopeScaling::None;
  const auto base = Rotary(c).inv_freq();
  for (int i = 0; i < base.size(0); ++i) {
    const double f = base[i].item<double>(), wavelen = 2 * M_PI / f, got = scaled[i].item<double>();
    if (wavelen < 8192 / 4.0) EXPECT_DOUBLE_EQ(got, f) << i;           // high frequency: unchanged
    else if (wavelen > 8192 / 1.0) EXPECT_NEAR(got, f / 8.0, 1e-12) << i;  // low frequency: / factor
    else EXPECT_TRUE(got < f && got > f / 8.0) << i;                   // between: interpolated
  }
}

TEST(Rotary, RotatesOnlyTheFirstRotaryDimsOfEachHead) {
  const Rotary r(head(16, 0.25));  // GPT-NeoX: 4 of 16 dims rotate
  ASSERT_EQ(r.dims(), 4);
  torch::manual_seed(0);
  auto x = torch::randn({1, 2, 3, 16});                                  // (B, H, t, hs)
  auto pos = torch::tensor({5, 6, 7}, torch::kInt64).view({1, 3});       // (B, t)
  auto y = r.apply(x, r.angles(pos, torch::kFloat32));
  EXPECT_TRUE(torch::equal(y.narrow(-1, 4, 12), x.narrow(-1, 4, 12)));
  // rotate_half pairs dim i with dim i + dims/2 and turns the pair by pos * inv_freq[i].
  const double angle = 6 * r.inv_freq()[1].item<double>();
  const double a = x[0][1][1][1].item<double>(), b = x[0][1][1][3].item<double>();
  EXPECT_NEAR(y[0][1][1][1].item<double>(), a * std::cos(angle) - b * std::sin(angle), 1e-5);
  EXPECT_NEAR(y[0][1][1][3].item<double>(), b * std::cos(angle) + a * std::sin(angle), 1e-5);
  // A rotation keeps each pair's length.
  EXPECT_NEAR(std::hypot(y[0][1][1][1].item<double>(), y[0][1][1][3].item<double>()), std::hypot(a, b), 1e-5);
}

}  // namespace sweep
