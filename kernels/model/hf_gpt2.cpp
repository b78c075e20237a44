// GPT-2 as transformers' GPT2LMHeadModel computes it: learned positions,
// pre-LayerNorm blocks, gelu_new (the tanh GELU), the output head tied to the
// token embedding. Its Conv1D layers store weights as (in, out); they are
// transposed once at load so every layer is x W^T + b.
#include <string>
#include <vector>

#include "kernels/model/hf_layers.hpp"
#include "kernels/model/hf_network.hpp"

namespace sweep {
namespace {

namespace L = hf_layers;

struct Gpt2Block {
  torch::Tensor ln1_w, ln1_b, qkv_w, qkv_b, proj_w, proj_b, ln2_w, ln2_b, fc_w, fc_b, fc_proj_w, fc_proj_b;
};

class Gpt2 final : public HfNetwork {
 public:
  Gpt2(const hf::Config& c, const HfWeightLoader& w) : HfNetwork(c, w.options()) {
    // The hub's gpt2 files name tensors from the base model ("h.0..."); a
    // GPT2LMHeadModel saved by save_pretrained prefixes "transformer.".
    const std::string p = w.has("transformer.wte.weight") ? "transformer." : "";
    const std::int64_t C = c.hidden_size, I = c.intermediate_size;
    wte_ = w.take(p + "wte.weight", {c.vocab_size, C});
    wpe_ = w.take(p + "wpe.weight", {c.max_positions, C});
    // Conv1D (in, out) -> (out, in)
    auto conv = [&](const std::string& name, std::int64_t in, std::int64_t out) {
      return w.take(name, {in, out}).t().contiguous();
    };
    for (std::int64_t i = 0; i < c.n_layer; ++i) {
      const std::string h = p + "h." + std::to_string(i) + ".";
      Gpt2Block b;
      b.ln1_w = w.take(h + "ln_1.weight", {C});
      b.ln1_b = w.take(h + "ln_1.bias", {C});
      b.qkv_w = conv(h + "attn.c_attn.weight", C, 3 * C);
      b.qkv_b = w.take(h + "attn.c_attn.bias", {3 * C});
      b.proj_w = conv(h + "attn.c_proj.weight", C, C);
      b.proj_b = w.take(h + "attn.c_proj.bias", {C});
      b.ln2_w = w.take(h + "ln_2.weight", {C});
      b.ln2_b = w.take(h + "ln_2.bias", {C});
      b.fc_w = conv(h + "mlp.c_fc.weight", C, I);
      b.fc_b = w.take(h + "mlp.c_fc.bias", {I});
      b.fc_proj_w = conv(h + "mlp.c_proj.weight", I, C);
      b.fc_proj_b = w.take(h + "mlp.c_proj.bias", {C});
      blocks_.push_back(std::move(b));
    }
    lnf_w_ = w.take(p + "ln_f.weight", {C});
    lnf_b_ = w.take(p + "ln_f.bias", {C});
  }

  torch::Tensor forward(const torch::Tensor& idx, const torch::Tensor& start, KVCache* cache,
                        const torch::Tensor& at) override {
    const auto B = idx.size(0), t = idx.size(1), C = config_.hidden_size, H = config_.n_head, hs = config_.head_dim;
    const double eps = config_.norm_eps;
    const auto span = span_of(idx, start, cache);
    auto x = torch::embedding(wte_, idx) + torch::embedding(wpe_, span.pos);   // (B, t, C)
    for (std::size_t l = 0; l < blocks_.size(); ++l) {
      const Gpt2Block& b = blocks_[l];
      auto qkv = torch::linear(L::layer_norm(x, b.ln1_w, b.ln1_b, eps), b.qkv_w, b.qkv_b);  // (B, t, 3C)
      auto parts = qkv.split(C, -1);                                           // 3 x (B, t, C)
      auto q = parts[0].view({B, t, H, hs}).transpose(1, 2);                   // (B, H, t, hs)
      auto k = parts[1].view({B, t, H, hs}).transpose(1, 2);                   // (B, H, t, hs)
      auto v = parts[2].view({B, t, H, hs}).transpose(1, 2);                   // (B, H, t, hs)
      auto a = L::causal_attention(q, k, v, span, cache ? &cache->k[l] : nullptr, cache ? &cache->v[l] : nullptr);
      x = torch::linear(a, b.proj_w, b.proj_b) + x;                            // (B, t, C)
      auto m = torch::linear(L::layer_norm(x, b.ln2_w, b.ln2_b, eps), b.fc_w, b.fc_b);  // (B, t, I)
      x = torch::linear(L::activation(m, config_.activation), b.fc_proj_w, b.fc_proj_b) + x;     // (B, t, C)
    }
    x = L::layer_norm(x, lnf_w_, lnf_b_, eps);                                 // (B, t, C)
    return logits_of(x, wte_, at);                                          // (B, t, V) or (N, V)
  }

 private:
  torch::Tensor wte_, wpe_, lnf_w_, lnf_b_;
  std::vector<Gpt2Block> blocks_;
};

}  // namespace

std::unique_ptr<HfNetwork> build_hf_gpt2(const hf::Config& c, const HfWeightLoader& weights) {
  return std::make_unique<Gpt2>(c, weights);
}

}  // namespace sweep
