// The log-probability of one chosen token per row of logits, fused on the CPU:
// log_softmax(logits)[target] as max, sum of exponentials and one subtraction,
// reading each row twice and writing nothing of its size (torch's log_softmax
// writes the whole (N, V) result first, a pass as large as the output head's).
// What `sweep score` and scoring spend after the forward pass.
#pragma once

#include <torch/torch.h>

namespace sweep {

// logits (N, V), targets (N,) int64 in [0, V) -> (N,) float32:
// log_softmax(logits, -1).gather(1, targets). Sweep's kernel for contiguous
// float32 CPU logits (exponentials to ~1e-7 relative), torch's ops otherwise.
torch::Tensor target_logprobs(const torch::Tensor& logits, const torch::Tensor& targets);

}  // namespace sweep
