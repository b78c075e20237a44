// Causal self-attention on CPU as one fused kernel, forward and backward.
//
// Why: at the trainer's shapes (head size 32-64, T 128) ATen's attention is
// mostly not matmul: the (B, H, T, T) scores go through memory several times
// (mask, softmax forward and backward, transposes to contiguous, per-slice
// copies inside bmm), and its score matmuls run the full square although half
// is masked (bench/RESULTS.md has the measurements). Here each (batch, head) runs in a per-thread scratch that stays in cache,
// skips the masked blocks, reads q, k, v straight out of the qkv projection
// (B, T, 3C) and writes y straight into (B, T, C), with no transposes. The
// backward recomputes the probabilities from each row's saved max and sum (as
// flash attention does), so memory stays O(B H T), not O(B H T^2).
#pragma once

#include <torch/torch.h>

namespace sweep {

// qkv: (B, T, 3C) float32 on CPU, q | k | v along the last dimension, head h
// at columns [h hs, (h+1) hs) of each; returns y (B, T, C), y_t = softmax over
// s <= t of (q_t . k_s / sqrt(hs)) applied to v_s. Differentiable in qkv.
torch::Tensor causal_attention_cpu(const torch::Tensor& qkv, int n_head);

// Whether causal_attention_cpu takes this input (float32, CPU, (B, T, 3C)).
bool causal_attention_cpu_supports(const torch::Tensor& qkv);

// One decode step against a key/value cache, inference only (no gradient):
// qkv (B, 1, 3C) as above (only q is read), k_cache and v_cache (B, H, L, hs)
// contiguous, pos (B) int64: row b's query attends to cache slots [0, pos[b]].
// Returns y (B, 1, C). One pass per (batch, head), in place of ATen's
// broadcast products, sums, mask and softmax (each a pass over (B, H, S, hs)).
torch::Tensor decode_attention_cpu(const torch::Tensor& qkv, const torch::Tensor& k_cache,
                                   const torch::Tensor& v_cache, const torch::Tensor& pos, int n_head);

// Whether decode_attention_cpu takes these (float32 CPU, contiguous caches, no gradient wanted).
bool decode_attention_cpu_supports(const torch::Tensor& qkv, const torch::Tensor& k_cache,
                                   const torch::Tensor& v_cache);

}  // namespace sweep
