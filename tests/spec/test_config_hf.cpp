// Specification of pretrained (Hugging Face) models in a grid file: the `hf`
// folder, its dtype and declared data_tokens, checkpoint suites as a table or a
// folder pattern chosen by grid.data_tokens, and each problem with a folder as
// one line "file:line:col: model.NAME.key: what" before any job runs.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "hf/model_dir.hpp"
#include "spec/config.hpp"
#include "spec/grid.hpp"
#include "tests/temp_dir.hpp"

namespace sweep {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

// A GPT-NeoX folder as inspect() reads it: config.json, a model.safetensors
// holding the token embedding (vocab x hidden, zeros) and a three-id
// tokenizer.json. `architecture` and `vocab` let a test break one of them.
void write_folder(const fs::path& dir, const std::string& architecture = "GPTNeoXForCausalLM", int vocab = 4) {
  const int hidden = 8;
  fs::create_directories(dir);
  std::ofstream(dir / "config.json") << R"({"architectures": [")" << architecture << R"("], "model_type": "gpt_neox",)"
                                     << R"( "vocab_size": )" << vocab << R"(, "hidden_size": )" << hidden
                                     << R"(, "num_hidden_layers": 2, "num_attention_heads": 2,)"
                                     << R"( "intermediate_size": 32, "max_position_embeddings": 64, "rotary_pct": 0.5})";
  const std::int64_t bytes = std::int64_t{vocab} * hidden * 4;
  std::string header = R"({"gpt_neox.embed_in.weight":{"dtype":"F32","shape":[)" + std::to_string(vocab) + "," +
                       std::to_string(hidden) + R"(],"data_offsets":[0,)" + std::to_string(bytes) + "]}}";
  header.resize((header.size() + 7) / 8 * 8, ' ');
  std::ofstream st(dir / "model.safetensors", std::ios::binary);
  const std::uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) st.put(static_cast<char>((n >> (8 * i)) & 0xff));
  st << header << std::string(static_cast<std::size_t>(bytes), '\0');
  std::ofstream(dir / "tokenizer.json")
      << R"({"version":"1.0","added_tokens":[],"normalizer":null,"pre_tokenizer":null,)"
         R"("post_processor":null,"decoder":null,)"
         R"("model":{"type":"BPE","dropout":null,"unk_token":null,"continuing_subword_prefix":null,)"
         R"("end_of_word_suffix":null,"fuse_unk":false,"byte_fallback":false,)"
         R"("vocab":{"a":0,"b":1,"ab":2},"merges":["a b"]}})";
}

const char* const kAxes = "prompt = [\"zero_shot\", \"few_shot\"]\ntask = [\"addition\"]\n";

// A grid file in dir: `models` (its [model.*] tables, from line 1), then a grid
// over model m and `data_tokens`.
class HfGrid {
 public:
  std::string path() const { return dir_.file("g.toml"); }
  fs::path at(const std::string& name) const { return dir_.path() / name; }
  SweepSpec load(const std::string& models, const std::string& data_tokens = "[1000]") const {
    return load_spec_text(text(models, data_tokens), path());
  }
  std::string error(const std::string& models, const std::string& data_tokens = "[1000]") const {
    try {
      load(models, data_tokens);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "(no error)";
  }

 private:
  static std::string text(const std::string& models, const std::string& data_tokens) {
    return models + "[grid]\nmodel = [\"m\"]\ndata_tokens = " + data_tokens + "\n" + kAxes;
  }
  TempDir dir_;
};

TEST(ConfigHf, AFolderGivesItsParameterCountsTokenizerDtypeAndDataTokens) {
  HfGrid g;
  write_folder(g.at("pythia"));
  const SweepSpec s = g.load("[model.m]\nhf = \"pythia\"\ndtype = \"bfloat16\"\ndata_tokens = 300_000_000_000\n");
  const ModelSpec& m = s.models[0];
  const hf::ModelDir d = hf::inspect(g.at("pythia").string());
  EXPECT_TRUE(m.pretrained());
  EXPECT_TRUE(m.external());
  EXPECT_FALSE(m.suite);
  EXPECT_EQ(m.hf, g.at("pythia").string());
  EXPECT_EQ(m.dtype, ModelDType::BFloat16);
  EXPECT_EQ(m.data_tokens, 300'000'000'000);
  EXPECT_EQ(m.n_params, d.params.total);
  EXPECT_EQ(m.n_params_non_embedding, d.params.non_embedding);
  EXPECT_LT(m.n_params_non_embedding, m.n_params);
  EXPECT_EQ(m.tokenizer, (g.at("pythia") / "tokenizer.json").string());
  EXPECT_EQ(m.vocab_size, 3);
  EXPECT_EQ(m.tokenizer_hash.rfind("sha256:", 0), 0u);
  EXPECT_EQ(m.n_layer, 0);
}

TEST(ConfigHf, DtypeIsFloat32UnlessBfloat16IsAsked) {
  HfGrid g;
  write_folder(g.at("m"));
  EXPECT_EQ(g.load("[model.m]\nhf = \"m\"\n").models[0].dtype, ModelDType::Float32);
  EXPECT_EQ(g.load("[model.m]\nhf = \"m\"\ndtype = \"float32\"\n").models[0].dtype, ModelDType::Float32);
  EXPECT_EQ(g.error("[model.m]\nhf = \"m\"\ndtype = \"float16\"\n"),
            g.path() + ":3:9: model.m.dtype: expected one of: float32, bfloat16, got \"float16\"");
}

TEST(ConfigHf, ATableSuiteKeepsTheCheckpointsTheGridAsksFor) {
  HfGrid g;
  for (const char* step : {"step1", "step2", "step3"}) write_folder(g.at("suite") / step);
  const SweepSpec s = g.load(
      "[model.m]\ncheckpoints = { 1_000 = \"suite/step1\", \"2000\" = \"suite/step2\", 3000 = \"suite/step3\" }\n",
      "[1000, 2000, 4000]");
  const ModelSpec& m = s.models[0];
  EXPECT_TRUE(m.suite);
  EXPECT_TRUE(m.pretrained());
  ASSERT_EQ(m.checkpoints.size(), 2u);
  EXPECT_EQ(m.checkpoints.at(1000), g.at("suite/step1").string());
  EXPECT_EQ(m.checkpoints.at(2000), g.at("suite/step2").string());
  EXPECT_EQ(m.hf, g.at("suite/step1").string());
  EXPECT_EQ(m.folder(2000), g.at("suite/step2").string());
  EXPECT_EQ(m.tokenizer, (g.at("suite/step1") / "tokenizer.json").string());
  EXPECT_EQ(run_data_tokens(s, 0), (std::vector<std::int64_t>{1000, 2000}));
  EXPECT_EQ(skipped_data_tokens(s, 0), (std::vector<std::int64_t>{4000}));
}

TEST(ConfigHf, APatternSuiteKeepsTheMultiplesOfTokensPerStepWhoseFolderExists) {
  HfGrid g;
  for (const char* step : {"step1", "step2", "step4"}) write_folder(g.at("p") / step);
  const SweepSpec s =
      g.load("[model.m]\ncheckpoints = \"p/step{step}\"\ntokens_per_step = 1000\n", "[1000, 1500, 2000, 3000]");
  const ModelSpec& m = s.models[0];
  ASSERT_EQ(m.checkpoints.size(), 2u);
  EXPECT_EQ(m.checkpoints.at(1000), g.at("p/step1").string());
  EXPECT_EQ(m.checkpoints.at(2000), g.at("p/step2").string());
  EXPECT_EQ(skipped_data_tokens(s, 0), (std::vector<std::int64_t>{1500, 3000}));
}

TEST(ConfigHf, AFolderThatCannotBeUsedIsAnErrorAtItsKey) {
  HfGrid g;
  EXPECT_EQ(g.error("[model.m]\nhf = \"absent\"\n"),
            g.path() + ":2:6: model.m.hf: " + g.at("absent").string() + ": no such folder");

  write_folder(g.at("falcon"), "FalconForCausalLM");
  const std::string falcon = g.error("[model.m]\nhf = \"falcon\"\n");
  EXPECT_EQ(falcon.rfind(g.path() + ":2:6: model.m.hf: " + (g.at("falcon") / "config.json").string() +
                             ": architectures: unsupported 'FalconForCausalLM' (supported: ",
                         0),
            0u)
      << falcon;

  write_folder(g.at("small"), "GPTNeoXForCausalLM", 2);  // a 2-row embedding, a 3-id tokenizer
  EXPECT_EQ(g.error("[model.m]\nhf = \"small\"\n"),
            g.path() + ":2:6: model.m.hf: " + (g.at("small") / "tokenizer.json").string() +
                ": 3 ids do not fit the embedding's 2 rows (config.json vocab_size)");

  write_folder(g.at("cut"));
  fs::resize_file(g.at("cut") / "model.safetensors", fs::file_size(g.at("cut") / "model.safetensors") - 4);
  const std::string cut = g.error("[model.m]\nhf = \"cut\"\n");
  EXPECT_EQ(cut.rfind(g.path() + ":2:6: model.m.hf: " + (g.at("cut") / "model.safetensors").string(), 0), 0u) << cut;
  EXPECT_EQ(cut.find('\n'), std::string::npos) << cut;
}

TEST(ConfigHf, ASuiteEntryThatCannotBeUsedIsAnErrorAtItsEntry) {
  HfGrid g;
  write_folder(g.at("s/step1"));
  EXPECT_EQ(g.error("[model.m]\ncheckpoints = { 1000 = \"s/step1\", 2_000 = \"s/step2\" }\n"),
            g.path() + ":2:43: model.m.checkpoints.2_000: " + g.at("s/step2").string() + ": no such folder");
  write_folder(g.at("s/falcon"), "FalconForCausalLM");
  const std::string falcon = g.error("[model.m]\ncheckpoints = { \"1000\" = \"s/step1\", \"3000\" = \"s/falcon\" }\n");
  EXPECT_EQ(falcon.rfind(g.path() + ":2:46: model.m.checkpoints.3000: " + (g.at("s/falcon") / "config.json").string() +
                             ": architectures: unsupported 'FalconForCausalLM'",
                         0),
            0u)
      << falcon;
}

TEST(ConfigHf, ASuiteWithoutAnyOfTheGridsDataTokensIsAnError) {
  HfGrid g;
  write_folder(g.at("s/step1"));
  EXPECT_EQ(g.error("[model.m]\ncheckpoints = { 1000 = \"s/step1\" }\n", "[5000]"),
            g.path() + ":2:15: model.m.checkpoints: no checkpoint for any of grid.data_tokens (the suite has 1000)");
  // A pattern whose tokens_per_step divides none of them.
  EXPECT_EQ(g.error("[model.m]\ncheckpoints = \"s/step{step}\"\ntokens_per_step = 3000\n", "[1000, 2000]"),
            g.path() + ":2:15: model.m.checkpoints: no checkpoint for any of grid.data_tokens: 1000 (not a multiple "
                       "of tokens_per_step), 2000 (not a multiple of tokens_per_step)");
  EXPECT_EQ(g.error("[model.m]\ncheckpoints = \"s/step{step}\"\ntokens_per_step = 1000\n", "[2000]"),
            g.path() + ":2:15: model.m.checkpoints: no checkpoint for any of grid.data_tokens: 2000 (" +
                g.at("s/step2").string() + " not found)");
}

TEST(ConfigHf, KeysThatDoNotGoWithAPretrainedModelAreRefused) {
  HfGrid g;
  write_folder(g.at("m"));
  EXPECT_EQ(g.error("[model.m]\nhf = \"m\"\ntokenizer = \"bytes\"\n"),
            g.path() + ":3:1: model.m.tokenizer: not allowed with hf: a pretrained model's tokenizer is its "
                       "folder's tokenizer.json");
  EXPECT_EQ(g.error("[model.m]\nhf = \"m\"\nn_layer = 2\n"),
            g.path() + ":3:1: model.m.n_layer: not allowed with hf (expected one of: hf, checkpoints, "
                       "tokens_per_step, dtype, data_tokens, ranks_per_job)");
  EXPECT_EQ(g.error("[model.m]\nhf = \"m\"\ncheckpoints = { 1000 = \"m\" }\n"),
            g.path() + ":3:15: model.m.checkpoints: not allowed with hf (a suite names each checkpoint's folder itself)");
  EXPECT_EQ(g.error("[model.m]\ncheckpoints = { 1000 = \"m\" }\ndata_tokens = 5\n"),
            g.path() + ":3:15: model.m.data_tokens: not allowed with checkpoints (each checkpoint's tokens are its key)");
  EXPECT_EQ(g.error("[model.m]\ncheckpoints = \"m{step}\"\n"),
            g.path() + ":2:15: model.m.checkpoints: a folder pattern needs tokens_per_step (tokens trained per step)");
  EXPECT_EQ(g.error("[model.m]\ncheckpoints = \"m\"\ntokens_per_step = 10\n"),
            g.path() + ":2:15: model.m.checkpoints: expected a table { TOKENS = \"DIR\", ... } or a folder pattern "
                       "with {step}, got \"m\"");
  EXPECT_EQ(g.error("[model.m]\ncheckpoints = { 1000 = \"m\" }\ntokens_per_step = 10\n"),
            g.path() + ":3:19: model.m.tokens_per_step: allowed only with a checkpoints pattern");
  EXPECT_EQ(g.error("[model.m]\ncheckpoints = { 1_0_ = \"m\" }\n"),
            g.path() + ":2:17: model.m.checkpoints.1_0_: expected a positive token count as the key (digits, `_` "
                       "between them), got \"1_0_\"");
  // A count past int64 is refused, not wrapped (a fuzzer finding: tests/fuzz/regressions/grid).
  EXPECT_EQ(g.error("[model.m]\ncheckpoints = { 20971527777777777777 = \"m\" }\n"),
            g.path() + ":2:17: model.m.checkpoints.20971527777777777777: expected a positive token count as the key "
                       "(digits, `_` between them), got \"20971527777777777777\"");
  EXPECT_EQ(g.error("[model.m]\nn_layer = 1\nd_model = 8\nn_head = 2\ndtype = \"bfloat16\"\n"),
            g.path() + ":5:1: model.m.dtype: allowed only with hf or checkpoints (a pretrained model; expected one "
                       "of: n_layer, d_model, n_head, lr, tokenizer)");
}

}  // namespace
}  // namespace sweep
