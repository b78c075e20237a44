// GPT-2's byte-to-unicode table: ByteLevel tokenizers spell every byte as a
// printable character, so vocabularies are text. Used by the ByteLevel
// pre-tokenizer (bytes -> characters), its decoder and token_bytes (back).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace sweep::text {

// UTF-8 of the character standing for each byte.
const std::array<std::string, 256>& byte_to_unicode();

// The byte a character stands for; none if it is not in the table.
std::optional<unsigned char> unicode_to_byte(char32_t cp);

// `s`'s bytes spelled as table characters.
void append_byte_level(std::string& out, std::string_view s);

// The bytes a ByteLevel token spells; none if some character is outside the
// table (added tokens can be), in which case callers use the text as is.
std::optional<std::string> byte_level_to_bytes(std::string_view token);

}  // namespace sweep::text
