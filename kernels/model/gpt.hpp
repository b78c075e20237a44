// A GPT-style decoder: token + learned position embeddings, pre-norm blocks of
// causal self-attention and a 4x GELU MLP, final LayerNorm, and an output head
// tied to the token embedding. Byte-level vocabulary (kernels/data/tokenizer.hpp).
#pragma once

#include <torch/torch.h>

#include <vector>

#include "spec/model_size.hpp"

namespace sweep {

// How causal self-attention is computed. Fused: the framework's scaled dot-product
// attention kernel (1.13: at::_scaled_dot_product_attention; 2.x:
// at::scaled_dot_product_attention). Explicit: matmul, mask, softmax, matmul.
// FusedCpu: sweep's own CPU kernel (kernels/device/attention_cpu.hpp), float32 on CPU.
// Auto: FusedCpu where it applies (measured fastest on CPU, bench/RESULTS.md),
// else Fused.
enum class AttentionKernel { Auto, Explicit, Fused, FusedCpu };

struct GPTConfig {
  int vocab_size = kVocabSize;
  int block_size = 128;
  int n_layer = 1;
  int n_head = 1;
  int d_model = 32;
  AttentionKernel attention = AttentionKernel::Auto;
};

// Keys and values of every layer for incremental decoding, over `capacity`
// positions per row; a row's entries beyond its own position are stale and masked.
struct KVCache {
  std::vector<torch::Tensor> k, v;  // per layer: (B, H, capacity, hs)
};

class CausalSelfAttentionImpl : public torch::nn::Module {
 public:
  explicit CausalSelfAttentionImpl(const GPTConfig& cfg);
  torch::Tensor forward(const torch::Tensor& x);  // (B, T, C) -> (B, T, C)

  // x: (B, t, C) at positions start_b .. start_b + t - 1 of row b (start: (B,)
  // int64). Writes this step's keys and values into k_cache / v_cache (B, H,
  // capacity, hs) and attends over each row's positions up to its own.
  torch::Tensor forward_cached(const torch::Tensor& x, const torch::Tensor& start, torch::Tensor& k_cache,
                               torch::Tensor& v_cache);

  torch::nn::Linear qkv{nullptr}, proj{nullptr};

 private:
  // Causal attention of the qkv projection (B, T, 3C) -> (B, T, C), before proj.
  torch::Tensor attend(const torch::Tensor& projected);

  int n_head_;
  AttentionKernel kernel_;
  torch::Tensor mask_;  // (1, 1, block, block) additive causal mask
};
TORCH_MODULE(CausalSelfAttention);

class BlockImpl : public torch::nn::Module {
 public:
  explicit BlockImpl(const GPTConfig& cfg);
  torch::Tensor forward(torch::Tensor x);  // (B, T, C) -> (B, T, C)
  torch::Tensor forward_cached(torch::Tensor x, const torch::Tensor& start, torch::Tensor& k_cache,
                               torch::Tensor& v_cache);  // (B, t, C) -> (B, t, C)

  torch::nn::LayerNorm ln1{nullptr}, ln2{nullptr};
  CausalSelfAttention attn{nullptr};
  torch::nn::Linear fc{nullptr}, fc_proj{nullptr};
};
TORCH_MODULE(Block);

class GPTImpl : public torch::nn::Module {
 public:
  explicit GPTImpl(const GPTConfig& cfg);

  // idx: (B, T) int64 token ids, T <= block_size. Returns logits (B, T, vocab).
  torch::Tensor forward(const torch::Tensor& idx);
  // forward's logits at the positions `at` (B, T) bool marks only: (N, V) in
  // row-major order (the output head, a small model's largest matmul, runs on
  // those alone).
  torch::Tensor forward_at(const torch::Tensor& idx, const torch::Tensor& at);

  // An empty cache for `batch` rows of up to `capacity` <= block_size positions.
  KVCache new_cache(std::int64_t batch, std::int64_t capacity);

  // Incremental forward: idx (B, t) int64 are the tokens at positions start_b ..
  // start_b + t - 1 of row b (start: (B,) int64; start_b + t <= capacity). Their
  // keys and values enter the cache; returns logits (B, t, vocab) equal (up to
  // float rounding) to the full forward's at those positions, provided the
  // cache holds each row's earlier positions.
  torch::Tensor forward_cached(const torch::Tensor& idx, const torch::Tensor& start, KVCache& cache);

  const GPTConfig& config() const { return cfg_; }
  std::int64_t n_params();

 private:
  torch::Tensor hidden(const torch::Tensor& idx);  // (B, T) -> (B, T, C) after the final LayerNorm

  GPTConfig cfg_;
  torch::nn::Embedding wte{nullptr}, wpe{nullptr};
  torch::nn::ModuleList blocks{nullptr};
  torch::nn::LayerNorm ln_f{nullptr};
};
TORCH_MODULE(GPT);

// Mean next-token cross-entropy (nats) of logits (B, T, V) against targets
// (B, T); targets equal to -1 are ignored.
torch::Tensor lm_loss(const torch::Tensor& logits, const torch::Tensor& targets);

}  // namespace sweep
