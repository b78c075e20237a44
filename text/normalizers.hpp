// Normalizers of tokenizer.json ("normalizer"): rewrite each stretch of text
// between added tokens before it is pre-tokenized. Only the text matters to
// ids, so they rewrite plain strings (Hugging Face also tracks offsets).
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace sweep::text {

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  virtual void normalize(std::string& s) const = 0;
};

// Null JSON gives nullptr (no normalizer). Throws TokenizerError naming the
// component for a type sweep does not implement.
std::unique_ptr<Normalizer> make_normalizer(const nlohmann::json& j);

}  // namespace sweep::text
