// ByteLevel, Metaspace, ByteFallback, Fuse, Strip, Replace and Sequence
// decoders, with the crate's edge cases (invalid byte runs become one U+FFFD
// per byte; Metaspace drops every "▁" of the first token).
#include "text/decoders.hpp"

#include <nlohmann/json.hpp>

#include "text/byte_level.hpp"
#include "text/json_util.hpp"
#include "text/regex.hpp"
#include "text/utf8.hpp"

namespace sweep::text {
namespace {

class ByteLevelDecoder : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::string bytes;
    for (const std::string& t : tokens) {
      if (auto b = byte_level_to_bytes(t))
        bytes += *b;
      else
        bytes += t;
    }
    // Rust's from_utf8_lossy: one U+FFFD per maximal invalid subpart.
    tokens.assign(1, repair_utf8(bytes));
  }
};

class MetaspaceDecoder : public Decoder {
 public:
  MetaspaceDecoder(std::string replacement, bool strip_first)
      : replacement_(std::move(replacement)), strip_first_(strip_first) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      std::string& t = tokens[i];
      std::string out;
      std::size_t pos = 0;
      while (pos < t.size()) {
        if (t.compare(pos, replacement_.size(), replacement_) == 0 && !replacement_.empty()) {
          // The crate drops every replacement in the first token, not only a
          // leading one ("▁▁a" decodes to "a").
          if (!(i == 0 && strip_first_)) out += ' ';
          pos += replacement_.size();
        } else {
          out += t[pos++];
        }
      }
      t = std::move(out);
    }
  }

 private:
  std::string replacement_;
  bool strip_first_;
};

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

class ByteFallbackDecoder : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::vector<std::string> out;
    out.reserve(tokens.size());
    std::string bytes;
    std::size_t count = 0;
    auto flush = [&] {
      if (count == 0) return;
      if (is_valid_utf8(bytes)) {
        out.push_back(bytes);
      } else {
        for (std::size_t k = 0; k < count; ++k) out.emplace_back("\xEF\xBF\xBD");
      }
      bytes.clear();
      count = 0;
    };
    for (std::string& t : tokens) {
      if (t.size() == 6 && t.compare(0, 3, "<0x") == 0 && t[5] == '>' && hex_digit(t[3]) >= 0 && hex_digit(t[4]) >= 0) {
        bytes += static_cast<char>(hex_digit(t[3]) * 16 + hex_digit(t[4]));
        ++count;
        continue;
      }
      flush();
      out.push_back(std::move(t));
    }
    flush();
    tokens = std::move(out);
  }
};

class Fuse : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::string all;
    for (const std::string& t : tokens) all += t;
    tokens.assign(1, std::move(all));
  }
};

class Strip : public Decoder {
 public:
  Strip(std::string content, std::size_t start, std::size_t stop)
      : content_(std::move(content)), start_(start), stop_(stop) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    if (content_.empty()) return;
    for (std::string& t : tokens) {
      std::size_t begin = 0;
      for (std::size_t k = 0; k < start_ && t.compare(begin, content_.size(), content_) == 0; ++k)
        begin += content_.size();
      std::size_t end = t.size();
      for (std::size_t k = 0; k < stop_ && end >= begin + content_.size() &&
                              t.compare(end - content_.size(), content_.size(), content_) == 0;
           ++k)
        end -= content_.size();
      t = t.substr(begin, end - begin);
    }
  }

 private:
  std::string content_;
  std::size_t start_, stop_;
};

class ReplaceDecoder : public Decoder {
 public:
  ReplaceDecoder(const Pattern& p, std::string content)
      : regex_(p.is_regex ? Regex(p.text) : Regex::literal(p.text)), content_(std::move(content)) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (std::string& t : tokens) t = regex_.replace_all(t, content_);
  }

 private:
  Regex regex_;
  std::string content_;
};

class Sequence : public Decoder {
 public:
  explicit Sequence(std::vector<std::unique_ptr<Decoder>> parts) : parts_(std::move(parts)) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (const auto& p : parts_) p->decode_chain(tokens);
  }

 private:
  std::vector<std::unique_ptr<Decoder>> parts_;
};

}  // namespace

std::unique_ptr<Decoder> make_decoder(const nlohmann::json& j) {
  if (j.is_null()) return nullptr;
  const std::string type = component_type(j, "decoder");
  if (type == "ByteLevel") return std::make_unique<ByteLevelDecoder>();
  if (type == "Metaspace") {
    std::string scheme = string_field(j, "prepend_scheme", "");
    if (scheme.empty()) scheme = bool_field(j, "add_prefix_space", true) ? "always" : "never";
    return std::make_unique<MetaspaceDecoder>(string_field(j, "replacement", "\xE2\x96\x81"), scheme != "never");
  }
  if (type == "ByteFallback") return std::make_unique<ByteFallbackDecoder>();
  if (type == "Fuse") return std::make_unique<Fuse>();
  if (type == "Strip") {
    auto count = [&](const char* key) {
      return j.contains(key) && j[key].is_number_unsigned() ? j[key].get<std::size_t>() : std::size_t{0};
    };
    return std::make_unique<Strip>(string_field(j, "content", " "), count("start"), count("stop"));
  }
  if (type == "Replace")
    return std::make_unique<ReplaceDecoder>(pattern_field(j, "Replace decoder"), string_field(j, "content", ""));
  if (type == "Sequence") {
    if (!j.contains("decoders") || !j["decoders"].is_array())
      throw TokenizerError("decoder Sequence has no \"decoders\" array");
    std::vector<std::unique_ptr<Decoder>> parts;
    for (const auto& p : j["decoders"])
      if (auto d = make_decoder(p)) parts.push_back(std::move(d));
    return std::make_unique<Sequence>(std::move(parts));
  }
  unsupported("decoder", type, "ByteLevel, Metaspace, ByteFallback, Fuse, Strip, Replace, Sequence");
}

}  // namespace sweep::text
