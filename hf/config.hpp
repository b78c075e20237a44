// A Hugging Face model folder's config.json, read once into a plain struct:
// which of the supported architectures it is and every shape and option the
// forward pass needs. Torch-free, so the grid loader, `sweep plan` and the
// memory check read a model's size without loading it (kernels/model/hf_model
// builds the network from the same struct).
#pragma once

#include <cstdint>
#include <string>

namespace sweep::hf {

// Llama: the RMSNorm + SwiGLU + rotary family (Llama 2/3, Mistral, Qwen2/3,
// SmolLM), told apart only by the options below.
enum class Architecture { Gpt2, GptNeox, Llama };
// GeluTanh: GPT-2's gelu_new (tanh approximation); Gelu: the exact erf GELU
// (GPT-NeoX's "gelu"); Silu: the Llama family's SwiGLU gate.
enum class Activation { GeluTanh, Gelu, Silu };
// Llama3: Llama 3.1's frequency-band rescaling; Linear: positions divided by
// `factor` (rope_scaling.type "linear").
enum class RopeScaling { None, Linear, Llama3 };

const char* to_string(Architecture a);

struct Config {
  std::string dir;                // the model folder
  std::string architecture_name;  // config.json's architectures[0], e.g. "Qwen2ForCausalLM"
  Architecture arch = Architecture::Llama;
  std::string model_type;         // config.json's model_type, e.g. "qwen2"

  std::int64_t vocab_size = 0;    // embedding rows
  std::int64_t hidden_size = 0;   // d_model
  std::int64_t n_layer = 0;
  std::int64_t n_head = 0;
  std::int64_t n_kv_head = 0;     // < n_head: grouped-query attention
  std::int64_t head_dim = 0;      // usually hidden_size / n_head (Qwen3 may set it)
  std::int64_t intermediate_size = 0;  // MLP width
  std::int64_t max_positions = 0;      // longest context (GPT-2: n_positions)
  double norm_eps = 1e-5;
  Activation activation = Activation::Silu;
  bool tie_word_embeddings = false;    // output head = token embedding

  // GPT-NeoX (Pythia)
  double rotary_pct = 1.0;             // share of each head's dims that rotate
  bool parallel_residual = false;      // x + attn(ln1(x)) + mlp(ln2(x))

  // Rotary embeddings (GPT-NeoX and the Llama family)
  double rope_theta = 10000.0;
  RopeScaling rope_scaling = RopeScaling::None;
  double rope_factor = 1.0;
  double rope_low_freq_factor = 1.0;   // Llama3
  double rope_high_freq_factor = 4.0;  // Llama3
  std::int64_t rope_original_max_positions = 8192;  // Llama3

  // Biases: the Llama family's options; GPT-2 and GPT-NeoX set the flags to the
  // biases their modules have (GPT-2: all; NeoX: attention_bias, default true,
  // on query_key_value and dense, and the MLP's always).
  bool qkv_bias = false;   // Qwen2 (always), Llama/Qwen3 attention_bias
  bool o_bias = false;     // attention_bias on the output projection too (Llama, Qwen3; not Qwen2)
  bool mlp_bias = false;   // Llama mlp_bias
  bool qk_norm = false;    // Qwen3: RMSNorm over each head's queries and keys
  // Mistral, Qwen2/3: the attention window when any layer uses one; the model
  // clamps its context to it (within the window, windowed and full attention agree).
  std::int64_t sliding_window = 0;  // 0: none

  std::string torch_dtype;  // as saved ("float32", "bfloat16", "float16"; may be empty)

  // Dims of each head that rotate (NeoX: head_dim * rotary_pct, rounded down; Llama: head_dim).
  std::int64_t rotary_dims() const;
};

// Reads DIR/config.json. Throws std::runtime_error with one line naming the
// file and the key ("DIR/config.json: architectures: unsupported
// 'FalconForCausalLM' (supported: ...)"; a missing file; a missing or
// ill-typed key; n_head not dividing hidden_size; ...).
Config read_config(const std::string& dir);

// Parameter counts from the shapes alone. non_embedding: total less the token
// embedding, learned position embedding (GPT-2) and an untied output head
// (Kaplan et al.'s N; Pythia's "non-embedding params").
struct ParamCount {
  std::int64_t total = 0;
  std::int64_t non_embedding = 0;
};
ParamCount param_count(const Config& c);

// Bytes a forward pass needs resident on a device: the weights at
// `bytes_per_weight` (4: fp32, 2: bf16) plus the key/value cache and the
// largest activations for `batch` rows of `seq` positions (fp32 logits
// included). The estimate the memory check compares with what the device has.
std::uint64_t memory_needed(const Config& c, int bytes_per_weight, std::int64_t batch, std::int64_t seq);

}  // namespace sweep::hf
