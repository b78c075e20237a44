// A Hugging Face model folder as sweep accepts it, checked without loading
// its weights: config.json (a supported architecture), the safetensors files
// (present, headers whole, sizes as promised) and tokenizer.json (its ids fit
// the embedding). The grid loader checks every hf model and checkpoint this way
// on rank 0, so a bad folder is an error at its grid key before any job runs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hf/config.hpp"

namespace sweep::hf {

struct ModelDir {
  std::string dir;
  Config config;
  ParamCount params;
  std::string tokenizer_json;            // DIR/tokenizer.json
  std::int64_t tokenizer_vocab = 0;      // largest token id + 1
  std::vector<std::string> weight_files; // paths: DIR/model.safetensors or the index's shards, in name order
  std::uint64_t weight_bytes = 0;        // on disk
};

// Throws std::runtime_error, one line naming the file: a missing folder,
// config.json, weights or tokenizer.json; any read_config or safetensors header
// error; a token embedding whose shape disagrees with config.json; a tokenizer
// whose ids do not fit the embedding ("DIR/tokenizer.json: 50277 ids do not fit
// the embedding's 32 rows (config.json vocab_size)"). More rows than ids is
// fine (Pythia pads its embedding).
ModelDir inspect(const std::string& dir);

}  // namespace sweep::hf
