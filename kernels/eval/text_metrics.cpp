// BIG-bench's text metrics; see text_metrics.hpp for whose code each follows.
#include "kernels/eval/text_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>

#include "text/regex.hpp"
#include "text/utf8.hpp"

namespace sweep {

std::string postprocess_generation(const std::string& text, const std::string& stop_string,
                                   const std::string& output_regex) {
  // A byte model may generate invalid UTF-8; BIG-bench's text is decoded
  // with replacement characters.
  std::string out = text::is_valid_utf8(text) ? text : text::repair_utf8(text);
  if (!stop_string.empty()) {
    const auto at = out.find(stop_string);
    if (at != std::string::npos && at > 0) out.resize(at + stop_string.size());
  }
  if (!output_regex.empty()) {
    const text::Regex re(output_regex);  // throws, naming the pattern, if it does not compile
    if (re.capture_count() > 1)  // BIG-bench asserts against this (re.findall returns tuples)
      throw std::runtime_error("output_regex \"" + output_regex +
                               "\": more than one capture group (use non-capturing groups (?:...))");
    const auto m = re.first_match(out, re.capture_count());
    return m ? out.substr(m->first, m->second - m->first) : "";
  }
  return out;
}

double exact_str_match(const std::string& prediction, const std::vector<std::string>& answers) {
  return std::find(answers.begin(), answers.end(), prediction) != answers.end() ? 1.0 : 0.0;
}

double multiple_choice_grade(const std::vector<double>& loglikelihoods, const std::vector<double>& choice_scores) {
  if (loglikelihoods.empty() || loglikelihoods.size() != choice_scores.size())
    throw std::invalid_argument("multiple_choice_grade: " + std::to_string(loglikelihoods.size()) +
                                " log-likelihoods for " + std::to_string(choice_scores.size()) + " choice scores");
  const auto best = std::max_element(loglikelihoods.begin(), loglikelihoods.end()) - loglikelihoods.begin();
  return choice_scores[static_cast<std::size_t>(best)];
}

namespace {

// One code point of a text and the Unicode classes the intl tokenizer asks about.
struct Char {
  std::string bytes;
  bool number = false, punct = false, symbol = false, space = false;
};

std::size_t utf8_length(unsigned char lead) {
  return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
}

std::vector<Char> chars_of(const std::string& raw) {
  const std::string text = text::is_valid_utf8(raw) ? raw : text::repair_utf8(raw);
  static const text::Regex number("\\p{N}"), punct("\\p{P}"), symbol("\\p{S}"), space("[\\s\\x{1c}-\\x{1f}]");
  std::vector<Char> chars;
  std::vector<std::size_t> index_of(text.size() + 1, 0);  // byte offset -> char index
  for (std::size_t b = 0; b < text.size();) {
    const std::size_t len = std::min(utf8_length(static_cast<unsigned char>(text[b])), text.size() - b);
    index_of[b] = chars.size();
    chars.push_back({text.substr(b, len)});
    b += len;
  }
  std::vector<std::pair<std::size_t, std::size_t>> hits;
  auto mark = [&](const text::Regex& re, bool Char::*flag) {
    hits.clear();
    re.find_all(text, hits);
    for (auto [b, e] : hits) chars[index_of[b]].*flag = true;
  };
  mark(number, &Char::number);
  mark(punct, &Char::punct);
  mark(symbol, &Char::symbol);
  mark(space, &Char::space);
  return chars;
}

// One regex substitution of a two-character pattern (first)(second), applied
// left to right without overlap as re.sub does; `emit` writes a match's output.
std::vector<Char> substitute_pairs(const std::vector<Char>& in, const std::function<bool(const Char&)>& first,
                                   const std::function<bool(const Char&)>& second,
                                   const std::function<void(std::vector<Char>&, const Char&, const Char&)>& emit) {
  std::vector<Char> out;
  std::size_t i = 0;
  for (; i + 1 < in.size(); ++i) {
    if (first(in[i]) && second(in[i + 1])) {
      emit(out, in[i], in[i + 1]);
      ++i;
    } else {
      out.push_back(in[i]);
    }
  }
  for (; i < in.size(); ++i) out.push_back(in[i]);
  return out;
}

const Char kSpace{" ", false, false, false, true};

void replace_all_of(std::string& line, const std::string& from, const std::string& to) {
  for (auto at = line.find(from); at != std::string::npos; at = line.find(from, at + to.size()))
    line.replace(at, from.size(), to);
}

// sacrebleu's unescaping of what an MT system's output may hold escaped.
std::string unescape(std::string line, bool apostrophe) {
  if (line.find('&') == std::string::npos) return line;
  replace_all_of(line, "&quot;", "\"");
  replace_all_of(line, "&amp;", "&");
  replace_all_of(line, "&lt;", "<");
  replace_all_of(line, "&gt;", ">");
  if (apostrophe) replace_all_of(line, "&apos;", "'");
  return line;
}

// ' '.join(line.split()) as a token list.
std::vector<std::string> whitespace_tokens(const std::vector<Char>& c) {
  std::vector<std::string> tokens;
  std::string cur;
  for (const Char& x : c) {
    if (!x.space) {
      cur += x.bytes;
    } else if (!cur.empty()) {
      tokens.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) tokens.push_back(cur);
  return tokens;
}

bool ascii_in(const Char& x, const char* set) {
  return x.bytes.size() == 1 && std::string_view(set).find(x.bytes[0]) != std::string_view::npos;
}
bool digit(const Char& x) { return x.bytes.size() == 1 && x.bytes[0] >= '0' && x.bytes[0] <= '9'; }

}  // namespace

std::vector<std::string> bleu_13a_tokens(const std::string& text) {
  std::string line = text;
  replace_all_of(line, "<skipped>", "");
  replace_all_of(line, "-\n", "");
  replace_all_of(line, "\n", " ");
  std::vector<Char> c = chars_of(" " + unescape(line, false) + " ");
  // ([\{-\~\[-\` -\&\(-\+\:-\@\/]) -> " \1 "
  std::vector<Char> spaced;
  for (const Char& x : c) {
    if (ascii_in(x, "{|}~[\\]^_` !\"#$%&()*+:;<=>?@/")) spaced.insert(spaced.end(), {kSpace, x, kSpace});
    else spaced.push_back(x);
  }
  auto period_comma = [](const Char& x) { return ascii_in(x, ".,"); };
  auto non_digit = [](const Char& x) { return !digit(x); };
  // ([^0-9])([\.,]) -> "\1 \2 "; ([\.,])([^0-9]) -> " \1 \2"; ([0-9])(-) -> "\1 \2 "
  spaced = substitute_pairs(spaced, non_digit, period_comma, [](std::vector<Char>& o, const Char& a, const Char& b) {
    o.insert(o.end(), {a, kSpace, b, kSpace});
  });
  spaced = substitute_pairs(spaced, period_comma, non_digit, [](std::vector<Char>& o, const Char& a, const Char& b) {
    o.insert(o.end(), {kSpace, a, kSpace, b});
  });
  spaced = substitute_pairs(spaced, digit, [](const Char& x) { return ascii_in(x, "-"); },
                            [](std::vector<Char>& o, const Char& a, const Char& b) {
                              o.insert(o.end(), {a, kSpace, b, kSpace});
                            });
  return whitespace_tokens(spaced);
}

std::vector<std::string> bleu_intl_tokens(const std::string& text) {
  std::vector<Char> c = chars_of(unescape(text, true));
  auto non_number = [](const Char& x) { return !x.number; };
  auto punct = [](const Char& x) { return x.punct; };
  // (\P{N})(\p{P}) -> "\1 \2 "
  c = substitute_pairs(c, non_number, punct, [](std::vector<Char>& o, const Char& a, const Char& b) {
    o.insert(o.end(), {a, kSpace, b, kSpace});
  });
  // (\p{P})(\P{N}) -> " \1 \2"
  c = substitute_pairs(c, punct, non_number, [](std::vector<Char>& o, const Char& a, const Char& b) {
    o.insert(o.end(), {kSpace, a, kSpace, b});
  });
  // (\p{S}) -> " \1 "
  std::vector<Char> spaced;
  for (const Char& x : c) {
    if (x.symbol) spaced.insert(spaced.end(), {kSpace, x, kSpace});
    else spaced.push_back(x);
  }
  return whitespace_tokens(spaced);
}

namespace {

using NgramCounts = std::map<std::vector<std::string>, int>;

NgramCounts ngrams(const std::vector<std::string>& tokens, std::size_t n) {
  NgramCounts out;
  for (std::size_t i = 0; i + n <= tokens.size(); ++i)
    ++out[std::vector<std::string>(tokens.begin() + static_cast<std::ptrdiff_t>(i),
                                   tokens.begin() + static_cast<std::ptrdiff_t>(i + n))];
  return out;
}

constexpr std::size_t kMaxOrder = 4;

}  // namespace

BleuStats& BleuStats::operator+=(const BleuStats& o) {
  for (std::size_t n = 0; n < kMaxOrder; ++n) correct[n] += o.correct[n], total[n] += o.total[n];
  sys_len += o.sys_len;
  ref_len += o.ref_len;
  return *this;
}

BleuStats bleu_stats(const std::string& hypothesis, const std::vector<std::string>& references,
                     BleuTokenizer tokenizer) {
  auto tokens = tokenizer == BleuTokenizer::Intl ? bleu_intl_tokens : bleu_13a_tokens;
  BleuStats st;
  const auto hyp = tokens(hypothesis);
  const double hyp_len = static_cast<double>(hyp.size());
  double closest = 0, closest_diff = -1;
  std::vector<std::vector<std::string>> refs;
  for (const auto& r : references) {
    refs.push_back(tokens(r));
    const double len = static_cast<double>(refs.back().size()), diff = std::abs(hyp_len - len);
    if (closest_diff < 0 || diff < closest_diff || (diff == closest_diff && len < closest))
      closest = len, closest_diff = diff;
  }
  st.sys_len = hyp_len;
  st.ref_len = closest;
  for (std::size_t n = 1; n <= kMaxOrder; ++n) {
    NgramCounts ref_max;
    for (const auto& r : refs)
      for (const auto& [g, k] : ngrams(r, n)) ref_max[g] = std::max(ref_max[g], k);
    for (const auto& [g, k] : ngrams(hyp, n)) {
      const auto it = ref_max.find(g);
      if (it != ref_max.end()) st.correct[n - 1] += std::min(k, it->second);
    }
    st.total[n - 1] = std::max(0.0, hyp_len - static_cast<double>(n) + 1);
  }
  return st;
}

double bleu_score(const BleuStats& c) {
  // sacrebleu's compute_bleu with smooth_method="exp", effective order off.
  double precisions[kMaxOrder] = {}, smooth = 1;
  for (std::size_t n = 0; n < kMaxOrder; ++n) {
    if (c.total[n] == 0) break;
    if (c.correct[n] == 0) {
      smooth *= 2;
      precisions[n] = 100.0 / (smooth * c.total[n]);
    } else {
      precisions[n] = 100.0 * c.correct[n] / c.total[n];
    }
  }
  const double bp = c.sys_len < c.ref_len ? (c.sys_len > 0 ? std::exp(1 - c.ref_len / c.sys_len) : 0.0) : 1.0;
  double log_sum = 0;
  for (double p : precisions) log_sum += p == 0 ? -9999999999.0 : std::log(p);  // sacrebleu's my_log
  return bp * std::exp(log_sum / static_cast<double>(kMaxOrder));
}

double corpus_bleu(const std::vector<std::string>& hypotheses, const std::vector<std::vector<std::string>>& references,
                   BleuTokenizer tokenizer) {
  if (hypotheses.size() != references.size())
    throw std::invalid_argument("corpus_bleu: " + std::to_string(hypotheses.size()) + " hypotheses for " +
                                std::to_string(references.size()) + " reference sets");
  BleuStats corpus;
  for (std::size_t s = 0; s < hypotheses.size(); ++s) corpus += bleu_stats(hypotheses[s], references[s], tokenizer);
  return bleu_score(corpus);
}

std::vector<std::string> rouge_tokens(const std::string& text) {
  std::vector<std::string> tokens;
  std::string cur;
  for (char ch : text) {
    const char c = (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      cur += c;
    } else if (!cur.empty()) {
      tokens.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) tokens.push_back(cur);
  return tokens;
}

namespace {

double fmeasure(double precision, double recall) {
  return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
}

double rouge_n(const std::vector<std::string>& target, const std::vector<std::string>& prediction, std::size_t n) {
  const NgramCounts t = ngrams(target, n), p = ngrams(prediction, n);
  double overlap = 0, t_count = 0, p_count = 0;
  for (const auto& [g, k] : t) {
    t_count += k;
    const auto it = p.find(g);
    if (it != p.end()) overlap += std::min(k, it->second);
  }
  for (const auto& [g, k] : p) p_count += k;
  return fmeasure(overlap / std::max(p_count, 1.0), overlap / std::max(t_count, 1.0));
}

// The indices into `ref` of an LCS of ref and can, as rouge_score's
// _backtrack_norec walks its table.
std::vector<std::size_t> lcs_indices(const std::vector<std::string>& ref, const std::vector<std::string>& can) {
  const std::size_t R = ref.size(), C = can.size();
  std::vector<std::vector<int>> t(R + 1, std::vector<int>(C + 1, 0));
  for (std::size_t i = 1; i <= R; ++i)
    for (std::size_t j = 1; j <= C; ++j)
      t[i][j] = ref[i - 1] == can[j - 1] ? t[i - 1][j - 1] + 1 : std::max(t[i - 1][j], t[i][j - 1]);
  std::vector<std::size_t> out;
  std::size_t i = R, j = C;
  while (i > 0 && j > 0) {
    if (ref[i - 1] == can[j - 1]) {
      out.push_back(i - 1);
      --i, --j;
    } else if (t[i][j - 1] > t[i - 1][j]) {
      --j;
    } else {
      --i;
    }
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<std::vector<std::string>> sentence_tokens(const std::string& text) {
  std::vector<std::vector<std::string>> out;
  std::size_t from = 0;
  while (from <= text.size()) {
    const auto nl = std::min(text.find('\n', from), text.size());
    if (nl > from) out.push_back(rouge_tokens(text.substr(from, nl - from)));  // empty sentences are dropped
    from = nl + 1;
  }
  return out;
}

// rouge_score's _summary_level_lcs: union LCS of each reference sentence with
// every candidate sentence, each token counted at most as often as it occurs.
double rouge_lsum(const std::string& target, const std::string& prediction) {
  const auto ref = sentence_tokens(target), can = sentence_tokens(prediction);
  double m = 0, n = 0;
  std::map<std::string, int> ref_counts, can_counts;
  for (const auto& s : ref)
    for (const auto& w : s) ++ref_counts[w], ++m;
  for (const auto& s : can)
    for (const auto& w : s) ++can_counts[w], ++n;
  if (m == 0 || n == 0) return 0.0;
  double hits = 0;
  for (const auto& r : ref) {
    std::set<std::size_t> joined;
    for (const auto& c : can)
      for (std::size_t i : lcs_indices(r, c)) joined.insert(i);
    for (std::size_t i : joined) {
      const std::string& w = r[i];
      if (can_counts[w] > 0 && ref_counts[w] > 0) {
        ++hits;
        --can_counts[w];
        --ref_counts[w];
      }
    }
  }
  return fmeasure(hits / n, hits / m);
}

// t5's _prepare_summary: sentence ends become newlines for rougeLsum.
std::string prepare_summary(std::string s) {
  for (std::size_t at = s.find(" . "); at != std::string::npos; at = s.find(" . ", at + 3)) s.replace(at, 3, " .\n");
  return s;
}

}  // namespace

RougeScores rouge_pair(const std::string& target, const std::string& prediction) {
  const std::string t = prepare_summary(target), p = prepare_summary(prediction);
  const auto tt = rouge_tokens(t), pt = rouge_tokens(p);
  return {rouge_n(tt, pt, 1), rouge_n(tt, pt, 2), rouge_lsum(t, p)};
}

RougeScores rouge_best(const std::vector<std::string>& references, const std::string& prediction) {
  RougeScores best;
  for (const auto& r : references) {
    const RougeScores s = rouge_pair(r, prediction);
    best.rouge1 = std::max(best.rouge1, s.rouge1);
    best.rouge2 = std::max(best.rouge2, s.rouge2);
    best.rougeLsum = std::max(best.rougeLsum, s.rougeLsum);
  }
  return {100 * best.rouge1, 100 * best.rouge2, 100 * best.rougeLsum};
}

}  // namespace sweep
