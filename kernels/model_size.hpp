// Parameter count of the GPT in kernels/gpt.hpp, as a pure formula, so the
// orchestrator's cost model knows model sizes without building a model.
#pragma once

#include <cstdint>

namespace sweep {

// Tied input/output embedding; per block: two LayerNorms (4d), qkv (3d^2+3d),
// attention projection (d^2+d), MLP (8d^2+5d); final LayerNorm (2d).
inline std::int64_t gpt_param_count(std::int64_t n_layer, std::int64_t d_model, std::int64_t vocab,
                                    std::int64_t block_size) {
  const std::int64_t d = d_model;
  return vocab * d + block_size * d + n_layer * (12 * d * d + 13 * d) + 2 * d;
}

}  // namespace sweep
