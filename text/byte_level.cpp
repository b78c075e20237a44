// The table of GPT-2's bytes_to_unicode(): printable Latin-1 bytes stand for
// themselves, the rest are shifted to U+0100 and up in byte order.
#include "text/byte_level.hpp"

#include "text/utf8.hpp"

namespace sweep::text {
namespace {

struct Tables {
  std::array<std::string, 256> to_unicode;
  std::array<int, 512> to_byte;  // indexed by code point; every mapped one is < 0x144
  Tables() {
    to_byte.fill(-1);
    int shifted = 0;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      const char32_t cp = printable ? static_cast<char32_t>(b) : static_cast<char32_t>(256 + shifted++);
      append_utf8(to_unicode[b], cp);
      to_byte[cp] = b;
    }
  }
};

const Tables& tables() {
  static const Tables t;
  return t;
}

}  // namespace

const std::array<std::string, 256>& byte_to_unicode() { return tables().to_unicode; }

std::optional<unsigned char> unicode_to_byte(char32_t cp) {
  if (cp >= 512 || tables().to_byte[cp] < 0) return std::nullopt;
  return static_cast<unsigned char>(tables().to_byte[cp]);
}

void append_byte_level(std::string& out, std::string_view s) {
  const auto& t = tables().to_unicode;
  for (unsigned char c : s) out += t[c];
}

std::optional<std::string> byte_level_to_bytes(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  std::size_t i = 0;
  while (i < token.size()) {
    const auto b = unicode_to_byte(next_code_point(token, i));
    if (!b) return std::nullopt;
    out += static_cast<char>(*b);
  }
  return out;
}

}  // namespace sweep::text
