// hf/model_dir: a whole folder checked without loading it; what inspect
// reports of a good folder, and one error line for each way a folder is
// unusable (no folder, no weights, no tokenizer, an embedding that disagrees
// with config.json, a tokenizer with more ids than the embedding has rows).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hf/model_dir.hpp"
#include "tests/hf/safetensors_writer.hpp"
#include "tests/temp_dir.hpp"

namespace sweep::hf {
namespace {

using json = nlohmann::json;
using testing::safetensors_bytes;
using testing::write_bytes;

// A BPE tokenizer.json of `ids` single-letter tokens.
json tokenizer(int ids) {
  json vocab = json::object();
  for (int i = 0; i < ids; ++i) vocab[std::string(1, static_cast<char>('A' + i))] = i;
  return {{"version", "1.0"},
          {"added_tokens", json::array()},
          {"normalizer", nullptr},
          {"pre_tokenizer", nullptr},
          {"post_processor", nullptr},
          {"decoder", nullptr},
          {"model",
           {{"type", "BPE"},
            {"dropout", nullptr},
            {"unk_token", nullptr},
            {"fuse_unk", false},
            {"byte_fallback", false},
            {"vocab", vocab},
            {"merges", json::array()}}}};
}

json llama_config(int vocab, int hidden = 8) {
  return {{"architectures", {"LlamaForCausalLM"}},
          {"vocab_size", vocab},
          {"hidden_size", hidden},
          {"intermediate_size", 16},
          {"num_hidden_layers", 1},
          {"num_attention_heads", 2},
          {"max_position_embeddings", 64}};
}

class ModelFolder : public ::testing::Test {
 protected:
  std::string dir() const { return dir_.path().string(); }
  void write_json(const std::string& name, const json& j) { std::ofstream(dir_.file(name)) << j.dump(); }
  // A token embedding of (rows, cols) fp32 zeros under `name`.
  void write_embedding(const std::string& name, std::int64_t rows, std::int64_t cols) {
    write_bytes(dir_.file("model.safetensors"),
                safetensors_bytes({{name, "F32", {rows, cols}, std::string(rows * cols * 4, '\0')}}));
  }
  // config.json with `vocab` rows, an embedding of as many, a tokenizer of `ids`.
  void write_folder(int vocab, int ids) {
    write_json("config.json", llama_config(vocab));
    write_embedding("model.embed_tokens.weight", vocab, 8);
    write_json("tokenizer.json", tokenizer(ids));
  }
  std::string error() {
    try {
      inspect(dir());
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    ADD_FAILURE() << "inspect did not fail";
    return "";
  }
  sweep::testing::TempDir dir_{"sweep_hf_model_dir"};
};

TEST_F(ModelFolder, InspectsAGoodFolder) {
  write_folder(16, 12);
  const ModelDir m = inspect(dir());
  EXPECT_EQ(m.dir, dir());
  EXPECT_EQ(m.config.architecture_name, "LlamaForCausalLM");
  EXPECT_EQ(m.params.total, param_count(m.config).total);
  EXPECT_EQ(m.tokenizer_json, dir() + "/tokenizer.json");
  EXPECT_EQ(m.tokenizer_vocab, 12);
  EXPECT_EQ(m.weight_files, std::vector<std::string>{dir() + "/model.safetensors"});
  EXPECT_EQ(m.weight_bytes, std::filesystem::file_size(dir_.file("model.safetensors")));
}

TEST_F(ModelFolder, AcceptsAnEmbeddingPaddedBeyondTheTokenizer) {
  write_folder(16, 16);
  EXPECT_EQ(inspect(dir()).tokenizer_vocab, 16);
  write_folder(20, 16);  // Pythia pads its embedding past the tokenizer's ids
  EXPECT_EQ(inspect(dir()).tokenizer_vocab, 16);
}

TEST_F(ModelFolder, RefusesATokenizerWithMoreIdsThanTheEmbeddingHasRows) {
  write_folder(10, 12);
  EXPECT_EQ(error(), dir() + "/tokenizer.json: 12 ids do not fit the embedding's 10 rows (config.json vocab_size)");
}

TEST_F(ModelFolder, RefusesAnEmbeddingWhoseRowsDisagreeWithConfig) {
  write_folder(16, 12);
  write_embedding("model.embed_tokens.weight", 15, 8);
  EXPECT_EQ(error(), dir() + "/config.json: vocab_size 16 disagrees with tensor 'model.embed_tokens.weight' (15 rows)");
}

TEST_F(ModelFolder, RefusesAnEmbeddingWhoseWidthDisagreesWithConfig) {
  write_folder(16, 12);
  write_embedding("model.embed_tokens.weight", 16, 4);
  EXPECT_EQ(error(), dir() + "/config.json: hidden size 8 disagrees with tensor 'model.embed_tokens.weight' (4 columns)");
}

TEST_F(ModelFolder, RefusesWeightsWithoutTheTokenEmbedding) {
  write_folder(16, 12);
  write_embedding("embed.weight", 16, 8);
  EXPECT_EQ(error(), dir() + ": no tensor 'model.embed_tokens.weight' in the checkpoint");
}

TEST_F(ModelFolder, FindsEachArchitecturesEmbedding) {
  write_json("tokenizer.json", tokenizer(10));
  write_json("config.json", {{"architectures", {"GPT2LMHeadModel"}}, {"vocab_size", 10}, {"n_embd", 8},
                             {"n_layer", 1}, {"n_head", 2}, {"n_positions", 16}});
  write_embedding("wte.weight", 10, 8);  // as the Hub's GPT-2 files name it
  EXPECT_EQ(inspect(dir()).config.arch, Architecture::Gpt2);
  write_embedding("transformer.wte.weight", 10, 8);
  EXPECT_EQ(inspect(dir()).config.arch, Architecture::Gpt2);

  write_json("config.json", {{"architectures", {"GPTNeoXForCausalLM"}}, {"vocab_size", 10}, {"hidden_size", 8},
                             {"num_hidden_layers", 1}, {"num_attention_heads", 2}, {"intermediate_size", 32},
                             {"max_position_embeddings", 16}, {"rotary_pct", 0.5}});
  write_embedding("gpt_neox.embed_in.weight", 10, 8);
  EXPECT_EQ(inspect(dir()).config.arch, Architecture::GptNeox);
}

TEST_F(ModelFolder, RefusesAMissingFolder) {
  const std::string absent = dir() + "/absent";
  try {
    inspect(absent);
    ADD_FAILURE() << "inspect did not fail";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), absent + ": no such folder");
  }
}

TEST_F(ModelFolder, RefusesAMissingConfig) {
  write_folder(16, 12);
  std::filesystem::remove(dir_.file("config.json"));
  EXPECT_EQ(error(), dir() + "/config.json: cannot open (missing or unreadable)");
}

TEST_F(ModelFolder, RefusesMissingWeights) {
  write_folder(16, 12);
  std::filesystem::remove(dir_.file("model.safetensors"));
  EXPECT_EQ(error(), dir() + ": no model.safetensors and no model.safetensors.index.json");
}

TEST_F(ModelFolder, RefusesAMissingTokenizer) {
  write_folder(16, 12);
  std::filesystem::remove(dir_.file("tokenizer.json"));
  EXPECT_EQ(error(), dir() + "/tokenizer.json: missing");
}

TEST_F(ModelFolder, RefusesATruncatedWeightsFile) {
  write_folder(16, 12);
  std::filesystem::resize_file(dir_.file("model.safetensors"), std::filesystem::file_size(dir_.file("model.safetensors")) - 1);
  const std::string e = error();
  EXPECT_EQ(e.rfind(dir() + "/model.safetensors: truncated: tensor 'model.embed_tokens.weight' ends at byte ", 0), 0u) << e;
}

}  // namespace
}  // namespace sweep::hf
