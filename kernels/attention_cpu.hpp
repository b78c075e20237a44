// Causal self-attention on CPU as one fused kernel, forward and backward.
//
// Why: at the trainer's shapes (head size 32-64, T 128) ATen's attention is
// mostly not matmul: the (B, H, T, T) scores go through memory several times
// (mask, softmax forward and backward, transposes to contiguous, per-slice
// copies inside bmm), and its score matmuls run the full square although half
// is masked. bench_trainer measured the attention core at ~18 ms per layer
// for d_model 256, B 8, T 128 against 2.8 ms of counted FLOPs at the sgemm rate.
// Here each (batch, head) runs in a per-thread scratch that stays in cache,
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

}  // namespace sweep
