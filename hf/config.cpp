// config.json read with the semantics of Hugging Face transformers' own
// config classes (their defaults where a key is absent), the parameter count
// from the shapes of the modules transformers builds, and the memory estimate.
#include "hf/config.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

namespace sweep::hf {
namespace {

using json = nlohmann::json;

const char* const kSupported =
    "GPT2LMHeadModel, GPTNeoXForCausalLM, LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, "
    "Qwen3ForCausalLM";

// Typed access to one JSON object of config.json; every error is one line
// naming the file and the key's path ("rope_scaling.factor").
class Reader {
 public:
  Reader(std::string path, const json& object, std::string prefix = "")
      : path_(std::move(path)), j_(object), prefix_(std::move(prefix)) {}

  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw std::runtime_error(path_ + ": " + prefix_ + key + ": " + what);
  }

  // The value, or null when the key is absent or JSON null (transformers
  // treats both as "use the default").
  const json* find(const std::string& key) const {
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) return nullptr;
    return &*it;
  }
  bool has(const std::string& key) const { return find(key) != nullptr; }
  // Written at all, null included (where null means "off", not "default").
  bool present(const std::string& key) const { return j_.find(key) != j_.end(); }

  std::int64_t integer(const std::string& key) const { return as_integer(key, required(key)); }
  std::int64_t integer(const std::string& key, std::int64_t fallback) const {
    const json* v = find(key);
    return v ? as_integer(key, *v) : fallback;
  }
  // A required integer > 0: shapes.
  std::int64_t positive(const std::string& key) const { return check_positive(key, integer(key)); }
  std::int64_t positive(const std::string& key, std::int64_t fallback) const {
    return check_positive(key, integer(key, fallback));
  }

  double number(const std::string& key, double fallback) const {
    const json* v = find(key);
    if (!v) return fallback;
    if (!v->is_number()) fail(key, std::string("expected a number, got ") + v->type_name());
    return v->get<double>();
  }
  double positive_number(const std::string& key) const {
    const json& v = required(key);
    if (!v.is_number()) fail(key, std::string("expected a number, got ") + v.type_name());
    return positive_number(key, 0.0);
  }
  double positive_number(const std::string& key, double fallback) const {
    const double x = number(key, fallback);
    if (!(x > 0)) fail(key, "must be positive, got " + format(x));
    return x;
  }

  bool boolean(const std::string& key, bool fallback) const {
    const json* v = find(key);
    if (!v) return fallback;
    if (!v->is_boolean()) fail(key, std::string("expected true or false, got ") + v->type_name());
    return v->get<bool>();
  }

  std::string text(const std::string& key) const { return as_text(key, required(key)); }
  std::string text(const std::string& key, const std::string& fallback) const {
    const json* v = find(key);
    return v ? as_text(key, *v) : fallback;
  }

  // A nested object (null when absent), read with its key as the prefix.
  bool object(const std::string& key, const json** out) const {
    const json* v = find(key);
    if (!v) return false;
    if (!v->is_object()) fail(key, std::string("expected an object, got ") + v->type_name());
    *out = v;
    return true;
  }
  Reader nested(const std::string& key, const json& object) const {
    return Reader(path_, object, prefix_ + key + ".");
  }

  static std::string format(double x) {
    std::ostringstream s;
    s << x;
    return s.str();
  }

 private:
  const json& required(const std::string& key) const {
    auto it = j_.find(key);
    if (it == j_.end()) fail(key, "missing");
    if (it->is_null()) fail(key, "is null");
    return *it;
  }
  std::int64_t as_integer(const std::string& key, const json& v) const {
    if (!v.is_number_integer()) fail(key, std::string("expected an integer, got ") + v.type_name());
    return v.get<std::int64_t>();
  }
  std::int64_t check_positive(const std::string& key, std::int64_t x) const {
    if (x <= 0) fail(key, "must be positive, got " + std::to_string(x));
    return x;
  }
  std::string as_text(const std::string& key, const json& v) const {
    if (!v.is_string()) fail(key, std::string("expected a string, got ") + v.type_name());
    return v.get<std::string>();
  }

  std::string path_;
  const json& j_;
  std::string prefix_;
};

json parse_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open (missing or unreadable)");
  std::stringstream buf;
  buf << in.rdbuf();
  try {
    json j = json::parse(buf.str());
    if (!j.is_object()) throw std::runtime_error(path + ": expected a JSON object, got " + j.type_name());
    return j;
  } catch (const json::parse_error& e) {
    // e.what() carries nlohmann's line and column.
    throw std::runtime_error(path + ": malformed JSON: " + e.what());
  }
}

// rope_scaling (transformers 4.x) or rope_parameters (5.x, which also moves
// rope_theta there). yarn, dynamic and longrope change the frequencies in ways
// the model does not implement, so they are refused, not approximated.
void read_rope(const Reader& r, Config& c, double default_theta) {
  const json* params = nullptr;
  if (r.object("rope_parameters", &params)) {
    const Reader p = r.nested("rope_parameters", *params);
    c.rope_theta = p.positive_number("rope_theta", r.positive_number("rope_theta", default_theta));
  } else {
    c.rope_theta = r.positive_number("rope_theta", default_theta);
  }
  const json* scaling = nullptr;
  std::string key = "rope_scaling";
  if (!r.object(key, &scaling)) {
    key = "rope_parameters";
    if (!r.object(key, &scaling)) return;
  }
  const Reader s = r.nested(key, *scaling);
  const std::string type_key = s.has("rope_type") ? "rope_type" : "type";
  const std::string type = s.text(type_key, "default");
  if (type == "default") return;
  if (type == "linear") {
    c.rope_scaling = RopeScaling::Linear;
    c.rope_factor = s.positive_number("factor");
  } else if (type == "llama3") {
    c.rope_scaling = RopeScaling::Llama3;
    c.rope_factor = s.positive_number("factor");
    c.rope_low_freq_factor = s.positive_number("low_freq_factor");
    c.rope_high_freq_factor = s.positive_number("high_freq_factor");
    c.rope_original_max_positions = s.positive("original_max_position_embeddings");
    if (c.rope_high_freq_factor <= c.rope_low_freq_factor)
      s.fail("high_freq_factor", "must exceed low_freq_factor (" + Reader::format(c.rope_low_freq_factor) + ")");
  } else {
    s.fail(type_key, "unsupported '" + type + "' (supported: default, linear, llama3)");
  }
}

void check_divides(const Reader& r, const std::string& key, std::int64_t d, const std::string& of_key,
                   std::int64_t n) {
  if (n % d != 0) r.fail(key, std::to_string(d) + " does not divide " + of_key + " " + std::to_string(n));
}

// gelu_new, gelu_fast and gelu_pytorch_tanh are the same tanh approximation,
// written three ways in transformers' ACT2FN.
bool is_gelu_tanh(const std::string& act) {
  return act == "gelu_new" || act == "gelu_fast" || act == "gelu_pytorch_tanh";
}

void read_gpt2(const Reader& r, Config& c) {
  c.arch = Architecture::Gpt2;
  c.vocab_size = r.positive("vocab_size");
  c.hidden_size = r.positive("n_embd");
  c.n_layer = r.positive("n_layer");
  c.n_head = r.positive("n_head");
  c.max_positions = r.positive("n_positions");
  c.norm_eps = r.positive_number("layer_norm_epsilon", 1e-5);
  const std::string act = r.text("activation_function", "gelu_new");
  if (!is_gelu_tanh(act)) r.fail("activation_function", "unsupported '" + act + "' (supported: gelu_new)");
  c.activation = Activation::GeluTanh;
  c.intermediate_size = r.positive("n_inner", 4 * c.hidden_size);
  check_divides(r, "n_head", c.n_head, "n_embd", c.hidden_size);
  c.n_kv_head = c.n_head;
  c.head_dim = c.hidden_size / c.n_head;
  // Options that change the attention's arithmetic, off in every released GPT-2.
  if (!r.boolean("scale_attn_weights", true)) r.fail("scale_attn_weights", "false is not supported");
  if (r.boolean("scale_attn_by_inverse_layer_idx", false))
    r.fail("scale_attn_by_inverse_layer_idx", "true is not supported");
  // GPT2LMHeadModel ties lm_head to wte whatever tie_word_embeddings says.
  c.tie_word_embeddings = true;
  c.qkv_bias = c.o_bias = c.mlp_bias = true;
}

void read_gpt_neox(const Reader& r, Config& c) {
  c.arch = Architecture::GptNeox;
  c.vocab_size = r.positive("vocab_size");
  c.hidden_size = r.positive("hidden_size");
  c.n_layer = r.positive("num_hidden_layers");
  c.n_head = r.positive("num_attention_heads");
  c.intermediate_size = r.positive("intermediate_size");
  c.max_positions = r.positive("max_position_embeddings");
  c.norm_eps = r.positive_number("layer_norm_eps", 1e-5);
  const std::string act = r.text("hidden_act", "gelu");
  if (act == "gelu")
    c.activation = Activation::Gelu;
  else if (is_gelu_tanh(act))
    c.activation = Activation::GeluTanh;
  else
    r.fail("hidden_act", "unsupported '" + act + "' (supported: gelu, gelu_new, gelu_fast)");
  check_divides(r, "num_attention_heads", c.n_head, "hidden_size", c.hidden_size);
  c.n_kv_head = c.n_head;
  c.head_dim = c.hidden_size / c.n_head;

  // rotary_pct and rotary_emb_base are the names Pythia's configs use; newer
  // transformers writes partial_rotary_factor and rope_theta.
  const json* params = nullptr;
  const bool nested = r.object("rope_parameters", &params);
  if (r.has("rotary_pct")) {
    c.rotary_pct = r.number("rotary_pct", 0.25);
    if (!(c.rotary_pct > 0 && c.rotary_pct <= 1)) r.fail("rotary_pct", "must be in (0, 1]");
  } else if (r.has("partial_rotary_factor")) {
    c.rotary_pct = r.number("partial_rotary_factor", 0.25);
    if (!(c.rotary_pct > 0 && c.rotary_pct <= 1)) r.fail("partial_rotary_factor", "must be in (0, 1]");
  } else if (nested) {
    const Reader p = r.nested("rope_parameters", *params);
    c.rotary_pct = p.number("partial_rotary_factor", 0.25);
    if (!(c.rotary_pct > 0 && c.rotary_pct <= 1)) p.fail("partial_rotary_factor", "must be in (0, 1]");
  } else {
    c.rotary_pct = 0.25;
  }
  read_rope(r, c, r.positive_number("rotary_emb_base", 10000.0));
  if (c.rotary_dims() == 0) r.fail("rotary_pct", "leaves no dimension of a head to rotate");

  c.parallel_residual = r.boolean("use_parallel_residual", true);
  c.tie_word_embeddings = r.boolean("tie_word_embeddings", false);
  c.qkv_bias = c.o_bias = r.boolean("attention_bias", true);
  c.mlp_bias = true;
}

// sliding_window as the Mistral and Qwen configs read it: absent, their
// default 4096; null, no window.
std::int64_t window(const Reader& r) {
  if (!r.present("sliding_window")) return 4096;
  return r.has("sliding_window") ? r.positive("sliding_window") : 0;
}

// The window when any layer slides: Qwen2/3 turn it on with use_sliding_window
// (or name per-layer "sliding_attention" in layer_types). Within the window
// windowed attention equals full attention, so clamping the whole model's
// context to it is exact whichever layers slide.
std::int64_t qwen_sliding_window(const Reader& r) {
  bool slides = r.boolean("use_sliding_window", false);
  if (const json* types = r.find("layer_types")) {
    if (!types->is_array()) r.fail("layer_types", std::string("expected an array, got ") + types->type_name());
    for (const auto& t : *types)
      if (t.is_string() && t.get<std::string>() == "sliding_attention") slides = true;
  }
  return slides ? window(r) : 0;
}

void read_llama_family(const Reader& r, Config& c) {
  c.arch = Architecture::Llama;
  const std::string& name = c.architecture_name;
  c.vocab_size = r.positive("vocab_size");
  c.hidden_size = r.positive("hidden_size");
  c.intermediate_size = r.positive("intermediate_size");
  c.n_layer = r.positive("num_hidden_layers");
  c.n_head = r.positive("num_attention_heads");
  c.n_kv_head = r.positive("num_key_value_heads", c.n_head);
  c.max_positions = r.positive("max_position_embeddings");
  // Qwen3Config defaults head_dim to 128; the others derive it.
  if (r.has("head_dim")) {
    c.head_dim = r.positive("head_dim");
  } else if (name == "Qwen3ForCausalLM") {
    c.head_dim = 128;
  } else {
    check_divides(r, "num_attention_heads", c.n_head, "hidden_size", c.hidden_size);
    c.head_dim = c.hidden_size / c.n_head;
  }
  check_divides(r, "num_key_value_heads", c.n_kv_head, "num_attention_heads", c.n_head);
  c.norm_eps = r.positive_number("rms_norm_eps", 1e-6);
  const std::string act = r.text("hidden_act", "silu");
  if (act != "silu") r.fail("hidden_act", "unsupported '" + act + "' (supported: silu)");
  c.activation = Activation::Silu;
  read_rope(r, c, 10000.0);
  c.tie_word_embeddings = r.boolean("tie_word_embeddings", false);

  if (name == "LlamaForCausalLM") {
    c.qkv_bias = c.o_bias = r.boolean("attention_bias", false);
    c.mlp_bias = r.boolean("mlp_bias", false);
  } else if (name == "MistralForCausalLM") {
    // MistralAttention's projections have no bias whatever the config says.
    c.sliding_window = window(r);
  } else if (name == "Qwen2ForCausalLM") {
    c.qkv_bias = true;
    c.sliding_window = qwen_sliding_window(r);
  } else if (name == "Qwen3ForCausalLM") {
    c.qkv_bias = c.o_bias = r.boolean("attention_bias", false);
    c.qk_norm = true;
    c.sliding_window = qwen_sliding_window(r);
  }
}

}  // namespace

const char* to_string(Architecture a) {
  switch (a) {
    case Architecture::Gpt2: return "gpt2";
    case Architecture::GptNeox: return "gpt_neox";
    case Architecture::Llama: return "llama";
  }
  return "?";
}

std::int64_t Config::rotary_dims() const {
  switch (arch) {
    case Architecture::Gpt2: return 0;
    case Architecture::GptNeox: return static_cast<std::int64_t>(static_cast<double>(head_dim) * rotary_pct);
    case Architecture::Llama: return head_dim;
  }
  return 0;
}

Config read_config(const std::string& dir) {
  const std::string path = dir + "/config.json";
  const json j = parse_file(path);
  const Reader r(path, j);
  Config c;
  c.dir = dir;

  const auto archs = j.find("architectures");
  if (archs == j.end() || archs->is_null()) r.fail("architectures", "missing");
  if (!archs->is_array() || archs->empty() || !(*archs)[0].is_string())
    r.fail("architectures", "expected a list of class names, got " + archs->dump());
  c.architecture_name = (*archs)[0].get<std::string>();
  c.model_type = r.text("model_type", "");
  c.torch_dtype = r.has("torch_dtype") ? r.text("torch_dtype") : r.text("dtype", "");

  const std::string& a = c.architecture_name;
  if (a == "GPT2LMHeadModel")
    read_gpt2(r, c);
  else if (a == "GPTNeoXForCausalLM")
    read_gpt_neox(r, c);
  else if (a == "LlamaForCausalLM" || a == "MistralForCausalLM" || a == "Qwen2ForCausalLM" ||
           a == "Qwen3ForCausalLM")
    read_llama_family(r, c);
  else
    r.fail("architectures", "unsupported '" + a + "' (supported: " + kSupported + ")");
  return c;
}

ParamCount param_count(const Config& c) {
  const std::int64_t V = c.vocab_size, C = c.hidden_size, I = c.intermediate_size;
  const std::int64_t token_embedding = V * C;
  const std::int64_t head = c.tie_word_embeddings ? 0 : V * C;
  std::int64_t position_embedding = 0, per_layer = 0, final_norm = 0;
  switch (c.arch) {
    case Architecture::Gpt2:
      // wpe; per block ln_1, c_attn (C -> 3C), c_proj, ln_2, c_fc, c_proj; ln_f.
      position_embedding = c.max_positions * C;
      per_layer = 2 * C + (C * 3 * C + 3 * C) + (C * C + C) + 2 * C + (C * I + I) + (I * C + C);
      final_norm = 2 * C;
      break;
    case Architecture::GptNeox: {
      // Two LayerNorms, query_key_value (C -> 3C), dense, dense_h_to_4h, dense_4h_to_h.
      const std::int64_t attn_bias = c.qkv_bias ? 3 * C : 0, dense_bias = c.o_bias ? C : 0;
      per_layer = 2 * (2 * C) + (C * 3 * C + attn_bias) + (C * C + dense_bias) + (C * I + I) + (I * C + C);
      final_norm = 2 * C;
      break;
    }
    case Architecture::Llama: {
      // RMSNorms (weight only); q (C -> H*D), k and v (C -> K*D), o (H*D -> C);
      // gate, up (C -> I) and down (I -> C).
      const std::int64_t q = c.n_head * c.head_dim, kv = c.n_kv_head * c.head_dim;
      const std::int64_t attn = C * q + 2 * C * kv + q * C + (c.qkv_bias ? q + 2 * kv : 0) + (c.o_bias ? C : 0);
      const std::int64_t mlp = 3 * C * I + (c.mlp_bias ? 2 * I + C : 0);
      const std::int64_t qk_norm = c.qk_norm ? 2 * c.head_dim : 0;
      per_layer = 2 * C + attn + mlp + qk_norm;
      final_norm = C;
      break;
    }
  }
  ParamCount p;
  p.total = token_embedding + position_embedding + c.n_layer * per_layer + final_norm + head;
  p.non_embedding = p.total - token_embedding - position_embedding - head;
  return p;
}

// Deliberately an overestimate, since being refused costs less than running
// out of memory mid-grid:
//   weights                 total params * bytes_per_weight
//   key/value cache         2 * n_layer * batch * seq * n_kv_head * head_dim * bytes_per_weight
//   hidden activations      4 buffers of (batch, seq, max(hidden, intermediate)) at bytes_per_weight
//                           (residual, normed input, the MLP's two widest intermediates)
//   attention scores        one layer's (batch, n_head, seq, seq) in fp32 (the math path materializes it)
//   logits                  (batch, seq, vocab) in fp32, twice (logits and their log-softmax)
std::uint64_t memory_needed(const Config& c, int bytes_per_weight, std::int64_t batch, std::int64_t seq) {
  using u64 = std::uint64_t;
  const u64 w = static_cast<u64>(bytes_per_weight), B = static_cast<u64>(batch), T = static_cast<u64>(seq);
  const u64 weights = static_cast<u64>(param_count(c).total) * w;
  const u64 kv = 2 * static_cast<u64>(c.n_layer) * B * T * static_cast<u64>(c.n_kv_head) *
                 static_cast<u64>(c.head_dim) * w;
  const u64 width = static_cast<u64>(std::max(c.hidden_size, c.intermediate_size));
  const u64 hidden = 4 * B * T * width * w;
  const u64 scores = B * static_cast<u64>(c.n_head) * T * T * 4;
  const u64 logits = 2 * B * T * static_cast<u64>(c.vocab_size) * 4;
  return weights + kv + hidden + scores + logits;
}

}  // namespace sweep::hf
