// The decoder stack of a Hugging Face checkpoint, whichever architecture
// built it: a forward pass over token ids at given positions, with or without
// the key/value cache. hf_model.cpp wraps one as a LanguageModel; the
// architectures (hf_gpt2.cpp, hf_neox.cpp, hf_llama.cpp) each build one from
// the config and the checkpoint's tensors.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>

#include "hf/config.hpp"
#include "kernels/model/gpt.hpp"
#include "kernels/model/hf_layers.hpp"
#include "kernels/model/hf_weights.hpp"

namespace sweep {

class HfNetwork {
 public:
  virtual ~HfNetwork() = default;
  HfNetwork(const HfNetwork&) = delete;
  HfNetwork& operator=(const HfNetwork&) = delete;

  // idx (B, t) int64 on the network's device, the tokens at positions start_b
  // .. start_b + t - 1 of row b (start (B,) int64). cache null: a full forward,
  // start all zeros. With a cache, the tokens' keys and values enter it and
  // attention reads each row's earlier positions from it. Returns logits
  // (B, t, V) float32, V the embedding's rows (which may exceed the tokenizer's
  // ids); with `at` (B, t) bool, only those of the N positions it marks,
  // (N, V) in row-major order (the output head runs on those alone).
  virtual torch::Tensor forward(const torch::Tensor& idx, const torch::Tensor& start, KVCache* cache,
                                const torch::Tensor& at = {}) = 0;

  // An empty cache for `batch` rows of `capacity` positions: per layer (B,
  // H_kv, capacity, head_dim) in the compute dtype on the network's device.
  KVCache new_cache(std::int64_t batch, std::int64_t capacity) const;

  const hf::Config& config() const { return config_; }
  const torch::TensorOptions& options() const { return options_; }

 protected:
  HfNetwork(const hf::Config& c, torch::TensorOptions options) : config_(c), options_(options) {}

  // Where the tokens idx (B, t) sit (hf_layers::Span), checked against the
  // cache's capacity and the model's longest context.
  hf_layers::Span span_of(const torch::Tensor& idx, const torch::Tensor& start, const KVCache* cache) const;

  // The output head on the final hidden states x (B, t, C), at the positions
  // `at` marks if defined: float32 logits (B, t, V) or (N, V).
  static torch::Tensor logits_of(const torch::Tensor& x, const torch::Tensor& head, const torch::Tensor& at);

  hf::Config config_;
  torch::TensorOptions options_;
};

// Built from config.json's shapes; every tensor is taken from `weights`
// (a missing or mis-shaped one throws, naming it).
std::unique_ptr<HfNetwork> build_hf_gpt2(const hf::Config& c, const HfWeightLoader& weights);
std::unique_ptr<HfNetwork> build_hf_neox(const hf::Config& c, const HfWeightLoader& weights);
std::unique_ptr<HfNetwork> build_hf_llama(const hf::Config& c, const HfWeightLoader& weights);

}  // namespace sweep
