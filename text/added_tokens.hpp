// The added tokens of tokenizer.json ("added_tokens"): strings matched in the
// text before normalization and pre-tokenization (leftmost, longest first),
// as the crate's AddedVocabulary does; each match is one id, the text between
// matches goes through the rest of the pipeline.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "text/tokenizer.hpp"

namespace sweep::text {

struct AddedToken {
  TokenId id = 0;
  std::string content;
  bool special = false;
  bool normalized = false;
  bool lstrip = false;
  bool rstrip = false;
  bool single_word = false;
};

// A stretch of the text: an added token's id, or text to tokenize.
struct Segment {
  std::size_t begin, end;
  std::optional<TokenId> id;
};

// Leftmost-longest matching of a set of added tokens (a byte trie).
class AddedTokenMatcher {
 public:
  void add(const AddedToken& token, std::string content);
  bool empty() const { return tokens_.empty(); }
  // Covers all of `text` with segments in order; empty text gives none.
  void split(std::string_view text, std::vector<Segment>& out) const;

 private:
  std::optional<std::size_t> longest_at(std::string_view text, std::size_t pos, std::size_t& length) const;

  std::vector<AddedToken> tokens_;
  // (node << 8 | byte) -> child node; node 0 is the root.
  std::unordered_map<std::uint64_t, std::uint32_t> edges_;
  std::vector<std::int64_t> terminal_;  // node -> index in tokens_, or -1
  bool first_byte_[256] = {};
};

}  // namespace sweep::text
