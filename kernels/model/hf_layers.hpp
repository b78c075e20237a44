// The pieces the Hugging Face decoders (hf_gpt2, hf_neox, hf_llama) share,
// computed as transformers computes them: LayerNorm and RMSNorm in float32
// whatever the compute dtype, linear layers with optional bias, and causal
// self-attention with grouped-query heads and the key/value cache.
#pragma once

#include <torch/torch.h>

namespace sweep::hf_layers {

// LayerNorm over the last dim, in float32, cast back to x's dtype. x (..., C).
torch::Tensor layer_norm(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias, double eps);

// Llama's RMSNorm: x * rsqrt(mean(x^2) + eps) in float32, cast back to x's
// dtype, then times weight (in that dtype, as LlamaRMSNorm does). x (..., C).
torch::Tensor rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps);

// x W^T (+ b): W (out, in); bias may be undefined.
torch::Tensor linear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias = {});

// Causal attention of q (B, H, t, hs) over k, v (B, H_kv, t, hs) (H a multiple
// of H_kv: query head h reads key/value head h / (H / H_kv), as transformers'
// repeat_kv), scaled by 1/sqrt(hs), softmax in float32. The t tokens sit at
// positions start_b .. start_b + t - 1 of row b (start (B,) int64). Without a
// cache (k_cache null) start is all zeros and the t tokens attend among
// themselves. With one, k and v enter k_cache / v_cache (B, H_kv, capacity, hs)
// at those positions and each token attends over its row's cached positions up
// to its own (later entries, stale, are masked). Returns (B, t, H * hs).
torch::Tensor causal_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                               const torch::Tensor& start, torch::Tensor* k_cache, torch::Tensor* v_cache);

}  // namespace sweep::hf_layers
