// Model adapters; see language_model.hpp.
#include "kernels/language_model.hpp"

#include <torch/script.h>

#include <memory>
#include <stdexcept>

namespace sweep {

LanguageModel as_language_model(GPT model) {
  model->eval();
  LanguageModel lm;
  lm.forward = [model](const torch::Tensor& idx) mutable { return model->forward(idx); };
  lm.block_size = model->config().block_size;
  lm.n_params = model->n_params();
  return lm;
}

LanguageModel load_torchscript(const std::string& path, std::int64_t block_size, std::int64_t n_params) {
  auto module = std::make_shared<torch::jit::Module>(torch::jit::load(path));
  module->eval();
  LanguageModel lm;
  lm.forward = [module, path](const torch::Tensor& idx) {
    torch::Tensor logits = module->forward({idx}).toTensor();
    // (B, T, V) float logits over at least the byte vocabulary
    if (logits.dim() != 3 || logits.size(0) != idx.size(0) || logits.size(1) != idx.size(1) || logits.size(2) < 256)
      throw std::runtime_error(path + ": TorchScript forward must map (B, T) ids to (B, T, V>=256) logits, got " +
                               std::to_string(logits.dim()) + "-d output");
    return logits.narrow(2, 0, 256).to(torch::kFloat32);  // bytes only: nothing else decodes
  };
  lm.block_size = block_size;
  lm.n_params = n_params;
  return lm;
}

}  // namespace sweep
