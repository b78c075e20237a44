// The folder check: config.json read, every safetensors header checked
// against its file, and the tokenizer and the embedding agreeing on the
// vocabulary, all without touching the weights' bytes.
#include "hf/model_dir.hpp"

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "hf/safetensors.hpp"
#include "text/tokenizer.hpp"

namespace sweep::hf {
namespace {

// The token embedding's name in transformers' state dict. GPT-2 checkpoints
// on the Hub were saved from GPT2Model, without the "transformer." prefix.
std::vector<std::string> embedding_names(Architecture a) {
  switch (a) {
    case Architecture::Gpt2: return {"transformer.wte.weight", "wte.weight"};
    case Architecture::GptNeox: return {"gpt_neox.embed_in.weight"};
    case Architecture::Llama: return {"model.embed_tokens.weight"};
  }
  return {};
}

void check_embedding(const std::string& dir, const Config& c, const Weights& w) {
  const std::vector<std::string> names = embedding_names(c.arch);
  const TensorView* t = nullptr;
  for (const auto& n : names)
    if (w.has(n)) {
      t = &w.get(n);
      break;
    }
  if (t == nullptr) w.get(names.front());  // throws, naming the tensor
  const std::string config = dir + "/config.json";
  if (t->shape.size() != 2)
    throw std::runtime_error(config + ": tensor '" + t->name + "' has " + std::to_string(t->shape.size()) +
                             " dimensions, a token embedding 2");
  if (t->shape[0] != c.vocab_size)
    throw std::runtime_error(config + ": vocab_size " + std::to_string(c.vocab_size) + " disagrees with tensor '" +
                             t->name + "' (" + std::to_string(t->shape[0]) + " rows)");
  if (t->shape[1] != c.hidden_size)
    throw std::runtime_error(config + ": hidden size " + std::to_string(c.hidden_size) + " disagrees with tensor '" +
                             t->name + "' (" + std::to_string(t->shape[1]) + " columns)");
}

}  // namespace

ModelDir inspect(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw std::runtime_error(dir + ": no such folder");

  ModelDir m;
  m.dir = dir;
  m.config = read_config(dir);
  m.params = param_count(m.config);

  const Weights w = Weights::open(dir);
  m.weight_files = w.files();
  m.weight_bytes = w.bytes_on_disk();
  check_embedding(dir, m.config, w);

  m.tokenizer_json = dir + "/tokenizer.json";
  if (!fs::is_regular_file(m.tokenizer_json, ec)) throw std::runtime_error(m.tokenizer_json + ": missing");
  // Embeddings may have more rows than the tokenizer has ids (Pythia pads to
  // a multiple of 128), never fewer: an id past the last row has no vector.
  m.tokenizer_vocab = static_cast<std::int64_t>(text::Tokenizer::from_file(m.tokenizer_json).vocab_size());
  if (m.tokenizer_vocab > m.config.vocab_size)
    throw std::runtime_error(m.tokenizer_json + ": " + std::to_string(m.tokenizer_vocab) +
                             " ids do not fit the embedding's " + std::to_string(m.config.vocab_size) +
                             " rows (config.json vocab_size)");
  return m;
}

}  // namespace sweep::hf
