// What eval needs from a model, whoever built it: a forward pass from token ids
// to next-token logits, its context length and its parameter count. A GPT that
// sweep trained and a TorchScript file that a user brings both become one.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <string>

#include "kernels/gpt.hpp"

namespace sweep {

struct LanguageModel {
  // (B, T) int64 token ids, T <= block_size -> (B, T, V) logits. Called under
  // NoGradGuard; the model is already in eval mode.
  std::function<torch::Tensor(const torch::Tensor&)> forward;
  std::int64_t block_size = 0;
  std::int64_t n_params = 0;
};

// A trained GPT (a shared handle: the LanguageModel keeps it alive), switched to eval mode.
LanguageModel as_language_model(GPT model);

// Loads a TorchScript module whose forward maps (B, T) int64 byte ids to (B, T,
// V) logits (V >= 256), as exported by torch.jit.script or torch.jit.trace.
// block_size: the longest context eval gives it (train.seq_len); n_params: as
// declared in the grid file (a script module's parameter count is reported too,
// but a traced one may hold constants instead).
LanguageModel load_torchscript(const std::string& path, std::int64_t block_size, std::int64_t n_params);

}  // namespace sweep
