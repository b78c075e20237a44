// Parameter count of the GPT in kernels/model/gpt.hpp, as a pure formula, so the
// orchestrator's cost model knows model sizes without building a model.
#pragma once

#include <cmath>
#include <cstdint>

namespace sweep {

// The byte-level vocabulary, sweep's default tokenizer (text/tokenizer.hpp).
constexpr int kVocabSize = 256;

// A model's embedding rows: the tokenizer's vocabulary padded up to a
// multiple of 64 (whole SIMD/GEMM tiles; 256 stays 256).
inline std::int64_t padded_vocab(std::int64_t vocab) { return (vocab + 63) / 64 * 64; }

// Random baseline of a loss: a model guessing uniformly over the tokenizer's
// vocabulary, ln V nats/token (train_loss, eval_loss; -logprob per target token).
inline double uniform_loss(std::int64_t vocab = kVocabSize) { return std::log(static_cast<double>(vocab)); }

// Tied input/output embedding; per block: two LayerNorms (4d), qkv (3d^2+3d),
// attention projection (d^2+d), MLP (8d^2+5d); final LayerNorm (2d).
inline std::int64_t gpt_param_count(std::int64_t n_layer, std::int64_t d_model, std::int64_t vocab,
                                    std::int64_t block_size) {
  const std::int64_t d = d_model;
  return vocab * d + block_size * d + n_layer * (12 * d * d + 13 * d) + 2 * d;
}

// The same GPT less its token and position embeddings (Kaplan et al.'s N, as
// hf::param_count's non_embedding): the blocks and the final LayerNorm.
inline std::int64_t gpt_non_embedding_param_count(std::int64_t n_layer, std::int64_t d_model) {
  const std::int64_t d = d_model;
  return n_layer * (12 * d * d + 13 * d) + 2 * d;
}

}  // namespace sweep
