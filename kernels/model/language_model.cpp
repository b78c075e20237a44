// Model adapters; see language_model.hpp.
#include "kernels/model/language_model.hpp"

#include "kernels/model/checkpoint_io.hpp"

#include <torch/script.h>

#include <memory>
#include <stdexcept>

namespace sweep {

LanguageModel as_language_model(GPT model) {
  model->eval();
  LanguageModel lm;
  lm.forward = [model](const torch::Tensor& idx) mutable { return model->forward(idx); };
  lm.forward_at = [model](const torch::Tensor& idx, const torch::Tensor& at) mutable {
    return model->forward_at(idx, at);
  };
  lm.block_size = model->config().block_size;
  lm.n_params = model->n_params();
  const GPTConfig& c = model->config();
  lm.n_params_non_embedding = lm.n_params - static_cast<std::int64_t>(c.vocab_size + c.block_size) * c.d_model;
  IncrementalDecoder dec;
  dec.new_cache = [model](std::int64_t batch, std::int64_t capacity) mutable { return model->new_cache(batch, capacity); };
  dec.forward = [model](const torch::Tensor& idx, const torch::Tensor& start, KVCache& cache) mutable {
    return model->forward_cached(idx, start, cache);
  };
  lm.incremental = std::move(dec);
  return lm;
}

LanguageModel load_torchscript(const std::string& path, std::int64_t block_size, std::int64_t n_params,
                               std::int64_t vocab) {
  std::shared_ptr<torch::jit::Module> module;
  try {
    module = std::make_shared<torch::jit::Module>(torch::jit::load(path));
  } catch (const c10::Error& e) {
    throw std::runtime_error(path + ": not a TorchScript model (torch.jit.save output expected): " +
                             first_line(e.what()));
  }
  module->eval();
  LanguageModel lm;
  lm.forward = [module, path, vocab](const torch::Tensor& idx) {
    torch::Tensor logits;
    try {
      logits = module->forward({idx}).toTensor();
    } catch (const c10::Error& e) {
      throw std::runtime_error(path + ": TorchScript forward failed on (B, T) int64 token ids: " + first_line(e.what()));
    }
    // (B, T, V) float logits over at least the tokenizer's vocabulary
    if (logits.dim() != 3 || logits.size(0) != idx.size(0) || logits.size(1) != idx.size(1) ||
        logits.size(2) < vocab) {
      std::string shape;
      for (std::int64_t d : logits.sizes()) shape += (shape.empty() ? "" : ", ") + std::to_string(d);
      throw std::runtime_error(path + ": TorchScript forward must map (B, T) ids to (B, T, V>=" +
                               std::to_string(vocab) + ") logits over the " +
                               (vocab == 256 ? std::string("byte vocabulary") : "tokenizer's vocabulary") + ", got (" +
                               shape + ") for (" + std::to_string(idx.size(0)) + ", " + std::to_string(idx.size(1)) +
                               ") ids");
    }
    return logits.narrow(2, 0, vocab).to(torch::kFloat32);  // ids past the tokenizer's decode to nothing
  };
  lm.block_size = block_size;
  lm.n_params = n_params;
  return lm;
}

const text::Tokenizer& LanguageModel::tokens() const {
  static const text::Tokenizer bytes = text::Tokenizer::bytes();
  return tokenizer ? *tokenizer : bytes;
}

}  // namespace sweep
