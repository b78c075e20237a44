// What every Hugging Face decoder shares; see hf_network.hpp.
#include "kernels/model/hf_network.hpp"

#include <vector>

namespace sweep {

KVCache HfNetwork::new_cache(std::int64_t batch, std::int64_t capacity) const {
  KVCache cache;
  const std::vector<std::int64_t> shape = {batch, config_.n_kv_head, capacity, config_.head_dim};  // (B, H_kv, cap, hs)
  for (std::int64_t l = 0; l < config_.n_layer; ++l) {
    cache.k.push_back(torch::zeros(shape, options_));
    cache.v.push_back(torch::zeros(shape, options_));
  }
  return cache;
}

torch::Tensor HfNetwork::logits_of(const torch::Tensor& x, const torch::Tensor& head, const torch::Tensor& at) {
  return torch::linear(at.defined() ? x.index({at}) : x, head).to(torch::kFloat32);  // (B, t, V) or (N, V)
}

hf_layers::Span HfNetwork::span_of(const torch::Tensor& idx, const torch::Tensor& start, const KVCache* cache) const {
  const auto B = idx.size(0), t = idx.size(1);
  if (cache != nullptr)
    TORCH_CHECK(static_cast<std::int64_t>(cache->k.size()) == config_.n_layer && cache->k[0].size(0) == B,
                "cache does not fit the batch");
  hf_layers::Span span = hf_layers::span_of(start, t, cache != nullptr);
  const std::int64_t last = t == 0 ? 0 : span.pos.max().item<std::int64_t>();
  TORCH_CHECK(last < config_.max_positions, "position ", last, " beyond the model's ", config_.max_positions);
  if (cache != nullptr)
    TORCH_CHECK(last < cache->k[0].size(2), "position ", last, " beyond the cache's capacity ", cache->k[0].size(2));
  return span;
}

}  // namespace sweep
