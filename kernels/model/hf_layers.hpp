// The pieces the Hugging Face decoders (hf_gpt2, hf_neox, hf_llama) share,
// computed as transformers computes them: LayerNorm and RMSNorm in float32
// whatever the compute dtype, and causal self-attention with grouped-query
// heads and the key/value cache. (Linear layers are torch::linear, an
// undefined bias for none.)
#pragma once

#include <torch/torch.h>

#include "hf/config.hpp"

namespace sweep::hf_layers {

// LayerNorm over the last dim, in float32, cast back to x's dtype. x (..., C).
torch::Tensor layer_norm(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias, double eps);

// config.json's activation: GeluTanh (gelu_new, gelu_fast, gelu_pytorch_tanh:
// one formula), the exact erf Gelu, or Silu.
torch::Tensor activation(const torch::Tensor& x, hf::Activation a);

// Llama's RMSNorm: x * rsqrt(mean(x^2) + eps) in float32, cast back to x's
// dtype, then times weight (in that dtype, as LlamaRMSNorm does). x (..., C).
torch::Tensor rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps);

// Where a forward pass's t tokens sit: positions start_b .. start_b + t - 1
// of row b, and which keys each may attend to. Computed once per forward pass
// (its host reads are then not repeated in every layer).
struct Span {
  torch::Tensor start;  // (B,) int64
  torch::Tensor pos;    // (B, t) int64
  // Whether the tokens attend among themselves only: a full forward, or a
  // cached prefill (every row from position 0). Otherwise they attend over the
  // cache's first `keys` positions.
  bool fresh = true;
  std::int64_t keys = 0;  // S: t when fresh, else the largest position + 1
  torch::Tensor later;    // (B, 1, 1, t, S) bool: key positions after the query's (masked)
};
// cached: whether the pass writes a key/value cache (then t may start anywhere).
Span span_of(const torch::Tensor& start, std::int64_t t, bool cached);

// Causal attention of q (B, H, t, hs) over k, v (B, H_kv, t, hs) (H a multiple
// of H_kv: query head h reads key/value head h / (H / H_kv), as transformers'
// repeat_kv), scaled by 1/sqrt(hs), softmax in float32, for the tokens `span`
// places. Without a cache (k_cache null) the t tokens attend among themselves.
// With one, k and v enter k_cache / v_cache (B, H_kv, capacity, hs) at their
// positions and each token attends over its row's cached positions up to its
// own (later entries, stale, are masked). Returns (B, t, H * hs).
torch::Tensor causal_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                               const Span& span, torch::Tensor* k_cache, torch::Tensor* v_cache);

}  // namespace sweep::hf_layers
