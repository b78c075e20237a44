// Pre-tokenizers of tokenizer.json ("pre_tokenizer"): cut normalized text
// into the words the model tokenizes one at a time, and rewrite them
// (ByteLevel's byte characters, Metaspace's "▁").
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace sweep::text {

struct Piece {
  std::string text;
  // Whether the piece begins at offset 0 of the whole input: Metaspace's
  // prepend_scheme "first" adds its "▁" only there.
  bool at_start = false;
};

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  // Replaces each piece by its parts (empty parts are dropped).
  virtual void split(std::vector<Piece>& pieces) const = 0;
};

// Null JSON gives nullptr. Throws TokenizerError naming the component for a
// type sweep does not implement.
std::unique_ptr<PreTokenizer> make_pre_tokenizer(const nlohmann::json& j);

// Whether `j` is or contains a ByteLevel pre-tokenizer (its vocabulary is
// then spelled in byte characters).
bool uses_byte_level(const nlohmann::json& j);

}  // namespace sweep::text
