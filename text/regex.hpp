// A PCRE2 regular expression (UTF + Unicode properties, JIT-compiled) standing
// in for the Oniguruma regexes of Hugging Face's Split pre-tokenizer and
// Replace normalizer/decoder. Move-only owner of the compiled code.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sweep::text {

class Regex {
 public:
  // Throws TokenizerError with PCRE2's message and offset if `pattern` does
  // not compile. `pattern` is written in Oniguruma's dialect; the few places
  // PCRE2 reads it differently (\s and U+0085) are rewritten first.
  explicit Regex(const std::string& pattern);
  // A pattern matching `literal` exactly.
  static Regex literal(std::string_view literal);

  ~Regex();
  Regex(Regex&&) noexcept;
  Regex& operator=(Regex&&) noexcept;

  // Non-overlapping matches, left to right, as [begin, end) byte offsets;
  // an empty match advances by one character so the walk ends.
  void find_all(std::string_view subject, std::vector<std::pair<std::size_t, std::size_t>>& out) const;
  std::string replace_all(std::string_view subject, std::string_view replacement) const;
  // The leftmost match's capture group `group` (0: the whole match) as
  // [begin, end) byte offsets, an empty range at the match where the group
  // took no part (Python's re.findall gives ""); nullopt without a match.
  // `group` must be at most 3 and at most capture_count().
  std::optional<std::pair<std::size_t, std::size_t>> first_match(std::string_view subject, int group = 0) const;
  int capture_count() const;

 private:
  struct Code;
  std::unique_ptr<Code> code_;
};

}  // namespace sweep::text
