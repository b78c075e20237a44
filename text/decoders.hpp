// Decoders of tokenizer.json ("decoder"): turn the tokens of ids back into
// text, each step rewriting the list of token strings as the crate's
// decode_chain does, so decode() equals Hugging Face's decode().
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace sweep::text {

class Decoder {
 public:
  virtual ~Decoder() = default;
  virtual void decode_chain(std::vector<std::string>& tokens) const = 0;
};

// Null JSON gives nullptr (tokens are then joined with spaces). Throws
// TokenizerError naming the component for a type sweep does not implement.
std::unique_ptr<Decoder> make_decoder(const nlohmann::json& j);

}  // namespace sweep::text
