// Rotary position embeddings as Hugging Face's models apply them: the
// rotate_half form (each head's rotating dims split in two halves, not
// interleaved pairs), frequencies 1 / theta^(2i / dims), optionally rescaled
// (linear, or Llama 3.1's frequency bands as transformers'
// _compute_llama3_parameters does it), and partial rotation (GPT-NeoX rotates
// only the first rotary_dims of each head).
#pragma once

#include <torch/torch.h>

#include <cstdint>

#include "hf/config.hpp"

namespace sweep {

class Rotary {
 public:
  explicit Rotary(const hf::Config& c);

  // cos and sin for positions pos (B, t) int64, each (B, 1, t, dims) in
  // `dtype` (computed in float32, then cast as transformers does).
  struct Angles {
    torch::Tensor cos, sin;
  };
  Angles angles(const torch::Tensor& pos, torch::ScalarType dtype) const;

  // x (B, H, t, head_dim) with the first dims() of each head rotated.
  torch::Tensor apply(const torch::Tensor& x, const Angles& a) const;

  std::int64_t dims() const { return dims_; }
  const torch::Tensor& inv_freq() const { return inv_freq_; }  // (dims / 2,) float32, on the CPU

 private:
  std::int64_t dims_ = 0;
  torch::Tensor inv_freq_;
};

}  // namespace sweep
