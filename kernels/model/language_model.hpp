// What eval needs from a model, whoever built it: a forward pass from token ids
// to next-token logits, its context length and its parameter count. A GPT that
// sweep trained and a TorchScript file that a user brings both become one.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "kernels/model/gpt.hpp"
#include "text/tokenizer.hpp"

namespace sweep {

// Decoding with a key/value cache (a model that has one): generation feeds each
// new token once instead of recomputing the whole prefix.
struct IncrementalDecoder {
  // An empty cache for `batch` rows of up to `capacity` <= block_size positions.
  std::function<KVCache(std::int64_t batch, std::int64_t capacity)> new_cache;
  // idx (B, t) int64 at positions start_b .. start_b + t - 1 of row b (start:
  // (B,) int64) -> (B, t, V) logits; the tokens' keys and values enter the cache.
  std::function<torch::Tensor(const torch::Tensor& idx, const torch::Tensor& start, KVCache& cache)> forward;
  // Optional (set for Hugging Face checkpoints): forward's pass with the
  // logits of the positions `at` (B, t) bool marks only, (N, V) in row-major
  // order; every token's keys and values still enter the cache. A scoring pass
  // that is also a generation's prefill needs no other position's logits.
  std::function<torch::Tensor(const torch::Tensor& idx, const torch::Tensor& start, KVCache& cache,
                              const torch::Tensor& at)>
      forward_at;

  explicit operator bool() const { return static_cast<bool>(forward); }
};

struct LanguageModel {
  // (B, T) int64 token ids, T <= block_size -> (B, T, V) logits. Called under
  // NoGradGuard; the model is already in eval mode.
  std::function<torch::Tensor(const torch::Tensor&)> forward;
  std::int64_t block_size = 0;
  std::int64_t n_params = 0;
  // n_params less the token and position embeddings and an untied output head
  // (Kaplan et al.'s N); 0 where unknown (TorchScript models).
  std::int64_t n_params_non_embedding = 0;
  // Optional (set for Hugging Face checkpoints and sweep's GPT): the logits of chosen
  // positions only. idx (B, T) as forward's; at (B, T) bool -> (N, V) logits of
  // the N marked positions in row-major order. Scoring needs few positions'
  // logits (not the padding's, nor a row's last), and the output head is the
  // largest matmul of a small model's forward pass.
  std::function<torch::Tensor(const torch::Tensor& idx, const torch::Tensor& at)> forward_at;
  // Set for sweep's GPT and Hugging Face checkpoints; empty for TorchScript models, whose generation
  // recomputes the prefix at every token.
  IncrementalDecoder incremental;
  // How eval turns text into its token ids and back; null: bytes.
  std::shared_ptr<const text::Tokenizer> tokenizer;
  const text::Tokenizer& tokens() const;
};

// A trained GPT (a shared handle: the LanguageModel keeps it alive), switched to eval mode.
LanguageModel as_language_model(GPT model);

// Loads a TorchScript module whose forward maps (B, T) int64 token ids to (B,
// T, V) logits (V >= vocab, its tokenizer's vocabulary: 256 for bytes; the
// logits past it are dropped), as exported by torch.jit.script or torch.jit.trace.
// block_size: the longest context eval gives it (train.seq_len); n_params: as
// declared in the grid file (a script module's parameter count is reported too,
// but a traced one may hold constants instead).
LanguageModel load_torchscript(const std::string& path, std::int64_t block_size, std::int64_t n_params,
                               std::int64_t vocab = 256);

}  // namespace sweep
