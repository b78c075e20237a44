// Per-token log-probabilities of whole texts under a model: what `sweep
// score` prints and the parity tests compare with a reference implementation.
// A text longer than the model's context is scored in lm-evaluation-harness's
// rolling windows (loglikelihood_rolling with context_len 1): the first
// window holds the first block_size tokens and scores all but its first; each
// later one scores the next up to block_size tokens, its input the block_size
// tokens before each scored one, so tokens already scored serve as context and
// every token is scored once, with as much context as fits.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/model/language_model.hpp"

namespace sweep {

// For each row of ids (each id < the model's vocabulary), log p(ids[i] |
// ids[<i]) for i = 1 .. n-1 (n-1 values; none for a row of 0 or 1 tokens),
// from float32 log_softmax over the model's logits (fused on the CPU:
// kernels/device/logprob_cpu.hpp). The windows of all rows
// are scored `batch` at a time, longest first (right-padded to the batch's
// longest), so rows of like length share forward passes. Called without
// gradients (it takes a NoGradGuard).
std::vector<std::vector<float>> token_logprobs(const LanguageModel& model,
                                               const std::vector<std::vector<std::int64_t>>& rows,
                                               std::int64_t batch);

}  // namespace sweep
