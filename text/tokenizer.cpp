// Tokenizer's encode and decode: the order Hugging Face's pipeline runs in
// (added tokens, normalizer, added tokens again, pre-tokenizer, model; the
// decoder chain), and the byte tokenizer. Loading is tokenizer_json.cpp.
#include "text/tokenizer.hpp"

#include <map>
#include <mutex>

#include "text/tokenizer_impl.hpp"
#include "text/utf8.hpp"

namespace sweep::text {

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

std::shared_ptr<const Tokenizer> Tokenizer::shared(const std::string& name_or_path) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const Tokenizer>> loaded;
  std::lock_guard<std::mutex> lock(mutex);
  auto& slot = loaded[name_or_path];
  if (!slot) slot = std::make_shared<const Tokenizer>(load(name_or_path));
  return slot;
}

void Tokenizer::encode(std::string_view text, std::vector<TokenId>& out) const {
  const Impl& im = *impl_;
  if (!im.model) {
    out.reserve(out.size() + text.size());
    for (unsigned char c : text) out.push_back(c);
    return;
  }
  // The references read text as UTF-8 with WHATWG's repair; do the same so
  // invalid bytes give their ids.
  std::string repaired;
  if (!is_valid_utf8(text)) {
    repaired = repair_utf8(text);
    text = repaired;
  }
  std::vector<Segment> raw, normalized;
  std::vector<Piece> pieces;
  if (im.raw_added.empty())
    raw.push_back({0, text.size(), std::nullopt});
  else
    im.raw_added.split(text, raw);
  for (const Segment& seg : raw) {
    if (seg.id) {
      out.push_back(*seg.id);
      continue;
    }
    if (seg.end == seg.begin) continue;
    std::string s(text.substr(seg.begin, seg.end - seg.begin));
    if (im.normalizer) im.normalizer->normalize(s);
    normalized.clear();
    if (im.normalized_added.empty())
      normalized.push_back({0, s.size(), std::nullopt});
    else
      im.normalized_added.split(s, normalized);
    for (const Segment& sub : normalized) {
      if (sub.id) {
        out.push_back(*sub.id);
        continue;
      }
      if (sub.end == sub.begin) continue;
      pieces.clear();
      pieces.push_back({s.substr(sub.begin, sub.end - sub.begin), seg.begin == 0 && sub.begin == 0});
      if (im.pre_tokenizer) im.pre_tokenizer->split(pieces);
      for (const Piece& p : pieces) im.model->tokenize(p.text, out);
    }
  }
}

std::vector<TokenId> Tokenizer::encode(std::string_view text) const {
  std::vector<TokenId> out;
  encode(text, out);
  return out;
}

std::string Tokenizer::decode(const std::vector<TokenId>& ids) const {
  const Impl& im = *impl_;
  if (!im.model) {
    std::string s;
    for (TokenId id : ids) s += token_bytes(id);
    return s;
  }
  std::vector<std::string> tokens;
  tokens.reserve(ids.size());
  for (TokenId id : ids) {
    if (id >= im.known.size() || !im.known[id])
      throw TokenizerError(im.name + ": id " + std::to_string(id) + " is outside the vocabulary (" +
                           std::to_string(im.vocab_size) + ")");
    tokens.push_back(im.tokens[id]);
  }
  if (!im.decoder) {
    // The crate joins tokens with spaces when there is no decoder.
    std::string s;
    for (std::size_t i = 0; i < tokens.size(); ++i) s += (i ? " " : "") + tokens[i];
    return s;
  }
  im.decoder->decode_chain(tokens);
  std::string s;
  for (const std::string& t : tokens) s += t;
  return s;
}

std::size_t Tokenizer::vocab_size() const { return impl_->vocab_size; }
std::optional<TokenId> Tokenizer::eot() const { return impl_->eot; }
const std::string& Tokenizer::token_bytes(TokenId id) const { return impl_->token_bytes.at(id); }
const std::vector<TokenId>& Tokenizer::newline_ids() const { return impl_->newline_ids; }
const std::string& Tokenizer::name() const { return impl_->name; }
const std::string& Tokenizer::hash() const { return impl_->hash; }

}  // namespace sweep::text
