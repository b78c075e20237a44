// A GPT-style decoder: token + learned position embeddings, pre-norm blocks of
// causal self-attention and a 4x GELU MLP, final LayerNorm, and an output head
// tied to the token embedding. Byte-level vocabulary (kernels/tokenizer.hpp).
#pragma once

#include <torch/torch.h>

namespace sweep {

struct GPTConfig {
  int vocab_size = 256;
  int block_size = 128;
  int n_layer = 1;
  int n_head = 1;
  int d_model = 32;
};

class CausalSelfAttentionImpl : public torch::nn::Module {
 public:
  explicit CausalSelfAttentionImpl(const GPTConfig& cfg);
  torch::Tensor forward(const torch::Tensor& x);  // (B, T, C) -> (B, T, C)

  torch::nn::Linear qkv{nullptr}, proj{nullptr};

 private:
  int n_head_;
  torch::Tensor mask_;  // (1, 1, block, block) additive causal mask
};
TORCH_MODULE(CausalSelfAttention);

class BlockImpl : public torch::nn::Module {
 public:
  explicit BlockImpl(const GPTConfig& cfg);
  torch::Tensor forward(torch::Tensor x);  // (B, T, C) -> (B, T, C)

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

  const GPTConfig& config() const { return cfg_; }
  std::int64_t n_params();

 private:
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
