// The Llama family (Llama 2/3, Mistral, Qwen2/3, SmolLM) as transformers'
// LlamaForCausalLM and its relatives compute it: RMSNorm, rotary embeddings
// over whole heads, grouped-query attention, the SwiGLU MLP
// down(silu(gate x) * up x), and the variants' options: biases on q/k/v (Qwen2),
// on the output projection and the MLP (attention_bias, mlp_bias), Qwen3's
// RMSNorm of each head's queries and keys before the rotation, a tied or
// untied output head.
#include <string>
#include <vector>

#include "kernels/model/hf_layers.hpp"
#include "kernels/model/hf_network.hpp"
#include "kernels/model/rotary.hpp"

namespace sweep {
namespace {

namespace L = hf_layers;

struct LlamaBlock {
  torch::Tensor in_norm, post_norm, q_w, q_b, k_w, k_b, v_w, v_b, o_w, o_b, q_norm, k_norm;
  torch::Tensor gate_w, gate_b, up_w, up_b, down_w, down_b;
};

class Llama final : public HfNetwork {
 public:
  Llama(const hf::Config& c, const HfWeightLoader& w) : HfNetwork(c, w.options()), rotary_(c) {
    const std::int64_t C = c.hidden_size, I = c.intermediate_size, hs = c.head_dim;
    const std::int64_t Q = c.n_head * hs, KV = c.n_kv_head * hs;
    embed_ = w.take("model.embed_tokens.weight", {c.vocab_size, C});
    for (std::int64_t i = 0; i < c.n_layer; ++i) {
      const std::string h = "model.layers." + std::to_string(i) + ".";
      LlamaBlock b;
      b.in_norm = w.take(h + "input_layernorm.weight", {C});
      b.post_norm = w.take(h + "post_attention_layernorm.weight", {C});
      b.q_w = w.take(h + "self_attn.q_proj.weight", {Q, C});
      b.k_w = w.take(h + "self_attn.k_proj.weight", {KV, C});
      b.v_w = w.take(h + "self_attn.v_proj.weight", {KV, C});
      b.q_b = w.take_if(c.qkv_bias, h + "self_attn.q_proj.bias", {Q});
      b.k_b = w.take_if(c.qkv_bias, h + "self_attn.k_proj.bias", {KV});
      b.v_b = w.take_if(c.qkv_bias, h + "self_attn.v_proj.bias", {KV});
      b.o_w = w.take(h + "self_attn.o_proj.weight", {C, Q});
      b.o_b = w.take_if(c.o_bias, h + "self_attn.o_proj.bias", {C});
      b.q_norm = w.take_if(c.qk_norm, h + "self_attn.q_norm.weight", {hs});
      b.k_norm = w.take_if(c.qk_norm, h + "self_attn.k_norm.weight", {hs});
      b.gate_w = w.take(h + "mlp.gate_proj.weight", {I, C});
      b.up_w = w.take(h + "mlp.up_proj.weight", {I, C});
      b.down_w = w.take(h + "mlp.down_proj.weight", {C, I});
      b.gate_b = w.take_if(c.mlp_bias, h + "mlp.gate_proj.bias", {I});
      b.up_b = w.take_if(c.mlp_bias, h + "mlp.up_proj.bias", {I});
      b.down_b = w.take_if(c.mlp_bias, h + "mlp.down_proj.bias", {C});
      blocks_.push_back(std::move(b));
    }
    norm_ = w.take("model.norm.weight", {C});
    head_ = c.tie_word_embeddings ? embed_ : w.take("lm_head.weight", {c.vocab_size, C});
  }

  torch::Tensor forward(const torch::Tensor& idx, const torch::Tensor& start, KVCache* cache,
                        const torch::Tensor& at) override {
    const auto B = idx.size(0), t = idx.size(1), H = config_.n_head, Hkv = config_.n_kv_head, hs = config_.head_dim;
    const double eps = config_.norm_eps;
    const auto span = span_of(idx, start, cache);
    auto angles = rotary_.angles(span.pos, options_.dtype().toScalarType());  // (B, 1, t, hs)
    auto x = torch::embedding(embed_, idx);                                     // (B, t, C)
    for (std::size_t l = 0; l < blocks_.size(); ++l) {
      const LlamaBlock& b = blocks_[l];
      auto h = L::rms_norm(x, b.in_norm, eps);                                  // (B, t, C)
      auto q = torch::linear(h, b.q_w, b.q_b).view({B, t, H, hs});              // (B, t, H, hs)
      auto k = torch::linear(h, b.k_w, b.k_b).view({B, t, Hkv, hs});            // (B, t, H_kv, hs)
      auto v = torch::linear(h, b.v_w, b.v_b).view({B, t, Hkv, hs}).transpose(1, 2);  // (B, H_kv, t, hs)
      if (b.q_norm.defined()) {
        q = L::rms_norm(q, b.q_norm, eps);
        k = L::rms_norm(k, b.k_norm, eps);
      }
      q = rotary_.apply(q.transpose(1, 2), angles);                             // (B, H, t, hs)
      k = rotary_.apply(k.transpose(1, 2), angles);                             // (B, H_kv, t, hs)
      auto a = L::causal_attention(q, k, v, span, cache ? &cache->k[l] : nullptr,
                                   cache ? &cache->v[l] : nullptr);             // (B, t, H hs)
      x = x + torch::linear(a, b.o_w, b.o_b);                                   // (B, t, C)
      h = L::rms_norm(x, b.post_norm, eps);                                     // (B, t, C)
      auto gate = L::activation(torch::linear(h, b.gate_w, b.gate_b), config_.activation);  // (B, t, I)
      auto gated = gate * torch::linear(h, b.up_w, b.up_b);                     // (B, t, I)
      x = x + torch::linear(gated, b.down_w, b.down_b);                         // (B, t, C)
    }
    x = L::rms_norm(x, norm_, eps);                                             // (B, t, C)
    return logits_of(x, head_, at);                                          // (B, t, V) or (N, V)
  }

 private:
  Rotary rotary_;
  torch::Tensor embed_, norm_, head_;
  std::vector<LlamaBlock> blocks_;
};

}  // namespace

std::unique_ptr<HfNetwork> build_hf_llama(const hf::Config& c, const HfWeightLoader& weights) {
  return std::make_unique<Llama>(c, weights);
}

}  // namespace sweep
