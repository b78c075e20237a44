// GPT model; see gpt.hpp. Initialisation follows GPT-2: N(0, 0.02) weights,
// residual projections scaled by 1/sqrt(2 * n_layer), zero biases.
#include "kernels/model/gpt.hpp"

#include "kernels/device/attention_cpu.hpp"

#include <torch/version.h>

#include <cmath>

#include "kernels/device/fused_cpu.hpp"
#include "kernels/device/linear_cpu.hpp"

namespace sweep {
namespace {

// The kernel that runs on this input: Auto (and FusedCpu) take sweep's CPU
// kernel where it applies (float32 on CPU), else the framework's fused one.
AttentionKernel resolve(AttentionKernel k, const torch::Tensor& qkv) {
  const bool cpu_kernel_applies = causal_attention_cpu_supports(qkv);
  if (k == AttentionKernel::Auto || k == AttentionKernel::FusedCpu)
    return cpu_kernel_applies ? AttentionKernel::FusedCpu : AttentionKernel::Fused;
  return k;
}

// A Linear module's layer through sweep's linear (oneDNN on float32 CPU).
torch::Tensor apply_linear(const torch::nn::Linear& layer, const torch::Tensor& x) {
  return linear(x, layer->weight, layer->bias);
}

// Causal attention of q over k, v: (B, H, T, hs) each -> (B, H, T, hs).
torch::Tensor fused_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v) {
#if TORCH_VERSION_MAJOR >= 2
  return at::scaled_dot_product_attention(q, k, v, /*attn_mask=*/{}, /*dropout_p=*/0.0, /*is_causal=*/true);
#else
  return std::get<0>(at::_scaled_dot_product_attention(q, k, v, /*attn_mask=*/{}, /*dropout_p=*/0.0,
                                                       /*need_attn_weights=*/false, /*is_causal=*/true));
#endif
}

}  // namespace

CausalSelfAttentionImpl::CausalSelfAttentionImpl(const GPTConfig& cfg) : n_head_(cfg.n_head), kernel_(cfg.attention) {
  qkv = register_module("qkv", torch::nn::Linear(cfg.d_model, 3 * cfg.d_model));
  proj = register_module("proj", torch::nn::Linear(cfg.d_model, cfg.d_model));
  auto causal = torch::ones({cfg.block_size, cfg.block_size}, torch::kBool).tril();
  mask_ = register_buffer(
      "mask", torch::zeros({1, 1, cfg.block_size, cfg.block_size}).masked_fill(causal.logical_not(), -INFINITY));
}

torch::Tensor CausalSelfAttentionImpl::forward(const torch::Tensor& x) {
  return apply_linear(proj, attend(apply_linear(qkv, x)));  // (B, T, C)
}

torch::Tensor CausalSelfAttentionImpl::attend(const torch::Tensor& projected) {
  const auto B = projected.size(0), T = projected.size(1), C = projected.size(2) / 3, hs = C / n_head_;
  const AttentionKernel kernel = resolve(kernel_, projected);
  if (kernel == AttentionKernel::FusedCpu) return causal_attention_cpu(projected, n_head_);  // (B, T, C)
  auto parts = projected.split(C, /*dim=*/2);                       // 3 x (B, T, C)
  auto q = parts[0].view({B, T, n_head_, hs}).transpose(1, 2);      // (B, H, T, hs)
  auto k = parts[1].view({B, T, n_head_, hs}).transpose(1, 2);      // (B, H, T, hs)
  auto v = parts[2].view({B, T, n_head_, hs}).transpose(1, 2);      // (B, H, T, hs)
  torch::Tensor y;
  if (kernel == AttentionKernel::Fused) {
    y = fused_attention(q, k, v);                                   // (B, H, T, hs)
  } else {
    // Scaling q (B, H, T, hs) rather than the scores (B, H, T, T) saves a pass
    // over the scores forward and backward (hs < T here).
    auto scaled_q = q * (1.0 / std::sqrt(static_cast<double>(hs)));  // (B, H, T, hs)
    auto att = torch::matmul(scaled_q, k.transpose(-2, -1));          // (B, H, T, T)
    att = torch::softmax(att + mask_.narrow(2, 0, T).narrow(3, 0, T), -1);
    y = torch::matmul(att, v);                                      // (B, H, T, hs)
  }
  return y.transpose(1, 2).contiguous().view({B, T, C});            // (B, T, C)
}

torch::Tensor CausalSelfAttentionImpl::forward_cached(const torch::Tensor& x, const torch::Tensor& start,
                                                      torch::Tensor& k_cache, torch::Tensor& v_cache) {
  const auto B = x.size(0), t = x.size(1), C = x.size(2), hs = C / n_head_;
  auto projected = apply_linear(qkv, x);                            // (B, t, 3C)
  auto parts = projected.split(C, /*dim=*/2);                       // 3 x (B, t, C)
  if (t > 1 && start.count_nonzero().item<std::int64_t>() == 0) {
    // A prefill (every row from position 0): the block attends only to
    // itself, so forward()'s kernel does it; the cache takes k and v as they are.
    k_cache.narrow(2, 0, t).copy_(parts[1].view({B, t, n_head_, hs}).transpose(1, 2));
    v_cache.narrow(2, 0, t).copy_(parts[2].view({B, t, n_head_, hs}).transpose(1, 2));
    return apply_linear(proj, attend(projected));                   // (B, t, C)
  }
  auto q = parts[0].view({B, t, n_head_, hs}).transpose(1, 2);      // (B, H, t, hs)
  auto k = parts[1].view({B, t, n_head_, hs}).transpose(1, 2);      // (B, H, t, hs)
  auto v = parts[2].view({B, t, n_head_, hs}).transpose(1, 2);      // (B, H, t, hs)
  auto pos = start.view({B, 1}) + torch::arange(t, start.options()).view({1, t});  // (B, t)
  auto slot = pos.view({B, 1, t, 1}).expand({B, n_head_, t, hs});   // (B, H, t, hs)
  k_cache.scatter_(2, slot, k);
  v_cache.scatter_(2, slot, v);
  if (t == 1 && decode_attention_cpu_supports(projected, k_cache, v_cache))
    return apply_linear(proj, decode_attention_cpu(projected, k_cache, v_cache, pos, n_head_));  // (B, 1, C)
  const std::int64_t span = pos.max().item<std::int64_t>() + 1;
  auto keys = k_cache.narrow(2, 0, span);                           // (B, H, S, hs)
  auto values = v_cache.narrow(2, 0, span);                         // (B, H, S, hs)
  // One new token per row (t 1, every decode step) where sweep's decode
  // kernel does not apply (CUDA, gradients): products and sums, not matmul.
  // keys and values are strided views into the cache, and LibTorch 1.13's bmm
  // over B*H such slices runs one select + mm per slice: that was 60% of a
  // batched few-shot eval (bench_trainer eval, BENCH_TRACE).
  const double scale = 1.0 / std::sqrt(static_cast<double>(hs));
  auto att = t == 1 ? (q * keys).sum(-1).unsqueeze(2) * scale                                  // (B, H, 1, S)
                    : torch::matmul(q, keys.transpose(-2, -1)) * scale;                       // (B, H, t, S)
  auto later = torch::arange(span, start.options()).view({1, 1, 1, span}) > pos.view({B, 1, t, 1});  // (B, 1, t, S)
  att = torch::softmax(att.masked_fill(later, -INFINITY), -1);
  auto y = t == 1 ? (att.squeeze(2).unsqueeze(-1) * values).sum(2).unsqueeze(2)               // (B, H, 1, hs)
                  : torch::matmul(att, values);                                                // (B, H, t, hs)
  y = y.transpose(1, 2).contiguous().view({B, t, C});               // (B, t, C)
  return apply_linear(proj, y);
}

BlockImpl::BlockImpl(const GPTConfig& cfg) {
  ln1 = register_module("ln1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({cfg.d_model})));
  attn = register_module("attn", CausalSelfAttention(cfg));
  ln2 = register_module("ln2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({cfg.d_model})));
  fc = register_module("fc", torch::nn::Linear(cfg.d_model, 4 * cfg.d_model));
  fc_proj = register_module("fc_proj", torch::nn::Linear(4 * cfg.d_model, cfg.d_model));
}

torch::Tensor BlockImpl::forward(torch::Tensor x) {
  x = x + attn->forward(ln1->forward(x));                                          // (B, T, C)
  x = x + apply_linear(fc_proj, gelu_tanh(apply_linear(fc, ln2->forward(x))));     // (B, T, C)
  return x;
}

torch::Tensor BlockImpl::forward_cached(torch::Tensor x, const torch::Tensor& start, torch::Tensor& k_cache,
                                        torch::Tensor& v_cache) {
  x = x + attn->forward_cached(ln1->forward(x), start, k_cache, v_cache);         // (B, t, C)
  x = x + apply_linear(fc_proj, gelu_tanh(apply_linear(fc, ln2->forward(x))));     // (B, t, C)
  return x;
}

GPTImpl::GPTImpl(const GPTConfig& cfg) : cfg_(cfg) {
  wte = register_module("wte", torch::nn::Embedding(cfg.vocab_size, cfg.d_model));
  wpe = register_module("wpe", torch::nn::Embedding(cfg.block_size, cfg.d_model));
  blocks = register_module("blocks", torch::nn::ModuleList());
  for (int i = 0; i < cfg.n_layer; ++i) blocks->push_back(Block(cfg));
  ln_f = register_module("ln_f", torch::nn::LayerNorm(torch::nn::LayerNormOptions({cfg.d_model})));

  torch::NoGradGuard no_grad;
  const double residual_std = 0.02 / std::sqrt(2.0 * cfg.n_layer);
  for (auto& p : named_parameters()) {
    const auto& name = p.key();
    auto& t = p.value();
    if (name.find("ln") != std::string::npos) continue;  // LayerNorm keeps weight 1, bias 0
    if (t.dim() == 1) {
      t.zero_();
    } else if (name.find("proj.weight") != std::string::npos) {
      t.normal_(0.0, residual_std);
    } else {
      t.normal_(0.0, 0.02);
    }
  }
}

torch::Tensor GPTImpl::hidden(const torch::Tensor& idx) {
  const auto T = idx.size(1);
  TORCH_CHECK(T <= cfg_.block_size, "sequence of ", T, " tokens exceeds block_size ", cfg_.block_size);
  auto pos = torch::arange(T, idx.options());
  auto x = wte->forward(idx) + wpe->forward(pos);  // (B, T, C)
  for (const auto& block : *blocks) x = block->as<Block>()->forward(x);
  return ln_f->forward(x);                         // (B, T, C)
}

torch::Tensor GPTImpl::forward(const torch::Tensor& idx) {
  return torch::matmul(hidden(idx), wte->weight.t());  // (B, T, V)
}

torch::Tensor GPTImpl::forward_at(const torch::Tensor& idx, const torch::Tensor& at) {
  return torch::matmul(hidden(idx).index({at}), wte->weight.t());  // (N, C) -> (N, V)
}

KVCache GPTImpl::new_cache(std::int64_t batch, std::int64_t capacity) {
  TORCH_CHECK(capacity <= cfg_.block_size, "cache of ", capacity, " positions exceeds block_size ", cfg_.block_size);
  const auto opts = wte->weight.options().requires_grad(false);
  KVCache cache;
  for (int l = 0; l < cfg_.n_layer; ++l) {
    cache.k.push_back(torch::zeros({batch, cfg_.n_head, capacity, cfg_.d_model / cfg_.n_head}, opts));  // (B, H, cap, hs)
    cache.v.push_back(torch::zeros({batch, cfg_.n_head, capacity, cfg_.d_model / cfg_.n_head}, opts));  // (B, H, cap, hs)
  }
  return cache;
}

torch::Tensor GPTImpl::forward_cached(const torch::Tensor& idx, const torch::Tensor& start, KVCache& cache) {
  const auto B = idx.size(0), t = idx.size(1);
  TORCH_CHECK(static_cast<int>(cache.k.size()) == cfg_.n_layer && cache.k[0].size(0) == B, "cache does not fit the batch");
  auto pos = start.view({B, 1}) + torch::arange(t, start.options()).view({1, t});  // (B, t)
  TORCH_CHECK(pos.max().item<std::int64_t>() < cache.k[0].size(2), "position beyond the cache's capacity");
  auto x = wte->forward(idx) + wpe->forward(pos);  // (B, t, C)
  for (int l = 0; l < cfg_.n_layer; ++l)
    x = blocks->ptr<BlockImpl>(static_cast<std::size_t>(l))->forward_cached(x, start, cache.k[l], cache.v[l]);
  x = ln_f->forward(x);                            // (B, t, C)
  return torch::matmul(x, wte->weight.t());        // (B, t, V)
}

std::int64_t GPTImpl::n_params() {
  std::int64_t n = 0;
  for (const auto& p : parameters()) n += p.numel();
  return n;
}

torch::Tensor lm_loss(const torch::Tensor& logits, const torch::Tensor& targets) {
  return torch::nn::functional::cross_entropy(
      logits.reshape({-1, logits.size(-1)}), targets.reshape({-1}),
      torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-1));
}

}  // namespace sweep
