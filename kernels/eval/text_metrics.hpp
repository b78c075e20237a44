// BIG-bench's metrics for task files, as pure functions of text (no torch), so
// each is checked against BIG-bench's own reference code's numbers:
//   - postprocessing and exact_str_match: bigbench/api/task_metrics.py and
//     util.py (postprocess_output, exact_str_match_fn, multiple_choice_grade);
//   - bleu: BIG-bench's bleu_fn calls t5.evaluation.metrics.bleu, i.e.
//     sacrebleu.corpus_bleu(smooth_method="exp", lowercase=False,
//     tokenize="intl" (t5's default, not 13a), use_effective_order=False),
//     every example's accepted answers its references; scale 0-100;
//   - rouge1/rouge2/rougeLsum: BIG-bench's rouge_fn picks, per example and
//     rouge type, the reference with the best score, then t5's rouge: " . "
//     becomes " .\n" in both texts, rouge_score's RougeScorer (no stemmer), the
//     F-measure times 100 (0-100, as BIG-bench reports it). t5 aggregates with
//     rouge_score's BootstrapAggregator (the median of 1000 random resample
//     means); here the plain mean over examples, the value those resamples
//     centre on, so a point's score is deterministic.
#pragma once

#include <string>
#include <vector>

namespace sweep {

// A generation as BIG-bench grades it: cut after the first stop_string (kept,
// as BIG-bench keeps it; only when found past position 0, as BIG-bench's
// `index > 0`), then the first match of output_regex ("" when none matches;
// with one capture group, that group: Python's re.findall). Empty
// stop_string / output_regex: no cut. The regex is PCRE2's (text/regex.hpp),
// which reads Python's syntax (Unicode \d \w \s, (?:...), (?P<name>...),
// lookarounds). Invalid UTF-8 is first repaired (U+FFFD), as a decoder would.
std::string postprocess_generation(const std::string& text, const std::string& stop_string,
                                   const std::string& output_regex);

// 1 if `prediction` is one of `answers` exactly, else 0 (BIG-bench's
// `response in target`: no stripping, no case folding).
double exact_str_match(const std::string& prediction, const std::vector<std::string>& answers);

// The score of the option with the highest log-likelihood (ties to the lowest
// index): BIG-bench's target_scores[choice[argmax(log_prob)]].
double multiple_choice_grade(const std::vector<double>& loglikelihoods, const std::vector<double>& choice_scores);

// sacrebleu's "intl" tokenization (TokenizerV14International, sacrebleu 2.x:
// the HTML escapes of " & < > ' are first undone): a punctuation
// mark after a non-digit or before a non-digit, and every symbol, is split
// off; whitespace runs collapse.
std::vector<std::string> bleu_intl_tokens(const std::string& text);
// sacrebleu's default "13a" tokenization (mteval-v13a): ASCII punctuation
// split off, a period or comma unless between digits, a dash after a digit.
// Not what BIG-bench uses; here so that sacrebleu's published scores (13a)
// check the BLEU arithmetic.
std::vector<std::string> bleu_13a_tokens(const std::string& text);
enum class BleuTokenizer { Intl, Thirteen_a };

// One hypothesis's share of sacrebleu's corpus statistics: clipped n-gram
// matches (n <= 4) against the per-n-gram maximum over its references, its
// n-gram counts, its length and its closest reference's (ties to the shorter).
// Corpus statistics are their sums, so a point's ranks can add theirs.
struct BleuStats {
  double correct[4] = {}, total[4] = {};
  double sys_len = 0, ref_len = 0;
  BleuStats& operator+=(const BleuStats& o);
};
BleuStats bleu_stats(const std::string& hypothesis, const std::vector<std::string>& references,
                     BleuTokenizer tokenizer = BleuTokenizer::Intl);
// BLEU (0-100) from corpus statistics: "exp" smoothing of zero-match orders
// (each halves the previous smoothing), brevity penalty, no effective order.
double bleu_score(const BleuStats& corpus);
// Corpus BLEU (0-100) of hypotheses against each one's references.
double corpus_bleu(const std::vector<std::string>& hypotheses, const std::vector<std::vector<std::string>>& references,
                   BleuTokenizer tokenizer = BleuTokenizer::Intl);

// rouge_score's default tokenization: lowercase, every run outside [a-z0-9]
// a separator (so non-ASCII letters are dropped).
std::vector<std::string> rouge_tokens(const std::string& text);

struct RougeScores {
  double rouge1 = 0, rouge2 = 0, rougeLsum = 0;  // F-measures
};
// One target/prediction pair's F-measures in [0, 1] (after t5's " . " ->
// " .\n"); rougeLsum is the summary-level LCS over newline-separated sentences.
RougeScores rouge_pair(const std::string& target, const std::string& prediction);
// Each type's best F-measure over `references`, times 100.
RougeScores rouge_best(const std::vector<std::string>& references, const std::string& prediction);

}  // namespace sweep
