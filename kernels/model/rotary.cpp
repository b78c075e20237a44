// Rotary position embeddings; see rotary.hpp. Every step is transformers'
// own, in float32, so fp32 logits agree with its to rounding.
#include "kernels/model/rotary.hpp"

#include <cmath>

namespace sweep {
namespace {

// transformers' _compute_llama3_parameters: long wavelengths (low
// frequencies) slow down by `factor`, short ones stay, and the band between
// is interpolated smoothly.
torch::Tensor llama3_scaled(const torch::Tensor& inv_freq, const hf::Config& c) {
  const double factor = c.rope_factor, low = c.rope_low_freq_factor, high = c.rope_high_freq_factor;
  const double old_context = static_cast<double>(c.rope_original_max_positions);
  const double low_freq_wavelen = old_context / low;
  const double high_freq_wavelen = old_context / high;
  auto wavelen = 2 * M_PI / inv_freq;                                                         // (dims / 2,)
  auto scaled = torch::where(wavelen > low_freq_wavelen, inv_freq / factor, inv_freq);
  auto smooth = (old_context / wavelen - low) / (high - low);
  auto smoothed = (1 - smooth) * scaled / factor + smooth * scaled;
  auto medium = (wavelen < high_freq_wavelen).logical_not() & (wavelen > low_freq_wavelen).logical_not();
  return torch::where(medium, smoothed, scaled);
}

// Swaps the two halves of the last dim, negating the second: (x1, x2) -> (-x2, x1).
torch::Tensor rotate_half(const torch::Tensor& x) {
  const auto half = x.size(-1) / 2;
  return torch::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
}

}  // namespace

Rotary::Rotary(const hf::Config& c) : dims_(c.rotary_dims()) {
  // 1 / theta^(2i / dims), the exponent formed in float32 as transformers does.
  auto exponent = torch::arange(0, dims_, 2, torch::kInt64).to(torch::kFloat32) / static_cast<double>(dims_);
  inv_freq_ = 1.0 / torch::pow(c.rope_theta, exponent);  // (dims / 2,)
  if (c.rope_scaling == hf::RopeScaling::Linear) inv_freq_ = inv_freq_ / c.rope_factor;
  if (c.rope_scaling == hf::RopeScaling::Llama3) inv_freq_ = llama3_scaled(inv_freq_, c);
}

Rotary::Angles Rotary::angles(const torch::Tensor& pos, torch::ScalarType dtype) const {
  auto inv_freq = inv_freq_.to(pos.device());
  auto freqs = pos.to(torch::kFloat32).unsqueeze(-1) * inv_freq;  // (B, t, dims / 2)
  auto emb = torch::cat({freqs, freqs}, -1).unsqueeze(1);          // (B, 1, t, dims)
  return {emb.cos().to(dtype), emb.sin().to(dtype)};
}

torch::Tensor Rotary::apply(const torch::Tensor& x, const Angles& a) const {
  const auto head_dim = x.size(-1);
  if (dims_ == head_dim) return x * a.cos + rotate_half(x) * a.sin;  // (B, H, t, hs)
  auto rot = x.narrow(-1, 0, dims_);                                 // (B, H, t, dims)
  auto pass = x.narrow(-1, dims_, head_dim - dims_);                 // (B, H, t, hs - dims)
  return torch::cat({rot * a.cos + rotate_half(rot) * a.sin, pass}, -1);
}

}  // namespace sweep
