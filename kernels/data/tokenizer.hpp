// Byte-level tokenizer: one token per byte, vocabulary 256. Tasks are ASCII, so
// a token is a character; no merges keep digits aligned for arithmetic.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "spec/model_size.hpp"

namespace sweep {

inline std::vector<std::int64_t> encode(std::string_view text) {
  std::vector<std::int64_t> ids(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) ids[i] = static_cast<unsigned char>(text[i]);
  return ids;
}

inline std::string decode(const std::vector<std::int64_t>& ids) {
  std::string s(ids.size(), '\0');
  for (std::size_t i = 0; i < ids.size(); ++i) s[i] = static_cast<char>(static_cast<unsigned char>(ids[i]));
  return s;
}

}  // namespace sweep
