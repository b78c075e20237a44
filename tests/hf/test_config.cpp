// hf/config: config.json of each supported architecture read as transformers
// reads it (its defaults included), parameter counts equal to the published
// counts of real models and to hand counts of small shapes, the memory
// estimate, and one error line per kind of bad config naming file and key.
#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "hf/config.hpp"
#include "tests/temp_dir.hpp"

namespace sweep::hf {
namespace {

using json = nlohmann::json;

json gpt2(int vocab = 100, int embd = 16, int layers = 2, int heads = 4, int positions = 32) {
  return {{"architectures", {"GPT2LMHeadModel"}},
          {"model_type", "gpt2"},
          {"vocab_size", vocab},
          {"n_embd", embd},
          {"n_layer", layers},
          {"n_head", heads},
          {"n_positions", positions},
          {"n_ctx", positions},
          {"n_inner", nullptr},
          {"layer_norm_epsilon", 1e-5},
          {"activation_function", "gelu_new"},
          {"torch_dtype", "float32"}};
}

// Pythia-70m's config.json as published (EleutherAI/pythia-70m).
json pythia_70m() {
  return {{"architectures", {"GPTNeoXForCausalLM"}},
          {"model_type", "gpt_neox"},
          {"bos_token_id", 0},
          {"eos_token_id", 0},
          {"hidden_act", "gelu"},
          {"hidden_size", 512},
          {"initializer_range", 0.02},
          {"intermediate_size", 2048},
          {"layer_norm_eps", 1e-05},
          {"max_position_embeddings", 2048},
          {"num_attention_heads", 8},
          {"num_hidden_layers", 6},
          {"rotary_emb_base", 10000},
          {"rotary_pct", 0.25},
          {"tie_word_embeddings", false},
          {"torch_dtype", "float16"},
          {"use_cache", true},
          {"use_parallel_residual", true},
          {"vocab_size", 50304}};
}

json llama(const std::string& arch = "LlamaForCausalLM", int vocab = 32000, int hidden = 2048, int inter = 5632,
           int layers = 22, int heads = 32, int kv = 4) {
  return {{"architectures", {arch}},
          {"vocab_size", vocab},
          {"hidden_size", hidden},
          {"intermediate_size", inter},
          {"num_hidden_layers", layers},
          {"num_attention_heads", heads},
          {"num_key_value_heads", kv},
          {"max_position_embeddings", 2048}};
}

class ConfigFile : public ::testing::Test {
 protected:
  std::string dir() const { return dir_.path().string(); }
  std::string path() const { return dir_.file("config.json"); }
  Config read(const json& j) {
    std::ofstream(path()) << j.dump(2);
    return read_config(dir());
  }
  std::string error(const json& j) { return error_text(j.dump(2)); }
  std::string error_text(const std::string& text) {
    std::ofstream(path()) << text;
    try {
      read_config(dir());
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    ADD_FAILURE() << "read_config did not fail";
    return "";
  }
  sweep::testing::TempDir dir_{"sweep_hf_config"};
};

// ---- each architecture, with transformers' defaults ----

TEST_F(ConfigFile, ReadsGpt2) {
  const Config c = read(gpt2());
  EXPECT_EQ(c.dir, dir());
  EXPECT_EQ(c.architecture_name, "GPT2LMHeadModel");
  EXPECT_EQ(c.arch, Architecture::Gpt2);
  EXPECT_STREQ(to_string(c.arch), "gpt2");
  EXPECT_EQ(c.model_type, "gpt2");
  EXPECT_EQ(c.vocab_size, 100);
  EXPECT_EQ(c.hidden_size, 16);
  EXPECT_EQ(c.n_layer, 2);
  EXPECT_EQ(c.n_head, 4);
  EXPECT_EQ(c.n_kv_head, 4);
  EXPECT_EQ(c.head_dim, 4);
  EXPECT_EQ(c.intermediate_size, 64);  // n_inner null: 4 * n_embd
  EXPECT_EQ(c.max_positions, 32);
  EXPECT_DOUBLE_EQ(c.norm_eps, 1e-5);
  EXPECT_EQ(c.activation, Activation::GeluTanh);
  EXPECT_TRUE(c.tie_word_embeddings);
  EXPECT_TRUE(c.qkv_bias && c.o_bias && c.mlp_bias);
  EXPECT_EQ(c.rotary_dims(), 0);
  EXPECT_EQ(c.torch_dtype, "float32");
}

TEST_F(ConfigFile, ReadsGpt2InnerWidthAndTiesEvenWhenToldNotTo) {
  json j = gpt2();
  j["n_inner"] = 24;
  j["tie_word_embeddings"] = false;  // GPT2LMHeadModel ties regardless
  const Config c = read(j);
  EXPECT_EQ(c.intermediate_size, 24);
  EXPECT_TRUE(c.tie_word_embeddings);
}

TEST_F(ConfigFile, ReadsPythia) {
  const Config c = read(pythia_70m());
  EXPECT_EQ(c.arch, Architecture::GptNeox);
  EXPECT_STREQ(to_string(c.arch), "gpt_neox");
  EXPECT_EQ(c.vocab_size, 50304);
  EXPECT_EQ(c.hidden_size, 512);
  EXPECT_EQ(c.n_layer, 6);
  EXPECT_EQ(c.n_head, 8);
  EXPECT_EQ(c.head_dim, 64);
  EXPECT_EQ(c.intermediate_size, 2048);
  EXPECT_EQ(c.max_positions, 2048);
  EXPECT_EQ(c.activation, Activation::Gelu);
  EXPECT_DOUBLE_EQ(c.rotary_pct, 0.25);
  EXPECT_EQ(c.rotary_dims(), 16);
  EXPECT_DOUBLE_EQ(c.rope_theta, 10000.0);
  EXPECT_EQ(c.rope_scaling, RopeScaling::None);
  EXPECT_TRUE(c.parallel_residual);
  EXPECT_FALSE(c.tie_word_embeddings);
  EXPECT_TRUE(c.qkv_bias && c.o_bias && c.mlp_bias);  // attention_bias defaults to true
  EXPECT_EQ(c.torch_dtype, "float16");
}

TEST_F(ConfigFile, ReadsGptNeoxDefaultsAndNewerKeyNames) {
  json j = pythia_70m();
  for (const char* k : {"rotary_pct", "rotary_emb_base", "use_parallel_residual", "tie_word_embeddings", "hidden_act"})
    j.erase(k);
  Config c = read(j);
  EXPECT_DOUBLE_EQ(c.rotary_pct, 0.25);
  EXPECT_DOUBLE_EQ(c.rope_theta, 10000.0);
  EXPECT_TRUE(c.parallel_residual);
  EXPECT_FALSE(c.tie_word_embeddings);
  EXPECT_EQ(c.activation, Activation::Gelu);

  j["partial_rotary_factor"] = 0.5;
  j["rope_theta"] = 500.0;
  j["use_parallel_residual"] = false;
  j["attention_bias"] = false;
  j["hidden_act"] = "gelu_new";
  c = read(j);
  EXPECT_EQ(c.rotary_dims(), 32);
  EXPECT_DOUBLE_EQ(c.rope_theta, 500.0);
  EXPECT_FALSE(c.parallel_residual);
  EXPECT_FALSE(c.qkv_bias || c.o_bias);
  EXPECT_TRUE(c.mlp_bias);
  EXPECT_EQ(c.activation, Activation::GeluTanh);
}

TEST_F(ConfigFile, ReadsLlamaWithDefaults) {
  json j = llama("LlamaForCausalLM", 100, 64, 96, 2, 8, 8);
  j.erase("num_key_value_heads");
  const Config c = read(j);
  EXPECT_EQ(c.arch, Architecture::Llama);
  EXPECT_STREQ(to_string(c.arch), "llama");
  EXPECT_EQ(c.n_kv_head, 8);
  EXPECT_EQ(c.head_dim, 8);
  EXPECT_EQ(c.rotary_dims(), 8);
  EXPECT_DOUBLE_EQ(c.norm_eps, 1e-6);
  EXPECT_DOUBLE_EQ(c.rope_theta, 10000.0);
  EXPECT_EQ(c.rope_scaling, RopeScaling::None);
  EXPECT_EQ(c.activation, Activation::Silu);
  EXPECT_FALSE(c.tie_word_embeddings);
  EXPECT_FALSE(c.qkv_bias || c.o_bias || c.mlp_bias || c.qk_norm);
  EXPECT_EQ(c.sliding_window, 0);
  EXPECT_EQ(c.torch_dtype, "");
}

TEST_F(ConfigFile, ReadsLlamaOptions) {
  json j = llama("LlamaForCausalLM", 100, 64, 96, 2, 8, 2);
  j["head_dim"] = 16;
  j["rms_norm_eps"] = 1e-5;
  j["rope_theta"] = 500000.0;
  j["attention_bias"] = true;
  j["mlp_bias"] = true;
  j["tie_word_embeddings"] = true;
  j["torch_dtype"] = "bfloat16";
  const Config c = read(j);
  EXPECT_EQ(c.n_kv_head, 2);
  EXPECT_EQ(c.head_dim, 16);
  EXPECT_DOUBLE_EQ(c.norm_eps, 1e-5);
  EXPECT_DOUBLE_EQ(c.rope_theta, 500000.0);
  EXPECT_TRUE(c.qkv_bias && c.o_bias && c.mlp_bias);
  EXPECT_TRUE(c.tie_word_embeddings);
  EXPECT_EQ(c.torch_dtype, "bfloat16");
}

TEST_F(ConfigFile, ReadsLlama3RopeScaling) {
  json j = llama();
  j["rope_scaling"] = {{"factor", 8.0},
                       {"low_freq_factor", 1.0},
                       {"high_freq_factor", 4.0},
                       {"original_max_position_embeddings", 8192},
                       {"rope_type", "llama3"}};
  const Config c = read(j);
  EXPECT_EQ(c.rope_scaling, RopeScaling::Llama3);
  EXPECT_DOUBLE_EQ(c.rope_factor, 8.0);
  EXPECT_DOUBLE_EQ(c.rope_low_freq_factor, 1.0);
  EXPECT_DOUBLE_EQ(c.rope_high_freq_factor, 4.0);
  EXPECT_EQ(c.rope_original_max_positions, 8192);
}

TEST_F(ConfigFile, ReadsLinearRopeScalingUnderEitherKey) {
  json j = llama();
  j["rope_scaling"] = {{"type", "linear"}, {"factor", 2.0}};
  EXPECT_EQ(read(j).rope_scaling, RopeScaling::Linear);
  EXPECT_DOUBLE_EQ(read(j).rope_factor, 2.0);
  j["rope_scaling"] = {{"rope_type", "default"}};
  EXPECT_EQ(read(j).rope_scaling, RopeScaling::None);
}

TEST_F(ConfigFile, ReadsRopeParametersOfNewerTransformers) {
  json j = llama();
  j["rope_parameters"] = {{"rope_type", "linear"}, {"factor", 4.0}, {"rope_theta", 1e6}};
  const Config c = read(j);
  EXPECT_DOUBLE_EQ(c.rope_theta, 1e6);
  EXPECT_EQ(c.rope_scaling, RopeScaling::Linear);
  EXPECT_DOUBLE_EQ(c.rope_factor, 4.0);
}

TEST_F(ConfigFile, ReadsQwen2) {
  json j = llama("Qwen2ForCausalLM", 151936, 896, 4864, 24, 14, 2);
  j["sliding_window"] = 32768;
  j["use_sliding_window"] = false;
  j["tie_word_embeddings"] = true;
  Config c = read(j);
  EXPECT_TRUE(c.qkv_bias);
  EXPECT_FALSE(c.o_bias);
  EXPECT_FALSE(c.mlp_bias || c.qk_norm);
  EXPECT_EQ(c.head_dim, 64);
  EXPECT_EQ(c.sliding_window, 0);  // use_sliding_window false: no window

  j["use_sliding_window"] = true;
  c = read(j);
  EXPECT_EQ(c.sliding_window, 32768);
}

TEST_F(ConfigFile, ReadsQwen3) {
  json j = llama("Qwen3ForCausalLM", 151936, 1024, 3072, 28, 16, 8);
  Config c = read(j);
  EXPECT_TRUE(c.qk_norm);
  EXPECT_EQ(c.head_dim, 128);  // Qwen3Config's default, not hidden / heads
  EXPECT_FALSE(c.qkv_bias || c.o_bias);
  EXPECT_EQ(c.sliding_window, 0);

  j["head_dim"] = 64;
  j["attention_bias"] = true;
  j["layer_types"] = {"full_attention", "sliding_attention"};
  j["sliding_window"] = 512;
  c = read(j);
  EXPECT_EQ(c.head_dim, 64);
  EXPECT_TRUE(c.qkv_bias && c.o_bias);
  EXPECT_EQ(c.sliding_window, 512);
}

TEST_F(ConfigFile, ReadsMistralSlidingWindow) {
  json j = llama("MistralForCausalLM", 32000, 4096, 14336, 32, 32, 8);
  j["sliding_window"] = 4096;
  j["attention_bias"] = true;  // MistralAttention has no biases whatever the config says
  Config c = read(j);
  EXPECT_EQ(c.sliding_window, 4096);
  EXPECT_FALSE(c.qkv_bias || c.o_bias || c.mlp_bias);

  j["sliding_window"] = nullptr;  // Mistral 7B v0.2 on: no window
  EXPECT_EQ(read(j).sliding_window, 0);
  j.erase("sliding_window");  // MistralConfig's default
  EXPECT_EQ(read(j).sliding_window, 4096);
}

TEST_F(ConfigFile, ReadsSmolLMAsLlama) {
  json j = llama("LlamaForCausalLM", 49152, 576, 1536, 30, 9, 3);
  j["tie_word_embeddings"] = true;
  const Config c = read(j);
  EXPECT_EQ(c.arch, Architecture::Llama);
  EXPECT_EQ(c.head_dim, 64);
  EXPECT_TRUE(c.tie_word_embeddings);
}

// ---- parameter counts ----

// The published totals: GPT-2 small 124,439,808; Pythia-70m 70,426,624 of
// which 18,915,328 non-embedding (the Pythia paper's table); TinyLlama-1.1B
// 1,100,048,384; Qwen2.5-0.5B 494,032,768; Qwen3-0.6B 596,049,920;
// Mistral-7B 7,241,732,096.
TEST_F(ConfigFile, CountsParametersOfPublishedModels) {
  ParamCount p = param_count(read(gpt2(50257, 768, 12, 12, 1024)));
  EXPECT_EQ(p.total, 124439808);
  EXPECT_EQ(p.non_embedding, 124439808 - 50257 * 768 - 1024 * 768);

  p = param_count(read(pythia_70m()));
  EXPECT_EQ(p.total, 70426624);
  EXPECT_EQ(p.non_embedding, 18915328);

  p = param_count(read(llama()));
  EXPECT_EQ(p.total, 1100048384);
  EXPECT_EQ(p.non_embedding, 1100048384 - 2LL * 32000 * 2048);

  json qwen25 = llama("Qwen2ForCausalLM", 151936, 896, 4864, 24, 14, 2);
  qwen25["tie_word_embeddings"] = true;
  p = param_count(read(qwen25));
  EXPECT_EQ(p.total, 494032768);
  EXPECT_EQ(p.non_embedding, 494032768 - 151936LL * 896);

  json qwen3 = llama("Qwen3ForCausalLM", 151936, 1024, 3072, 28, 16, 8);
  qwen3["head_dim"] = 128;
  qwen3["tie_word_embeddings"] = true;
  EXPECT_EQ(param_count(read(qwen3)).total, 596049920);

  EXPECT_EQ(param_count(read(llama("MistralForCausalLM", 32000, 4096, 14336, 32, 32, 8))).total, 7241732096LL);
}

// Small shapes counted module by module, every bias flag on.
TEST_F(ConfigFile, CountsParametersOfSmallShapesByHand) {
  // GPT-2, V 100, C 16, P 32, 2 layers, inner 64: per layer ln_1 32 + c_attn
  // 16*48+48 + c_proj 16*16+16 + ln_2 32 + c_fc 16*64+64 + c_proj 64*16+16 = 3280;
  // wte 1600 + wpe 512 + 2*3280 + ln_f 32 = 8704.
  ParamCount p = param_count(read(gpt2()));
  EXPECT_EQ(p.total, 8704);
  EXPECT_EQ(p.non_embedding, 8704 - 1600 - 512);

  // NeoX, V 100, C 16, I 32, 2 layers, no attention bias, tied: per layer two
  // LayerNorms 64 + qkv 16*48 + dense 16*16 + h_to_4h 16*32+32 + 4h_to_h 32*16+16
  // = 2160; embed_in 1600 + 2*2160 + final norm 32 = 5952.
  json neox = pythia_70m();
  neox.update({{"vocab_size", 100}, {"hidden_size", 16}, {"intermediate_size", 32}, {"num_hidden_layers", 2},
               {"num_attention_heads", 4}, {"attention_bias", false}, {"tie_word_embeddings", true}});
  p = param_count(read(neox));
  EXPECT_EQ(p.total, 5952);
  EXPECT_EQ(p.non_embedding, 5952 - 1600);
  // Untied, with attention bias: + 48 + 16 per layer, + embed_out 1600.
  neox["attention_bias"] = true;
  neox["tie_word_embeddings"] = false;
  p = param_count(read(neox));
  EXPECT_EQ(p.total, 5952 + 2 * 64 + 1600);
  EXPECT_EQ(p.non_embedding, 5952 + 2 * 64 - 1600);

  // Llama, V 100, C 32, I 48, 2 layers, 4 heads of 8, 2 kv heads, both biases:
  // per layer norms 64 + q 32*32+32 + k,v 2*(32*16+16) + o 32*32+32 + gate, up
  // 2*(32*48+48) + down 48*32+32 = 7968; embed 3200 + 2*7968 + norm 32 + head 3200.
  json small = llama("LlamaForCausalLM", 100, 32, 48, 2, 4, 2);
  small["attention_bias"] = true;
  small["mlp_bias"] = true;
  p = param_count(read(small));
  EXPECT_EQ(p.total, 3200 + 2 * 7968 + 32 + 3200);
  EXPECT_EQ(p.non_embedding, 2 * 7968 + 32);

  // Qwen3 of the same shape, tied, no biases, q_norm and k_norm of 8 each:
  // per layer 64 + 1024 + 1024 + 1024 + 4608 + 16 = 7760 (gate, up, down 3*1536).
  json q3 = llama("Qwen3ForCausalLM", 100, 32, 48, 2, 4, 2);
  q3["head_dim"] = 8;
  q3["tie_word_embeddings"] = true;
  EXPECT_EQ(param_count(read(q3)).total, 3200 + 2 * 7760 + 32);

  // Qwen2: q, k, v biases (32 + 16 + 16), none on o: per layer norms 64 + q
  // 1024+32 + k,v 1024+32 + o 1024 + MLP 4608 = 7808.
  json q2 = llama("Qwen2ForCausalLM", 100, 32, 48, 2, 4, 2);
  EXPECT_EQ(param_count(read(q2)).total, 3200 + 2 * 7808 + 32 + 3200);
}

// ---- memory estimate ----

TEST_F(ConfigFile, MemoryNeededCoversWeightsAndCacheAndGrowsWithTheBatch) {
  const Config c = read(pythia_70m());
  const auto weights32 = static_cast<std::uint64_t>(param_count(c).total) * 4;
  const std::uint64_t cache32 = 2ull * 6 * 8 * 2048 * 8 * 64 * 4;
  const std::uint64_t fp32 = memory_needed(c, 4, 8, 2048);
  EXPECT_GT(fp32, weights32 + cache32);
  // Logits alone, (8, 2048, 50304) in fp32, are 3.3 GB: the estimate includes them.
  EXPECT_GT(fp32, weights32 + cache32 + 8ull * 2048 * 50304 * 4);
  EXPECT_LT(memory_needed(c, 2, 8, 2048), fp32);
  EXPECT_LT(memory_needed(c, 4, 4, 2048), fp32);
  EXPECT_LT(memory_needed(c, 4, 8, 1024), fp32);
  // One row of one position is still at least the weights.
  EXPECT_GT(memory_needed(c, 4, 1, 1), weights32);
}

// ---- errors: one line naming the file and the key ----

TEST_F(ConfigFile, RefusesAnUnsupportedArchitecture) {
  json j = llama();
  j["architectures"] = {"FalconForCausalLM"};
  EXPECT_EQ(error(j), path() + ": architectures: unsupported 'FalconForCausalLM' (supported: GPT2LMHeadModel, "
                               "GPTNeoXForCausalLM, LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, "
                               "Qwen3ForCausalLM)");
}

TEST_F(ConfigFile, RefusesAConfigWithoutArchitectures) {
  json j = llama();
  j.erase("architectures");
  EXPECT_EQ(error(j), path() + ": architectures: missing");
  j["architectures"] = json::array();
  EXPECT_EQ(error(j), path() + ": architectures: expected a list of class names, got []");
}

TEST_F(ConfigFile, RefusesAMissingFile) {
  try {
    read_config(dir());
    ADD_FAILURE() << "read_config did not fail";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), path() + ": cannot open (missing or unreadable)");
  }
}

TEST_F(ConfigFile, RefusesMalformedJsonAtItsPosition) {
  const std::string e = error_text("{\n  \"architectures\": [\"GPT2LMHeadModel\"],\n  \"n_embd\": 16,,\n}");
  EXPECT_EQ(e.rfind(path() + ": malformed JSON: ", 0), 0u) << e;
  EXPECT_NE(e.find("line 3"), std::string::npos) << e;
}

TEST_F(ConfigFile, RefusesAMissingKey) {
  json j = llama();
  j.erase("hidden_size");
  EXPECT_EQ(error(j), path() + ": hidden_size: missing");
  j = gpt2();
  j.erase("n_positions");
  EXPECT_EQ(error(j), path() + ": n_positions: missing");
  j = pythia_70m();
  j.erase("intermediate_size");
  EXPECT_EQ(error(j), path() + ": intermediate_size: missing");
}

TEST_F(ConfigFile, RefusesAnIllTypedKey) {
  json j = llama();
  j["num_hidden_layers"] = "22";
  EXPECT_EQ(error(j), path() + ": num_hidden_layers: expected an integer, got string");
  j = llama();
  j["tie_word_embeddings"] = 1;
  EXPECT_EQ(error(j), path() + ": tie_word_embeddings: expected true or false, got number");
  j = llama();
  j["rms_norm_eps"] = "1e-5";
  EXPECT_EQ(error(j), path() + ": rms_norm_eps: expected a number, got string");
}

TEST_F(ConfigFile, RefusesANonPositiveShape) {
  json j = llama();
  j["vocab_size"] = 0;
  EXPECT_EQ(error(j), path() + ": vocab_size: must be positive, got 0");
}

TEST_F(ConfigFile, RefusesHeadsThatDoNotDivideTheWidth) {
  json j = llama("LlamaForCausalLM", 100, 64, 96, 2, 5, 5);
  EXPECT_EQ(error(j), path() + ": num_attention_heads: 5 does not divide hidden_size 64");
  j = gpt2(100, 16, 2, 3);
  EXPECT_EQ(error(j), path() + ": n_head: 3 does not divide n_embd 16");
  j = pythia_70m();
  j["num_attention_heads"] = 7;
  EXPECT_EQ(error(j), path() + ": num_attention_heads: 7 does not divide hidden_size 512");
}

TEST_F(ConfigFile, RefusesKeyValueHeadsThatDoNotDivideTheHeads) {
  EXPECT_EQ(error(llama("LlamaForCausalLM", 100, 64, 96, 2, 8, 3)),
            path() + ": num_key_value_heads: 3 does not divide num_attention_heads 8");
}

TEST_F(ConfigFile, RefusesUnsupportedRopeScaling) {
  json j = llama();
  j["rope_scaling"] = {{"rope_type", "yarn"}, {"factor", 4.0}};
  EXPECT_EQ(error(j), path() + ": rope_scaling.rope_type: unsupported 'yarn' (supported: default, linear, llama3)");
  j["rope_scaling"] = {{"type", "dynamic"}, {"factor", 4.0}};
  EXPECT_EQ(error(j), path() + ": rope_scaling.type: unsupported 'dynamic' (supported: default, linear, llama3)");
}

TEST_F(ConfigFile, RefusesIncompleteRopeScaling) {
  json j = llama();
  j["rope_scaling"] = {{"rope_type", "llama3"}, {"factor", 8.0}, {"low_freq_factor", 1.0}, {"high_freq_factor", 4.0}};
  EXPECT_EQ(error(j), path() + ": rope_scaling.original_max_position_embeddings: missing");
  j["rope_scaling"] = {{"type", "linear"}};
  EXPECT_EQ(error(j), path() + ": rope_scaling.factor: missing");
  j["rope_scaling"] = {{"type", "linear"}, {"factor", -2}};
  EXPECT_EQ(error(j), path() + ": rope_scaling.factor: must be positive, got -2");
}

TEST_F(ConfigFile, RefusesAnUnsupportedActivation) {
  json j = llama();
  j["hidden_act"] = "gelu";
  EXPECT_EQ(error(j), path() + ": hidden_act: unsupported 'gelu' (supported: silu)");
  j = gpt2();
  j["activation_function"] = "relu";
  EXPECT_EQ(error(j), path() + ": activation_function: unsupported 'relu' (supported: gelu_new)");
  j = pythia_70m();
  j["hidden_act"] = "relu";
  EXPECT_EQ(error(j), path() + ": hidden_act: unsupported 'relu' (supported: gelu, gelu_new, gelu_fast)");
}

TEST_F(ConfigFile, RefusesGpt2AttentionScalingItDoesNotImplement) {
  json j = gpt2();
  j["scale_attn_by_inverse_layer_idx"] = true;
  EXPECT_EQ(error(j), path() + ": scale_attn_by_inverse_layer_idx: true is not supported");
}

}  // namespace
}  // namespace sweep::hf
