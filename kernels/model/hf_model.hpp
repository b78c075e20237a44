// Pretrained Hugging Face checkpoints as LanguageModels: GPT-2, GPT-NeoX
// (Pythia) and the Llama family (Llama 2/3, Mistral, Qwen2/3, SmolLM), built
// from hf::Config and filled from the safetensors files, copied once from the
// map into the compute dtype on the target device. Each has a key/value cache
// (LanguageModel::incremental), so eval batches and generates as it does for
// sweep's own GPT.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>

#include "hf/config.hpp"
#include "kernels/model/language_model.hpp"

namespace sweep {

// Compute dtype: float32 everywhere; bfloat16 on CPU or CUDA (weights and
// activations bf16, logits returned float32, softmax and norms in float32).
enum class HfDType { Float32, BFloat16 };

struct HfLoadOptions {
  HfDType dtype = HfDType::Float32;
  torch::Device device = torch::kCPU;
  // Longest context eval gives the model; 0: the config's max_positions (a
  // larger value is clamped to it).
  std::int64_t block_size = 0;
  // Rows scored at once, for the memory check's estimate of the key/value
  // cache and activations (eval.batch_size; sweep score's --batch).
  std::int64_t batch = 1;
};

// Loads DIR (hf::inspect checks it first, then the memory check: throws
// "DIR: needs X GiB (weights W at DTYPE, cache and activations for batch B x
// T), the device (D) has Y GiB available" before any weight is copied,
// available as kernels/device/device.hpp's device_memory_available says).
// Throws std::runtime_error with one line naming the file on any error (a
// missing or mis-shaped tensor included). The LanguageModel's
// tokenizer is DIR/tokenizer.json; n_params is the total count and
// n_params_non_embedding hf::param_count's non-embedding count.
LanguageModel load_hf(const std::string& dir, const HfLoadOptions& options = {});

}  // namespace sweep
