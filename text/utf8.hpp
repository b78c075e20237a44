// UTF-8 helpers for text/: walking code points, and repairing invalid input
// the way WHATWG's decoder (Node's TextDecoder / fs reading as UTF-8) does, so
// that bytes which are not UTF-8 tokenize exactly as the JavaScript and Rust
// references see them. Corpus readers use repair_utf8 too.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sweep::text {

bool is_valid_utf8(std::string_view s);

// `s` with each maximal invalid subpart replaced by U+FFFD (WHATWG "decode");
// valid input comes back unchanged.
std::string repair_utf8(std::string_view s);

// Length in bytes of the UTF-8 sequence that starts with `lead` (1 for a
// stray continuation byte, so a walk always advances).
inline std::size_t utf8_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xF0) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

// The code point at s[i] of valid UTF-8; advances i past it.
char32_t next_code_point(std::string_view s, std::size_t& i);

void append_utf8(std::string& out, char32_t cp);

// Rust's char::is_whitespace (the White_Space property), which the crate's
// Strip normalizer and added tokens' lstrip/rstrip use.
inline bool is_white_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

}  // namespace sweep::text
