// Added-token matching with the crate's lstrip/rstrip/single_word rules
// (whitespace and word characters as Rust's char predicates define them).
#include "text/added_tokens.hpp"

#include <unicode/uchar.h>

#include <algorithm>

#include "text/utf8.hpp"

namespace sweep::text {
namespace {

// The code point that ends at `end` (valid UTF-8).
char32_t code_point_before(std::string_view s, std::size_t end, std::size_t& begin) {
  begin = end - 1;
  while (begin > 0 && (static_cast<unsigned char>(s[begin]) & 0xC0) == 0x80) --begin;
  std::size_t i = begin;
  return next_code_point(s, i);
}

// Rust's char::is_alphanumeric, which single_word uses for "word" characters.
bool is_word_char(char32_t c) {
  const auto cp = static_cast<UChar32>(c);
  const auto type = u_charType(cp);
  return u_hasBinaryProperty(cp, UCHAR_ALPHABETIC) || type == U_DECIMAL_DIGIT_NUMBER || type == U_LETTER_NUMBER ||
         type == U_OTHER_NUMBER;
}

}  // namespace

void AddedTokenMatcher::add(const AddedToken& token, std::string content) {
  if (content.empty()) return;
  if (terminal_.empty()) terminal_.push_back(-1);
  std::uint32_t node = 0;
  for (unsigned char c : content) {
    const std::uint64_t key = (static_cast<std::uint64_t>(node) << 8) | c;
    auto it = edges_.find(key);
    if (it == edges_.end()) {
      const auto child = static_cast<std::uint32_t>(terminal_.size());
      terminal_.push_back(-1);
      it = edges_.emplace(key, child).first;
    }
    node = it->second;
  }
  first_byte_[static_cast<unsigned char>(content[0])] = true;
  // A repeated content keeps its first entry, as the crate's map does.
  if (terminal_[node] >= 0) return;
  terminal_[node] = static_cast<std::int64_t>(tokens_.size());
  AddedToken copy = token;
  copy.content = std::move(content);
  tokens_.push_back(std::move(copy));
}

std::optional<std::size_t> AddedTokenMatcher::longest_at(std::string_view text, std::size_t pos,
                                                         std::size_t& length) const {
  std::optional<std::size_t> best;
  std::uint32_t node = 0;
  for (std::size_t i = pos; i < text.size(); ++i) {
    auto it = edges_.find((static_cast<std::uint64_t>(node) << 8) | static_cast<unsigned char>(text[i]));
    if (it == edges_.end()) break;
    node = it->second;
    if (terminal_[node] >= 0) {
      best = static_cast<std::size_t>(terminal_[node]);
      length = i + 1 - pos;
    }
  }
  return best;
}

void AddedTokenMatcher::split(std::string_view text, std::vector<Segment>& out) const {
  if (text.empty()) return;
  std::size_t start_offset = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (!first_byte_[static_cast<unsigned char>(text[pos])]) {
      ++pos;
      continue;
    }
    std::size_t length = 0;
    const auto found = longest_at(text, pos, length);
    if (!found) {
      ++pos;
      continue;
    }
    const AddedToken& token = tokens_[*found];
    std::size_t start = pos, stop = pos + length;
    pos = stop;  // matches do not overlap, whatever stripping does below
    if (token.single_word) {
      std::size_t b = 0;
      const bool start_space = start == 0 || !is_word_char(code_point_before(text, start, b));
      std::size_t i = stop;
      const bool stop_space = stop == text.size() || !is_word_char(next_code_point(text, i));
      if (!start_space || !stop_space) continue;
    }
    if (token.lstrip) {
      std::size_t newstart = start;
      while (newstart > 0) {
        std::size_t b = 0;
        if (!is_white_space(code_point_before(text, newstart, b))) break;
        newstart = b;
      }
      start = std::max(newstart, start_offset);
    }
    if (token.rstrip) {
      std::size_t i = stop;
      while (i < text.size()) {
        std::size_t j = i;
        if (!is_white_space(next_code_point(text, j))) break;
        i = j;
      }
      stop = i;
      pos = std::max(pos, stop);
    }
    if (start_offset < start) out.push_back({start_offset, start, std::nullopt});
    out.push_back({start, stop, token.id});
    start_offset = stop;
  }
  if (start_offset < text.size()) out.push_back({start_offset, text.size(), std::nullopt});
}

}  // namespace sweep::text
