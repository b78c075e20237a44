// load_hf: a Hugging Face model folder as a LanguageModel; see hf_model.hpp.
// The folder is checked (hf::inspect) and its size compared with the device's
// free memory before any weight is copied; the architecture's network is then
// built from the mapped safetensors files, which are unmapped once it holds
// its own copies.
#include "kernels/model/hf_model.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>

#include "hf/model_dir.hpp"
#include "hf/safetensors.hpp"
#include "kernels/device/device.hpp"
#include "kernels/model/hf_network.hpp"
#include "kernels/model/hf_weights.hpp"

namespace sweep {
namespace {

std::unique_ptr<HfNetwork> build(const hf::Config& c, const HfWeightLoader& weights) {
  switch (c.arch) {
    case hf::Architecture::Gpt2: return build_hf_gpt2(c, weights);
    case hf::Architecture::GptNeox: return build_hf_neox(c, weights);
    case hf::Architecture::Llama: return build_hf_llama(c, weights);
  }
  throw std::runtime_error(c.dir + "/config.json: architecture " + c.architecture_name + " has no network");
}

void check_memory(const hf::ModelDir& md, const HfLoadOptions& options, std::int64_t block_size) {
  const int bytes_per_weight = options.dtype == HfDType::BFloat16 ? 2 : 4;
  const std::int64_t batch = std::max<std::int64_t>(1, options.batch);
  const std::uint64_t needed = hf::memory_needed(md.config, bytes_per_weight, batch, block_size);
  const std::uint64_t available = device_memory_available(options.device);
  if (needed <= available) return;
  const auto weights = static_cast<std::uint64_t>(md.params.total) * static_cast<std::uint64_t>(bytes_per_weight);
  throw std::runtime_error(md.dir + ": needs " + format_bytes(needed) + " (weights " + format_bytes(weights) + " at " +
                           (bytes_per_weight == 2 ? "bfloat16" : "float32") + ", cache and activations for batch " +
                           std::to_string(batch) + " x " + std::to_string(block_size) + "), the device (" +
                           options.device.str() + ") has " + format_bytes(available) + " available");
}

}  // namespace

LanguageModel load_hf(const std::string& dir, const HfLoadOptions& options) {
  const hf::ModelDir md = hf::inspect(dir);
  const hf::Config& c = md.config;
  std::int64_t block_size = c.max_positions;
  // Within the window sliding-window attention and full attention agree.
  if (c.sliding_window > 0) block_size = std::min(block_size, c.sliding_window);
  if (options.block_size > 0) block_size = std::min(block_size, options.block_size);
  check_memory(md, options, block_size);

  const torch::ScalarType dtype = options.dtype == HfDType::BFloat16 ? torch::kBFloat16 : torch::kFloat32;
  std::shared_ptr<HfNetwork> net;
  {
    torch::NoGradGuard no_grad;
    const hf::Weights weights = hf::Weights::open(dir);
    net = build(c, HfWeightLoader(weights, dir, dtype, options.device));
  }

  // LanguageModel's tensors live on the CPU: ids go to the device, logits come back.
  const torch::Device device = options.device;
  LanguageModel lm;
  lm.forward = [net, device](const torch::Tensor& idx) {
    auto on_device = idx.to(device);
    auto start = torch::zeros({idx.size(0)}, on_device.options());
    return net->forward(on_device, start, nullptr).to(torch::kCPU);  // (B, T, V)
  };
  lm.forward_at = [net, device](const torch::Tensor& idx, const torch::Tensor& at) {
    auto on_device = idx.to(device);
    auto start = torch::zeros({idx.size(0)}, on_device.options());
    return net->forward(on_device, start, nullptr, at.to(device)).to(torch::kCPU);  // (N, V)
  };
  IncrementalDecoder dec;
  dec.new_cache = [net](std::int64_t batch, std::int64_t capacity) { return net->new_cache(batch, capacity); };
  dec.forward = [net, device](const torch::Tensor& idx, const torch::Tensor& start, KVCache& cache) {
    return net->forward(idx.to(device), start.to(device), &cache).to(torch::kCPU);  // (B, t, V)
  };
  dec.forward_at = [net, device](const torch::Tensor& idx, const torch::Tensor& start, KVCache& cache,
                                 const torch::Tensor& at) {
    return net->forward(idx.to(device), start.to(device), &cache, at.to(device)).to(torch::kCPU);  // (N, V)
  };
  lm.incremental = std::move(dec);
  lm.block_size = block_size;
  lm.n_params = md.params.total;
  lm.n_params_non_embedding = md.params.non_embedding;
  lm.tokenizer = text::Tokenizer::shared(md.tokenizer_json);  // eval jobs of one model share it
  return lm;
}

}  // namespace sweep
