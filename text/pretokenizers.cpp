// ByteLevel, Split, Metaspace, Digits and Sequence, following the Hugging Face
// tokenizers crate's splitting rules (including how delimiters are merged).
#include "text/pretokenizers.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "text/byte_level.hpp"
#include "text/json_util.hpp"
#include "text/regex.hpp"

namespace sweep::text {
namespace {

// GPT-2's pattern, which ByteLevel uses when use_regex is true.
const char* const kGpt2Pattern = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

enum class Behavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

Behavior parse_behavior(const std::string& b) {
  if (b == "Removed") return Behavior::Removed;
  if (b == "Isolated") return Behavior::Isolated;
  if (b == "MergedWithPrevious") return Behavior::MergedWithPrevious;
  if (b == "MergedWithNext") return Behavior::MergedWithNext;
  if (b == "Contiguous") return Behavior::Contiguous;
  throw TokenizerError("Split behavior \"" + b +
                       "\" is not supported (supported: Removed, Isolated, MergedWithPrevious, MergedWithNext, "
                       "Contiguous)");
}

struct Span {
  std::size_t begin, end;
  bool is_match;
};

// The crate's split(): matches and the gaps between them, combined by the
// delimiter behavior, then empty parts dropped.
void split_by(const Regex& re, Behavior behavior, bool invert, std::vector<Piece>& pieces) {
  std::vector<Piece> out;
  out.reserve(pieces.size() * 2);
  std::vector<std::pair<std::size_t, std::size_t>> found;
  std::vector<Span> spans, merged;
  for (Piece& piece : pieces) {
    const std::string& s = piece.text;
    found.clear();
    spans.clear();
    merged.clear();
    if (s.empty()) continue;
    re.find_all(s, found);
    std::size_t prev = 0;
    for (auto [b, e] : found) {
      if (prev != b) spans.push_back({prev, b, invert});
      spans.push_back({b, e, !invert});
      prev = e;
    }
    if (prev != s.size()) spans.push_back({prev, s.size(), invert});

    switch (behavior) {
      case Behavior::Removed:
        for (const Span& sp : spans)
          if (!sp.is_match) merged.push_back(sp);
        break;
      case Behavior::Isolated:
        merged = spans;
        break;
      case Behavior::MergedWithPrevious: {
        bool previous_match = false;
        for (const Span& sp : spans) {
          if (sp.is_match && !previous_match && !merged.empty())
            merged.back().end = sp.end;
          else
            merged.push_back(sp);
          previous_match = sp.is_match;
        }
        break;
      }
      case Behavior::MergedWithNext: {
        bool previous_match = false;
        for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
          if (it->is_match && !previous_match && !merged.empty())
            merged.back().begin = it->begin;
          else
            merged.push_back(*it);
          previous_match = it->is_match;
        }
        std::reverse(merged.begin(), merged.end());
        break;
      }
      case Behavior::Contiguous: {
        bool previous_match = false;
        for (const Span& sp : spans) {
          if (sp.is_match == previous_match && !merged.empty())
            merged.back().end = sp.end;
          else
            merged.push_back(sp);
          previous_match = sp.is_match;
        }
        break;
      }
    }
    for (const Span& sp : merged) {
      if (sp.end == sp.begin) continue;
      out.push_back({s.substr(sp.begin, sp.end - sp.begin), piece.at_start && sp.begin == 0});
    }
  }
  pieces = std::move(out);
}

class Split : public PreTokenizer {
 public:
  Split(Regex re, Behavior behavior, bool invert) : re_(std::move(re)), behavior_(behavior), invert_(invert) {}
  void split(std::vector<Piece>& pieces) const override { split_by(re_, behavior_, invert_, pieces); }

 private:
  Regex re_;
  Behavior behavior_;
  bool invert_;
};

class ByteLevel : public PreTokenizer {
 public:
  ByteLevel(bool add_prefix_space, bool use_regex) : add_prefix_space_(add_prefix_space) {
    if (use_regex) re_ = std::make_unique<Regex>(kGpt2Pattern);
  }
  void split(std::vector<Piece>& pieces) const override {
    if (add_prefix_space_)
      for (Piece& p : pieces)
        if (p.text.empty() || p.text[0] != ' ') p.text.insert(0, " ");
    if (re_) split_by(*re_, Behavior::Isolated, false, pieces);
    for (Piece& p : pieces) {
      std::string mapped;
      mapped.reserve(p.text.size() * 2);
      append_byte_level(mapped, p.text);
      p.text = std::move(mapped);
    }
  }

 private:
  bool add_prefix_space_;
  std::unique_ptr<Regex> re_;
};

class Metaspace : public PreTokenizer {
 public:
  enum class Prepend { Always, First, Never };
  Metaspace(std::string replacement, Prepend prepend, bool split)
      : replacement_(std::move(replacement)),
        prepend_(prepend),
        split_(split),
        splitter_(Regex::literal(replacement_)) {}
  void split(std::vector<Piece>& pieces) const override {
    for (Piece& p : pieces) {
      std::string r;
      r.reserve(p.text.size() + 8);
      for (char c : p.text) {
        if (c == ' ')
          r += replacement_;
        else
          r += c;
      }
      const bool starts = r.compare(0, replacement_.size(), replacement_) == 0;
      if (!starts && (prepend_ == Prepend::Always || (prepend_ == Prepend::First && p.at_start)))
        r.insert(0, replacement_);
      p.text = std::move(r);
    }
    if (split_) split_by(splitter_, Behavior::MergedWithNext, false, pieces);
  }

 private:
  std::string replacement_;
  Prepend prepend_;
  bool split_;
  Regex splitter_;
};

class Sequence : public PreTokenizer {
 public:
  explicit Sequence(std::vector<std::unique_ptr<PreTokenizer>> parts) : parts_(std::move(parts)) {}
  void split(std::vector<Piece>& pieces) const override {
    for (const auto& p : parts_) p->split(pieces);
  }

 private:
  std::vector<std::unique_ptr<PreTokenizer>> parts_;
};

}  // namespace

std::unique_ptr<PreTokenizer> make_pre_tokenizer(const nlohmann::json& j) {
  if (j.is_null()) return nullptr;
  const std::string type = component_type(j, "pre_tokenizer");
  if (type == "ByteLevel")
    return std::make_unique<ByteLevel>(bool_field(j, "add_prefix_space", true), bool_field(j, "use_regex", true));
  if (type == "Split") {
    const Pattern p = pattern_field(j, "Split pre_tokenizer");
    Regex re = p.is_regex ? Regex(p.text) : Regex::literal(p.text);
    return std::make_unique<Split>(std::move(re), parse_behavior(string_field(j, "behavior", "Isolated")),
                                   bool_field(j, "invert", false));
  }
  if (type == "Metaspace") {
    std::string scheme = string_field(j, "prepend_scheme", "");
    if (scheme.empty()) scheme = bool_field(j, "add_prefix_space", true) ? "always" : "never";
    Metaspace::Prepend prepend;
    if (scheme == "always")
      prepend = Metaspace::Prepend::Always;
    else if (scheme == "first")
      prepend = Metaspace::Prepend::First;
    else if (scheme == "never")
      prepend = Metaspace::Prepend::Never;
    else
      throw TokenizerError("Metaspace prepend_scheme \"" + scheme + "\" is not one of first, always, never");
    return std::make_unique<Metaspace>(string_field(j, "replacement", "\xE2\x96\x81"), prepend,
                                       bool_field(j, "split", true));
  }
  if (type == "Digits") {
    const bool individual = bool_field(j, "individual_digits", false);
    return std::make_unique<Split>(Regex(individual ? "\\p{N}" : "\\p{N}+"), Behavior::Isolated, false);
  }
  if (type == "Sequence") {
    if (!j.contains("pretokenizers") || !j["pretokenizers"].is_array())
      throw TokenizerError("pre_tokenizer Sequence has no \"pretokenizers\" array");
    std::vector<std::unique_ptr<PreTokenizer>> parts;
    for (const auto& p : j["pretokenizers"])
      if (auto t = make_pre_tokenizer(p)) parts.push_back(std::move(t));
    return std::make_unique<Sequence>(std::move(parts));
  }
  unsupported("pre_tokenizer", type, "ByteLevel, Split, Metaspace, Sequence, Digits");
}

bool uses_byte_level(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("type") || !j["type"].is_string()) return false;
  if (j["type"] == "ByteLevel") return true;
  for (const char* key : {"pretokenizers", "decoders"})
    if (j.contains(key) && j[key].is_array())
      for (const auto& p : j[key])
        if (uses_byte_level(p)) return true;
  return false;
}

}  // namespace sweep::text
