// GPT-NeoX (Pythia) as transformers' GPTNeoXForCausalLM computes it: one
// fused query_key_value projection laid out per head as [q, k, v] (biases on
// it and the output projection unless attention_bias is false), rotary
// embeddings on the first rotary_dims of each head, the exact (erf) GELU (or
// the tanh one where hidden_act says so), a
// parallel residual x + attn(ln1(x)) + mlp(ln2(x)) or the serial one, and an
// untied output head (embed_out).
#include <string>
#include <vector>

#include "kernels/model/hf_layers.hpp"
#include "kernels/model/hf_network.hpp"
#include "kernels/model/rotary.hpp"

namespace sweep {
namespace {

namespace L = hf_layers;

struct NeoxBlock {
  torch::Tensor ln1_w, ln1_b, ln2_w, ln2_b, qkv_w, qkv_b, dense_w, dense_b, up_w, up_b, down_w, down_b;
};

class Neox final : public HfNetwork {
 public:
  Neox(const hf::Config& c, const HfWeightLoader& w) : HfNetwork(c, w.options()), rotary_(c) {
    const std::int64_t C = c.hidden_size, I = c.intermediate_size;
    embed_ = w.take("gpt_neox.embed_in.weight", {c.vocab_size, C});
    for (std::int64_t i = 0; i < c.n_layer; ++i) {
      const std::string h = "gpt_neox.layers." + std::to_string(i) + ".";
      NeoxBlock b;
      b.ln1_w = w.take(h + "input_layernorm.weight", {C});
      b.ln1_b = w.take(h + "input_layernorm.bias", {C});
      b.ln2_w = w.take(h + "post_attention_layernorm.weight", {C});
      b.ln2_b = w.take(h + "post_attention_layernorm.bias", {C});
      b.qkv_w = w.take(h + "attention.query_key_value.weight", {3 * C, C});
      b.qkv_b = w.take_if(c.qkv_bias, h + "attention.query_key_value.bias", {3 * C});
      b.dense_w = w.take(h + "attention.dense.weight", {C, C});
      b.dense_b = w.take_if(c.o_bias, h + "attention.dense.bias", {C});
      b.up_w = w.take(h + "mlp.dense_h_to_4h.weight", {I, C});
      b.up_b = w.take(h + "mlp.dense_h_to_4h.bias", {I});
      b.down_w = w.take(h + "mlp.dense_4h_to_h.weight", {C, I});
      b.down_b = w.take(h + "mlp.dense_4h_to_h.bias", {C});
      blocks_.push_back(std::move(b));
    }
    lnf_w_ = w.take("gpt_neox.final_layer_norm.weight", {C});
    lnf_b_ = w.take("gpt_neox.final_layer_norm.bias", {C});
    head_ = c.tie_word_embeddings ? embed_ : w.take("embed_out.weight", {c.vocab_size, C});
  }

  torch::Tensor forward(const torch::Tensor& idx, const torch::Tensor& start, KVCache* cache,
                        const torch::Tensor& at) override {
    const auto B = idx.size(0), t = idx.size(1), H = config_.n_head, hs = config_.head_dim;
    const double eps = config_.norm_eps;
    const auto span = span_of(idx, start, cache);
    auto angles = rotary_.angles(span.pos, options_.dtype().toScalarType());  // (B, 1, t, rot)
    auto x = torch::embedding(embed_, idx);                                     // (B, t, C)
    for (std::size_t l = 0; l < blocks_.size(); ++l) {
      const NeoxBlock& b = blocks_[l];
      // Per head [q, k, v] (GPTNeoXAttention's view (B, t, H, 3 hs)), not three (C) blocks.
      auto qkv = torch::linear(L::layer_norm(x, b.ln1_w, b.ln1_b, eps), b.qkv_w, b.qkv_b)
                     .view({B, t, H, 3 * hs}).transpose(1, 2);                  // (B, H, t, 3 hs)
      auto parts = qkv.split(hs, -1);                                           // 3 x (B, H, t, hs)
      auto q = rotary_.apply(parts[0], angles);                                 // (B, H, t, hs)
      auto k = rotary_.apply(parts[1], angles);                                 // (B, H, t, hs)
      auto a = L::causal_attention(q, k, parts[2], span, cache ? &cache->k[l] : nullptr,
                                   cache ? &cache->v[l] : nullptr);             // (B, t, C)
      auto attn = torch::linear(a, b.dense_w, b.dense_b);                       // (B, t, C)
      if (config_.parallel_residual) {
        auto mlp = mlp_of(L::layer_norm(x, b.ln2_w, b.ln2_b, eps), b);         // (B, t, C)
        x = mlp + attn + x;
      } else {
        attn = attn + x;
        x = mlp_of(L::layer_norm(attn, b.ln2_w, b.ln2_b, eps), b) + attn;      // (B, t, C)
      }
    }
    x = L::layer_norm(x, lnf_w_, lnf_b_, eps);                                  // (B, t, C)
    return logits_of(x, head_, at);                                          // (B, t, V) or (N, V)
  }

 private:
  torch::Tensor mlp_of(const torch::Tensor& h, const NeoxBlock& b) const {
    auto up = torch::linear(h, b.up_w, b.up_b);                                      // (B, t, I)
    return torch::linear(L::activation(up, config_.activation), b.down_w, b.down_b);    // (B, t, C)
  }

  Rotary rotary_;
  torch::Tensor embed_, lnf_w_, lnf_b_, head_;
  std::vector<NeoxBlock> blocks_;
};

}  // namespace

std::unique_ptr<HfNetwork> build_hf_neox(const hf::Config& c, const HfWeightLoader& weights) {
  return std::make_unique<Neox>(c, weights);
}

}  // namespace sweep
