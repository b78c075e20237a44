// Tokenizer front: the byte-level tokenizer and dispatch to tokenizer.json
// loading; see tokenizer.hpp.
#include "text/tokenizer.hpp"

#include <array>

namespace sweep::text {

struct Tokenizer::Impl {
  std::string name = "bytes";
  std::string hash = "bytes";
  std::size_t vocab_size = 256;
  std::optional<TokenId> eot = 0;
  std::vector<std::string> token_bytes;
  std::vector<TokenId> newline_ids;
};

Tokenizer::Tokenizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Tokenizer::~Tokenizer() = default;
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;

Tokenizer Tokenizer::bytes() {
  auto impl = std::make_unique<Impl>();
  impl->token_bytes.resize(256);
  for (int b = 0; b < 256; ++b) impl->token_bytes[b] = std::string(1, static_cast<char>(b));
  impl->newline_ids = {static_cast<TokenId>('\n')};
  return Tokenizer(std::move(impl));
}

Tokenizer Tokenizer::load(const std::string& name_or_path) {
  return name_or_path == "bytes" ? bytes() : from_file(name_or_path);
}

Tokenizer Tokenizer::from_file(const std::string& path) {
  throw TokenizerError(path + ": tokenizer.json files are not supported yet");
}

void Tokenizer::encode(std::string_view text, std::vector<TokenId>& out) const {
  out.reserve(out.size() + text.size());
  for (unsigned char c : text) out.push_back(c);
}

std::vector<TokenId> Tokenizer::encode(std::string_view text) const {
  std::vector<TokenId> out;
  encode(text, out);
  return out;
}

std::string Tokenizer::decode(const std::vector<TokenId>& ids) const {
  std::string s;
  for (TokenId id : ids) s += token_bytes(id);
  return s;
}

std::size_t Tokenizer::vocab_size() const { return impl_->vocab_size; }
std::optional<TokenId> Tokenizer::eot() const { return impl_->eot; }
const std::string& Tokenizer::token_bytes(TokenId id) const { return impl_->token_bytes.at(id); }
const std::vector<TokenId>& Tokenizer::newline_ids() const { return impl_->newline_ids; }
const std::string& Tokenizer::name() const { return impl_->name; }
const std::string& Tokenizer::hash() const { return impl_->hash; }

}  // namespace sweep::text
