// Shared layers of the Hugging Face decoders; see hf_layers.hpp.
#include "kernels/model/hf_layers.hpp"

#include <cmath>

namespace sweep::hf_layers {

torch::Tensor layer_norm(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias, double eps) {
  const auto dtype = x.scalar_type();
  if (dtype == torch::kFloat32) return torch::layer_norm(x, {x.size(-1)}, weight, bias, eps);
  return torch::layer_norm(x.to(torch::kFloat32), {x.size(-1)}, weight.to(torch::kFloat32), bias.to(torch::kFloat32),
                           eps)
      .to(dtype);
}

torch::Tensor activation(const torch::Tensor& x, hf::Activation a) {
  switch (a) {
    case hf::Activation::GeluTanh: return torch::gelu(x, "tanh");
    case hf::Activation::Gelu: return torch::gelu(x);
    case hf::Activation::Silu: return torch::silu(x);
  }
  return x;
}

torch::Tensor rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps) {
  auto h = x.to(torch::kFloat32);                          // (..., C)
  auto variance = h.pow(2).mean(-1, /*keepdim=*/true);     // (..., 1)
  return weight * (h * torch::rsqrt(variance + eps)).to(x.scalar_type());
}

namespace {

// Attention of the grouped queries qg (B, H_kv, rep * t, hs) (rep query heads
// per key/value head, each with its t queries) over keys and values (B, H_kv,
// S, hs) at key positions 0 .. S-1; `later` (B, 1, 1, t, S) marks the keys
// after each query's position. Returns (B, H_kv, rep * t, hs).
torch::Tensor attend(const torch::Tensor& qg, const torch::Tensor& keys, const torch::Tensor& values,
                     const torch::Tensor& later, std::int64_t rep, std::int64_t t) {
  const auto B = qg.size(0), Hkv = qg.size(1), hs = qg.size(3), S = keys.size(2);
  const double scale = 1.0 / std::sqrt(static_cast<double>(hs));
  // One query per head (t 1, every decode step): products and sums, not
  // matmul, whose batched form over strided cache slices is slow on the CPU
  // (the same choice as kernels/model/gpt.cpp's decode).
  const bool decode = t == 1;
  auto att = decode ? (qg.unsqueeze(3) * keys.unsqueeze(2)).sum(-1)        // (B, H_kv, rep, S)
                    : torch::matmul(qg, keys.transpose(-2, -1));           // (B, H_kv, rep * t, S)
  att = (att * scale).view({B, Hkv, rep, t, S}).to(torch::kFloat32);       // (B, H_kv, rep, t, S)
  att = torch::softmax(att.masked_fill(later, -INFINITY), -1).to(qg.scalar_type());
  if (decode) return (att.view({B, Hkv, rep, S, 1}) * values.unsqueeze(2)).sum(3);  // (B, H_kv, rep, hs)
  return torch::matmul(att.view({B, Hkv, rep * t, S}), values);                      // (B, H_kv, rep * t, hs)
}

}  // namespace

Span span_of(const torch::Tensor& start, std::int64_t t, bool cached) {
  const auto B = start.size(0);
  Span s;
  s.start = start;
  s.pos = start.view({B, 1}) + torch::arange(t, start.options()).view({1, t});  // (B, t)
  // A cached prefill attends only to itself, as a full forward does.
  s.fresh = !cached || (t > 1 && start.count_nonzero().item<std::int64_t>() == 0);
  s.keys = s.fresh ? t : s.pos.max().item<std::int64_t>() + 1;
  auto query_pos = s.fresh ? torch::arange(t, start.options()).view({1, t}).expand({B, t}) : s.pos;  // (B, t)
  s.later = torch::arange(s.keys, start.options()).view({1, 1, 1, 1, s.keys}) >
            query_pos.view({B, 1, 1, t, 1});                                                   // (B, 1, 1, t, S)
  return s;
}

torch::Tensor causal_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                               const Span& span, torch::Tensor* k_cache, torch::Tensor* v_cache) {
  const auto B = q.size(0), H = q.size(1), t = q.size(2), hs = q.size(3), Hkv = k.size(1), rep = H / Hkv;
  auto qg = q.reshape({B, Hkv, rep * t, hs});                                            // (B, H_kv, rep * t, hs)
  torch::Tensor keys = k, values = v;                                                    // (B, H_kv, S, hs)
  if (k_cache != nullptr) {
    auto slot = span.pos.view({B, 1, t, 1}).expand({B, Hkv, t, hs});                     // (B, H_kv, t, hs)
    k_cache->scatter_(2, slot, k);
    v_cache->scatter_(2, slot, v);
    if (!span.fresh) {
      keys = k_cache->narrow(2, 0, span.keys);
      values = v_cache->narrow(2, 0, span.keys);
    }
  }
  auto y = attend(qg, keys, values, span.later, rep, t);                                 // (B, H_kv, rep * t, hs)
  return y.view({B, H, t, hs}).transpose(1, 2).reshape({B, t, H * hs});                 // (B, t, H * hs)
}

}  // namespace sweep::hf_layers
