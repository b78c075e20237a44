// PCRE2 behind text/regex.hpp: compiled once per tokenizer component, matched
// with per-thread match data so const tokenizers can be shared by threads.
#define PCRE2_CODE_UNIT_WIDTH 8
#include "text/regex.hpp"

#include <pcre2.h>

#include "text/tokenizer.hpp"
#include "text/utf8.hpp"

namespace sweep::text {
namespace {

std::string pcre2_message(int code) {
  PCRE2_UCHAR buf[256];
  if (pcre2_get_error_message(code, buf, sizeof buf) < 0) return "PCRE2 error " + std::to_string(code);
  return reinterpret_cast<const char*>(buf);
}

// Oniguruma's Unicode \s is exactly the White_Space property. PCRE2's
// differs at the edges (it lacks U+0085 and keeps U+180E, White_Space until
// Unicode 6.3), so \s and \S are spelled out as that list. Everything else
// the tokenizer.json patterns use reads the same in both.
const char* const kWhiteSpace =
    "\\t\\n\\x{0b}\\f\\r\\x20\\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}";

// Letters and numbers Oniguruma's tables (Unicode 16, in tokenizers 0.23)
// have and PCRE2 10.42's (Unicode 14) lack: new scripts, CJK extensions H
// and I. Found by matching every code point with both (the other direction
// is empty); appended to \p{L} and \p{N} so both engines agree.
const char* const kNewLetters =
    "\\x{1c89}-\\x{1c8a}\\x{a7cb}-\\x{a7cd}\\x{a7da}-\\x{a7dc}\\x{105c0}-\\x{105f3}\\x{10d4a}-\\x{10d65}"
    "\\x{10d6f}-\\x{10d85}\\x{10ec2}-\\x{10ec4}\\x{1123f}-\\x{11240}\\x{11380}-\\x{11389}\\x{1138b}\\x{1138e}"
    "\\x{11390}-\\x{113b5}\\x{113b7}\\x{113d1}\\x{113d3}\\x{11bc0}-\\x{11be0}\\x{11f02}\\x{11f04}-\\x{11f10}"
    "\\x{11f12}-\\x{11f33}\\x{1342f}\\x{13441}-\\x{13446}\\x{13460}-\\x{143fa}\\x{16100}-\\x{1611d}"
    "\\x{16d40}-\\x{16d6c}\\x{18cff}\\x{1b132}\\x{1b155}\\x{1df25}-\\x{1df2a}\\x{1e030}-\\x{1e06d}"
    "\\x{1e4d0}-\\x{1e4eb}\\x{1e5d0}-\\x{1e5ed}\\x{1e5f0}\\x{2b739}\\x{2ebf0}-\\x{2ee5d}\\x{31350}-\\x{323af}";
const char* const kNewNumbers =
    "\\x{10d40}-\\x{10d49}\\x{116d0}-\\x{116e3}\\x{11bf0}-\\x{11bf9}\\x{11f50}-\\x{11f59}\\x{16130}-\\x{16139}"
    "\\x{16d70}-\\x{16d79}\\x{1ccf0}-\\x{1ccf9}\\x{1d2c0}-\\x{1d2d3}\\x{1e4f0}-\\x{1e4f9}\\x{1e5f1}-\\x{1e5fa}";

// Oniguruma's \\d is Nd (PCRE2 agrees but for the newer digits, all of
// kNewNumbers but the Kaktovik numerals, which are No); its \\w is letters,
// marks, Nd and connector punctuation, where PCRE2 10.42 has L, N and "_".
const char* const kNewDigits =
    "\\x{10d40}-\\x{10d49}\\x{116d0}-\\x{116e3}\\x{11bf0}-\\x{11bf9}\\x{11f50}-\\x{11f59}\\x{16130}-\\x{16139}"
    "\\x{16d70}-\\x{16d79}\\x{1ccf0}-\\x{1ccf9}\\x{1e4f0}-\\x{1e4f9}\\x{1e5f1}-\\x{1e5fa}";

// The rest of Oniguruma's \\w beyond L, M, Nd and Pc (letter numbers,
// circled and squared letters, newer marks and letters), found by sending
// every code point through both engines.
const char* const kWordExtra =
    "\\x{b2}-\\x{b3}\\x{b9}\\x{bc}-\\x{be}\\x{897}\\x{cf3}\\x{ece}\\x{16ee}-\\x{16f0}\\x{2160}-\\x{2182}"
    "\\x{2185}-\\x{2188}\\x{24b6}-\\x{24e9}\\x{3007}\\x{3021}-\\x{3029}\\x{3038}-\\x{303a}\\x{a6e6}-"
    "\\x{a6ef}\\x{10140}-\\x{10174}\\x{10341}\\x{1034a}\\x{103d1}-\\x{103d5}\\x{10d69}-\\x{10d6d}"
    "\\x{10efc}-\\x{10eff}\\x{11241}\\x{113b8}-\\x{113c0}\\x{113c2}\\x{113c5}\\x{113c7}-\\x{113ca}"
    "\\x{113cc}-\\x{113d0}\\x{113d2}\\x{113e1}-\\x{113e2}\\x{11f00}-\\x{11f01}\\x{11f03}\\x{11f34}-"
    "\\x{11f3a}\\x{11f3e}-\\x{11f42}\\x{11f5a}\\x{12400}-\\x{1246e}\\x{13440}\\x{13447}-\\x{13455}"
    "\\x{1611e}-\\x{1612f}\\x{1e08f}\\x{1e4ec}-\\x{1e4ef}\\x{1e5ee}-\\x{1e5ef}\\x{1f130}-\\x{1f149}"
    "\\x{1f150}-\\x{1f169}\\x{1f170}-\\x{1f189}";

std::string onig_to_pcre2(const std::string& p) {
  std::string out;
  bool in_class = false;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      const char e = p[i + 1];
      ++i;
      if ((e == 'p' || e == 'P') && (p.compare(i + 1, 3, "{L}") == 0 || p.compare(i + 1, 3, "{N}") == 0) &&
          (e == 'p' || !in_class)) {
        const std::string members =
            std::string("\\p{") + p[i + 2] + "}" + (p[i + 2] == 'L' ? kNewLetters : kNewNumbers);
        out += in_class ? members : (e == 'p' ? "[" : "[^") + members + "]";
        i += 3;
        continue;
      }
      if (e == 'd' || e == 'D' || e == 'w' || e == 'W') {
        const bool digit = e == 'd' || e == 'D', negated = e == 'D' || e == 'W';
        const std::string members =
            digit ? std::string("\\p{Nd}") + kNewDigits
                  : std::string("\\p{L}\\p{M}\\p{Nd}\\p{Pc}") + kNewLetters + kNewDigits + kWordExtra;
        if (!in_class) {
          out += (negated ? "[^" : "[") + members + "]";
          continue;
        }
        if (!negated) {
          out += members;
          continue;
        }
      }
      if (e == 's') {
        out += in_class ? std::string(kWhiteSpace) : "[" + std::string(kWhiteSpace) + "]";
      } else if (e == 'S' && !in_class) {
        out += "[^" + std::string(kWhiteSpace) + "]";
      } else {
        out += '\\';
        out += e;
      }
      continue;
    }
    if (c == '[' && !in_class) {
      in_class = true;
      out += c;
      // A ']' right after '[' or '[^' is a member, not the end.
      if (i + 1 < p.size() && p[i + 1] == '^') out += p[++i];
      if (i + 1 < p.size() && p[i + 1] == ']') out += p[++i];
      continue;
    }
    if (c == ']' && in_class) in_class = false;
    out += c;
  }
  return out;
}

// Per-thread scratch for matching: match data and a JIT stack large enough
// for long runs of whitespace or letters.
struct MatchScratch {
  pcre2_match_data* data = nullptr;
  pcre2_match_context* context = nullptr;
  pcre2_jit_stack* stack = nullptr;
  MatchScratch() {
    data = pcre2_match_data_create(4, nullptr);
    context = pcre2_match_context_create(nullptr);
    stack = pcre2_jit_stack_create(32 * 1024, 4 * 1024 * 1024, nullptr);
    if (!data || !context || !stack) throw TokenizerError("PCRE2: out of memory for match data");
    pcre2_jit_stack_assign(context, nullptr, stack);
  }
  ~MatchScratch() {
    pcre2_jit_stack_free(stack);
    pcre2_match_context_free(context);
    pcre2_match_data_free(data);
  }
  MatchScratch(const MatchScratch&) = delete;
  MatchScratch& operator=(const MatchScratch&) = delete;
};

MatchScratch& scratch() {
  thread_local MatchScratch s;
  return s;
}

}  // namespace

struct Regex::Code {
  pcre2_code* code = nullptr;
  ~Code() { pcre2_code_free(code); }
};

Regex::Regex(const std::string& pattern) : code_(std::make_unique<Code>()) {
  const std::string translated = onig_to_pcre2(pattern);
  int err = 0;
  PCRE2_SIZE offset = 0;
  code_->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated.data()), translated.size(),
                              PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK, &err, &offset, nullptr);
  if (!code_->code)
    throw TokenizerError("regex \"" + pattern + "\" does not compile at offset " + std::to_string(offset) + ": " +
                         pcre2_message(err));
  // JIT is an optimization only: without it (e.g. no executable memory)
  // pcre2_match interprets the same pattern.
  (void)pcre2_jit_compile(code_->code, PCRE2_JIT_COMPLETE);
}

Regex Regex::literal(std::string_view literal) {
  std::string quoted = "\\Q";
  // \Q...\E cannot hold "\E"; split around each occurrence.
  for (std::size_t i = 0; i < literal.size(); ++i) {
    if (literal[i] == '\\' && i + 1 < literal.size() && literal[i + 1] == 'E') {
      quoted += "\\E\\\\\\Q";
      continue;
    }
    quoted += literal[i];
  }
  quoted += "\\E";
  return Regex(quoted);
}

Regex::~Regex() = default;
Regex::Regex(Regex&&) noexcept = default;
Regex& Regex::operator=(Regex&&) noexcept = default;

void Regex::find_all(std::string_view subject, std::vector<std::pair<std::size_t, std::size_t>>& out) const {
  MatchScratch& s = scratch();
  const auto* subj = reinterpret_cast<PCRE2_SPTR>(subject.data());
  std::size_t start = 0;
  while (start <= subject.size()) {
    const int rc = pcre2_match(code_->code, subj, subject.size(), start, PCRE2_NO_UTF_CHECK, s.data, s.context);
    if (rc == PCRE2_ERROR_NOMATCH) break;
    if (rc < 0) throw TokenizerError("regex match failed: " + pcre2_message(rc));
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(s.data);
    out.emplace_back(ov[0], ov[1]);
    if (ov[1] > ov[0]) {
      start = ov[1];
    } else {
      if (ov[0] >= subject.size()) break;
      start = ov[0] + utf8_length(static_cast<unsigned char>(subject[ov[0]]));
    }
  }
}

std::optional<std::pair<std::size_t, std::size_t>> Regex::first_match(std::string_view subject, int group) const {
  if (group < 0 || group > 3 || group > capture_count())
    throw TokenizerError("regex has no capture group " + std::to_string(group));
  MatchScratch& s = scratch();
  const int rc = pcre2_match(code_->code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), 0,
                             PCRE2_NO_UTF_CHECK, s.data, s.context);
  if (rc == PCRE2_ERROR_NOMATCH) return std::nullopt;
  if (rc < 0) throw TokenizerError("regex match failed: " + pcre2_message(rc));
  const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(s.data);
  const auto g = static_cast<std::size_t>(group);
  if (ov[2 * g] == PCRE2_UNSET) return std::make_pair(ov[0], ov[0]);
  return std::make_pair(ov[2 * g], ov[2 * g + 1]);
}

int Regex::capture_count() const {
  std::uint32_t n = 0;
  pcre2_pattern_info(code_->code, PCRE2_INFO_CAPTURECOUNT, &n);
  return static_cast<int>(n);
}

std::string Regex::replace_all(std::string_view subject, std::string_view replacement) const {
  std::vector<std::pair<std::size_t, std::size_t>> matches;
  find_all(subject, matches);
  std::string out;
  std::size_t prev = 0;
  for (auto [b, e] : matches) {
    out.append(subject.substr(prev, b - prev));
    out.append(replacement);
    prev = e;
  }
  out.append(subject.substr(prev));
  return out;
}

}  // namespace sweep::text
