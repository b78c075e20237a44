// NFC/NFKC/NFD/NFKD (ICU), Lowercase (ICU's root case mapping, as Rust's
// to_lowercase), Prepend, Replace, Strip and Sequence.
#include "text/normalizers.hpp"

#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include <cstdint>
#include <vector>

#include "text/json_util.hpp"
#include "text/regex.hpp"
#include "text/utf8.hpp"

namespace sweep::text {
namespace {

bool is_ascii(const std::string& s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

void check_icu(UErrorCode status, const char* what) {
  if (U_FAILURE(status)) throw TokenizerError(std::string("ICU ") + what + " failed: " + u_errorName(status));
}

std::u16string to_utf16(const std::string& s) {
  UErrorCode status = U_ZERO_ERROR;
  int32_t n = 0;
  u_strFromUTF8(nullptr, 0, &n, s.data(), static_cast<int32_t>(s.size()), &status);
  if (status != U_BUFFER_OVERFLOW_ERROR) check_icu(status, "UTF-8 to UTF-16");
  std::u16string out(static_cast<std::size_t>(n), u'\0');
  status = U_ZERO_ERROR;
  u_strFromUTF8(reinterpret_cast<UChar*>(out.data()), n, nullptr, s.data(), static_cast<int32_t>(s.size()), &status);
  check_icu(status, "UTF-8 to UTF-16");
  return out;
}

std::string to_utf8(const std::u16string& s) {
  UErrorCode status = U_ZERO_ERROR;
  int32_t n = 0;
  u_strToUTF8(nullptr, 0, &n, reinterpret_cast<const UChar*>(s.data()), static_cast<int32_t>(s.size()), &status);
  if (status != U_BUFFER_OVERFLOW_ERROR) check_icu(status, "UTF-16 to UTF-8");
  std::string out(static_cast<std::size_t>(n), '\0');
  status = U_ZERO_ERROR;
  u_strToUTF8(out.data(), n, nullptr, reinterpret_cast<const UChar*>(s.data()), static_cast<int32_t>(s.size()),
              &status);
  check_icu(status, "UTF-16 to UTF-8");
  return out;
}

// Where the crate's unicode-normalization tables (checked by sending every
// code point, and every canonical pair, through both) differ from ICU's:
// - 134 characters it gives no compatibility decomposition (U+32FF, U+A7F2,
//   ...; Unicode 12.1-15 additions), kept as they are by NFKC/NFKD;
// - U+11938 DIVES AKURU VOWEL SIGN O (Unicode 13), which it neither
//   decomposes (NFD/NFKD) nor composes from U+11935 U+11930 (NFC/NFKC).
// All are starters, so the text between them normalizes on its own.
bool kept_by_crate_compat(char32_t c) {
  return c == 0x32FF || (c >= 0xA7F2 && c <= 0xA7F4) || c == 0xAB69 || (c >= 0x10781 && c <= 0x10785) ||
         (c >= 0x10787 && c <= 0x107B0) || (c >= 0x107B2 && c <= 0x107BA) || (c >= 0x1E030 && c <= 0x1E06D) ||
         c == 0x1F16C || (c >= 0x1FBF0 && c <= 0x1FBF9);
}
constexpr char32_t kDivesAkuruO = 0x11938, kDivesAkuruE = 0x11935, kDivesAkuruAa = 0x11930;

class UnicodeNormalizer : public Normalizer {
 public:
  // ICU owns the instance; it lives for the process.
  explicit UnicodeNormalizer(const std::string& form) {
    UErrorCode status = U_ZERO_ERROR;
    compat_ = form == "NFKC" || form == "NFKD";
    decompose_ = form == "NFD" || form == "NFKD";
    if (form == "NFC")
      norm_ = unorm2_getNFCInstance(&status);
    else if (form == "NFD")
      norm_ = unorm2_getNFDInstance(&status);
    else if (form == "NFKC")
      norm_ = unorm2_getNFKCInstance(&status);
    else
      norm_ = unorm2_getNFKDInstance(&status);
    check_icu(status, ("getting the " + form + " instance").c_str());
  }
  void normalize(std::string& s) const override {
    // ASCII is invariant under all four forms.
    if (is_ascii(s)) return;
    // Cut the text where the crate's tables differ from ICU's (see above):
    // kept characters go through untouched, the rest part by part.
    std::string out;
    std::size_t start = 0, i = 0;
    char32_t previous = 0;
    bool cut = false;
    while (i < s.size()) {
      const std::size_t at = i;
      const char32_t c = next_code_point(s, i);
      const bool keep = (compat_ && kept_by_crate_compat(c)) || (decompose_ && c == kDivesAkuruO);
      const bool split_pair = !decompose_ && previous == kDivesAkuruE && c == kDivesAkuruAa;
      previous = c;
      if (!keep && !split_pair) continue;
      std::string part = s.substr(start, at - start);
      normalize_all(part);
      out += part;
      if (keep) {
        out.append(s, at, i - at);
        start = i;
      } else {
        start = at;
      }
      cut = true;
    }
    if (!cut) return normalize_all(s);
    std::string rest = s.substr(start);
    normalize_all(rest);
    s = out + rest;
  }

 private:
  void normalize_all(std::string& s) const {
    if (is_ascii(s)) return;
    const std::u16string in = to_utf16(s);
    UErrorCode status = U_ZERO_ERROR;
    const auto* src = reinterpret_cast<const UChar*>(in.data());
    const auto len = static_cast<int32_t>(in.size());
    if (unorm2_isNormalized(norm_, src, len, &status) && U_SUCCESS(status)) return;
    status = U_ZERO_ERROR;
    const int32_t n = unorm2_normalize(norm_, src, len, nullptr, 0, &status);
    if (status != U_BUFFER_OVERFLOW_ERROR) check_icu(status, "normalization");
    std::u16string out(static_cast<std::size_t>(n), u'\0');
    status = U_ZERO_ERROR;
    unorm2_normalize(norm_, src, len, reinterpret_cast<UChar*>(out.data()), n, &status);
    check_icu(status, "normalization");
    s = to_utf8(out);
  }

  const UNormalizer2* norm_ = nullptr;
  bool compat_ = false;
  bool decompose_ = false;
};

// Capital letters whose lowercase Rust's to_lowercase (Unicode 16) knows and
// ICU 72 (Unicode 15) does not: ICU leaves them as they are, so they are
// mapped after it. {first, last, offset to the lowercase letter}; found by
// sending every code point through both.
struct CaseRun {
  char32_t first, last;
  std::int32_t offset;
};
constexpr CaseRun kNewerLowercase[] = {{0x1C89, 0x1C89, 1},   {0xA7CB, 0xA7CB, -42343}, {0xA7CC, 0xA7CC, 1},
                                       {0xA7CE, 0xA7CE, 1},   {0xA7D2, 0xA7D2, 1},      {0xA7D4, 0xA7D4, 1},
                                       {0xA7DA, 0xA7DA, 1},   {0xA7DC, 0xA7DC, -42561}, {0x10D50, 0x10D65, 32},
                                       {0x16EA0, 0x16EB8, 27}};

void lower_newer_letters(std::string& s) {
  std::string out;
  std::size_t i = 0;
  bool changed = false;
  while (i < s.size()) {
    const std::size_t at = i;
    char32_t c = next_code_point(s, i);
    for (const CaseRun& r : kNewerLowercase)
      if (c >= r.first && c <= r.last) {
        c = static_cast<char32_t>(static_cast<std::int32_t>(c) + r.offset);
        changed = true;
        break;
      }
    if (changed)
      append_utf8(out, c);
    else
      out.append(s, at, i - at);
  }
  if (changed) s = std::move(out);
}

class Lowercase : public Normalizer {
 public:
  void normalize(std::string& s) const override {
    if (is_ascii(s)) {
      for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      return;
    }
    const std::u16string in = to_utf16(s);
    UErrorCode status = U_ZERO_ERROR;
    const auto* src = reinterpret_cast<const UChar*>(in.data());
    const auto len = static_cast<int32_t>(in.size());
    const int32_t n = u_strToLower(nullptr, 0, src, len, "", &status);
    if (status != U_BUFFER_OVERFLOW_ERROR) check_icu(status, "lowercasing");
    std::u16string out(static_cast<std::size_t>(n), u'\0');
    status = U_ZERO_ERROR;
    u_strToLower(reinterpret_cast<UChar*>(out.data()), n, src, len, "", &status);
    check_icu(status, "lowercasing");
    s = to_utf8(out);
    lower_newer_letters(s);
  }
};

class Prepend : public Normalizer {
 public:
  explicit Prepend(std::string p) : prefix_(std::move(p)) {}
  // Hugging Face leaves an empty string empty.
  void normalize(std::string& s) const override {
    if (!s.empty()) s.insert(0, prefix_);
  }

 private:
  std::string prefix_;
};

class Replace : public Normalizer {
 public:
  Replace(const Pattern& p, std::string content)
      : regex_(p.is_regex ? Regex(p.text) : Regex::literal(p.text)), content_(std::move(content)) {}
  void normalize(std::string& s) const override { s = regex_.replace_all(s, content_); }

 private:
  Regex regex_;
  std::string content_;
};

class Strip : public Normalizer {
 public:
  Strip(bool left, bool right) : left_(left), right_(right) {}
  void normalize(std::string& s) const override {
    std::size_t begin = 0, end = s.size();
    if (left_) {
      std::size_t i = 0;
      while (i < s.size()) {
        std::size_t j = i;
        if (!is_white_space(next_code_point(s, j))) break;
        i = j;
      }
      begin = i;
    }
    if (right_) {
      std::size_t keep = begin;  // end of the last non-space character
      std::size_t i = begin;
      while (i < s.size()) {
        const bool space = is_white_space(next_code_point(s, i));
        if (!space) keep = i;
      }
      end = keep;
    }
    s = s.substr(begin, end - begin);
  }

 private:
  bool left_, right_;
};

class Sequence : public Normalizer {
 public:
  explicit Sequence(std::vector<std::unique_ptr<Normalizer>> parts) : parts_(std::move(parts)) {}
  void normalize(std::string& s) const override {
    for (const auto& p : parts_) p->normalize(s);
  }

 private:
  std::vector<std::unique_ptr<Normalizer>> parts_;
};

}  // namespace

std::unique_ptr<Normalizer> make_normalizer(const nlohmann::json& j) {
  if (j.is_null()) return nullptr;
  const std::string type = component_type(j, "normalizer");
  if (type == "NFC" || type == "NFD" || type == "NFKC" || type == "NFKD")
    return std::make_unique<UnicodeNormalizer>(type);
  if (type == "Lowercase") return std::make_unique<Lowercase>();
  if (type == "Prepend") return std::make_unique<Prepend>(string_field(j, "prepend", ""));
  if (type == "Replace")
    return std::make_unique<Replace>(pattern_field(j, "Replace normalizer"), string_field(j, "content", ""));
  if (type == "Strip")
    return std::make_unique<Strip>(bool_field(j, "strip_left", true), bool_field(j, "strip_right", true));
  if (type == "Sequence") {
    if (!j.contains("normalizers") || !j["normalizers"].is_array())
      throw TokenizerError("normalizer Sequence has no \"normalizers\" array");
    std::vector<std::unique_ptr<Normalizer>> parts;
    for (const auto& p : j["normalizers"])
      if (auto n = make_normalizer(p)) parts.push_back(std::move(n));
    return std::make_unique<Sequence>(std::move(parts));
  }
  unsupported("normalizer", type, "NFC, NFD, NFKC, NFKD, Lowercase, Prepend, Replace, Strip, Sequence");
}

}  // namespace sweep::text
