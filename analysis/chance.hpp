// Is a score above chance? Metric kinds and the binomial (Wilson) test.
#pragma once

#include <cstdint>
#include <string>

namespace sweep::analysis {

// Accuracy-like metrics are fractions of examples answered right (binomial
// counts): exact_match, acc, acc_norm, accuracy, and BIG-bench's
// exact_str_match and multiple_choice_grade (a mean of option scores in
// [0, 1], 0/1 for most tasks).
bool accuracy_like(const std::string& metric);
// The full range of a metric, so that an absolute effect size (VerdictOptions::
// min_effect, given on a 0-1 scale) means the same share of it: 100 for
// BIG-bench's bleu, rouge1, rouge2 and rougeLsum (reported 0-100), else 1.
double metric_scale(const std::string& metric);
// Metrics where smaller is better (losses, edit distance, Brier score,
// perplexity); verdicts orient them so that "positive" means improving.
bool lower_is_better(const std::string& metric);

struct WilsonInterval {
  double lo = 0, hi = 1;
};
// Wilson score interval for k successes in n trials at normal quantile z.
WilsonInterval wilson_interval(double k, double n, double z);

// One-sided 95%: z = 1.645. With n = 100 and p0 = 0.25, 33 correct is the
// smallest count whose Wilson lower bound exceeds p0 (as the exact binomial
// test's p < 0.05 cut-off).
constexpr double kOneSidedZ95 = 1.645;

struct ChanceTest {
  bool significant = false;  // statistically above the baseline
  bool clearly = false;      // significant and at least min_effect above it
};

// Above-chance test of one score `value` against baseline p0:
// - with n > 0 examples of an accuracy-like metric: the Wilson lower bound of
//   round(value * n) successes in n trials exceeds p0 (for exact match with
//   p0 = 0 that is: at least one example right);
// - otherwise with a standard error > 0: (value - p0) / stderr > z;
// - otherwise: value - p0 >= min_effect.
// `value` and `p0` are oriented (higher is better).
ChanceTest above_chance(double value, double p0, double std_err, std::int64_t n, bool binomial, double min_effect,
                        double z = kOneSidedZ95);

}  // namespace sweep::analysis
